"""ORM models, one module per aggregate. Importing this package registers them all."""

from engage.models.agreement import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    DomainError,
    Level,
)
from engage.models.audit import AuditEvent
from engage.models.base import Base, utcnow
from engage.models.customer import Contact, Customer
from engage.models.measurement import Measurement, MeasurementSource
from engage.models.objective import Aspect, Direction, Objective
from engage.models.service import Service
from engage.models.user import LoginFailure, Role, StaffSession, User, user_customers

__all__ = [
    "Agreement",
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
