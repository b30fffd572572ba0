"""The posted debrief prompt of a calendar meeting (or the DM asking its owner where it goes)
kept true when the meeting moves afterwards.

A prompt that went out before the meeting, as the calendar now has it, began asked about a
meeting that hadn't happened (bot.domain.debrief_rounds). Left as it was, its *Log the debrief*
button stays live until the new prompt comes, and the channel then shows two prompts for one
meeting. So the posted prompt is edited (``chat.update``) into a note that the meeting moved
and will be asked about after its new time; moved back to the slot it had, the prompt is put
back as it was; moved and then called off, the note says so. The DM asking a meeting's owner
which channel it was for is kept the same way while they haven't answered: a second DM comes
after the new end, and the first says so instead of offering its buttons.

Each edit is a post job of its own (the same exactly-once machinery as every post) carrying
``update_ts``: the dispatcher edits that message instead of posting. An edit is idempotent, so
one repeated after a crash shows the same thing. Only the latest wanted look is sent: a pending
earlier edit is cancelled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.messages import Message
from bot.schedule.jobs import JobStore, iso, new_job
from bot.schedule.posts import POST, stored_payload
from bot.services.calendar_jobs import cancel_post
from bot.store import Doc, Scope

LIVE = "live"  # as posted: the meeting happened as the prompt says
MOVED = "moved"  # the meeting moved to after the prompt went out: asked again after it
CALLED_OFF = "called_off"  # moved after the prompt, then cancelled (or declined by everyone)
MISSING = "missing"  # moved after the prompt, then gone from every feed (deleted, moved past the
# two weeks read, the calendar disconnected): we can't tell which, so the note says only that
PROMPT_MOVED = "debrief_prompt_moved"
CHOICE_MOVED = "calendar_choice_moved"
PROMPT, CHOICE = "prompt", "choice"  # what was posted: a debrief prompt, or the owner's DM
UPDATE_TS = "update_ts"  # on a post job: edit this message of the bot's instead of posting


def edit_job_id(digest: str, round_number: int, edit: int, kind: str = PROMPT) -> str:
    """The id of the ``edit``-th edit of a meeting's ``round_number``-th posted prompt (or DM)."""
    middle = "" if kind == PROMPT else f"{kind}:"
    return f"calendar-edit:{digest}:{middle}{round_number}:{edit}"


def snapshot(ts: str, channel: str, round_number: int, context: dict[str, Any], posted_at: datetime | None,
             *, kind: str = PROMPT, target: str | None = None) -> Doc:
    """What the meeting's record keeps of a prompt once it is posted: where it is (the job's
    scope channel, and for a DM the person), what it said."""
    found = {"ts": ts, "channel": channel, "round": round_number, "context": context,
             "posted_at": iso(posted_at) if posted_at else None, "state": LIVE, "moved_to": None, "edits": 0}
    if kind != PROMPT:
        found.update(kind=kind, target=target)
    return found


def wanted_state(shown: Doc, current_round: int, settled: bool, *, cancelled: bool = False,
                 missing: bool = False) -> str:
    """How the posted prompt should read now.

    ``current_round`` is the meeting's round of prompts (it grew: moved after this one went
    out), ``settled`` says some prompt went out once the meeting, as now scheduled, had begun,
    ``cancelled`` that the meeting was cancelled (or every owner declined it), ``missing`` that
    it is in no feed any more.
    """
    if cancelled or missing:
        # Cancelled after it had happened (an organiser tidying up) says nothing about the
        # prompt; cancelled after we said it moved, the note must not promise another prompt.
        if shown.get("state") not in (MOVED, CALLED_OFF, MISSING):
            return LIVE
        return CALLED_OFF if cancelled else MISSING
    moved = int(shown.get("round") or 0) < current_round and not settled
    return MOVED if moved else LIVE


def needs_edit(shown: Doc, state: str, moved_to: datetime | None) -> bool:
    """The posted prompt doesn't read ``state`` (moved to ``moved_to``) yet."""
    moved_iso = moved_to.isoformat() if state == MOVED and moved_to is not None else None
    return shown.get("state", LIVE) != state or shown.get("moved_to") != moved_iso


def show(jobs: JobStore, workspace: str, digest: str, shown: Doc, state: str, moved_to: datetime | None,
         now: datetime) -> Doc:
    """Plan the edit that makes the posted prompt read ``state`` (nothing when it already does);
    the snapshot as it will read."""
    if not needs_edit(shown, state, moved_to):
        return shown
    moved_iso = moved_to.isoformat() if state == MOVED and moved_to is not None else None
    edits = int(shown.get("edits") or 0)
    scope, kind = Scope(workspace, str(shown["channel"])), str(shown.get("kind") or PROMPT)
    if edits:
        cancel_post(jobs, scope, edit_job_id(digest, int(shown["round"]), edits, kind), now)
    edits += 1
    job = new_job(edit_job_id(digest, int(shown["round"]), edits, kind), POST, now,
                  stored_payload(_message(shown, state, moved_to)), now, target=shown.get("target"))
    jobs.create(scope, {**job, UPDATE_TS: shown["ts"]})
    return {**shown, "state": state, "moved_to": moved_iso, "edits": edits}


def _message(shown: Doc, state: str, moved_to: datetime | None) -> Message:
    context = dict(shown.get("context") or {})
    choice = shown.get("kind") == CHOICE
    if state == LIVE:
        if choice:
            return Message("calendar_choice", context)  # its buttons back, as posted
        # Put back as it was posted: its "ended about N hours ago" as of then, not now.
        return Message("debrief_prompt", {**context, "as_of": shown.get("posted_at")})
    note: dict[str, Any] = {"state": state}
    if choice:
        note["title"] = context.get("title")
    else:
        note.update(topic=context.get("topic"), meeting=context.get("meeting"))
    if state == MOVED and moved_to is not None:
        note["moved_unix"] = int(moved_to.timestamp())
        note["moved_text"] = moved_to.astimezone(UTC).strftime("%a %-d %b, %H:%M UTC")
    return Message(CHOICE_MOVED if choice else PROMPT_MOVED, note)
