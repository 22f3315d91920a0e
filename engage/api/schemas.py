"""Marshmallow schemas of the JSON API: what it accepts and what it answers.

They double as the OpenAPI document (flask-smorest reads them), so every bound a
check applies (lengths, ranges) is declared here and shows in the spec. Payloads hold
no password or key hashes, no internal notes and no contact emails (SECURITY.md 25).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from engage.imports.values import SCORE_MAX, SCORE_MIN, TEXT_MAX
from engage.sla.measurements import NOTE_MAX, parse_value

#: The largest id a path or body may name (both databases' 32-bit integer).
MAX_ID = 2**31 - 1
#: Items per push request: a short transaction, a clear 422 report.
MAX_ITEMS = 1000


class Text(fields.String):
    """A string PostgreSQL can store: no NUL, no lone surrogate (SECURITY.md 5)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Remove the NUL character (\\u0000).")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(
                "Not valid Unicode text (a lone surrogate)."
            ) from None
        return text


class MeasuredValue(fields.Float):
    """A finite number; a string is read as the form reads it (``parse_value``)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if isinstance(value, str):
            try:
                return parse_value(value)
            except ValueError as error:
                raise ValidationError(
                    f"{error}: send a number such as 99.95."
                ) from None
        result: float = super()._deserialize(value, attr, data, **kwargs)
        return result


def _id(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


# -- query arguments --------------------------------------------------------


class PageArgs(Schema):
    page = fields.Integer(
        load_default=1, validate=validate.Range(1, 100_000), metadata={"example": 1}
    )
    per_page = fields.Integer(
        load_default=50, validate=validate.Range(1, 200), metadata={"example": 50}
    )


class PerceptionArgs(Schema):
    period = fields.String(
        load_default="month", validate=validate.OneOf(["week", "month", "quarter"])
    )
    months = fields.Integer(load_default=12, validate=validate.Range(1, 36))


class ComplianceArgs(Schema):
    months = fields.Integer(load_default=12, validate=validate.Range(1, 36))


# -- answers ----------------------------------------------------------------


class PageMeta(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class CustomerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    display_name = fields.String()
    parent_id = fields.Integer(allow_none=True)


class CustomerPage(PageMeta):
    items = fields.List(fields.Nested(CustomerOut))


class ObjectiveOut(Schema):
    id = fields.Integer()
    metric = fields.String()
    aspect = fields.String()
    target = fields.Float()
    direction = fields.String()
    unit = fields.String()
    inherited = fields.Boolean()
    measured = fields.Boolean(
        metadata={"description": "False for perception targets (judged from feedback)."}
    )


class AgreementOut(Schema):
    id = fields.Integer()
    name = fields.String()
    level = fields.String()
    status = fields.String()
    version = fields.Integer()
    customer_id = fields.Integer(allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    service = fields.String(allow_none=True)
    effective_from = fields.Date(allow_none=True)
    effective_to = fields.Date(allow_none=True)


class AgreementDetail(AgreementOut):
    objectives = fields.List(fields.Nested(ObjectiveOut))


class AgreementPage(PageMeta):
    items = fields.List(fields.Nested(AgreementOut))


class EstimateOut(Schema):
    value = fields.Float(allow_none=True)
    n = fields.Integer()
    low = fields.Float(allow_none=True)
    high = fields.Float(allow_none=True)


class PointOut(Schema):
    start = fields.Date()
    n = fields.Integer(metadata={"description": "Comments the sentiment rests on."})
    sentiment = fields.Nested(EstimateOut)
    happiness = fields.Nested(EstimateOut)
    csat = fields.Nested(EstimateOut)


class VerdictOut(Schema):
    alignment = fields.String()
    alignment_label = fields.String()
    why = fields.String()
    perception = fields.Nested(EstimateOut)
    compliance_met = fields.Integer()
    compliance_measured = fields.Integer()
    trend = fields.String()
    trend_p = fields.Float(allow_none=True)


class PerceptionOut(Schema):
    agreement_id = fields.Integer()
    period = fields.String()
    start = fields.Date()
    end = fields.Date()
    min_n = fields.Integer(
        metadata={"description": "Below this n a value is not shown (null)."}
    )
    series = fields.List(fields.Nested(PointOut))
    verdict = fields.Nested(VerdictOut)


class ComplianceCell(Schema):
    period = fields.String(metadata={"example": "2025-03"})
    target = fields.Float()
    direction = fields.String()
    in_force = fields.Boolean()
    value = fields.Float(allow_none=True)
    met = fields.Boolean(allow_none=True)


class ComplianceRow(Schema):
    objective_id = fields.Integer()
    metric = fields.String()
    unit = fields.String()
    cells = fields.List(fields.Nested(ComplianceCell))


class ComplianceMonth(Schema):
    period = fields.String()
    measured = fields.Integer()
    met = fields.Integer()
    status = fields.String()


class ComplianceOut(Schema):
    agreement_id = fields.Integer()
    periods = fields.List(fields.String())
    objectives = fields.List(fields.Nested(ComplianceRow))
    months = fields.List(fields.Nested(ComplianceMonth))


# -- pushes -----------------------------------------------------------------


class MeasurementIn(Schema):
    agreement_id = _id(required=True)
    objective_id = _id(required=True)
    period = Text(
        required=True,
        validate=validate.Length(max=20),
        metadata={"example": "2025-03", "description": "The month measured, YYYY-MM."},
    )
    value = MeasuredValue(required=True, allow_nan=False, metadata={"example": 99.95})
    note = Text(load_default="", validate=validate.Length(max=NOTE_MAX))


class MeasurementsIn(Schema):
    items = fields.List(
        fields.Nested(MeasurementIn),
        required=True,
        validate=validate.Length(1, MAX_ITEMS),
    )


class MeasurementResult(Schema):
    index = fields.Integer()
    id = fields.Integer()
    outcome = fields.String(metadata={"description": "added, updated or unchanged"})
    previous = fields.Float(allow_none=True)


class MeasurementsOut(Schema):
    added = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    items = fields.List(fields.Nested(MeasurementResult))


class FeedbackIn(Schema):
    customer = Text(
        validate=validate.Length(max=240),
        metadata={"description": "The customer's name (or customer_id)."},
    )
    customer_id = _id()
    agreement = Text(
        validate=validate.Length(max=240),
        metadata={"description": "The SLA's name or id (or agreement_id)."},
    )
    agreement_id = _id()
    received_at = Text(
        required=True,
        validate=validate.Length(max=40),
        metadata={"example": "2025-03-01T14:30:00Z"},
    )
    text = Text(required=True, validate=validate.Length(max=TEXT_MAX + 1000))
    score = MeasuredValue(
        allow_none=True,
        allow_nan=False,
        metadata={"description": f"CSAT from {SCORE_MIN:g} to {SCORE_MAX:g}."},
    )


class FeedbackBatchIn(Schema):
    items = fields.List(
        fields.Nested(FeedbackIn), required=True, validate=validate.Length(1, MAX_ITEMS)
    )


class FeedbackResult(Schema):
    index = fields.Integer()
    id = fields.Integer()
    csat_id = fields.Integer(allow_none=True)


class FeedbackOut(Schema):
    stored = fields.Integer()
    scores = fields.Integer()
    items = fields.List(fields.Nested(FeedbackResult))


class IdempotencyHeader(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        required=True,
        validate=validate.Length(8, 200),
        metadata={"description": "A unique value per logical request (a UUID)."},
    )
