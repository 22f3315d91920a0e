"""Staff accounts, their server-side sessions and failed login attempts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from engage.models.customer import Customer


class Role(enum.StrEnum):
    #: Everything, including staff accounts, aspects and corporate agreements.
    ADMIN = "admin"
    #: Edits the customers assigned to them (and their departments); sees nothing else.
    MANAGER = "manager"
    #: Reads everything, changes nothing.
    VIEWER = "viewer"


user_customers = Table(
    "user_customers",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    ),
)


class User(UserMixin, Base):
    """A member of staff."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased and stripped; the login name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role))
    #: Argon2id PHC string.
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    customers: Mapped[list[Customer]] = relationship(
        secondary=user_customers, order_by="Customer.name"
    )

    @property
    def session_token(self) -> str | None:
        """The raw token of the server-side session this object was loaded for."""
        return self.__dict__.get("_session_token")

    @session_token.setter
    def session_token(self, value: str | None) -> None:
        self.__dict__["_session_token"] = value

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Flask-Login keeps the session token, never the user id, in the cookie."""
        if not self.session_token:
            raise RuntimeError("User has no server-side session")
        return self.session_token

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role.value}>"


class StaffSession(Base):
    """A login. Deleting the row ends the session, whatever the cookie says."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the token in the signed cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<StaffSession {self.id} user={self.user_id}>"


class LoginFailure(Base):
    """A failed login, counted per submitted email for throttling."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The normalised email as typed, whether or not an account has it.
    email: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<LoginFailure {self.email!r} {self.at}>"
