"""The OpenAPI document and the docs page, which loads nothing from outside."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient


def test_openapi_document(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"] == "3.0.3"
    assert spec["info"]["title"] == "Engage API"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    paths = set(spec["paths"])
    assert {
        "/api/v1/customers",
        "/api/v1/agreements",
        "/api/v1/agreements/{agreement_id}/perception",
        "/api/v1/agreements/{agreement_id}/compliance",
        "/api/v1/measurements",
        "/api/v1/feedback",
    } <= paths
    feedback = spec["paths"]["/api/v1/feedback"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in feedback["parameters"])
    assert feedback["security"] == [{"bearerAuth": []}]


def test_docs_page_renders_the_spec_and_loads_nothing_from_outside(
    app: Flask, client: FlaskClient
) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "POST /api/v1/measurements" in page
    assert "Idempotency-Key" in page
    assert "Authorization: Bearer" in page
    assert "objective_id" in page  # request schemas are rendered
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith(("/", "#")), url
    assert "'self'" in response.headers["Content-Security-Policy"]
    # flask-smorest's CDN pages are not enabled.
    assert client.get("/api/v1/swagger-ui").status_code == 404
    assert client.get("/api/v1/redoc").status_code == 404
