"""What the bot notices in a deal channel: CRM stage posts, commitments, finished meetings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.domain import commands as cmd
from bot.domain.crm import StageChange, parse_crm_message, validate_pattern
from bot.domain.dates import DueDateError, parse_due
from bot.domain.debrief_rounds import reply_mark_expired
from bot.domain.detector import Detection, detect_commitment, detect_meeting_end
from bot.domain.message_text import flatten_message
from bot.domain.refusal import Refusal
from bot.services.ledger import Ledger
from bot.services.outcome import Message, Outcome, error, refuse
from bot.services.partner_command import Actor, PartnerCommands
from bot.store import Doc, Scope, Store

OFFER = "offer"
MAX_PATTERNS = 10
#: The CRM posts of a channel already applied (their last few, in one document): Slack's retry
#: of a post that reaches the bot after a restart (when the event id is forgotten) is news of
#: nothing, and applied again it would move the deal back past the posts that followed it.
CRM_SEEN, CRM_SEEN_KEY, CRM_SEEN_KEPT = "crm-seen", "recent", 200
#: A thread of one of the bot's own posts that someone answered in, keyed by the thread's ts
#: (a debrief prompt's reminder is moot then): kept only while a reminder could still ask.
THREAD_REPLY = "thread-reply"
# Message subtypes that are people talking (others are joins, topic changes, …).
HUMAN_SUBTYPES = {None, "", "thread_broadcast", "file_share", "me_message"}


@dataclass
class Noticed:
    """What to do about one message: posts to the channel, an ephemeral to the speaker."""

    posts: list[Message] = field(default_factory=list)
    ephemeral: Message | None = None
    thread_reply: Message | None = None
    thread_ts: str | None = None  # where thread_reply goes: the message's thread, or under it
    signed: list[str] = field(default_factory=list)
    signer: Actor | None = None  # who moved a deal to signed (the CRM, not a bot user)


class Listening:
    """Turns channel messages into stage changes, commitment offers and debrief prompts."""

    def __init__(self, store: Store, partner: PartnerCommands) -> None:
        self._store = store
        self._partner = partner

    @property
    def _ledger(self) -> Ledger:
        return self._partner.ledger

    def mode(self, scope: Scope) -> str:
        """suggest | auto | off."""
        return str(self._partner.settings.get(scope)["listen"])

    # --- messages -----------------------------------------------------------------------

    def on_message(
        self, actor: Actor, event: dict[str, Any], is_ours: Callable[[str], bool] | None = None,
        is_partner: Callable[[str], bool] | None = None, bot_user: str | None = None,
    ) -> Noticed:
        """Decide what a message event means. ``actor.user`` is the speaker (may be empty for bots).

        ``is_ours(user_id)`` tells a colleague from a guest of the other side, for commitments
        whose subject is a mention ("<@U123> will send the DPA"); ``is_partner(user_id)`` says
        the speaker is of the partner's organisation (Slack Connect), whose "I'll" is theirs.
        ``bot_user`` is the bot's own user id: a reply in the thread of its post is noted.
        """
        subtype = event.get("subtype")
        if subtype == "message_deleted":
            before = event.get("previous_message") if isinstance(event.get("previous_message"), dict) else {}
            author = str(before.get("user") or "")
            # A partner taking their words back doesn't take back what we logged of them:
            # only our team drops items (the partner's own buttons and commands can't either).
            by_partner = bool(author) and is_partner is not None and is_partner(author)
            return self._on_deleted(actor.scope, str(event.get("deleted_ts") or ""), drop=not by_partner)
        message = event.get("message") if subtype == "message_changed" else event
        if not isinstance(message, dict):
            return Noticed()
        text = flatten_message(message)
        if not text.strip():
            return Noticed()
        if message.get("bot_id") or message.get("subtype") == "bot_message":
            before = event.get("previous_message") if subtype == "message_changed" else None
            return self._on_bot_post(actor, message, before if isinstance(before, dict) else None)
        if message.get("subtype") not in HUMAN_SUBTYPES or not message.get("user"):
            return Noticed()
        # What the person said: struck-out words and code blocks are not promises.
        text = flatten_message(message, spoken=True)
        speaker = Actor(actor.scope, str(message["user"]), actor.tz)
        ts = str(message.get("ts") or "")
        thread = str(message.get("thread_ts") or "")
        if (thread and ts and thread != ts and subtype != "message_changed" and bot_user
                and _parent_author(message) == bot_user):
            # Someone answered in the thread of the bot's post (a debrief prompt's, perhaps):
            # its reminder is moot. Slack names the parent's author on every reply, so people's
            # own threads (most of a busy channel's) cost nothing.
            self._note_reply(actor.scope, thread)
        if self.mode(actor.scope) == "off" or not ts:
            return Noticed()
        debrief: list[Message] = []
        topic = detect_meeting_end(text)
        if topic and subtype != "message_changed":
            if self._store.add_once(actor.scope, OFFER, f"debrief:{ts}", {"topic": topic}):
                # Posted now, not by the scheduler: the wording for a shared channel is chosen here,
                # from Slack's answer now (a channel shared a moment ago is read by the partner).
                self._ledger.refresh_sharing(actor.scope)
                debrief.append(self.debrief_prompt(topic, speaker.user,
                                                   partner_reads=self._ledger.externally_shared(actor.scope)))
        # "Got off the call with Acme, they'll send the PO Friday": the debrief asks for the
        # rest, and the promise already stated is offered as well.
        detection = detect_commitment(text, is_ours=is_ours)
        if detection is not None and is_partner is not None and is_partner(speaker.user):
            detection = _as_partner_said(detection)
            if self.mode(actor.scope) != "auto":
                # An offer goes to the speaker alone, and a partner can't log anything: asking
                # them would only show buttons that refuse. `auto` logs it on their side.
                detection = None
        if detection is None:
            return Noticed(posts=debrief)
        noticed = self._on_commitment(speaker, ts, text, detection)
        noticed.posts = debrief + noticed.posts
        noticed.thread_ts = str(message.get("thread_ts") or ts)
        return noticed

    def _on_bot_post(self, actor: Actor, message: dict[str, Any],
                     before: dict[str, Any] | None = None) -> Noticed:
        """A CRM's post; ``before`` is the post as it read until this edit of it."""
        patterns = self._partner.settings.get(actor.scope)["crm_patterns"]
        change = parse_crm_message(message, patterns)
        if change is None:
            return Noticed()
        if before is not None and _same_change(parse_crm_message(before, patterns), change):
            # An edit that says what the post said (a card re-rendered, a preview added) is
            # news of nothing: applied again, a days-old post would move the deal back.
            return Noticed()
        edited = message.get("edited") if isinstance(message.get("edited"), dict) else {}
        post = f"{message.get('ts')}:{edited.get('ts') or ''}"  # an edit is a delivery of its own
        delivery = f"{post}:{change.deal.casefold()}:{change.stage.value}"
        if not self._first_crm_delivery(actor.scope, delivery):
            return Noticed()
        crm_actor = Actor(actor.scope, "crm", actor.tz)
        outcome = self._partner.set_stage(crm_actor, change.deal, change.stage, source="crm")
        return Noticed(posts=outcome.posts, signed=outcome.signed, signer=crm_actor)

    def _first_crm_delivery(self, scope: Scope, delivery: str) -> bool:
        """Remember a CRM post (its ts, edit, deal and stage); False when it was seen already."""
        first = True

        def change(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            nonlocal first
            seen = list((doc or {}).get("deliveries") or [])
            if delivery in seen:
                first = False
                return doc
            return {"deliveries": [*seen, delivery][-CRM_SEEN_KEPT:]}

        self._store.update(scope, CRM_SEEN, CRM_SEEN_KEY, change)
        return first

    def _on_commitment(self, speaker: Actor, ts: str, text: str, found: Detection) -> Noticed:
        offer = {
            "user": speaker.user, "side": found.side, "what": found.what[:cmd.MAX_WHAT],
            "due_text": found.due_text, "who": found.who, "state": "offered",
        }
        # Keyed by the message ts: retries, edits and restarts never offer the same message twice.
        if not self._store.add_once(speaker.scope, OFFER, ts, offer):
            return Noticed()
        if self.mode(speaker.scope) == "auto":
            outcome = self.log_offer(speaker, ts, found.side, source="auto")
            if outcome.ok:
                return Noticed(thread_reply=Message("listen_auto_logged", {
                    **(outcome.reply.context if outcome.reply else {}), "ts": ts}))
            return Noticed()
        return Noticed(ephemeral=Message("listen_offer", {"offer": offer, "ts": ts}))

    def _on_deleted(self, scope: Scope, ts: str, *, drop: bool = True) -> Noticed:
        """A deleted message withdraws its offer; an item auto-logged from it is dropped
        (unless not ``drop``: a partner deleted it)."""
        offer = self._store.get(scope, OFFER, ts) if ts else None
        if offer is None:
            if ts:
                # Deleted before we heard it: Slack delivers events out of order (a message
                # whose first delivery timed out is retried after its deletion). Remembered as
                # withdrawn, so the late message offers, logs and asks nothing.
                with self._store.transaction(scope):
                    self._store.add_once(scope, OFFER, ts, {"state": "withdrawn"})
                    self._store.add_once(scope, OFFER, f"debrief:{ts}", {"state": "withdrawn"})
            return Noticed()
        if drop and offer.get("state") == "logged" and offer.get("source") == "auto" and offer.get("number"):
            self._ledger.close(scope, int(offer["number"]), "dropped", "message-deleted")
        self._store.put(scope, OFFER, ts, {**offer, "state": "withdrawn"})
        return Noticed()

    def _note_reply(self, scope: Scope, thread_ts: str) -> None:
        """Remember that the bot's post ``thread_ts`` was answered (when, never what was said);
        the channel's expired notes go in the same write."""
        if self._store.get(scope, THREAD_REPLY, thread_ts) is not None:
            return  # the thread's second reply onwards: nothing to write
        now = self._partner.clock.now()
        with self._store.transaction(scope):
            self._prune_replies(scope, now)
            self._store.add_once(scope, THREAD_REPLY, thread_ts, {"thread": thread_ts, "at": now.isoformat()})

    def replied_in_thread(self, scope: Scope, thread_ts: str) -> bool:
        """Someone wrote in the thread of the bot's post ``thread_ts`` (lately enough to matter)."""
        doc = self._store.get(scope, THREAD_REPLY, thread_ts)
        return doc is not None and not reply_mark_expired(_noted_at(doc), self._partner.clock.now())

    def forget_reply(self, scope: Scope, thread_ts: str) -> None:
        """The reminder that asked about ``thread_ts`` is settled: its note is needed no more."""
        self._store.delete(scope, THREAD_REPLY, thread_ts)

    def prune_replies(self, scope: Scope, now: datetime) -> None:
        """Delete the channel's notes of replies that no reminder can ask about any more (a
        planner of the scheduler's sweep, so a quiet channel's notes go too)."""
        if self._expired_replies(scope, now):
            with self._store.transaction(scope):
                self._prune_replies(scope, now)

    def _expired_replies(self, scope: Scope, now: datetime) -> list[Doc]:
        return self._store.find(scope, THREAD_REPLY, lambda doc: reply_mark_expired(_noted_at(doc), now))

    def _prune_replies(self, scope: Scope, now: datetime) -> None:
        expired = self._expired_replies(scope, now)
        threads = [str(doc["thread"]) for doc in expired if doc.get("thread")]
        if len(threads) < len(expired):
            # Notes from before they named their thread (every reply in every thread, once):
            # their keys are found by reading the channel's records, once, as they all go now.
            threads = [key for kind, key, doc in self._store.records(scope)
                       if kind == THREAD_REPLY and reply_mark_expired(_noted_at(doc), now)]
        for thread in threads:
            self._store.delete(scope, THREAD_REPLY, thread)

    # --- buttons ------------------------------------------------------------------------

    def log_offer(self, actor: Actor, ts: str, side: str, source: str = "button") -> Outcome:
        """Log an offered commitment as give or get (from a button, or automatically)."""
        offer = self._store.get(actor.scope, OFFER, ts)
        if offer is None or offer.get("state") == "withdrawn":
            return error("offer_gone_to_log")
        if offer.get("state") == "ignored":
            return error("offer_ignored")
        if offer.get("state") == "logged" and offer.get("number"):
            # A second click before Slack replaced the offer (a double click, or Log as give
            # then Log as get): the item stands as first logged; saying "Logged" again would
            # pass it off as new, or as logged on the side just clicked.
            return error("offer_already_logged", number=offer["number"])
        due_on = None
        if offer.get("due_text"):
            try:
                due_on = parse_due(offer["due_text"], self._partner.clock.now(), actor.tz())
            except DueDateError:
                due_on = None  # the detector was generous; keep the item, drop the date
        item, created = self._ledger.add(
            actor.scope,
            side="get" if side == "get" else "give",
            what=offer["what"],
            owner=offer["user"],
            created_by=actor.user,
            due_on=due_on,
            counterpart=offer.get("who") if side == "get" else None,
            source="conversation",
            source_key=f"msg:{ts}",
        )
        if created:
            self._store.put(actor.scope, OFFER, ts,
                            {**offer, "state": "logged", "number": item.number, "source": source})
        today = self._partner.today(actor.tz())
        # An automatic log's thread reply shows no advice: none is counted as given then.
        return Outcome(reply=Message("item_added", {"item": item, "today": today,
                                                    **self._coaching(actor, today, source != "auto")}))

    def ignore_offer(self, actor: Actor, ts: str) -> Outcome:
        """The speaker said no thanks."""
        offer = self._store.get(actor.scope, OFFER, ts)
        if offer is None:
            return error("offer_gone_to_ignore")
        if offer.get("state") == "logged" and offer.get("number"):
            return error("offer_already_logged", number=offer["number"])  # "Ignored" would hide it
        if offer.get("state") == "offered":
            self._store.put(actor.scope, OFFER, ts, {**offer, "state": "ignored"})
        return Outcome(reply=Message("listen_ignored", {}))

    def undo_auto_log(self, actor: Actor, ts: str) -> Outcome:
        """Undo an automatic log: the item is dropped."""
        offer = self._store.get(actor.scope, OFFER, ts)
        if offer is None or not offer.get("number"):
            return error("offer_nothing_to_undo")
        result = self._ledger.close(actor.scope, int(offer["number"]), "dropped", actor.user)
        if result.outcome == "already_closed":
            return error("offer_already_closed", number=offer["number"])
        return Outcome(reply=Message("listen_undone", {"number": offer["number"]}))

    def _coaching(self, actor: Actor, today: Any, shown: bool) -> dict[str, Any]:
        return self._partner.coach.context(actor.scope, self._ledger.items(actor.scope), today,
                                           remember=shown)

    # --- prompts and settings -------------------------------------------------------------

    def debrief_prompt(self, topic: str, user: str | None, *, partner_reads: bool = False) -> Message:
        """The post-meeting question, with a button to the debrief form; ``partner_reads``: the
        channel is shared with the partner (Slack Connect), so the wording leaves our coaching out."""
        return Message("debrief_prompt", {"topic": topic, "user": user, "partner_reads": partner_reads})

    def set_mode(self, actor: Actor, command: cmd.Listen) -> Outcome:
        """`/partner listen [suggest|auto|off]`."""
        if command.mode is None:
            return Outcome(reply=Message("listen_mode", {"mode": self.mode(actor.scope), "changed": False}))
        self._partner.settings.set(actor.scope, listen=command.mode)
        return Outcome(reply=Message("listen_mode", {"mode": command.mode, "changed": True}))

    def crm(self, actor: Actor, command: cmd.Crm) -> Outcome:
        """`/partner crm [patterns | pattern <regex> | remove <n>]`."""
        verb, _, rest = command.args.strip().partition(" ")
        verb, rest = verb.lower(), rest.strip()
        patterns: list[str] = list(self._partner.settings.get(actor.scope)["crm_patterns"])
        if verb in ("", "patterns", "list"):
            return Outcome(reply=Message("crm_patterns", {"patterns": patterns, "added": None}))
        if verb == "pattern":
            problem = validate_pattern(rest) if rest else Refusal("crm_pattern_missing")
            if problem:
                return refuse(problem, "crm")
            if len(patterns) >= MAX_PATTERNS:
                return error("crm_patterns_full", usage_of="crm", limit=MAX_PATTERNS)
            if rest not in patterns:
                patterns.append(rest)
                self._partner.settings.set(actor.scope, crm_patterns=patterns)
            return Outcome(reply=Message("crm_patterns", {"patterns": patterns, "added": rest}))
        if verb == "remove":
            if not rest.isdecimal() or not 1 <= int(rest) <= len(patterns):
                return error("crm_pattern_number", usage_of="crm")
            patterns.pop(int(rest) - 1)
            self._partner.settings.set(actor.scope, crm_patterns=patterns)
            return Outcome(reply=Message("crm_patterns", {"patterns": patterns, "added": None}))
        return error("crm_unknown_verb", usage_of="crm", word=verb[:20])


def _parent_author(message: dict[str, Any]) -> object:
    """Who wrote the message a thread reply answers: Slack's ``parent_user_id``, or for a reply
    also sent to the channel (``thread_broadcast``) the ``root`` message it carries."""
    root = message.get("root") if isinstance(message.get("root"), dict) else {}
    return message.get("parent_user_id") or root.get("user")


def _noted_at(doc: Doc) -> datetime | None:
    """When a reply note was written; None for one from before notes were dated."""
    try:
        return datetime.fromisoformat(str(doc["at"]))
    except (KeyError, ValueError):
        return None


def _as_partner_said(found: Detection) -> Detection | None:
    """What a Slack Connect partner's promise is for our ledger.

    The detector reads "I'll" and "we'll" as the speaker's side, which is ours when a
    colleague speaks. A partner's "I'll send the NDA" is theirs: a get. Their "they'll …" may
    mean us or someone else, so it is left unoffered; a mention names its side already.
    """
    if found.who is not None and found.who.startswith("@"):
        return found
    if found.side == "give":
        return replace(found, side="get")
    return None


def _same_change(earlier: StageChange | None, later: StageChange) -> bool:
    """The same deal (any case) to the same stage."""
    if earlier is None:
        return False
    return (earlier.deal.casefold(), earlier.stage) == (later.deal.casefold(), later.stage)
