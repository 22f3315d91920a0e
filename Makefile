# Engage: `make run` serves the demo, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 3
export FLASK_APP := app:create_app
# A throwaway PostgreSQL database per test run is created next to this one.
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test lint typecheck test-sqlite test-postgres migrate seed clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(BIN)/flask db upgrade
	$(BIN)/flask engage rebuild-rollups --if-empty

seed: migrate
	$(BIN)/flask engage seed-demo --if-empty

run: seed
	@echo
	@echo "  Engage is starting at http://$(HOST):$(PORT)/"
	@echo "  Demo staff login (also in instance/demo-login.txt):"
	@sed 's/^/    /' instance/demo-login.txt 2>/dev/null || echo "    (none: the database was not empty)"
	@echo
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WORKERS) "app:create_app()"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

test-sqlite: venv
	$(BIN)/pytest

test-postgres: venv
	@if $(BIN)/python tests/pg_probe.py "$(TEST_POSTGRES_URL)"; then \
		ENGAGE_TEST_DATABASE=postgresql TEST_POSTGRES_URL="$(TEST_POSTGRES_URL)" $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL); CI requires it." >&2; exit 1; \
	else \
		echo; echo "*** SKIPPED the PostgreSQL run: nothing reachable at $(TEST_POSTGRES_URL)."; \
		echo "*** Set TEST_POSTGRES_URL or start PostgreSQL to run it."; echo; \
	fi

test: lint typecheck test-sqlite test-postgres

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
