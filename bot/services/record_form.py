"""The "record what we give / expect" modal: read, validate, store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.commands import MAX_WHAT, plain_mentions
from bot.domain.dates import DueDateError, parse_iso_date
from bot.domain.refusal import Refusal
from bot.domain.visible_text import is_blank, without_hidden_controls
from bot.services.outcome import Message, Outcome

MAX_WIIFT = 500
MAX_COUNTERPART = 80


@dataclass(frozen=True)
class RecordForm:
    """What the user typed into the modal, unvalidated."""

    what: str
    owner: str | None
    counterpart: str | None
    due: str | None
    wiift: str | None = None  # gives only: what's in it for them


def form_field(values: dict[str, Any], block: str) -> dict[str, Any]:
    """One input of a modal's ``view.state.values``.

    Each input's action_id is its block's id (unique in the view, as Slack asks); a modal
    opened before that change, and submitted after, still says "value".
    """
    entry = values.get(block) or {}
    return entry.get(block) or entry.get("value") or {}


def form_text(values: dict[str, Any], block: str, key: str = "value") -> str:
    """A text field of the form, stripped; "" when missing or not a string (a mangled form)."""
    text = form_field(values, block).get(key)
    return without_hidden_controls(text).strip() if isinstance(text, str) else ""


def read_form(values: dict[str, Any]) -> RecordForm:
    """Pull the fields out of Slack's ``view.state.values`` shape."""
    return RecordForm(
        what=form_text(values, "what"),
        owner=form_text(values, "owner", "selected_user") or None,
        counterpart=form_text(values, "counterpart") or None,
        due=form_text(values, "due", "selected_date") or None,
        wiift=form_text(values, "wiift") or None,
    )


class Recorder:
    """Validates and stores modal submissions."""

    def __init__(self, partner: Any) -> None:
        # PartnerCommands: shares its ledger, settings and clock.
        self._partner = partner

    def validate(self, form: RecordForm, actor: Any) -> dict[str, Refusal]:
        """Errors keyed by the modal's block ids (template ``form_errors``); empty when the form is fine."""
        errors: dict[str, Refusal] = {}
        if is_blank(form.what):
            errors["what"] = Refusal("form_what_missing")
        elif len(form.what) > MAX_WHAT:
            errors["what"] = Refusal("form_too_long", {"limit": MAX_WHAT, "length": len(form.what)})
        if form.wiift and len(form.wiift) > MAX_WIIFT:
            errors["wiift"] = Refusal("form_too_long", {"limit": MAX_WIIFT})
        if form.counterpart and len(form.counterpart) > MAX_COUNTERPART:
            errors["counterpart"] = Refusal("form_name_too_long", {"limit": MAX_COUNTERPART})
        if form.owner and form.owner != actor.user and self._partner.membership(
                actor.scope, form.owner) in ("outsider", "unknown"):
            # Slack's people picker offers the whole workspace; reminders reach only the channel.
            errors["owner"] = Refusal("form_owner_outside")
        if form.due:
            try:
                due = parse_iso_date(form.due)
            except DueDateError:
                errors["due"] = Refusal("form_date_unreadable")
            else:
                if due < self._partner.today(actor.tz()):
                    errors["due"] = Refusal("form_date_past")
        return errors

    def record(
        self, actor: Any, form: RecordForm, *, side: str, deal: str | None, source_key: str | None
    ) -> Outcome:
        """Store a validated form and confirm it with the balance."""
        due_on: date | None = parse_iso_date(form.due) if form.due else None
        ledger = self._partner.ledger
        item, _ = ledger.add(
            actor.scope,
            side="get" if side == "get" else "give",
            what=plain_mentions(form.what),
            owner=form.owner or actor.user,
            created_by=actor.user,
            due_on=due_on,
            counterpart=form.counterpart,
            deal=deal,
            source="modal",
            source_key=f"view:{source_key}" if source_key else None,
        )
        if item.side == "give" and form.wiift:
            self._partner.coach.note_benefit(actor.scope, form.wiift)
        today = self._partner.today(actor.tz())
        context = self._partner.coach.context(actor.scope, ledger.items(actor.scope), today)
        return Outcome(reply=Message("item_added", {"item": item, "today": today, **context}))
