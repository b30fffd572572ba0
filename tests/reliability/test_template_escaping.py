"""Every template in prompts/, rendered with hostile user text: no raw control sequence reaches Slack.

``CONTEXTS`` holds one context builder per template; it takes the string to put in every
place a person's text can land (what, counterpart, deal name, topic, notice, pattern …).
A template file without an entry fails :func:`test_every_template_is_covered`, so a new
template cannot ship until someone decides what user text it shows and covers it here.

What "escaped" means: in every string Slack parses as mrkdwn (the ``text`` fallback, which
also drives notifications, and ``mrkdwn`` text objects), after removing the mentions and
channel links the bot writes itself, no ``<`` or ``>`` is left and every ``&`` starts one of
the three entities Slack decodes. ``plain_text`` objects are shown literally by Slack and
are skipped; keys people never see (``value``, ``action_id`` …) too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.domain.attention import WHY, Attention
from bot.domain.coaching import ChannelHistory, DealState, assess
from bot.domain.ledger import Commitment, balance, paginate
from bot.domain.mutual_plan import Proposal, plan_view
from bot.domain.refusal import Refusal
from bot.domain.stages import Stage
from bot.messages import PROMPTS_DIR, render
from bot.services.deals import Deal
from bot.services.digest import compute_digest, digest_context
from bot.services.home import HomeDeal, HomeItem
from bot.services.plans import LinkState
from tests.refusals import catalogue

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ME, CHANNEL = "U0ALICE", "C0DEAL"
MARKER = "Zq7"  # shows where user text landed
HOSTILE = [
    "&", "AT&T", "<#C0OTHER>", "<#C0OTHER|general>", "a < b", "x>y", "<!channel>", "<!here>",
    "<!subteam^S0TEAM>", "<@U0BOB>", "<http://x|y>", "<mailto:a@b.c|mail>", "&lt;!channel&gt;",
    "\u202eevil\u202c", "שלום", "🤝", "*bold* _it_ `code`", "\\\" {{ x }} {% raw %}",
]
# What the bot itself may write into mrkdwn: mentions of real ids it was given, and a date
# token whose fallback text the bot wrote itself.
BOT_MARKUP = re.compile(r"<@U0ALICE>|<#C0DEAL>"
                        r"|<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[A-Za-z0-9 ,:]+>")
ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
HIDDEN_KEYS = {"value", "action_id", "block_id", "callback_id", "private_metadata", "external_id",
               "url", "image_url", "initial_date", "initial_value"}


def items(text: str) -> list[Commitment]:
    made = NOW - timedelta(days=2)
    return [
        Commitment(1, "give", text, ME, ME, made, due_on=TODAY + timedelta(days=1), deal=text),
        Commitment(2, "get", text, ME, ME, made, due_on=TODAY - timedelta(days=3), counterpart=text),
        Commitment(3, "give", text, ME, ME, made, due_on=TODAY, status="done",
                   closed_at=NOW - timedelta(hours=1), closed_by=ME),
    ]


def deal(text: str, stage: Stage = Stage.NEGOTIATION) -> Deal:
    return Deal(name=text, stage=stage, updated_at=NOW - timedelta(days=1), updated_by=ME)


def coach(text: str, stage_changed: bool = False) -> dict[str, Any]:
    """The coaching context: their item (named by ``text``) is late, so the nudge quotes it."""
    history = ChannelHistory(items=items(text), now=NOW, today=TODAY, stage_changed=stage_changed,
                             deal=DealState(text, Stage.QUALIFIED, NOW))
    return {"balance": balance(items(text), TODAY), "nudge": assess(history)}


def stage(text: str) -> dict[str, Any]:
    return {"deal": deal(text), "previous": Stage.PROPOSAL, "user": ME, "source": "command",
            "open_items": [c for c in items(text) if c.is_open], "checkin_days": [7, 30, 90],
            "today": TODAY, "stage_variant": 1, **coach(text, stage_changed=True)}


def digest(text: str) -> dict[str, Any]:
    data = compute_digest(items(text), [deal(text)], NOW - timedelta(days=7), NOW, TODAY,
                          {"give_total": 0, "get_total": 3})
    upcoming = [{"deal": text, "days": 30, "when": "Mon 7 Dec, 10:00"}]
    return digest_context(data, "America/New_York", TODAY - timedelta(days=7), TODAY, upcoming, 2,
                          "Mon 30 Nov, 09:00", coach(text)["nudge"],
                          {"view": plan_view(items(text), TODAY), "linked": False,
                           "link": LinkState("expired", TODAY), "partner_reads": False})


def checkin(text: str) -> dict[str, Any]:
    listed = items(text)
    return {"deal": text, "days": 30, "since": 30, "signed_on": TODAY - timedelta(days=30),
            "gives": [c for c in listed if c.is_open and c.side == "give"],
            "gets": [c for c in listed if c.is_open and c.side == "get"],
            "kept": [c for c in listed if c.status == "done"], "overdue": [listed[1]], "today": TODAY,
            "broken": [listed[0]], **coach(text)}


def reminder(text: str) -> dict[str, Any]:
    item = items(text)[1]
    return {"item": item, "channel": CHANNEL, "state": "overdue", "days_left": -3, "today": TODAY,
            "value": {"channel": CHANNEL, "number": 2, "job": "reminder:2"}, "snooze_days": 2}


def calendar_status(text: str) -> list[dict[str, Any]]:
    return [{"feed": None},
            {"feed": {"masked": text, "error": "http_error", "failures": 2,
                      "problem": Refusal("feed_http_status", {"status": text}),
                      "last_success_at": NOW, "last_attempt_at": NOW, "next_poll_at": NOW},
             "upcoming": [{"title": text, "starts_at": NOW, "deals": [{"deal": text, "channel": CHANNEL}]}],
             "tz": "Europe/Berlin"}]


# Facts that aren't text: the catalogue's texts format or list them.
TYPED_FACTS: dict[str, Callable[[str], Any]] = {
    "due": lambda t: TODAY, "latest": lambda t: TODAY, "day": lambda t: TODAY.isoformat(),
    "stages": lambda t: [t, t], "missing": lambda t: [t, t], "numbers": lambda t: [1, 2],
}


def refusals(text: str) -> list[Refusal]:
    """Every text of the error catalogue (prompts/_errors.j2), with ``text`` in each of its facts."""
    return [Refusal(key, {name: TYPED_FACTS.get(name, lambda t: t)(text) for name in entry.parameters})
            for key, entry in sorted(catalogue().items())]


# A builder returns one context, or several to reach every branch that shows something.
CONTEXTS: dict[str, Callable[[str], dict[str, Any] | list[dict[str, Any]]]] = {
    "bot_removed": lambda t: [
        {"channel": CHANNEL, "error": "not_in_channel", "kind": "checkin", "deal": t, "days": 30},
        {"channel": CHANNEL, "error": "is_archived", "kind": "debrief", "topic": t},
    ],
    "calendar_choice": lambda t: {"title": t, "ends_at": NOW.isoformat(),
                                  "options": [{"channel": CHANNEL, "deal": t, "value": f"d|{CHANNEL}"}],
                                  "more": 2},
    "calendar_choice_moved": lambda t: [{"title": t, "state": state, "moved_unix": 1796137200,
                                         "moved_text": "Thu 26 Nov, 15:00 UTC"}
                                        for state in ("moved", "called_off", "missing")],
    "calendar_chosen": lambda t: {"channel": CHANNEL, "title": t},
    "calendar_connected": lambda t: {"masked": t},
    "calendar_disconnected": lambda t: {"existed": True},
    "calendar_failing": lambda t: [
        {"masked": t, "problem": {"key": "feed_http_status", "facts": {"status": t}}},
        {"masked": t, "message": t},  # a DM queued before the catalogue carried its sentence
    ],
    "calendar_status": calendar_status,
    "checkin": checkin,
    "checkin_settings": lambda t: [{"change": "set", "days": [7, 30], "tz": "Europe/Berlin",
                                    "upcoming": [{"deal": t, "days": 7, "when": "Mon 30 Nov, 10:00"}],
                                    "more": 1},
                                   {"change": None, "days": [7, 30], "tz": t, "upcoming": [], "more": 0}],
    "crm_patterns": lambda t: {"patterns": [t, r"(?P<deal>\S+) is (?P<stage>.+)"], "added": t},
    "deal_domains": lambda t: {"deal": t, "domains": ["acme.com", "acme.io"]},
    "deal_list": lambda t: {"deals": [deal(t), deal(t, Stage.SIGNED)]},
    "debrief_logged": lambda t: {"items": items(t), "topic": t, "wiifm": t, **coach(t)},
    "debrief_modal": lambda t: {"topic": t, "metadata": '{"channel": "C0DEAL"}',
                                "lines": 2},
    "debrief_prompt": lambda t: {"topic": t, "user": ME, "meeting": t, "people": [ME, t]},
    "debrief_prompt_moved": lambda t: [{"topic": t, "meeting": t, "state": state, "moved_unix": 1796137200,
                                        "moved_text": "Thu 26 Nov, 15:00 UTC"}
                                       for state in ("moved", "called_off", "missing")],
    "debrief_reminder": lambda t: [{"topic": t, "meeting": t, "people": [ME, t], "partner_reads": shared}
                                   for shared in (False, True)],
    "digest": digest,
    "digest_settings": lambda t: {"change": "set", "enabled": True, "next": "Mon 30 Nov, 09:00",
                                  "time": "09:00", "tz": "Europe/Berlin", "weekday": "Monday"},
    "error": lambda t: [{"refusal": r, "usage_of": "deal"} for r in refusals(t)],
    "form_errors": lambda t: {"problems": {f"block_{i}": r for i, r in enumerate(refusals(t))}},
    "help": lambda t: [{"topic": None}, {"topic": t}],  # an unknown topic is named
    "home": lambda t: {"items": [HomeItem(CHANNEL, c) for c in items(t) if c.is_open],
                       "more_items": 1, "more_deals": 1,
                       # One deal for each reason App Home can give, naming a hostile item.
                       "deals": [HomeDeal(CHANNEL, deal(t), balance(items(t), TODAY),
                                          plan_view(items(t), TODAY), Attention(rank, 3, items(t)[0], 2))
                                 for rank in range(len(WHY))],
                       "today": TODAY, "notice": Refusal("unknown_command", {"word": t}), "user": ME,
                       "partner_in": [CHANNEL]},
    "item_added": lambda t: {"item": items(t)[1], "today": TODAY, **coach(t)},
    "item_closed": lambda t: {"item": items(t)[2], "today": TODAY, **coach(t)},
    "item_reopened": lambda t: {"item": items(t)[1], "today": TODAY, **coach(t)},
    "item_edited": lambda t: {"item": items(t)[1], "today": TODAY,
                              "before": replace(items(t)[1], what=t + " (before)", due_on=TODAY,
                                                confirmed_by="partner", confirmed_at=NOW)},
    "ledger_list": lambda t: {"page": paginate(items(t), 1, 10), "view": "all", "today": TODAY, **coach(t)},
    "listen_auto_logged": lambda t: {"item": items(t)[0], "today": TODAY, "ts": "1700000000.000100",
                                     **coach(t)},
    "listen_ignored": lambda t: {},
    "listen_mode": lambda t: {"mode": "suggest", "changed": True},
    "listen_offer": lambda t: {"offer": {"user": ME, "side": "get", "what": t, "due_text": t, "who": t,
                                         "state": "offered"}, "ts": "1700000000.000100"},
    "listen_undone": lambda t: {"number": 4},
    "meeting_scheduled": lambda t: [{"created": True, "ends_at": NOW, "topic": t, "tz": "Europe/Berlin"},
                                    {"created": True, "ends_at": NOW, "topic": t, "tz": "Europe/Berlin",
                                     "moved_from": NOW}],
    "meeting_cancelled": lambda t: {"topic": t, "ends_at": [NOW, NOW]},
    "meeting_list": lambda t: {"tz": "Europe/Berlin", "meetings": [{"topic": t, "ends_at": NOW}] * 15,
                               "more": 3},
    "welcome": lambda t: {"open_items": 2, "deals": [{"name": t, "stage": "Negotiation"}] * 6,
                          "listen": "suggest", "shared": True},
    "modal_failed": lambda t: {"error": t},
    "post_failed": lambda t: {"error": t},
    "record_modal": lambda t: {"side": "give", "deal": t, "metadata": '{"channel": "C0DEAL"}'},
    "reminder": reminder,
    "reminders": lambda t: {"channels": [(CHANNEL, [
        {**reminder(t), "item": items(t)[0], "state": "due", "days_left": 1}, reminder(t)])],
        "hidden": 7, "total": 9, "overdue": 4},
    "reminder_snoozed": lambda t: {"item": items(t)[1], "channel": CHANNEL, "until": "Wed 25 Nov, 09:00"},
    "stage_closing": stage,
    "stage_early": stage,
    "stage_lost": stage,
    "stage_on_hold": stage,
    "stage_renewal": stage,
    "stage_set": stage,
    "stage_signed": stage,
    "stage_unchanged": lambda t: {"deal": deal(t)},
    # The mutual plan (docs/mutual-plan.md).
    "partner_done": lambda t: {"item": items(t)[1]},
    "partner_done_announce": lambda t: {"item": items(t)[1], "user": ME},
    "partner_list": lambda t: {"view": plan_view(items(t), TODAY), "deals": [deal(t)]},
    "plan_confirmed": lambda t: {"item": items(t)[1]},
    "partner_confirmed": lambda t: {"item": items(t)[1], "again": False},
    "plan_preview": lambda t: [{"view": plan_view(items(t), TODAY), "deals": [deal(t)], "page": 1,
                                "private": 1, "linked": state == "on", "confirm": 2,
                                "link": LinkState(state, TODAY), "ordered": state == "on"}
                               for state in ("on", "expired", "none")],
    "plan_moved": lambda t: [{"item": items(t)[0], "steps": items(t), "position": 1, "changed": True,
                              "auto": False},
                             {"auto": True, "changed": False}],
    "plan_export_failed": lambda t: {"error": t},
    "plan_exported": lambda t: {"count": 3},
    "plan_proposal": lambda t: {"item": items(t)[1], "proposal": Proposal(t, TODAY), "proposal_id": "p1",
                                "channel": CHANNEL, "today": TODAY},
    "plan_proposal_announce": lambda t: {"item": items(t)[1], "user": ME},
    "plan_proposal_decided": lambda t: {"item": items(t)[1], "accepted": True, "again": False},
    "plan_share": lambda t: [{"link": "https://coach.example.com/plans/" + "a" * 43, "created": True,
                              "shared": 2, "private": 1, "revoked": False, "replaced": replaced,
                              "expired_on": TODAY if not replaced else None, "expires_on": TODAY,
                              "days": 30} for replaced in (True, False)],
    "plan_visibility": lambda t: {"item": items(t)[1], "changed": True},
}
# Templates that show no text a person typed (what they show is the bot's own words and numbers).
NO_USER_TEXT = {"calendar_disconnected", "digest_settings", "listen_ignored", "listen_mode",
                "listen_undone", "plan_exported", "plan_share"}


def renders(template: str, text: str) -> list[dict[str, Any]]:
    """The template rendered with every context its builder gives for ``text``."""
    contexts = CONTEXTS[template](text)
    return [render(template, **c) for c in (contexts if isinstance(contexts, list) else [contexts])]


def template_names() -> list[str]:
    return sorted(p.name.removesuffix(".json.j2") for p in PROMPTS_DIR.glob("*.json.j2"))


def mrkdwn_strings(payload: Any, key: str = "", parent: Any = None) -> list[str]:
    """Every string Slack parses as mrkdwn in a message or view payload."""
    if isinstance(payload, dict):
        if payload.get("type") == "plain_text":
            return []  # shown literally
        out: list[str] = []
        for k, value in payload.items():
            if k not in HIDDEN_KEYS and k != "type":
                out.extend(mrkdwn_strings(value, k, payload))
        return out
    if isinstance(payload, list):
        return [s for value in payload for s in mrkdwn_strings(value, key, parent)]
    return [payload] if isinstance(payload, str) else []


def raw_markup(text: str) -> list[str]:
    """What in ``text`` Slack would treat as markup the bot did not write on purpose."""
    rest = BOT_MARKUP.sub("", re.sub(r"(?m)^>", "", text))  # ">" opening a line quotes it
    found = re.findall(r"<[^<>]*>?|>", rest)
    found += [rest[m.start():m.start() + 8] for m in ENTITY.finditer(rest)]
    return found


def test_every_template_is_covered():
    assert sorted(CONTEXTS) == template_names(), (
        "each template in prompts/ needs a hostile-text context in CONTEXTS")


@pytest.mark.parametrize("template", sorted(CONTEXTS))
@pytest.mark.parametrize("hostile", HOSTILE)
def test_user_text_never_reaches_slack_as_markup(template, hostile):
    strings = [s for payload in renders(template, f"{MARKER} {hostile} {MARKER}")
               for s in mrkdwn_strings(payload)]
    leaks = [(s, raw_markup(s)) for s in strings if raw_markup(s)]
    assert leaks == [], leaks


@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_the_hostile_text_is_really_shown(template):
    """Guards the test above: user text does land in the output of templates that show it."""
    shown = json.dumps(renders(template, f"{MARKER} <!channel> & {MARKER}"), ensure_ascii=False)
    assert (MARKER in shown) is (template not in NO_USER_TEXT)


def test_the_check_catches_a_template_that_does_not_escape():
    assert raw_markup("Reminder: <!channel> is due") == ["<!channel>"]
    assert raw_markup("<@U0BOB> owes <#C0OTHER|x>") == ["<@U0BOB>", "<#C0OTHER|x>"]
    assert raw_markup("AT&T a < b") == ["< b", "&T a < b"]
    assert raw_markup("<@U0ALICE> in <#C0DEAL>: AT&amp;T &lt;b&gt;\n>quoted") == []
