"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, inspect, select, text

from app import create_app
from engage.extensions import db
from engage.models import Aspect
from engage.models.base import render_migration_item
from engage.sla.aspects import DEFAULT_ASPECTS


def _diff() -> list[Any]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_item": render_migration_item}
        )
        return list(compare_metadata(context, db.metadata))


def test_migrations_match_models(empty_database_url: str, tmp_path: Any) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "SECRET_KEY": "x" * 40,
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    with app.app_context():
        upgrade()
        assert _diff() == []
        # The first migration seeds the default aspect list.
        names = db.session.scalars(select(Aspect.name).order_by(Aspect.position)).all()
        assert names == [name for name, _ in DEFAULT_ASPECTS]
        db.session.remove()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert db.session.scalar(select(func.count()).select_from(Aspect)) == len(
            DEFAULT_ASPECTS
        )
        db.session.remove()
        db.engine.dispose()


def test_sqlite_never_reuses_ids(empty_database_url: str, tmp_path: Any) -> None:
    """Ids are kept in version snapshots and the audit log: no reuse after a delete."""
    if not empty_database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL sequences never hand out an id twice")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "SECRET_KEY": "x" * 40,
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    with app.app_context():
        upgrade()
        newest = db.session.scalar(select(func.max(Aspect.id)))
        db.session.execute(delete(Aspect).where(Aspect.id == newest))
        db.session.add(Aspect(name="Sustainability"))
        db.session.commit()
        assert db.session.scalar(select(func.max(Aspect.id))) == (newest or 0) + 1
        tables = db.session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        ).all()
        for name, sql in tables:
            if name not in db.metadata.tables:
                continue
            key = list(db.metadata.tables[name].primary_key)
            # A key that is another table's id (perception_states) is never generated.
            if len(key) == 1 and not key[0].foreign_keys:
                assert "AUTOINCREMENT" in sql, name
        db.session.remove()
        db.engine.dispose()
