"""Parsing the text of `/partner …` into typed commands. Pure: no Slack, no clock."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.domain.command_words import INTENT_WORDS, PLAN_WORDS, suggest_subcommands
from bot.domain.refusal import Refused
from bot.domain.stages import RESUME_WORDS, Stage, normalize_stage, stage_key, stage_names
from bot.domain.visible_text import is_blank, without_hidden_controls

MAX_WHAT = 300
MAX_COMMAND_TEXT = 2000
MAX_DEAL_NAME = 80

# With `should_escape` on, Slack sends mentions as <@U123|name> or <@U123>.
_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>")
# A mention typed out by hand: Slack escapes what people type, so it arrives as
# "&lt;@U123&gt;", while a mention Slack made arrives as "<@U123>". Unescaped, the two would
# look alike, and a typed id would become an item's owner, mentioned by the bot.
_TYPED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]{2,20})(?:\|[^&]*)?&gt;")
_ID = re.compile(r"^#?(\d{1,6})$")


class UsageError(Refused):
    """The text is not a valid command: ``key``/``facts`` say why; the usage of ``subcommand``
    (prompts/_usage.j2) shows the right shape."""

    def __init__(self, key: str, subcommand: str | None = None, **facts: object) -> None:
        super().__init__(key, **facts)
        self.subcommand = subcommand


# Every subcommand, in the order `/partner help` lists them; their shapes ("Usage: …") are
# in prompts/_usage.j2, under the same names.
SUBCOMMANDS: tuple[str, ...] = (
    "give", "get", "list", "done", "drop", "reopen", "edit", "deal", "meeting", "digest", "checkins",
    "listen", "crm", "plan", "share", "export", "private", "calendar", "help",
)


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class AddItem:
    """`give` or `get`: the due phrase is left raw; resolving it needs the user's time zone."""

    side: str
    text: str
    owner: str | None = None
    counterpart: str | None = None
    private: bool = False


@dataclass(frozen=True)
class ListItems:
    view: str = "open"
    page: int = 1


@dataclass(frozen=True)
class CloseItem:
    number: int
    status: str  # "done" | "dropped"
    # `drop <id> agreed`: cancelled together with the partner, so never a broken promise.
    mutual: bool = False


@dataclass(frozen=True)
class ReopenItem:
    """`reopen <id>`: an item marked done by mistake (or delivered and not accepted), or dropped
    by mistake, opened again."""

    number: int


@dataclass(frozen=True)
class ResumeDeal:
    """`deal <name> resume`: a deal on hold back at the stage it was paused from."""

    deal: str


@dataclass(frozen=True)
class EditItem:
    number: int
    text: str


@dataclass(frozen=True)
class SetStage:
    deal: str
    stage: Stage


@dataclass(frozen=True)
class ListDeals:
    pass


@dataclass(frozen=True)
class SetDomains:
    """`deal <name> domain <domains>`: the domain text is checked by the calendar feature."""

    deal: str
    domains: str


@dataclass(frozen=True)
class Meeting:
    text: str


@dataclass(frozen=True)
class Calendar:
    """`calendar [connect <url> | disconnect]`; ``url`` is a secret: never echo it."""

    action: str  # "status" | "connect" | "disconnect"
    url: str = field(default="", repr=False)


@dataclass(frozen=True)
class Digest:
    args: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Checkins:
    args: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Listen:
    mode: str | None = None


@dataclass(frozen=True)
class Crm:
    args: str = ""


@dataclass(frozen=True)
class Share:
    """`share`: show (creating it the first time) the partner's link; `share off` revokes it;
    `share new` replaces it with a fresh one (the old one stops working)."""

    off: bool = False
    new: bool = False


@dataclass(frozen=True)
class Export:
    pass


@dataclass(frozen=True)
class ShowPlan:
    """`plan`: the mutual plan as the partner sees it (both sides, shared items only).

    ``confirm``: the id after `confirm 3` / `cosign 3`; a partner co-signs their own item with
    it, our team is told that only the partner can. ``page``: ten items a side a page.
    """

    page: int = 1
    confirm: int | None = None


