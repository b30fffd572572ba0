"""The post-meeting debrief form: several give/get lines, each becoming a ledger item."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.domain.commands import MAX_WHAT, plain_mentions
from bot.domain.dates import DueDateError, parse_iso_date
from bot.domain.refusal import Refusal
from bot.domain.visible_text import is_blank
from bot.services.outcome import Message, Outcome
from bot.services.partner_command import Actor, PartnerCommands
from bot.services.record_form import form_text

DEBRIEF_LINES = 3
MAX_WIIFM = 500


@dataclass(frozen=True)
class DebriefLine:
    side: str
    block: str
    what: str
    due: str | None


def read_debrief(values: dict[str, Any]) -> tuple[list[DebriefLine], str]:
    """The filled-in lines of the form and the "what's in it for them" note."""
    lines = []
    for side in ("give", "get"):
        for n in range(1, DEBRIEF_LINES + 1):
            block = f"{side}_{n}"
            what = form_text(values, block)
            due = form_text(values, f"{block}_due", "selected_date") or None
            if what or due:
                lines.append(DebriefLine(side, block, what, due))
    return lines, form_text(values, "wiifm")


def debrief_modal(topic: str, channel: str) -> Message:
    """The form, remembering which channel and topic it is for."""
    metadata = json.dumps({"channel": channel, "topic": topic[:120]})
    return Message("debrief_modal", {"topic": topic, "metadata": metadata, "lines": DEBRIEF_LINES})


class Debriefs:
    """Validates and stores debrief submissions."""

    def __init__(self, partner: PartnerCommands) -> None:
        self._partner = partner

    def validate(self, lines: list[DebriefLine], wiifm: str, actor: Actor) -> dict[str, Refusal]:
        """Errors keyed by block id (template ``form_errors``); empty when the form can be stored."""
        errors: dict[str, Refusal] = {}
        today = self._partner.today(actor.tz())
        for line in lines:
            if is_blank(line.what):
                errors[line.block] = Refusal("debrief_line_needs_what")
            elif len(line.what) > MAX_WHAT:
                errors[line.block] = Refusal("form_too_long", {"limit": MAX_WHAT})
            if line.due:
                try:
                    if parse_iso_date(line.due) < today:
                        errors[f"{line.block}_due"] = Refusal("form_date_past")
                except DueDateError:
                    errors[f"{line.block}_due"] = Refusal("form_date_unreadable")
        if not lines:
            errors["give_1"] = Refusal("debrief_empty")
        if len(wiifm) > MAX_WIIFM:
            errors["wiifm"] = Refusal("form_too_long", {"limit": MAX_WIIFM})
        return errors

    def record(self, actor: Actor, lines: list[DebriefLine], wiifm: str, topic: str,
               view_id: str | None) -> Outcome:
        """Store every line as a commitment (idempotent per view and line)."""
        ledger = self._partner.ledger
        items = []
        for line in lines:
            item, _ = ledger.add(
                actor.scope,
                side="get" if line.side == "get" else "give",
                what=plain_mentions(line.what),
                owner=actor.user,
                created_by=actor.user,
                due_on=parse_iso_date(line.due) if line.due else None,
                deal=topic or None,
                source="debrief",
                source_key=f"debrief:{view_id}:{line.block}" if view_id else None,
            )
            items.append(item)
        today = self._partner.today(actor.tz())
        if wiifm:
            self._partner.coach.note_benefit(actor.scope, wiifm)
        context = self._partner.coach.context(actor.scope, ledger.items(actor.scope), today)
        return Outcome(reply=Message(
            "debrief_logged", {"items": items, "topic": topic, "wiifm": wiifm, "today": today, **context}))
