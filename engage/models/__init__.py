"""ORM models, one module per aggregate. Importing this package registers them all."""

from engage.models.action import OPEN_STATUSES, ActionItem, ActionStatus
from engage.models.agreement import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    DomainError,
    Level,
)
from engage.models.alert import Alert, AlertKind, PerceptionState
from engage.models.api_key import ApiKey, ApiScope
from engage.models.audit import AuditEvent
from engage.models.base import Base, utcnow
from engage.models.customer import Contact, Customer
from engage.models.feedback import (
    Feedback,
    FeedbackKind,
    FeedbackSource,
    StatementKind,
)
from engage.models.invitation import Invitation
from engage.models.job import Job, JobStatus
from engage.models.measurement import Measurement, MeasurementSource
from engage.models.objective import Aspect, Direction, Measure, Objective
from engage.models.renegotiation import Proposal, ProposalAction
from engage.models.response import Answer, Response
from engage.models.rollup import COUNTERS, FeedbackRollup, Slice
from engage.models.service import Service
from engage.models.session import Channel, ListeningSession, session_agreements
from engage.models.share import ReportSchedule, ReportScope, ShareLink, ShareView
from engage.models.survey import (
    Question,
    QuestionKind,
    Survey,
    SurveyStatus,
    SurveyVersion,
)
from engage.models.user import LoginFailure, Role, StaffSession, User, user_customers

__all__ = [
    "ApiKey",
    "ApiScope",
    "ReportSchedule",
    "ReportScope",
    "ShareLink",
    "ShareView",
    "Alert",
    "AlertKind",
    "PerceptionState",
    "Measure",
    "Proposal",
    "ProposalAction",
    "COUNTERS",
    "FeedbackRollup",
    "Slice",
    "OPEN_STATUSES",
    "ActionItem",
    "ActionStatus",
    "Channel",
    "Job",
    "JobStatus",
    "ListeningSession",
    "StatementKind",
    "session_agreements",
    "Agreement",
    "Answer",
    "Feedback",
    "FeedbackKind",
    "FeedbackSource",
    "Invitation",
    "Question",
    "QuestionKind",
    "Response",
    "Survey",
    "SurveyStatus",
    "SurveyVersion",
    "AgreementStatus",
    "AgreementVersion",
    "Aspect",
    "AuditEvent",
    "Base",
    "Contact",
    "Customer",
    "Direction",
    "DomainError",
    "Level",
    "LoginFailure",
    "Measurement",
    "MeasurementSource",
    "Objective",
    "Role",
    "Service",
    "StaffSession",
    "User",
    "user_customers",
    "utcnow",
]

# SQLite hands out a deleted row's id again unless AUTOINCREMENT is declared. Ids end up
# in version snapshots and the audit log, so a new row must never take an old one's id.
for _table in Base.metadata.tables.values():
    if len(_table.primary_key.columns) == 1:
        _table.dialect_kwargs["sqlite_autoincrement"] = True
