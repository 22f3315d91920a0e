"""Per-integration API keys: only a hash is stored, each is scoped and revocable."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from engage.models.user import User


class ApiScope(enum.StrEnum):
    READ = "read"  # customers, agreements, perception and compliance series
    MEASUREMENTS = "measurements:write"
    FEEDBACK = "feedback:write"


class ApiKey(Base):
    """A key one integration (a monitoring tool, a ticketing system) calls with."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: The first characters of the key, shown so people can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    #: SHA-256 (hex) of the whole key.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: ApiScope values.
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    def allows(self, scope: ApiScope) -> bool:
        return self.revoked_at is None and scope.value in self.scopes

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.name!r} {self.prefix}…>"
