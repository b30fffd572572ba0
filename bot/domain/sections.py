"""Which section of a digest or check-in each commitment appears in: at most one.

An item could qualify for several sections (made this week *and* kept this week, open
*and* overdue); it is listed once, in the first that applies, in this order. Dropped
items are in none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.ledger import Commitment, sort_key

# Most pressing first: a late promise is news before a kept one, a kept one before a new one.
SECTION_PRECEDENCE = ("overdue", "kept", "new", "open")


@dataclass(frozen=True)
class Window:
    """A half-open time range ``[start, end)``; ``end=None`` runs to now."""

    start: datetime
    end: datetime | None = None

    def __contains__(self, when: datetime | None) -> bool:
        return when is not None and when >= self.start and (self.end is None or when < self.end)


@dataclass(frozen=True)
class Sections:
    """Items by section; every item in at most one list."""

    overdue: list[Commitment] = field(default_factory=list)
    kept: list[Commitment] = field(default_factory=list)
    new: list[Commitment] = field(default_factory=list)
    open: list[Commitment] = field(default_factory=list)


def section_of(item: Commitment, today: date, kept: Window, new: Window | None,
               show_open: bool) -> str | None:
    """The one section ``item`` belongs in, or None (dropped, or not news here)."""
    if item.status == "dropped":
        return None
    if item.is_overdue(today):
        return "overdue"
    if item.status == "done":
        return "kept" if item.closed_at in kept else None
    if new is not None and item.created_at in new:
        return "new"
    return "open" if show_open else None


def assign(items: Sequence[Commitment], today: date, kept: Window, new: Window | None = None,
           show_open: bool = True) -> Sections:
    """Sort ``items`` into sections by :data:`SECTION_PRECEDENCE`."""
    found: dict[str, list[Commitment]] = {name: [] for name in SECTION_PRECEDENCE}
    for item in items:
        name = section_of(item, today, kept, new, show_open)
        if name is not None:
            found[name].append(item)
    return Sections(
        overdue=sorted(found["overdue"], key=lambda c: (c.due_on or date.max, c.number)),
        kept=sorted(found["kept"], key=lambda c: (c.closed_at, c.number)),  # type: ignore[arg-type, return-value]
        new=sorted(found["new"], key=lambda c: c.number),
        open=sorted(found["open"], key=lambda c: sort_key(c, today)),
    )
