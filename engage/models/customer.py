"""Customer accounts, their departments and their contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, utcnow


class Customer(Base):
    """A customer account; with a ``parent`` it is a department of that account."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    #: Set for a department: the account it belongs to (one level deep).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Customer | None] = relationship(
        remote_side=[id], back_populates="departments"
    )
    departments: Mapped[list[Customer]] = relationship(
        back_populates="parent", order_by="Customer.name"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="Contact.name",
    )

    @property
    def is_department(self) -> bool:
        return self.parent_id is not None

    @property
    def display_name(self) -> str:
        """``Account / Department`` for departments, the name otherwise."""
        return f"{self.parent.name} / {self.name}" if self.parent else self.name

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.name!r}>"


class Contact(Base):
    """A person at a customer who can be surveyed."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("customer_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    #: Stored lower-cased; unique within a customer.
    email: Mapped[str] = mapped_column(String(254))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="contacts")

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.email!r}>"
