"""The customers and SLAs a feedback file may name, looked up as people type them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from engage.imports.values import plain, shorten

_INTEGER = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class CustomerRef:
    id: int
    name: str
    #: ``Account / Department`` for a department (``Customer.display_name``).
    display_name: str


@dataclass(frozen=True)
class AgreementRef:
    id: int
    name: str
    customer_id: int


class Directory:
    """The customers and SLAs rows may name: for a manager, only their own.

    Anything else is "unknown", whether or not it exists, so a file tells its importer
    nothing about customers they may not see.
    """

    def __init__(
        self, customers: Iterable[CustomerRef], agreements: Iterable[AgreementRef]
    ) -> None:
        self.listed = sorted(customers, key=lambda c: c.display_name.casefold())
        self.customers: dict[str, CustomerRef] = {}
        for customer in self.listed:
            self.customers.setdefault(plain(customer.name), customer)
            self.customers.setdefault(plain(customer.display_name), customer)
        self.agreements = {a.id: a for a in agreements}
        self.by_name: dict[tuple[int, str], list[AgreementRef]] = defaultdict(list)
        for agreement in self.agreements.values():
            self.by_name[(agreement.customer_id, plain(agreement.name))].append(
                agreement
            )

    def customer(self, text: str) -> CustomerRef:
        """:raise ValueError: no customer of that name (or not one the importer's)."""
        if not text.strip():
            raise ValueError("the customer is missing")
        found = self.customers.get(plain(text))
        if found is None:
            raise ValueError(f"unknown customer '{shorten(text.strip())}'")
        return found

    def agreement(self, customer: CustomerRef, text: str) -> AgreementRef:
        """The customer's SLA named ``text``, or with id ``text``.

        :raise ValueError: missing, unknown, ambiguous, or another customer's SLA.
        """
        text = text.strip()
        if not text:
            raise ValueError("the agreement is missing")
        matches = self.by_name.get((customer.id, plain(text)), [])
        if len(matches) > 1:
            ids = ", ".join(str(a.id) for a in matches)
            raise ValueError(
                f"{customer.display_name} has several SLAs named '{shorten(text)}': "
                f"use the id of one ({ids})"
            )
        if matches:
            return matches[0]
        by_id = self.agreements.get(int(text)) if _INTEGER.fullmatch(text) else None
        if by_id is not None and by_id.customer_id != customer.id:
            raise ValueError(f"SLA {by_id.id} is not an SLA of {customer.display_name}")
        if by_id is None:
            raise ValueError(
                f"unknown agreement '{shorten(text)}' for {customer.display_name}"
            )
        return by_id

    def listing(self) -> list[tuple[CustomerRef, list[AgreementRef]]]:
        """Each customer by name with its SLAs by name: what a file may name."""
        by_customer: dict[int, list[AgreementRef]] = defaultdict(list)
        for agreement in sorted(self.agreements.values(), key=lambda a: a.name):
            by_customer[agreement.customer_id].append(agreement)
        return [(c, by_customer[c.id]) for c in self.listed]
