"""The JSON API's endpoints under ``/api/v1`` (flask-smorest, OpenAPI 3).

Every call authenticates with ``Authorization: Bearer <key>`` (never a cookie, so no
CSRF token is involved) and needs the scope its operation names. The views only parse,
call ``engage.api``'s domain modules and answer; errors are JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import request
from flask_smorest import Blueprint, abort
from marshmallow import RAISE
from sqlalchemy.exc import IntegrityError

from engage.analysis.trends import Period
from engage.api import feedback, measurements, series
from engage.api.auth import (
    authenticate,
    current_key,
    rate_limit,
    rate_limit_key,
    require_scope,
)
from engage.api.schemas import (
    MAX_ID,
    AgreementDetail,
    AgreementPage,
    ComplianceArgs,
    ComplianceOut,
    CustomerPage,
    FeedbackBatchIn,
    FeedbackOut,
    MeasurementsIn,
    MeasurementsOut,
    PageArgs,
    PerceptionArgs,
    PerceptionOut,
)
from engage.extensions import csrf, db, limiter
from engage.models import Agreement, ApiScope, utcnow

F = TypeVar("F", bound=Callable[..., Any])
blp = Blueprint(
    "api_v1",
    __name__,
    url_prefix="/api/v1",
    description="Customers, agreements, perception and compliance; pushes of "
    "measurements and feedback.",
)
# Bearer keys only, never a cookie: no CSRF token to check (SECURITY.md case 21).
csrf.exempt(blp)
# One bucket per key (its shown prefix), sized by API_RATE_LIMIT.
limiter.limit(rate_limit, key_func=rate_limit_key)(blp)
#: The methods that carry a JSON body; anything else there is a 415.
BODY_METHODS = {"POST", "PUT", "PATCH"}
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "schema": {"type": "string", "minLength": 8, "maxLength": 200},
    "description": "A unique value per logical request, such as a UUID. A retry "
    "with the same key and body gets the first answer; with another body, 422.",
}


def _documented(view: F) -> F:
    """The bearer scheme and the answers every operation may give, in the spec."""
    view = blp.alt_response(401, description="No key, or unknown or revoked.")(view)
    view = blp.alt_response(403, description="The key lacks the scope.")(view)
    view = blp.alt_response(429, description="Too many calls with this key.")(view)
    return cast(F, blp.doc(security=SECURITY)(view))


@blp.before_request
def _authenticate() -> None:
    authenticate()
    if request.method in BODY_METHODS and request.mimetype != "application/json":
        abort(415, message="Send the body as application/json.")


def _errors(errors: dict[int, list[str]]) -> None:
    """422 naming each bad item's problems; nothing was stored."""
    db.session.rollback()
    abort(
        422,
        message="Nothing was stored: correct the items listed and send them again.",
        errors={"json": {"items": {str(i): p for i, p in sorted(errors.items())}}},
    )


def _agreement(agreement_id: int) -> Agreement:
    found = db.session.get(Agreement, agreement_id) if agreement_id <= MAX_ID else None
    if found is None:
        abort(404, message=f"Agreement {agreement_id} does not exist.")
    assert found is not None
    return found


# Scopes are checked before the arguments are parsed: a key without the scope
# learns nothing from validation errors.
@blp.get("/customers")
@require_scope(ApiScope.READ)
@blp.arguments(PageArgs, location="query", unknown=RAISE)
@blp.response(200, CustomerPage)
@_documented
def customers(args: dict[str, Any]) -> dict[str, Any]:
    """Customers and departments, by name (scope: read)."""
    return series.customers_page(args["page"], args["per_page"])


@blp.get("/agreements")
@require_scope(ApiScope.READ)
@blp.arguments(PageArgs, location="query", unknown=RAISE)
@blp.response(200, AgreementPage)
@_documented
def agreements(args: dict[str, Any]) -> dict[str, Any]:
    """Agreements at every level, by name (scope: read)."""
    return series.agreements_page(args["page"], args["per_page"])


