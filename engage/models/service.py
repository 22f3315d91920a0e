"""Services the provider delivers (cloud hosting, service desk, ...)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.models.base import Base, UTCDateTime, utcnow


class Service(Base):
    """A service in the provider's catalogue, agreed per customer in service SLAs."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Service {self.id} {self.name!r}>"
