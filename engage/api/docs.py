"""``/api/v1/docs``: the OpenAPI document rendered by a plain template.

flask-smorest's Swagger UI and ReDoc pages load their scripts from a CDN; this page
loads nothing from outside (SECURITY.md case 14's rule, the issue's requirement).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")


def resolve(spec: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """``node`` with ``$ref``s to component schemas replaced by the schemas."""
    if depth > 8:
        return node
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            target: Any = spec
            for part in ref[2:].split("/"):
                target = target.get(part, {})
            return {"title": ref.rsplit("/", 1)[-1], **resolve(spec, target, depth + 1)}
        return {k: resolve(spec, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(spec, v, depth + 1) for v in node]
    return node


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of ``spec`` with its parameters, bodies and answers resolved."""
    out = []
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            out.append(
                {
                    "id": f"{method}-{path}".replace("/", "-").strip("-"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": resolve(
                        spec, shared + operation.get("parameters", [])
                    ),
                    "body": resolve(
                        spec, body.get("application/json", {}).get("schema")
                    ),
                    "responses": resolve(
                        spec, _by_code(operation.get("responses", {}))
                    ),
                    "security": bool(operation.get("security")),
                }
            )
    return out


def _by_code(responses: dict[str, Any]) -> dict[str, Any]:
    """Responses by status code, success first, ``default`` last."""
    return dict(sorted(responses.items(), key=lambda kv: (kv[0] == "default", kv[0])))


@bp.get("/docs")
def docs() -> str:
    from engage.api import current_api

    spec = current_api().spec.to_dict()
    return render_template(
        "engage/api/docs.html",
        spec=spec,
        operations=operations(spec),
        schemes=spec.get("components", {}).get("securitySchemes", {}),
    )