@dataclass(frozen=True)
class MoveStep:
    """`plan move <id> <position>`: put a step of the plan at a place on its side.

    ``target``: a position counted from 1, or top/first/bottom/last/up/down.
    """

    number: int
    target: int | str


@dataclass(frozen=True)
class AutoOrder:
    """`plan order auto`: forget the order the team set; the plan reads overdue and soonest first."""


@dataclass(frozen=True)
class SetVisibility:
    """`private <id>` keeps an item from the partner; `shared <id>` puts it on the mutual plan."""

    number: int
    private: bool


Command = (
    Help | AddItem | ListItems | CloseItem | ReopenItem | EditItem | SetStage | ResumeDeal | ListDeals
    | Meeting | Digest | Checkins | Listen | Crm | SetDomains | Calendar | Share | Export | SetVisibility
    | ShowPlan | MoveStep | AutoOrder
)

# "(private)" anywhere in a give/get keeps the item from the partner (see docs/mutual-plan.md).
_PRIVATE_MARK = re.compile(r"\s*\(\s*private\s*\)\s*", re.I)

LIST_VIEWS = ("open", "all", "overdue", "mine")
LISTEN_MODES = ("suggest", "auto", "off")


def plain_mentions(text: str) -> str:
    """Turn Slack's escaped mentions inside free text into readable, inert ``@name`` text."""
    return re.sub(
        r"<@([UW][A-Z0-9]{2,20})(?:\|([^>]*))?>",
        lambda m: "@" + (m.group(2) or m.group(1)),
        text,
    )


def _split_owner(text: str) -> tuple[str, str | None]:
    """Take an assignee mention standing at the end of the text (before any due clause)."""
    mentions = list(_MENTION.finditer(text))
    if not mentions:
        return text, None
    last = mentions[-1]
    before, after = text[: last.start()].rstrip(), text[last.end():].strip()
    # "give the deck @bob by Friday" / "give the deck to @bob" / "give the deck @bob"
    if re.search(r"\bfrom$", before, re.I):
        return text, None  # "get … from @dana": the mention is their side, not the owner
    if after == "" or re.match(r"^(by|due|before|until|on|in)\b", after, re.I):
        before = re.sub(r"\s+(to|for|owner:?|owned by)$", "", before, flags=re.I)
        return f"{before} {after}".strip(), last.group(1)
    return text, None


def _check_what(text: str, subcommand: str) -> None:
    if len(text) > MAX_WHAT:
        raise UsageError("what_too_long", subcommand, length=len(text), limit=MAX_WHAT)


_SEVERAL_IDS = re.compile(r"^#?\d{1,6}(?:\s*(?:,|and|&|\s)\s*#?\d{1,6})+$", re.I)


def _parse_number(arg: str, subcommand: str, typed: str | None = None) -> int:
    """The item id in ``arg``; ``typed`` is the word used, when it isn't ``subcommand`` ("shared")."""
    match = _ID.match(arg.strip())
    if not match and _SEVERAL_IDS.match(arg.strip()):  # "done 1 2", "drop 3, 4": one at a time
        numbers = [int(n) for n in re.findall(r"\d{1,6}", arg)][:5]
        raise UsageError("one_id_at_a_time", subcommand, command=typed or subcommand, numbers=numbers)
    if not match:
        raise UsageError("not_an_id", subcommand, shown=arg.strip()[:20] or "nothing")
    return int(match.group(1))


# `drop 4 agreed`: the words that say an item was cancelled together with the partner.
_AGREED = re.compile(r"^(?P<id>.*?)\s+(?:agreed|mutual|mutually|by agreement|together)$", re.I)


def _agreed(rest: str) -> tuple[str, bool]:
    """``rest`` without a trailing "agreed" (or "mutual", "by agreement"), and whether it had one."""
    match = _AGREED.match(rest.strip())
    return (match.group("id"), True) if match else (rest, False)


def _parse_resume(rest: str) -> ResumeDeal | None:
    """`deal Acme resume` (also "resumed", "back on", "off hold"): None when the text doesn't end
    on a resume word, or names no deal."""
    words = rest.split()
    for size in (3, 2, 1):
        if len(words) > size and stage_key(" ".join(words[-size:])) in RESUME_WORDS:
            deal = " ".join(words[:-size]).strip(" :-–—\"'")
            if not deal or not _readable(deal):
                return None
            if len(deal) > MAX_DEAL_NAME:
                raise UsageError("deal_name_too_long", "deal", limit=MAX_DEAL_NAME)
            return ResumeDeal(deal=plain_mentions(deal))
    return None


