"""Helpers for the JSON API tests."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class Caller:
    """A test client that sends a bearer key and JSON."""

    def __init__(self, client: FlaskClient, key: str | None) -> None:
        self.client, self.key = client, key

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(
            path, headers=self.headers(kw.pop("headers", None)), **kw
        )

    def post(self, path: str, body: Any, **kw: Any) -> TestResponse:
        return self.client.post(
            path, json=body, headers=self.headers(kw.pop("headers", None)), **kw
        )
