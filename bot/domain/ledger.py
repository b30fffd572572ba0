"""The two-sided ledger: what we give, what we expect to get, and how it balances."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal, TypeVar

T = TypeVar("T")
Side = Literal["give", "get"]
Status = Literal["open", "done", "dropped"]
# Who may see an item: "shared" items are the mutual plan the partner sees (share page,
# Slack Connect members, exports); "private" ones stay with our team.
Visibility = Literal["shared", "private"]


@dataclass(frozen=True)
class Commitment:
    """One ledger line: a promise by us (give) or by the other side (get)."""

    number: int
    side: Side
    what: str
    owner: str  # Slack user id on our side who keeps it (give) or chases it (get)
    created_by: str
    created_at: datetime
    due_on: date | None = None
    counterpart: str | None = None  # who on their side, for gets
    deal: str | None = None
    status: Status = "open"
    closed_at: datetime | None = None
    closed_by: str | None = None
    source: str = "command"
    visibility: Visibility = "shared"
    # When the other side co-signed the item (on the plan page or in a Slack Connect
    # channel), and who: "partner" for the page, else their Slack user id.
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None
    # The day it was closed where the person closing it was. Due dates are days in a
    # person's time zone: a promise kept at 19:30 in Los Angeles on its due day is on time,
    # though it is the next day in UTC (closed_at). None for items closed before this was kept.
    closed_on: date | None = None
    # Dropped by agreement with the partner (`/partner drop <id> agreed`): a cancellation both
    # sides chose, never a broken promise, whenever it happened.
    mutual: bool = False
    # When it was opened again after being closed (`/partner reopen <id>`: marked done by mistake,
    # or delivered and not accepted), and by whom; None for an item never reopened.
    reopened_at: datetime | None = None
    reopened_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_private(self) -> bool:
        """Kept from the partner: never on the plan page, in exports or in their list."""
        return self.visibility == "private"

    @property
    def is_confirmed(self) -> bool:
        """The other side said yes to it (co-signed)."""
        return self.confirmed_at is not None

    def confirm(self, by: str, at: datetime) -> Commitment:
        """This item co-signed by the other side; confirming twice keeps the first."""
        return self if self.is_confirmed else replace(self, confirmed_at=at, confirmed_by=by)

    def is_overdue(self, today: date) -> bool:
        """Open and past its due date."""
        return self.is_open and self.due_on is not None and self.due_on < today

    @property
    def closed_day(self) -> date | None:
        """The day it was closed, where it was closed when known (else in UTC)."""
        if self.closed_on is not None:
            return self.closed_on
        return self.closed_at.date() if self.closed_at is not None else None

    @property
    def is_broken(self) -> bool:
        """Dropped after its due date without the other side agreeing: a promise not kept.

        Dropped before its due date, it was withdrawn in time; dropped by agreement
        (:attr:`mutual`), it was cancelled together. Neither is a broken promise.
        """
        closed = self.closed_day
        return (self.status == "dropped" and not self.mutual and self.due_on is not None
                and closed is not None and closed > self.due_on)

    def kept_late(self) -> bool:
        """Done after its due date."""
        closed = self.closed_day
        return (self.status == "done" and self.due_on is not None
                and closed is not None and closed > self.due_on)

    def reopen(self, by: str, at: datetime) -> Commitment:
        """This item open again at ``at``: no longer kept (or dropped), so nothing counts it as
        closed; a drop by agreement is forgotten with the drop."""
        return replace(self, status="open", closed_at=None, closed_by=None, closed_on=None, mutual=False,
                       reopened_at=at, reopened_by=by)

    def close(self, status: Status, by: str, at: datetime, on: date | None = None) -> Commitment:
        """This item marked done or dropped at ``at``; ``on``: that day where the closer is."""
        return replace(self, status=status, closed_by=by, closed_at=at, closed_on=on)

    def to_doc(self) -> dict[str, Any]:
        """A JSON-safe dict for the store."""
        # Every field is a scalar: a plain dict of them, not dataclasses.asdict's recursive copy.
        doc = {name: getattr(self, name) for name in _FIELD_ORDER}
        for key in ("created_at", "closed_at", "due_on", "confirmed_at", "closed_on", "reopened_at"):
            if doc[key] is not None:
                doc[key] = doc[key].isoformat()
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Commitment:
        """Inverse of :meth:`to_doc`; ignores fields it doesn't know (from newer versions)."""
        # Hot path (every list, balance and Home tab): skip the filtering when it isn't needed.
        known = doc if doc.keys() <= _FIELDS else {k: v for k, v in doc.items() if k in _FIELDS}
        created_at, closed_at, due_on = known.get("created_at"), known.get("closed_at"), known.get("due_on")
        confirmed_at, closed_on = known.get("confirmed_at"), known.get("closed_on")
        reopened_at = known.get("reopened_at")
        return cls(**{
            **known,
            "created_at": datetime.fromisoformat(created_at) if created_at else created_at,
            "closed_at": datetime.fromisoformat(closed_at) if closed_at else None,
            "due_on": date.fromisoformat(due_on) if due_on else None,
            "confirmed_at": datetime.fromisoformat(confirmed_at) if confirmed_at else None,
            "closed_on": date.fromisoformat(closed_on) if closed_on else None,
            "reopened_at": datetime.fromisoformat(reopened_at) if reopened_at else None,
        })