def _parse_stage(rest: str) -> SetStage | ResumeDeal:
    resume = _parse_resume(rest)
    if resume is not None:
        return resume
    words = rest.split()
    if len(words) < 2:
        if len(words) == 1 and normalize_stage(words[0]):
            raise UsageError("deal_name_first", "deal")
        raise UsageError("deal_needs_stage", "deal")
    # Stage names can be several words ("closed won", "proposal price quote"): try the longest.
    for size in range(min(4, len(words) - 1), 0, -1):
        if not any(char.isalnum() for char in words[-size]):
            continue  # "D00 && prospecting": the stage is "prospecting", the "&&" is the deal's
        if (words[-size].isdigit() and size > 1 and words[-size + 1][:1].isalnum()
                and normalize_stage(" ".join(words[-size + 1:]))):
            continue  # "Project 2 qualified": the number is the deal's ("6 - closed won" is a stage's)
        stage = normalize_stage(" ".join(words[-size:]))
        if stage is not None:
            deal = " ".join(words[:-size]).strip(" :-–—\"'")
            if not deal:
                break
            if len(deal) > MAX_DEAL_NAME:
                raise UsageError("deal_name_too_long", "deal", limit=MAX_DEAL_NAME)
            if not _readable(deal):  # "\u200b": a deal every post would show as blank
                raise UsageError("deal_name_unreadable", "deal")
            return SetStage(deal=plain_mentions(deal), stage=stage)
    raise UsageError("unknown_stage", "deal", word=words[-1][:30], stages=stage_names())


def _readable(name: str) -> bool:
    """Some character of ``name`` shows: not only spaces, joiners, marks of direction."""
    return any(not unicodedata.category(char).startswith(("C", "Z")) for char in name)


_DOMAIN_CLAUSE = re.compile(r"^(?P<deal>.+?)\s+domains?(?:\s+(?P<domains>.*))?$", re.I | re.S)


def _parse_domains_clause(deal: str, domains: str) -> SetDomains:
    deal = plain_mentions(deal).strip(" :-–—\"'")
    if not deal:
        raise UsageError("domain_deal_missing", "deal")
    if len(deal) > MAX_DEAL_NAME:
        raise UsageError("deal_name_too_long", "deal", limit=MAX_DEAL_NAME)
    return SetDomains(deal=deal, domains=domains.strip())


# The words of `plan` that ask to co-sign an item ("confirm 3"); the others show the plan.
_CONFIRM_WORDS = frozenset({"confirm", "confirmed", "cosign", "co-sign", "countersign", "signoff",
                            "sign-off", "agree"})
# Words people add that change nothing: "mutual plan", "plan please", "show the plan".
_PLAN_FILLER = frozenset({"plan", "mutual", "please", "pls", "the", "our", "show", "view", "see"})


# `plan move 4 to position 2`: the words around the id and the position that say nothing.
_MOVE = re.compile(r"^(?:step\s+|item\s+)?#?(?P<id>\d{1,6})\s+(?:to\s+)?(?:the\s+)?"
                   r"(?:position\s+|place\s+|#)?(?P<to>\d{1,6}|top|first|bottom|last|up|down)"
                   r"(?:\s+place)?$", re.I)
# `plan order auto`: the words that give the plan its automatic order back.
_AUTO_ORDER = frozenset({"auto", "automatic", "reset", "default"})


def _parse_move(rest: str) -> MoveStep:
    """`plan move <id> <position | top | bottom | up | down>` (also `move <id> to 2`)."""
    match = _MOVE.match(" ".join(rest.split()))
    if not match:
        raise UsageError("plan_move_shape", "plan", shown=rest.strip()[:40] or "nothing")
    to = match["to"].lower()
    return MoveStep(number=int(match["id"]), target=int(to) if to.isdecimal() else to)


