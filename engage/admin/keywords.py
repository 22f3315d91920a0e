"""The aspect keyword map as staff edit it: parsing, conflicts and saving.

Like :mod:`engage.admin.service`, functions add and flush and record the audit event;
the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from engage import audit
from engage.analysis.aspects import normalise_keyword
from engage.extensions import db
from engage.models import Aspect, User

#: Longest keyword or phrase, in characters once normalised.
KEYWORD_MAX = 60
#: Most keywords one aspect may have (the matcher is fast; people are not).
KEYWORDS_MAX = 200


@dataclass(frozen=True)
class Conflict:
    """A keyword claimed by more than one active aspect; the first one listed wins."""

    keyword: str
    aspects: tuple[str, ...]

    @property
    def winner(self) -> str:
        return self.aspects[0]


def parse_keywords(text: str) -> tuple[list[str], list[str]]:
    """Keywords from one-per-line ``text``: normalised, deduplicated, blanks dropped.

    :return: ``(keywords, errors)``; errors name the offending line.
    """
    keywords: dict[str, None] = {}
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        keyword = normalise_keyword(line)
        if not keyword:
            errors.append(
                f"Line {number} ({line.strip()[:40]}) has no letters or digits."
            )
        elif len(keyword) > KEYWORD_MAX:
            errors.append(
                f"Line {number} is longer than {KEYWORD_MAX} characters; "
                "use a shorter phrase."
            )
        else:
            keywords.setdefault(keyword)
    if len(keywords) > KEYWORDS_MAX:
        errors.append(f"At most {KEYWORDS_MAX} keywords per aspect.")
    return list(keywords), errors


def conflicts(aspects: Iterable[Aspect]) -> list[Conflict]:
    """Keywords that two or more active aspects share, in the order they match."""
    claimed: dict[str, list[str]] = {}
    for aspect in aspects:
        if not aspect.active:
            continue
        for keyword in dict.fromkeys(aspect.keywords or []):
            claimed.setdefault(keyword, []).append(aspect.name)
    return [
        Conflict(keyword, tuple(names))
        for keyword, names in sorted(claimed.items())
        if len(names) > 1
    ]


def ordered_aspects() -> list[Aspect]:
    """Every aspect in list order: the order in which they win a shared keyword."""
    return list(
        db.session.scalars(select(Aspect).order_by(Aspect.position, Aspect.name))
    )


def conflicts_of(aspect: Aspect) -> list[Conflict]:
    """The shared keywords that involve ``aspect``."""
    return [c for c in conflicts(ordered_aspects()) if aspect.name in c.aspects]


def update_keywords(actor: User, aspect: Aspect, keywords: list[str]) -> bool:
    """Replace ``aspect``'s keywords (already parsed); False when nothing changed."""
    old = list(aspect.keywords or [])
    if old == keywords:
        return False
    added = [k for k in keywords if k not in old]
    removed = [k for k in old if k not in keywords]
    aspect.keywords = keywords
    audit.record(
        actor,
        "aspect.keywords",
        aspect,
        f"Edited the keywords of aspect {aspect.name}",
        added=added,
        removed=removed,
        count=len(keywords),
    )
    db.session.flush()
    return True