_FIELD_ORDER = tuple(Commitment.__dataclass_fields__)
_FIELDS = frozenset(_FIELD_ORDER)


@dataclass(frozen=True)
class SideTally:
    """Counts for one column of the ledger."""

    open: int = 0
    kept: int = 0
    dropped: int = 0
    overdue: int = 0
    kept_late: int = 0

    @property
    def total(self) -> int:
        """Everything recorded except dropped items."""
        return self.open + self.kept


@dataclass(frozen=True)
class Balance:
    """Both columns of a channel's ledger."""

    give: SideTally = field(default_factory=SideTally)
    get: SideTally = field(default_factory=SideTally)

    @property
    def is_empty(self) -> bool:
        return self.give.total == 0 and self.get.total == 0


def tally(items: list[Commitment], side: Side, today: date) -> SideTally:
    """Count one side's items by state."""
    return getattr(balance(items, today), side)


def balance(items: Sequence[Commitment], today: date) -> Balance:
    """The give/get balance of a set of commitments (the counts of :func:`side_records`)."""
    ours, theirs = side_records(items, today)
    return Balance(give=ours.tally, get=theirs.tally)


@dataclass(frozen=True)
class SideRecord:
    """One side's behaviour: what it promised and what became of it. Dropped items don't count."""

    promised: int  # everything recorded and not dropped
    kept: int
    kept_late: int  # kept after the due date (the rest of ``kept`` was kept on time)
    dropped: int
    open: int
    overdue: int
    oldest_due: Commitment | None  # the open item with the earliest due date
    oldest_due_days: int  # days past that due date (0 on the day, negative before, 0 if none)
    last_kept: Commitment | None
    next_due: date | None  # earliest due date among open items
    # The facts below spare the coaching a walk over a busy channel's whole history.
    due_next: int = 0  # open items due on ``next_due``
    undated: int = 0  # open items without a due date
    undated_since: datetime | None = None  # when the oldest open item without a due date was made
    broken: int = 0  # dropped after the due date, not by agreement (see Commitment.is_broken)
    last_broken: Commitment | None = None  # the broken one dropped last
    # Every broken one, dropped last first: the coaching asks which were dropped lately, and
    # this spares it a walk over a busy channel's whole history on each decision.
    broken_items: tuple[Commitment, ...] = ()
    # The latest due date among open items past due: whether a slip is news since the last tip.
    latest_overdue_due: date | None = None
    # The open item of this side opened again most recently (see Commitment.reopen), if any.
    last_reopened: Commitment | None = None
    # Answers worked out from the items this record was made from (see remember).
    _answers: dict[Hashable, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def remember(self, question: Hashable, work_out: Callable[[], T]) -> T:
        """The answer to ``question`` about the items this record was made from: ``work_out()``
        the first time, kept with the record after that.

        The ledger keeps a busy channel's records between requests, so a question that needs a
        walk over the channel's items (how many of ours were kept since the signature) is walked
        once per change, not on every decision. A changed record (:meth:`with_open`) starts
        with no answers. Two threads racing work out the same answer.
        """
        if question not in self._answers:
            self._answers[question] = work_out()
        return self._answers[question]  # type: ignore[no-any-return]

    def with_open(self, item: Commitment, today: date) -> SideRecord:
        """This record after one more open item of this side (a new commitment): what
        :func:`side_records` would say with ``item`` added, without reading the others."""
        oldest = self.oldest_due
        due = item.due_on
        if due is not None and (oldest is None or (due, item.number) < (oldest.due_on, oldest.number)):  # type: ignore[operator]
            oldest = item
        due_next = self.due_next
        if due is not None and (self.next_due is None or due < self.next_due):
            due_next = 1
        elif due is not None and due == self.next_due:
            due_next += 1
        late = due is not None and due < today
        latest_late = self.latest_overdue_due
        if late and (latest_late is None or due > latest_late):  # type: ignore[operator]
            latest_late = due
        return replace(
            self, promised=self.promised + 1, open=self.open + 1,
            overdue=self.overdue + (1 if late else 0), latest_overdue_due=latest_late,
            due_next=due_next, undated=self.undated + (due is None),
            undated_since=self.undated_since if due is not None
            else _earlier(self.undated_since, item.created_at),
            **_oldest_due(oldest, today))

    @property
    def tally(self) -> SideTally:
        """The counts a message's balance line shows for this side."""
        return SideTally(open=self.open, kept=self.kept, dropped=self.dropped, overdue=self.overdue,
                         kept_late=self.kept_late)


def side_record(items: Sequence[Commitment], side: str, today: date) -> SideRecord:
    """Summarise one side's items as of ``today`` (the local date deciding "overdue")."""
    ours, theirs = side_records(items, today)
    return ours if side == "give" else theirs


def side_records(items: Sequence[Commitment], today: date) -> tuple[SideRecord, SideRecord]:
    """Both sides' records (ours, theirs) as of ``today``, in one pass over the items.

    Every ``give`` and ``get`` runs this over the channel's whole history, and its balance
    line comes from it too (:meth:`SideRecord.tally`): one pass instead of one per use.
    """
    # Per side: kept, kept late, dropped, open, overdue, last kept, open item due first,
    # open items due on its date, open items undated, when the oldest undated one was made,
    # broken, the broken one dropped last, every broken one, the latest due date past due, the
    # open item reopened last.
    state: dict[str, list[Any]] = {"give": [0, 0, 0, 0, 0, None, None, 0, 0, None, 0, None, [], None, None],
                                   "get": [0, 0, 0, 0, 0, None, None, 0, 0, None, 0, None, [], None, None]}
    for c in items:
        row = state.get(c.side)
        if row is None:
            continue
        status = c.status
        if status == "open":
            row[3] += 1
            if c.reopened_at is not None and (row[14] is None or c.reopened_at > row[14].reopened_at):
                row[14] = c
            due = c.due_on
            if due is None:
                row[8] += 1
                if row[9] is None or c.created_at < row[9]:
                    row[9] = c.created_at
            else:
                if due < today:
                    row[4] += 1
                    if row[13] is None or due > row[13]:
                        row[13] = due
                oldest = row[6]  # the open item due first (lowest number on a tie)
                if oldest is None or due < oldest.due_on:
                    row[6], row[7] = c, 1
                elif due == oldest.due_on:
                    row[7] += 1
                    if c.number < oldest.number:
                        row[6] = c
        elif status == "done":
            row[0] += 1
            if c.kept_late():
                row[1] += 1
            last = row[5]
            if last is None or (c.closed_at, c.number) > (last.closed_at, last.number):
                row[5] = c
        elif status == "dropped":
            row[2] += 1
            if c.is_broken:
                row[10] += 1
                row[12].append(c)
                last = row[11]
                if last is None or (c.closed_at, c.number) > (last.closed_at, last.number):
                    row[11] = c
    return _record(state["give"], today), _record(state["get"], today)


def _record(row: list[Any], today: date) -> SideRecord:
    (kept, kept_late, dropped, opened, overdue, last_kept, oldest, due_next, undated, undated_since,
     broken, last_broken, broken_items, latest_overdue_due, last_reopened) = row
    # Dropped last first (the same order as ``last_broken``'s): recent drops are read first.
    broken_items.sort(key=lambda c: (c.closed_at, c.number), reverse=True)
    return SideRecord(
        promised=kept + opened,
        kept=kept,
        kept_late=kept_late,
        dropped=dropped,
        open=opened,
        overdue=overdue,
        last_kept=last_kept,
        due_next=due_next,
        undated=undated,
        undated_since=undated_since,
        broken=broken,
        last_broken=last_broken,
        broken_items=tuple(broken_items),
        latest_overdue_due=latest_overdue_due,
        last_reopened=last_reopened,
        **_oldest_due(oldest, today),
    )


def _earlier(moment: datetime | None, other: datetime) -> datetime:
    return other if moment is None or other < moment else moment


def _oldest_due(oldest: Commitment | None, today: date) -> dict[str, Any]:
    """A record's fields about its open item due first."""
    due = oldest.due_on if oldest else None
    return {"oldest_due": oldest, "oldest_due_days": (today - due).days if due else 0, "next_due": due}


def select(items: list[Commitment], view: str, user: str, today: date) -> list[Commitment]:
    """The items a `list` view shows, overdue first, then by due date, then by number."""
    if view == "all":
        chosen = list(items)
    elif view == "overdue":
        chosen = [c for c in items if c.is_overdue(today)]
    elif view == "mine":
        chosen = [c for c in items if c.is_open and c.owner == user]
    else:
        chosen = [c for c in items if c.is_open]
    return sorted(chosen, key=lambda c: sort_key(c, today))


def sort_key(item: Commitment, today: date) -> tuple[int, int, date, int]:
    """Open before closed, overdue first, then soonest due, undated last."""
    return (
        0 if item.is_open else 1,
        0 if item.is_overdue(today) else 1,
        item.due_on or date.max,
        item.number,
    )


@dataclass(frozen=True)
class Page:
    """One page of a long list."""

    items: list[Commitment]
    number: int
    count: int
    total: int


def paginate(items: list[Commitment], page: int, size: int) -> Page:
    """Cut a list into pages of ``size``; out-of-range pages clamp to the last one."""
    count = max(1, -(-len(items) // size))
    number = min(max(1, page), count)
    start = (number - 1) * size
    return Page(items=items[start : start + size], number=number, count=count, total=len(items))


TwinKey = tuple[str, str, date | None]


def twin_key(side: str, what: str, due_on: date | None) -> TwinKey:
    """What makes two items the same promise: side, text (case aside) and due date. Both texts
    come tidied by the same parser, so spacing already matches."""
    return side, what.casefold(), due_on


def open_items_by_text(items: Sequence[Commitment]) -> dict[TwinKey, Commitment]:
    """Each open item under its :func:`twin_key`, the first by number where several share one."""
    found: dict[TwinKey, Commitment] = {}
    for item in items:
        if item.status == "open":
            found.setdefault(twin_key(item.side, item.what, item.due_on), item)
    return found


def same_open_item(
    items: Sequence[Commitment], side: str, what: str, due_on: date | None
) -> Commitment | None:
    """The open item on ``side`` that says ``what`` with the same due date, if any: the same
    command typed twice, not a second commitment."""
    return open_items_by_text(items).get(twin_key(side, what, due_on))