def _parse_plan(word: str, rest: str) -> Command:
    """`plan [page <n>]`, `mutual plan`, `confirm <id>`, `plan move <id> <position>`,
    `plan order auto`; `plan give …` is `give …` said in full."""
    if word in _CONFIRM_WORDS:
        if not rest:
            return ShowPlan()
        return ShowPlan(confirm=_parse_number(rest, "plan", word))
    words = [w for w in rest.split() if w.lower() not in _PLAN_FILLER]
    if not words:
        return ShowPlan()
    first = words[0].lower()
    if first in ("move", "reorder"):
        return _parse_move(" ".join(words[1:]))
    if first == "order" and len(words) == 2 and words[1].lower() in _AUTO_ORDER:
        return AutoOrder()
    if first == "order":
        raise UsageError("plan_order_shape", "plan")
    if first in ("page", "p") and len(words) == 2 and words[1].isdecimal():
        return ShowPlan(page=max(1, int(words[1])))
    if len(words) == 1 and first.isdecimal():
        return ShowPlan(page=max(1, int(first)))
    if first in SUBCOMMANDS or first in ("shared",):  # "plan share", "plan give a pilot by Friday"
        return parse_command(" ".join(words))
    if first in INTENT_WORDS and set(INTENT_WORDS[first]) == {"give", "get"}:
        # "plan add a pilot by Friday": a step has a side; say both ways of logging it.
        what = " ".join(words[1:])[:80]
        raise UsageError("plan_add_side", "plan", what=what or "…")
    raise UsageError("plan_unknown", "plan", word=words[0][:20])


def _parse_calendar(rest: str) -> Calendar:
    verb, _, arg = rest.partition(" ")
    verb = verb.lower()
    if verb in ("", "status"):
        return Calendar("status")
    if verb == "connect":
        return Calendar("connect", arg.strip())
    if verb in ("disconnect", "remove", "off"):
        return Calendar("disconnect")
    # Never repeat what was typed: it may be the secret address itself.
    raise UsageError("calendar_unknown_verb", "calendar")


# Words around `share` that ask for the link itself: "share the plan", "share link please".
_SHARE_FILLER = frozenset({"the", "a", "our", "my", "this", "it", "link", "url", "plan", "mutual", "page",
                           "please", "pls"})


def _share_as_said(text: str) -> bool:
    """`share` said in words ("share the link", "share it with Dana"): the link, to send on.

    The bot sends it to no one, so "with <whoever>" changes nothing it does.
    """
    words = text.split()
    if words and words[0] in ("with", "to"):
        return True
    if "with" in words:
        words = words[:words.index("with")]
    return bool(words) and set(words) <= _SHARE_FILLER


# Asking to be reminded: reminders come by themselves for items with a date.
_REMIND_WORDS = frozenset({"remind", "reminder", "reminders", "remindme", "alert", "ping"})

# What people type for a fresh share link in place of the current one.
_SHARE_AGAIN = frozenset({"new", "renew", "reissue", "re-issue", "again", "refresh", "fresh", "reset",
                          "rotate"})


# A due clause cut short: "give the deck by" (the date left out), not words that end a text.
_DANGLING_DUE = re.compile(r"(?:^|\s)(by|before|until|till)\s*$", re.I)


def dangling_due_word(text: str) -> str | None:
    """The due word ``text`` ends on with no date after it ("the deck by" → "by"), else None."""
    match = _DANGLING_DUE.search(text)
    return match.group(1) if match else None