@blp.get("/agreements/<int:agreement_id>")
@require_scope(ApiScope.READ)
@blp.response(200, AgreementDetail)
@blp.alt_response(404, description="No such agreement.")
@_documented
def agreement(agreement_id: int) -> dict[str, Any]:
    """One agreement with its clauses in force.

    Scope: read. The objective ids are those measurements are pushed for.
    """
    return series.agreement_detail(_agreement(agreement_id))


@blp.get("/agreements/<int:agreement_id>/perception")
@require_scope(ApiScope.READ)
@blp.arguments(PerceptionArgs, location="query", unknown=RAISE)
@blp.response(200, PerceptionOut)
@blp.alt_response(404, description="No such agreement.")
@_documented
def perception(args: dict[str, Any], agreement_id: int) -> dict[str, Any]:
    """Perception per week, month or quarter, with n and 95 % intervals.

    Scope: read. Values below the minimum n are null, as on the SLA page.
    """
    found = _agreement(agreement_id)
    return series.perception(found, Period(args["period"]), args["months"])


@blp.get("/agreements/<int:agreement_id>/compliance")
@require_scope(ApiScope.READ)
@blp.arguments(ComplianceArgs, location="query", unknown=RAISE)
@blp.response(200, ComplianceOut)
@blp.alt_response(404, description="No such agreement.")
@_documented
def compliance(args: dict[str, Any], agreement_id: int) -> dict[str, Any]:
    """Per month and clause: the target in force, the value and whether it met.

    Scope: read.
    """
    return series.compliance(_agreement(agreement_id), args["months"])


@blp.post("/measurements")
@require_scope(ApiScope.MEASUREMENTS)
@blp.arguments(MeasurementsIn)
@blp.response(200, MeasurementsOut)
@blp.alt_response(409, description="A concurrent change; nothing was stored.")
@_documented
def push_measurements(body: dict[str, Any]) -> dict[str, Any]:
    """Record measurements; a month recorded already is updated.

    Scope: measurements:write.
    The form's checks apply to every item; if any item fails, nothing is stored and
    the 422 lists each item's problems.
    """
    key = current_key()
    checked = measurements.check_items(body["items"], utcnow().date())
    if checked.errors:
        _errors(checked.errors)
    try:
        result = measurements.record_items(checked, key)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, message="A concurrent push changed these months; send it again.")
    return result


@blp.post("/feedback")
@require_scope(ApiScope.FEEDBACK)
@blp.arguments(FeedbackBatchIn)
@blp.response(201, FeedbackOut)
@blp.alt_response(400, description="The Idempotency-Key header is missing.")
@blp.alt_response(409, description="A request with this key is still running.")
@_documented
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def push_feedback(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Store comments and CSAT scores, at most once per Idempotency-Key.

    Scope: feedback:write.
    Items are checked as the CSV import checks rows; if any fails, nothing is stored.
    """
    key = current_key()
    try:
        idempotency_key = feedback.check_idempotency_key(
            request.headers.get("Idempotency-Key")
        )
    except feedback.IdempotencyKeyError as error:
        abort(400, message=str(error))
    checked = feedback.check_items(body["items"], key, idempotency_key, utcnow().date())
    if checked.errors:
        _errors(checked.errors)
    state, stored = feedback.compare(checked.rows, key, idempotency_key)
    if state is feedback.Replay.SAME:
        return (
            feedback.answer(checked.rows, stored),
            201,
            {"Idempotent-Replayed": "true"},
        )
    if state is feedback.Replay.CONFLICT:
        _conflict()
    skipped = feedback.store(checked.rows)
    if skipped:
        # Another request with this key stored them between our check and insert.
        db.session.rollback()
        state, stored = feedback.compare(checked.rows, key, idempotency_key)
        if state is not feedback.Replay.SAME:
            abort(409, message="A request with this Idempotency-Key is running.")
        return (
            feedback.answer(checked.rows, stored),
            201,
            {"Idempotent-Replayed": "true"},
        )
    feedback.audit_push(key, checked.rows, idempotency_key)
    db.session.commit()
    stored = feedback.stored_rows(checked.rows)
    return feedback.answer(checked.rows, stored), 201, {}


def _conflict() -> None:
    db.session.rollback()
    abort(
        422,
        message="This Idempotency-Key was used with a different request body; "
        "use a new key for a new request.",
    )
