"""Deals in a channel and their stage history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.domain.stages import Stage
from bot.store import Scope, Store

DEAL = "deal"


def deal_key(name: str) -> str:
    """Deals are matched case- and punctuation-insensitively: "ACME corp." is "Acme Corp"."""
    return re.sub(r"[\W_]+", " ", name.casefold()).strip() or name.casefold()


@dataclass(frozen=True)
class Deal:
    """A deal worked in a channel."""

    name: str
    stage: Stage
    updated_at: datetime
    updated_by: str
    history: tuple[tuple[str, str], ...] = ()  # (stage, iso time)
    domains: tuple[str, ...] = ()  # the company's e-mail domains, for calendar matching

    @classmethod
    def from_doc(cls, doc: dict) -> Deal:
        return cls(
            name=doc["name"],
            stage=Stage(doc["stage"]),
            updated_at=datetime.fromisoformat(doc["updated_at"]),
            updated_by=doc.get("updated_by", ""),
            history=tuple(tuple(h) for h in doc.get("history", ())),
            domains=tuple(doc.get("domains") or ()),
        )


@dataclass(frozen=True)
class StageChange:
    """The result of setting a stage: the deal now, and what it was before (None if new)."""

    deal: Deal
    previous: Stage | None
    changed: bool
    # The update happened before the deal's last change (a CRM delivering out of order).
    stale: bool = False


class Deals:
    """Stage tracking for the deals of each channel."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def set_stage(
        self, scope: Scope, name: str, stage: Stage, by: str, occurred_at: datetime | None = None
    ) -> StageChange:
        """Move a deal to a stage; setting the stage it already has changes nothing.

        ``occurred_at`` (a CRM's own time of the change): an update that happened before the
        deal's last change is stale and changes nothing, so a late or replayed delivery can't
        move a deal back.
        """
        key = deal_key(name)
        with self._store.transaction(scope):
            current = self._store.get(scope, DEAL, key)
            previous = Stage(current["stage"]) if current else None
            if current is not None and occurred_at is not None and occurred_at < _last_change(current):
                return StageChange(Deal.from_doc(current), previous, changed=False, stale=True)
            if current is not None and previous is stage:
                return StageChange(Deal.from_doc(current), previous, changed=False)
            now = self._clock.now().isoformat()
            history = list(current.get("history", [])) if current else []
            history.append([stage.value, now])
            doc = {
                "name": current["name"] if current else name,
                "stage": stage.value,
                "updated_at": now,
                "updated_by": by,
                "history": history[-50:],
                "domains": list(current.get("domains") or []) if current else [],
            }
            if occurred_at is not None:
                doc["occurred_at"] = occurred_at.isoformat()
            self._store.put(scope, DEAL, key, doc)
            return StageChange(Deal.from_doc(doc), previous, changed=True)

    def paused_from(self, scope: Scope, name: str) -> tuple[Deal | None, Stage | None]:
        """The deal called ``name`` and, when it is on hold, the stage it was paused from (None:
        not on hold, or paused from nothing known: a deal first recorded on hold)."""
        current = self._store.get(scope, DEAL, deal_key(name))
        if current is None:
            return None, None
        deal = Deal.from_doc(current)
        if deal.stage is not Stage.ON_HOLD:
            return deal, None
        before = [stage for stage, _ in deal.history[:-1] if stage != Stage.ON_HOLD.value]
        return deal, Stage(before[-1]) if before and before[-1] in Stage._value2member_map_ else None

    def set_domains(self, scope: Scope, name: str, domains: list[str], by: str) -> Deal | None:
        """Replace a deal's company domains; None when the channel has no such deal."""
        key = deal_key(name)
        with self._store.transaction(scope):
            current = self._store.get(scope, DEAL, key)
            if current is None:
                return None
            doc = {**current, "domains": list(domains), "domains_set_by": by}
            self._store.put(scope, DEAL, key, doc)
            return Deal.from_doc(doc)

    def all(self, scope: Scope) -> list[Deal]:
        """The channel's deals, most recently updated first."""
        deals = [Deal.from_doc(d) for d in self._store.find(scope, DEAL)]
        return sorted(deals, key=lambda d: d.updated_at, reverse=True)


def _last_change(doc: dict) -> datetime:
    """When a deal last changed: the CRM's time of it when one said, else when we recorded it."""
    return datetime.fromisoformat(doc.get("occurred_at") or doc["updated_at"])