def slack_unescape(text: str) -> str:
    """Undo Slack's escaping of ``&``, ``<``, ``>`` in slash-command text (``&amp;`` last).

    Mentions and links Slack formatted itself (``<@U…|name>``) stay as they are;
    what the person typed literally ("R&D", a regex's ``(?P<deal>…)``) comes back.
    Everything is escaped again, once, when a template shows it.
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_command(text: str) -> Command:
    """Parse the text after ``/partner``; raise :class:`UsageError` naming a friendly refusal."""
    # NUL is no text anyone typed, and PostgreSQL can't store it in a JSON value; the other
    # control characters and direction overrides only hide or reorder text (visible_text).
    text = without_hidden_controls(text or "").strip()
    text = slack_unescape(_TYPED_MENTION.sub(lambda m: "@" + m.group(1), text))
    if len(text) > MAX_COMMAND_TEXT:
        raise UsageError("command_too_long", length=len(text), limit=MAX_COMMAND_TEXT)
    if not text:
        return Help()
    head, _, rest = text.partition(" ")
    sub = head.lower()
    rest = rest.strip()

    if sub in ("help", "?", "-h", "--help"):
        topic = rest.lower() or None
        if topic is not None and topic.split()[0] in PLAN_WORDS:
            topic = "plan"  # the commands of the mutual plan, with what it is
        elif topic is not None and topic not in SUBCOMMANDS:
            guesses = suggest_subcommands(topic.split()[0], SUBCOMMANDS)
            if len(guesses) == 1 and guesses[0] != "help":  # "help giv", "help delete": that one
                topic = guesses[0]
        return Help(topic=topic)
    if sub in ("give", "get"):
        private = bool(_PRIVATE_MARK.search(rest))
        rest = _PRIVATE_MARK.sub(" ", rest).strip()
        if is_blank(rest):
            raise UsageError("give_needs_what" if sub == "give" else "get_needs_what", sub)
        body, owner = _split_owner(rest)
        counterpart = None
        if sub == "get":
            match = re.search(
                r"\s+from\s+(.+?)(?=\s+(?:by|due|before|until|in)\s+|$)", body, flags=re.I
            )
            if match:
                counterpart = plain_mentions(match.group(1).strip())
                body = (body[: match.start()] + body[match.end():]).strip()
        body = plain_mentions(body)
        _check_what(body, sub)
        return AddItem(side=sub, text=body, owner=owner, counterpart=counterpart, private=private)
    if sub in ("list", "ls", "ledger"):
        words = rest.lower().split()
        view, page = "open", 1
        while words:
            word = words.pop(0)
            if word in LIST_VIEWS:
                view = word
            elif word == "page" and words and words[0].isdecimal():
                page = max(1, int(words.pop(0)))
            elif word.isdecimal():
                page = max(1, int(word))
            else:
                raise UsageError("list_unknown_view", "list", word=word[:20])
        return ListItems(view=view, page=page)
    if sub in ("done", "drop"):
        if not rest:
            raise UsageError("needs_id", sub, command=sub)
        mutual = False
        if sub == "drop":
            rest, mutual = _agreed(rest)
        return CloseItem(
            number=_parse_number(rest, sub), status="done" if sub == "done" else "dropped",
            mutual=mutual,
        )
    if sub in ("reopen", "re-open", "unclose"):
        if not rest:
            raise UsageError("needs_id", "reopen", command="reopen")
        return ReopenItem(number=_parse_number(rest, "reopen"))
    if sub == "edit":
        first, _, change = rest.partition(" ")
        if not first:
            raise UsageError("edit_needs_id", "edit")
        number = _parse_number(first, "edit")
        change = plain_mentions(change.strip())
        if is_blank(change):
            raise UsageError("edit_needs_change", "edit")
        _check_what(change, "edit")
        return EditItem(number=number, text=change)
    if sub in ("deal", "stage"):
        if not rest:
            return ListDeals()
        domains = _DOMAIN_CLAUSE.match(rest)
        if domains:
            try:
                return _parse_stage(rest)  # a deal called "Domain Experts Inc qualified"
            except UsageError:
                return _parse_domains_clause(domains.group("deal"), domains.group("domains") or "")
        return _parse_stage(rest)
    if sub == "calendar":
        return _parse_calendar(rest)
    if sub == "meeting":
        return Meeting(text=plain_mentions(rest))  # no text: the debriefs waiting (see Meetings)
    if sub == "digest":
        return Digest(args=rest.split())
    if sub in ("checkins", "checkin", "check-ins"):
        return Checkins(args=rest.lower().split())
    if sub == "listen":
        mode = rest.lower() or None
        if mode is not None and mode not in LISTEN_MODES:
            raise UsageError("listen_unknown_mode", "listen", mode=mode[:20])
        return Listen(mode=mode)
    if sub == "crm":
        return Crm(args=rest)
    if sub == "share":
        word = rest.lower()
        if word == "on" or _share_as_said(word):  # "share on", "share the link", "share it with Dana"
            word = ""
        if word in _SHARE_AGAIN:
            return Share(new=True)
        if word not in ("", "off"):
            raise UsageError("share_unknown", "share", word=rest[:20])
        return Share(off=word == "off")
    if sub == "export":
        return Export()
    if sub in ("private", "shared"):
        if not rest:
            raise UsageError("needs_id", "private", command=sub)
        return SetVisibility(number=_parse_number(rest, "private", sub), private=sub == "private")

    if sub in PLAN_WORDS:
        return _parse_plan(sub, rest)
    if sub in ("move", "reorder") and _MOVE.match(" ".join(rest.split())):
        return _parse_move(rest)  # "move 4 to 1"; "move 4 to Friday" is a date: `edit`, below
    if sub in _REMIND_WORDS:
        # There is no reminder to set: owners are reminded of what is due. Say how to get one.
        raise UsageError("remind_by_date", "edit")
    return _parse_sentence(head, text)


def _working(meant: str, subcommand: str) -> str:
    """``meant`` when it is a command that parses, else ``subcommand`` alone (or "" if neither).

    A suggestion is typed as shown: "share the plan with the customer" would only be refused
    again, so "I want to share the plan with the customer" suggests `share`.
    """
    for candidate in (meant, subcommand):
        try:
            parse_command(candidate)
        except UsageError:
            continue
        return candidate
    return ""


def _suggest_sentence(head: str, subcommand: str, after: list[str]) -> None:
    """Refuse a sentence, suggesting the command it holds: ``subcommand`` and what follows it."""
    meant = " ".join([subcommand, *after]).replace("`", "'")[:120]  # shown inside a code span
    raise UsageError("unknown_sentence", subcommand, word=head[:30],
                     meant=_working(meant, subcommand) or subcommand)


# How far into a sentence a command word is looked for: "can you please log that we give …".
_SENTENCE_WORDS = 8


def _parse_sentence(head: str, text: str) -> Command:
    """Text that doesn't start with a subcommand: a slip, a word people use, or a sentence.

    Asking for the plan in a sentence ("show me the plan") shows it: reading changes nothing.
    A sentence naming a subcommand ("can you log that we give a pilot by Friday") gets the
    command it holds as a suggestion, never run: a guess must not write to the ledger.
    """
    sub = head.lower()
    words = text.split()
    keys = [word.lower().strip(".,!?:;\"'“”") for word in words[:_SENTENCE_WORDS]]
    guesses = suggest_subcommands(sub, SUBCOMMANDS)
    for index, key in enumerate(keys[1:], start=1):  # the first word that says what is meant
        if key in ("plan", "mutual", "mutual-plan"):
            return ShowPlan()
        if key in SUBCOMMANDS and key != "help" and not guesses:
            _suggest_sentence(head, key, words[index + 1:])
    for index, key in enumerate(keys[1:], start=1):  # "I promise a deck by Friday": `give`
        meant_by = INTENT_WORDS.get(key, ())
        if len(meant_by) == 1 and meant_by[0] != "help" and not guesses:
            _suggest_sentence(head, meant_by[0], words[index + 1:])
    if guesses == ("help",):
        # A greeting or a question ("how do I start?", "how do I give a pilot?"): answering it
        # is reading, which changes nothing, so the answer is the help itself, on the command
        # the question names, if it names one.
        for key in keys[1:]:
            named = (key,) if key in SUBCOMMANDS else INTENT_WORDS.get(key, ())
            if len(named) == 1 and named[0] != "help":
                return Help(topic=named[0])
        return Help()
    rest = re.sub(r"^for\s+", "", " ".join(words[1:]), flags=re.I)  # "ask for an intro": get an intro
    # One guess and more words: the whole command to type ("delete 3" → `/partner drop 3`),
    # when that is a command that works; else the guess alone, with its usage.
    meant = f"{guesses[0]} {rest}".replace("`", "'")[:120] if len(guesses) == 1 and rest else ""
    if meant and _working(meant, guesses[0]) != meant:
        meant = ""
    raise UsageError("unknown_command", guesses[0] if guesses else None, word=head[:30],
                     guesses=list(guesses), meant=meant)
