"""Commitments noticed in deal-channel conversation.

See :mod:`bot.domain.detector` for the approach; the vocabulary is in
:mod:`bot.domain.listening.detector_vocab`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from bot.domain.listening.chat import retracted, rewrite
from bot.domain.listening.detector_vocab import (
    ACTION_ITEM,
    ACTION_VERBS,
    APOS,
    APPOS_ASIDE,
    APPOS_NAME_NP,
    APPOS_NP_NAME,
    BARE_OBJECT,
    BREAK_WORDS,
    BROKEN_KEYS,
    BUYER_VERBS,
    CAN_VERBS,
    CLOCK_ONLY,
    CODE_FENCE,
    COLLEAGUE_KEYS,
    COLON_SPEAKER,
    COMMA_PRONOUNS,
    COMMIT,
    CONDITIONAL_START,
    CONFIRMED_KEYS,
    CORRECTION,
    CUT_WORDS,
    DANGLING,
    DASHES,
    DENIED_REPORT_KEYS,
    DONE_KEYS,
    DOUBT_MARKS,
    DUE,
    DUE_START,
    EMOJI_CODE,
    EXPECT_FROM,
    EXTERNAL,
    FILLER,
    FIRM_SUFFIXES,
    FOR_US,
    GOING_OUT,
    GOING_OUT_NOT,
    HABITUAL_KEYS,
    HARD_HEDGE_KEYS,
    HEDGE_KEYS,
    IF_KEYS,
    IGNORE,
    ING_BASE,
    INTERNAL_KEYS,
    INTERNAL_LEANING,
    ITEM_MARKS,
    KEEP_AT_END,
    LEAD_ADVERBS,
    LEADING_MENTION,
    MARKS,
    MEETING_DAY,
    NEEDS_COMPLEMENT,
    NOT_A_PARTY,
    NOTIFY_WHEN,
    OBJECT_WORDS,
    OPINION_KEYS,
    OUR_MAN_THERE,
    OUR_TEAM_START,
    OUTER_SUBJECT,
    OUTWARD,
    OWE,
    OWNER_COLON,
    PAST_BASE,
    PAST_KEYS,
    PERSON_FILLERS,
    PLAIN_OBJECT_ING,
    PREP_DUE,
    PREP_WORDS,
    PRESENT_AFTER_DATE,
    PRESENT_PROMISE,
    PROGRESSIVE,
    PROGRESSIVE_OBJECT,
    PROGRESSIVE_OPINION,
    PRONOUN_STARTS,
    PUNCT_TO_SPACE,
    QUESTION_START,
    QUICK,
    QUOTE_LINE,
    REPORT_VERBS,
    REPORTED_CLAUSE,
    RETRACT_KEYS,
    SELF_HEDGE_KEYS,
    SENTENCE_END,
    SERVES_OTHERS,
    SHORTHAND_GATE,
    SHORTHAND_MARKS,
    SKEPTIC_KEYS,
    SLACK_ANGLE,
    STRIKE,
    STRONG_OK_OBJECT,
    SUBJECT_PRONOUNS,
    SUBORDINATE_ENDS,
    TEAM_INITIALS,
    TERMS_KEYS,
    THEIR_SPEAKER,
    THEIR_TYPO,
    THIRD_PARTY,
    THIRD_START,
    TITLED_SENTENCE_END,
    TITLES,
    TOLD_OBJECTS,
    TOLD_VERBS,
    VERB_BASE,
    VP_REJECT,
    WHEN_KEYS,
    WORD_PUNCT,
)
from bot.domain.listening.passive import read_passive
from bot.domain.listening.referents import resolve_it
from bot.domain.listening.shorthand import (
    ARROW,
    BULLET,
    Shorthand,
    arrow,
    forwarded_email,
    heading_side,
    list_item,
    terse,
)
from bot.domain.listening.speakers import colon_speaker_side, plain_name_is_ours, self_named_other_side
from bot.domain.message_text import PROMISE_IN_CODE  # the app's spoken text drops it too

__all__ = ["MAX_TEXT_LENGTH", "Detection", "Side", "detect_commitment"]

Side = Literal["give", "get"]

# Long messages are pasted emails, notes or logs; commitments in them are not conversational
# and scanning them would cost more than everything else combined.
MAX_TEXT_LENGTH = 2000
#: The clauses of one sentence tried for a commitment (red team 6: see _detect_sentence).
MAX_CLAUSES = 24


@dataclass(frozen=True)
class Detection:
    """A commitment noticed in a message.

    ``what`` is the committed action ("send the security questionnaire"), ``due_text`` the
    raw due phrase when there is one ("Friday", "next week", "in 2 weeks"), and ``who`` the
    committing party for gets ("Their CFO", "Acme", "they"); for gives it is None unless a
    named teammate/role of ours made the promise ("Our SE").
    """

    side: Side
    what: str
    due_text: str | None
    who: str | None


def _padded(text: str) -> str:
    """Lowercased, punctuation-free, space-padded copy of ``text`` (same offsets + 1)."""
    return " " + text.lower().translate(PUNCT_TO_SPACE) + " "


def _has_any(padded: str, keys: tuple[str, ...]) -> bool:
    # map() keeps the loop in C; this runs several times per candidate clause.
    return any(map(padded.__contains__, keys))


# Hedges about one's own delivery still promise it ("I think I can have it ready by Fri"); the
# others ("maybe", "if", "not sure") withdraw the promise.

def _self_hedge_only(prefix: str) -> bool:
    padded = _padded(prefix)
    return _has_any(padded, SELF_HEDGE_KEYS) and not _has_any(padded, HARD_HEDGE_KEYS)


def _reported_before(prefix: str) -> bool:
    """Does ``prefix`` end with a reporting verb ("she said (that)", "told us")?"""
    words = prefix.lower().split()
    if words and words[-1] == "that":
        words.pop()
    if not words:
        return False
    if words[-1].strip(",:") in REPORT_VERBS:
        return True
    # "told us", "told their procurement team (that)"
    return any(word in ("told", "assured", "promised") for word in words[-4:-1])


def _angle(m: re.Match[str]) -> str:
    # A user mention stays as "@U123" (it may be the subject: "<@U1> will send it"); other
    # markup (<!channel>, bare links) is not content, and a link's label is.
    inner = m.group(1)
    if inner[:1] == "@":
        return "@" + inner[1:].split("|", 1)[0]
    return m.group(2) or ""


# "their" mistyped: transposed letters, or the sound-alikes before a role ("there CFO will").

def normalise(text: str) -> str:
    """Plain single-spaced text: mrkdwn and links removed, mentions kept as ``@U123``."""
    if "<" in text:
        # <@U123> mentions and bare links are not content; a link label is.
        text = SLACK_ANGLE.sub(_angle, text)
    if "’" in text or "‘" in text:
        text = text.replace("’", APOS).replace("‘", APOS)
    if "~" in text:
        text = STRIKE.sub(" ", text)  # struck out: taken back
    if "`" in text:
        text = PROMISE_IN_CODE.sub(" ", text)  # a quoted template or log line
    if "*" in text or "_" in text or "~" in text or "`" in text:
        text = MARKS.sub("", text)
    if ":" in text:
        text = EMOJI_CODE.sub("", text)
    if "th" in text or "Th" in text:
        text = THEIR_TYPO.sub(lambda m: "Their" if m.group(0)[0] == "T" else "their", text)
    return text


# --------------------------------------------------------------------------------------
# Verb phrases, due dates
# --------------------------------------------------------------------------------------


def _words(text: str) -> list[tuple[int, str]]:
    """(offset, lowercased word without surrounding punctuation) for a single-spaced text."""
    out: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split(" "):
        if raw:
            word = raw.strip(WORD_PUNCT)
            if word:
                out.append((pos + raw.find(word[0]), word.lower()))
        pos += len(raw) + 1
    return out


def _extract_due(vp: str, words: list[tuple[int, str]] | None = None) -> tuple[str, str | None]:
    """Split a verb phrase into (phrase without the due part, raw due text).

    A date introduced by "by/before/until/on" wins over a bare one ("hold the Q4 pricing
    until end of January" is due "end of January"). "by X" reports "X"; "in 2 weeks" and
    "in March" keep their "in", which is how people say them.
    """
    bare: re.Match[str] | None = None
    prep_only: re.Match[str] | None = None
    for start, word in _words(vp) if words is None else words:
        if start >= len(vp):
            break
        if word not in DUE_START and not word[0].isdigit() and not (
            "-" in word and word.partition("-")[0] in DUE_START  # "mid-May"
        ) and not (word == "over" and vp.startswith(" the weekend", start + 4)) and not (
            word in _RARE_DUE_START and vp.startswith(_RARE_DUE_START[word], start + len(word))
        ):
            continue  # dates can only start at these words; skip the regex elsewhere
        m = DUE.match(vp, start)
        if m is not None and word in ("after", "within") and _RELATIVE_TO_EVENT.search(vp[:start].rstrip()):
            continue  # "two days after the demo", "within a week of the pilot ending": no day
        if m is not None and word == "within" and vp.startswith(" of ", m.end()):
            continue
        if m is not None:
            if m.group("prep"):
                return vp[: m.start()] + vp[m.end() :], m.group("due").strip()
            if (bare is None or bare.group("due")[:4].lower() == "over") and not (
                word[0].isdigit() and CLOCK_ONLY.fullmatch(m.group("due"))
            ):
                # "review the SOW over the weekend and send comments Monday": a later day is
                # the deadline, the weekend only when the work happens
                bare = m
            continue
        if prep_only is None and word in PREP_WORDS:
            prep_only = PREP_DUE.match(vp, start)
    if prep_only is not None:
        due = prep_only.group("due")
        if prep_only.group("prep").lower() in ("in", "early", "mid", "late") and not due[
            :1
        ].lower().startswith("q"):
            due = prep_only.group(0)  # "in March", "early January"
        return vp[: prep_only.start()] + vp[prep_only.end() :], due.strip()
    if bare is not None:
        return vp[: bare.start()] + vp[bare.end() :], bare.group("due").strip()
    if "'s " in vp:
        # "pitch us to the CFO at Friday's budget review": due that day, the meeting kept in
        # the phrase because it says where.
        meeting = MEETING_DAY.search(vp)
        if meeting is not None:
            return vp, meeting.group("due")
    return vp, None


# Date words too common to try the date pattern at every time: only before what makes them a
# date ("the start of Q4", "the day after tomorrow").
_RARE_DUE_START = {"start": " of ", "beginning": " of ", "day": " after "}
# A duration before "after": the date is counted from an event the message doesn't date.
_RELATIVE_TO_EVENT = re.compile(r"\b(?:days?|weeks?|hours?|months?)$", IGNORE)


def _cut_clause(vp: str, words: list[tuple[int, str]], side: Side | None = None) -> str:
    """Keep the committed clause only: stop at "but/because/so/once ...", ", we ...",
    "and they ..." (a new subject), so "what" does not swallow the rest of the message.
    With ``side``, also at the other side's "and they'll ..." / "and we'll ..."."""
    for k in range(1, len(words)):
        start, word = words[k]
        nxt = words[k + 1][1] if k + 1 < len(words) else ""
        if (
            word in CUT_WORDS
            or (word == "then" and nxt == "we")
            or (
                word == "and"
                and nxt in SUBJECT_PRONOUNS
                and not (k + 2 < len(words) and words[k + 2][1] == "will")
                and not nxt.endswith("'ll")
            )
            or (side is not None and word == "and" and nxt in OTHER_SIDE_WILL[side])
            or (word in COMMA_PRONOUNS and vp[:start].rstrip().endswith(","))
            or (
                word.isdigit()
                and len(word) <= 2
                and vp[start + len(word) : start + len(word) + 1] == ")"
            )
        ):
            return vp[:start]
    return vp


def sentences(text: str) -> list[str]:
    """Split on sentence punctuation followed by space, and on newlines."""
    if "." not in text and "!" not in text and "?" not in text and "\n" not in text:
        return [text]
    out: list[str] = []
    last = 0
    ends = TITLED_SENTENCE_END if any(map(text.__contains__, TITLES)) else SENTENCE_END
    for m in ends.finditer(text):
        out.append(text[last : m.end()])
        last = m.end()
    if last < len(text):
        out.append(text[last:])
    return out


def rstrip_junk(text: str) -> str:
    """Drop trailing punctuation, emoji and spaces (keeps closing brackets, quotes, %)."""
    end = len(text)
    while end and not (text[end - 1].isalnum() or text[end - 1] in KEEP_AT_END):
        end -= 1
    if end and text[end - 1] in "\"'" and text[: end - 1].count(text[end - 1]) % 2 == 0:
        end -= 1  # unbalanced trailing quote
        while end and not (text[end - 1].isalnum() or text[end - 1] in KEEP_AT_END):
            end -= 1
    return text[:end]


def _tidy(what: str) -> str:
    """Trim the committed phrase: junk at the end and words left dangling by the date cut."""
    words = rstrip_junk(what).split()
    while words and words[-1].lower() in DANGLING:
        words.pop()
        if words:
            words[-1] = rstrip_junk(words[-1]) or words[-1]
    return " ".join(words)


# "I'll send the draft tmrw and they'll send comments by Friday": the other side's promise
# after "and" is a clause of its own (and its date is not ours).
OTHER_SIDE_WILL: dict[str, frozenset[str]] = {
    "give": frozenset({"they'll", "he'll", "she'll"}),
    "get": frozenset({"i'll", "we'll"}),
}


def _first_word(vp: str) -> str:
    end = 0
    n = len(vp)
    while end < n and (vp[end].isalnum() or vp[end] in "-'"):
        end += 1
    return vp[:end].lower()


def _action_ok(vp: str) -> bool:
    """Is this verb phrase a deliverable action (not a state, prediction or filler)?"""
    word = _first_word(vp)
    if not word:
        return False
    base = VERB_BASE.get(word)
    if base is None:
        return False
    rule = NEEDS_COMPLEMENT.get(base)
    if rule is not None:
        fixed = base + vp[len(word) :] if base != word else vp
        if rule.match(fixed):
            return True
        if base in ("have", "get", "ask"):
            return _delegated(fixed)
        return False
    return True


def _delegated(vp: str) -> bool:
    """Delegation on our side: "have Sam from our support team configure SSO for them"."""
    words = vp.split(" ", 8)
    if len(words) < 3:
        return False
    person = words[1]
    # "our security team", "my SE": a few words of our own people before the verb
    ours = person.lower() in ("our", "my")
    if not (
        ours or person[:1].isupper() or person[:1] == "@" or person.lower() in ("someone", "somebody")
    ):
        return False
    for k, word in enumerate(words[2:8]):
        low = word.lower().strip(",")
        if low in OBJECT_WORDS:
            return False
        if low in PERSON_FILLERS or low in ("team", "support", "side", "end") or word[:1].isupper():
            continue
        if VERB_BASE.get(low) in ACTION_VERBS:
            return True
        if not (ours and k < 3):
            return False
    return False


def _conjoined_action(vp: str) -> bool:
    """'grab the list and send it to Dana': a deliverable verb right after 'and'."""
    for m in re.finditer(r"\band\s+(?:then\s+)?", vp[:80], IGNORE):
        if _action_ok(vp[m.end() :]):
            return True
    return False


# Our own housekeeping is not something we give the other side: "I'll update the deal in
# HubSpot", "I'll ping Sam about the discount approval", "will share the recap in #deals".

def _internal_only(vp: str, padded: str) -> bool:
    """Is this our own housekeeping rather than something for the other side?"""
    if "#" in vp or _has_any(padded, INTERNAL_KEYS):
        return True
    base = VERB_BASE.get(_first_word(vp))
    if base not in INTERNAL_LEANING or EXTERNAL.search(vp):
        return False
    # "update the proposal and send it back": a later outward verb rescues it.
    for m in re.finditer(r"\band\s+(?:then\s+)?", vp[:80], IGNORE):
        rest = vp[m.end() :]
        if _action_ok(rest) and VERB_BASE.get(_first_word(rest)) not in INTERNAL_LEANING:
            return False
    return True


def _verb_phrase(
    rest: str, *, strong: bool, can: bool, reported: bool, side: Side = "give", guest: bool = False
) -> str | None:
    """Validate the words after the modal; returns the committed phrase or None. ``guest``: the
    phrase mentions someone of the other side (a Slack Connect guest), so it is not internal."""
    vp = LEAD_ADVERBS.sub("", rest.strip())
    if not vp or VP_REJECT.match(vp):
        return None
    padded = _padded(vp)
    if reported and _has_any(padded, PAST_KEYS):
        return None  # "they said they'd sign last quarter and never did"
    if "ing forward " in padded or " from now on " in padded or " ongoing " in padded:
        # a standing arrangement, not a deliverable: "our reseller will handle billing going
        # forward" (checked by hand, not with a key table: this runs for every candidate)
        return None
    if strong:
        if _has_any(padded, BROKEN_KEYS) or _has_any(padded, DONE_KEYS):
            return None
        if vp[:3].lower() in ("to ", "on "):
            vp = vp[3:].lstrip()
        if REPORTED_CLAUSE.match(vp) or not STRONG_OK_OBJECT.match(vp):
            return None  # "he promised they'd ..." is handled by the reported clause
        if VP_REJECT.match(vp):
            return None
        padded = _padded(vp)  # offsets shift by one: the leading pad eats the key's space
        cuts = [i for i in (padded.find(key) for key in IF_KEYS) if i >= 0]
        return vp[: min(cuts)] if cuts else vp
    if _has_any(padded, IF_KEYS):
        return None  # conditional promise: "we'll extend the trial if they ask"
    word = _first_word(vp)
    if word == "be":
        # "I'll be sending it over" is a promise; "I'll be out", "be honest" are not.
        m = re.match(r"be\s+(\w+ing)\b", vp, IGNORE)
        if not m or m.group(1).lower() not in ING_BASE:
            return None
        vp = ING_BASE[m.group(1).lower()] + vp[m.end(1) :]
    elif can and word not in CAN_VERBS:
        return None
    elif word in ING_BASE:
        vp = ING_BASE[word] + vp[len(word) :]  # "we will sending you the docs" (non-native)
    elif word in PAST_BASE:
        vp = PAST_BASE[word] + vp[len(word) :]  # "we will sent you the docs" (non-native)
    if not (_action_ok(vp) or _conjoined_action(vp)):
        return None
    if side == "give" and not guest and _internal_only(vp, padded):
        return None
    if (
        side == "give"
        and _has_any(padded, WHEN_KEYS)
        and (note := NOTIFY_WHEN.match(vp))
        and not OUTWARD.search(note.group("between"))
    ):
        return None  # "I'll ping you once they reply": news for colleagues, nothing for them
    return vp


def _finish(side: Side, vp: str, who: str | None) -> Detection | None:
    words = _words(vp)
    core, due = _extract_due(_cut_clause(vp, words, side), words)
    if due is None and "'ll" in vp:
        # "I'll send the quote and they'll sign it Friday": one plan, its date at the end
        core, due = _extract_due(_cut_clause(vp, words), words)
    what = _tidy(core)
    if not what:
        return None
    return Detection(side=side, what=what, due_text=due, who=who)


# --------------------------------------------------------------------------------------
# Sentence analysis
# --------------------------------------------------------------------------------------


def _outer_who(prefix: str) -> str | None:
    m = OUTER_SUBJECT.match(prefix) or OUTER_SUBJECT.search(prefix)
    return m.group("who").strip() if m else None


def _colon_speaker(prefix: str) -> str | None:
    """The other side's person named before a colon that opens a quote ("Per their CFO:")."""
    m = COLON_SPEAKER.search(prefix)
    return m.group("who").strip() if m else None


def _from_commit_match(
    sentence: str, m: re.Match[str], is_ours: Callable[[str], bool] | None = None
) -> Detection | None:
    prefix = sentence[: m.start()]
    # "Marco from Acme said "we'll get you the order form"": the quote is someone's words.
    quoted = False
    if prefix:  # most promises open their sentence: nothing to look at before them
        quoted = prefix.rstrip()[-1:] in ("\"", "\u201c") or (
            prefix.rstrip()[-1:] == "'" and prefix.rstrip()[:-1].rstrip()[-1:] == ":"
        )
        if quoted:
            prefix = prefix.rstrip()[:-1]
        lead = prefix.rsplit(None, 1)
        if lead and lead[-1].lower().strip(",") in SUBORDINATE_ENDS:
            return None  # "... until they commit to the term", "not going to send it"
    # A hedge counts in its own clause: "they asked whether we'll have SSO by June — yes, we'll
    # ship it by June 30" is a promise after the dash.
    scope = _HEDGE_SCOPE.split(prefix)[-1] if ("\u2014" in prefix or "\u2013" in prefix or " - " in prefix
                                                or ";" in prefix) else prefix
    hedged = bool(prefix) and _has_any(_padded(scope), HEDGE_KEYS)
    if hedged and not (
        (m.group("i") is not None or m.group("we") is not None) and _self_hedge_only(prefix)
    ):
        return None  # "I think they'll sign" is a guess; "I think I can send it Friday" is not
    reported_ctx = bool(prefix) and _reported_before(prefix)
    if reported_ctx and _has_any(_padded(" ".join(prefix.split()[-4:])), DENIED_REPORT_KEYS):
        return None  # "they never said they would sign"
    groups = m.groupdict()
    rest = sentence[m.end() :]
    if quoted and rest.rstrip()[-1:] == "'":
        rest = rest.rstrip()[:-1]  # the closing mark of 'we'll wire the deposit tomorrow'

    side: Side
    who: str | None = None
    named = False
    if groups["i"] is not None:
        modal, side = groups["mi"], "give"
    elif groups["we"] is not None:
        modal, side = groups["mwe"], "give"
    elif groups["our"] is not None:
        modal, side, who = groups["mour"], "give", groups["our"].strip()
        if re.match(r"our\s+(?:\w+\s+)?competit", who, IGNORE):
            return None  # "our competitor Zentrix will pitch them": nobody's promise to us
        if OUR_MAN_THERE.match(who):
            side = "get"  # "our champion at Acme": our friend, but on their side
    elif groups["they"] is not None:
        modal, side, who = groups["mthey"], "get", groups["they"].strip()
    elif groups["hs"] is not None:
        modal, side, who = groups["mhs"], "get", groups["hs"].strip()
    elif groups["np"] is not None:
        modal, side, who = groups["mnp"], "get", groups["np"].strip()
        if THIRD_PARTY.match(who):
            return None  # their competitor, their old vendor: not the other side
    elif groups["name"] is not None:
        modal, side, who = groups["mname"], "get", groups["name"].strip()
        if who.split(None, 1)[0].lower().removesuffix("'s") in NOT_A_PARTY:
            return None
        paren = (groups["paren"] or "").lower()
        if re.search(r"\b(?:our|my)\b", paren + " " + who.lower()):
            side = "give"  # "Sam (our SE) will run the demo", "Jen from our side will send"
        else:
            named = True  # a name we can't place: checked below for a third party or a colleague
    elif groups["you"] is not None:
        return _you_will_have(rest)
    elif groups["ment"] is not None:
        # A mention of someone in this workspace is one of us; an outside (Slack Connect)
        # user is the other side. Without a directory, assume a colleague.
        modal, who = groups["mment"], groups["ment"]
        side = "give" if is_ours is None or is_ours(who[1:]) else "get"
    else:
        modal, side = groups["bare"], "give"
        before = prefix.rstrip().lower()
        if before == "and" or before.endswith(" and"):
            third = THIRD_START.match(sentence)
            if third is not None:  # "their legal team is reviewing it and will send comments"
                side = "get"
                who = re.sub(r"\s+(?:is|are|has|have)$", "", third.group(0).strip(), flags=IGNORE)
    if (
        not quoted
        and side == "give"
        and modal is not groups["bare"]
        and prefix.rstrip()[-1:] == ":"
        and (speaker := _colon_speaker(prefix)) is not None
        and THEIR_SPEAKER.match(speaker)
    ):
        side, who = "get", speaker  # "Their buyer: we'll send it back signed by Friday"
    elif (
        not quoted
        and side == "give"
        and (groups["i"] is not None or groups["we"] is not None)
        and prefix.rstrip()[-1:] == ":"
        and colon_speaker_side(prefix, rest.strip()) == "get"
    ):
        side, who = "get", prefix.strip(" :")  # "Karl (Halden): we'll have the approval by Friday"
    if quoted and side == "give" and modal is not groups["bare"]:
        # 'Marco from Acme said "we'll ..."', 'Per their CFO: "we'll ..."': their "we" is them
        speaker = _outer_who(prefix) if reported_ctx else _colon_speaker(prefix)
        if speaker is not None and not re.match(r"(?:i|we|our|my)\b", speaker, IGNORE):
            side, who = "get", speaker

    low = modal.strip().lower()
    is_reported_modal = (
        low in ("'d", "would") or low.endswith("going to") and low.startswith(("was", "were"))
    )
    if is_reported_modal and not reported_ctx:
        return None  # "I'd love to", "we would" are hypotheticals, not promises
    if (is_reported_modal or reported_ctx) and _has_any(_padded(sentence), BROKEN_KEYS):
        return None  # "they told us they'd send the PO, still nothing"
    last = low.rsplit(None, 1)[-1] if low else ""
    has_to = rest.lstrip()[:3].lower() == "to "
    if last in ("plan", "plans", "intend", "intends"):
        # "we plan to send" is a promise; "we plan our week" is not.
        if not has_to or side == "get":
            return None  # "the prospect plans to sign" is a forecast, as "expects to" is
        rest = rest.lstrip()[3:]
    strong = last.startswith(("promis", "commit", "agree", "offer"))
    if last.startswith(("agree", "commit", "offer")) and not (
        has_to or rest.lstrip()[:3].lower() == "on "
    ):
        return None  # "they agreed pricing is high", "we offered them a discount" (past)
    vp = _verb_phrase(
        rest,
        strong=strong,
        can=low.endswith("can"),
        reported=is_reported_modal or reported_ctx,
        side=side,
        guest=is_ours is not None and "@" in rest and not all(map(is_ours, MENTION_ID.findall(rest))),
    )
    if vp is None:
        return None
    if reported_ctx and side == "get":
        who = _outer_who(prefix) or who
    found = _finish(side, vp, who)
    if found is not None and named and groups["paren"] is None and " " not in (who or " ") and (
        "'" not in (who or "'") and plain_name_is_ours(found.what)
    ):
        found = replace(found, side="give")  # "Mei will send them the deck": one of us
    elif found is not None and named and _not_theirs(found.what, who):
        return None
    if found is not None and side == "give" and _colleague_looped_in(found.what, is_ours):
        return None
    if found is not None and found.due_text is None and prefix.strip():
        # The date said before the promise: "first thing Monday I'll send ...", "By Friday, we'll ..."
        lead = DUE.fullmatch(prefix.strip(" ,:;-–—"))
        if lead is not None:
            found = replace(found, due_text=lead.group("due").strip())
    if found is not None and low.startswith("expect") and (
        found.due_text is None
        or (side == "get" and not reported_ctx and not _has_any(_padded(sentence), CONFIRMED_KEYS))
    ):
        # "we expect to have the sandbox ready by Friday" is our plan, with its date; the other
        # side's expectation is a forecast unless they stated it ("Initech told us they expect
        # ...", "... their CFO confirmed it in writing").
        return None
    if found is not None and low == "should" and found.due_text is None:
        return None  # "we should have the contract to them" is advice; with a date, a promise
    if found is not None and found.due_text is None and _VAGUE.search(found.what):
        return None  # "I'll handle it", "will share", "we'll review and get back to you"
    if found is not None and any(map(found.what.lower().__contains__, _SOMEDAY_KEYS)):
        return None  # "they'll send it eventually": no promise of when, so none at all
    return found


# Without a date, these promise nothing in particular: a verb alone ("will share after I
# sync with Raj"), a chore on "it" ("I'll handle it"), a report-back ("we'll review and get
# back to you"). With one, they are promises ("I'll handle it by tomorrow").
_VAGUE = re.compile(
    r"^[\w'-]+(?:\s+(?:after|once|when|soon|later)\b.*)?$|^(?:handle|sort|do|deal\s+with|take\s+care\s+of|get\s+to|look\s+into)\s+(?:it|that|this)$"
    r"|\bget\s+back\s+to\s+(?:you|u|them|him|her)$",
    IGNORE,
)
_SOMEDAY_KEYS = ("eventually", "at some point", "someday", "one day")


_NOT_AN_OWNER = frozenset(
    "expects expect plans plan wants want needs need hopes hope intends intend has have had is are was were "
    "going trying tries asked agreed likes like used seems seem about due able happy ready supposed".split()
)
MENTION_ID = re.compile(r"@([\w.-]+)")
_HEDGE_SCOPE = re.compile(r"\s[\u2014\u2013]\s|\s-\s|;\s")


def _not_theirs(what: str, who: str | None = None) -> bool:
    """Is a named subject's promise a third party's job for the other side ("Accenture will
    deliver the implementation plan to Acme") or a colleague's chore ("Sam will present our Q2
    numbers to the leadership team")? A name we can't place is read as the other side, unless
    it is a firm by its name ("Crestview Advisory", "Bluewater Freight") doing something that
    is neither for us nor a buyer's act (signing, paying, approving)."""
    if SERVES_OTHERS.search(what) and not FOR_US.search(what):
        return True
    if (
        who
        and who.split()[-1].strip(".,") in FIRM_SUFFIXES
        and not FOR_US.search(what)
        and VERB_BASE.get(_first_word(what)) not in BUYER_VERBS
    ):
        return True
    return _has_any(_padded(what), COLLEAGUE_KEYS)


def _colleague_looped_in(what: str, is_ours: Callable[[str], bool] | None) -> bool:
    """"I'll loop in @Ana on the thread": a colleague brought into our own conversation, with
    nothing for them to do ("loop in @Ana to answer their API questions" is a promise)."""
    if what[:4].lower() != "loop":
        return False
    m = re.fullmatch(
        r"loop\s+(?:in\s+)?@([\w.-]+)(?:\s+in)?(?:\s+(?:on|in)\s+(?:the|this)\s+(?:thread|channel)|\s+here)?",
        what,
        IGNORE,
    )
    return m is not None and (is_ours is None or is_ours(m.group(1)))


def _you_will_have(rest: str) -> Detection | None:
    """"You'll have our signed copy by tomorrow": said by us, a delivery with a date."""
    vp = rest.strip()
    # "you'll have a draft", but "you'll get a reminder" is a notification, not our delivery
    if not re.match(r"(?:have\s+(?:a|an)|(?:have|get|receive)\s+(?:our|the|it|them))\b", vp, IGNORE):
        return None
    found = _finish("give", vp, None)
    return found if found is not None and found.due_text is not None else None


def _from_action_item(
    sentence: str, starts: list[int], is_ours: Callable[[str], bool] | None
) -> Detection | None:
    """"Acme to send redlines by Fri", "we owe them the pricing by Friday", "expect the SOW
    from us by Friday": a promise without a modal, so only with a due date."""
    if " to " in sentence:
        for pos in starts:
            # an item opens its line or follows a heading or bullet ("Next steps: Acme to ...")
            if pos and sentence[:pos].rstrip()[-1:] not in ":-*\u2022\u2013\u2014":
                continue
            m = ACTION_ITEM.match(sentence, pos)
            if m is None or m.group(0)[:-3].split()[-1].lower() in _NOT_AN_OWNER:
                continue  # "their procurement expects to finish ...": a verb before "to", no owner
            if m.group("ment") is not None:
                side: Side = "give" if is_ours is None or is_ours(m.group("ment")[1:]) else "get"
            else:
                side = "give" if m.group("ours") is not None else "get"
            if side == "get" and THIRD_PARTY.match(m.group(0)):
                continue
            vp = _verb_phrase(sentence[m.end() :], strong=False, can=False, reported=False, side=side)
            if vp is not None:
                who = None if m.group("ours") is not None else m.group(0)[:-3].strip()
                found = _finish(side, vp, who)
                if found is not None and found.due_text is not None:
                    return found
    if ":" in sentence:
        m = OWNER_COLON.match(sentence)
        if m is not None:
            if m.group("ment") is not None:
                side = "give" if is_ours is None or is_ours(m.group("ment")[1:]) else "get"
            else:
                side = "give" if m.group("ours") is not None else "get"
            vp = _verb_phrase(sentence[m.end() :], strong=False, can=False, reported=False, side=side)
            if vp is not None:
                who = None if side == "give" else sentence[1 : m.end()].strip(" :")
                found = _finish(side, vp, who)
                if found is not None and found.due_text is not None:
                    return found
    if " owe" in sentence:
        for pos in starts:
            m = OWE.match(sentence, pos)
            if m is not None:
                side = "give" if m.group("ours") is not None else "get"
                found = _finish(side, m.group("thing"), m.group("theirs"))
                if found is not None and found.due_text is not None:
                    return found
    if "expect" in sentence:
        m = EXPECT_FROM.match(sentence)
        if m is not None:
            found = _finish("give", m.group("thing") + m.group("rest"), None)
            if found is not None and found.due_text is not None:
                return found
    return None


def _from_present(sentence: str) -> Detection | None:
    """"I send you the proposal today evening": a promise in the present (non-native
    English), read only with a date and never for a habit ("we send them a report every
    Friday")."""
    m = PRESENT_PROMISE.match(sentence) or PRESENT_AFTER_DATE.match(sentence)
    if m is None or _has_any(_padded(sentence), HABITUAL_KEYS):
        return None
    vp = _verb_phrase(sentence[m.start("verb") :], strong=False, can=False, reported=False)
    if vp is None:
        return None
    found = _finish("give", vp, None)
    if found is not None and found.due_text is None and "lead" in m.groupdict():
        found = replace(found, due_text=m.group("lead"))
    return found if found is not None and found.due_text is not None else None


def _from_going_out(sentence: str) -> Detection | None:
    """"proposal going out to Globex EOD today": our deliverable leaving, with a date."""
    m = GOING_OUT.match(sentence)
    if m is None or GOING_OUT_NOT.search(m.group("rest")):
        return None
    thing = m.group("thing").split()
    if thing[-1].lower() in _PEOPLE or (
        len(thing) == 1 and thing[0][:1].isupper() and thing[0].lower() not in _PAPERS
    ):
        return None  # "The team goes to Denver Friday", "Sam goes out on leave Monday": people travel
    found = _finish("give", "send " + sentence[: m.end("thing")] + m.group("rest"), None)
    return found if found is not None and found.due_text is not None else None


_PEOPLE = frozenset("team folks everyone rep ae se csm manager lead he she guys crew".split())
_PAPERS = frozenset(
    "invoice quote proposal contract deck pricing sow msa nda po recap agenda report dpa baa order "
    "paperwork redlines summary".split()
)


def _clause_starts(sentence: str) -> list[int]:
    """Offsets where a clause may begin (the sentence is single-spaced)."""
    starts = [0]
    pos = 0
    prev = prev2 = ""
    for tok in sentence.split(" "):
        if pos and tok:
            low_prev = prev.lower()
            if (
                prev[-1:] in ",;:("
                or prev in DASHES
                or prev in ("\u2022", "*")
                or (len(prev) <= 3 and prev[:-1].isdigit() and prev[-1] in ".)")
                or low_prev in BREAK_WORDS
                or (low_prev in TOLD_OBJECTS and prev2.lower() in TOLD_VERBS)
            ):
                # a quote after "said" starts inside the quote mark
                quote = tok[0] in "\"\u201c" or (tok[0] == "'" and prev[-1:] == ":")
                starts.append(pos + 1 if quote else pos)
            elif tok[0] == "(":
                starts.append(pos + 1)
            elif tok.lower() in PRONOUN_STARTS:
                # "told their CEO we'll ship it", "I think I can have it ready": a new
                # subject mid-sentence starts a clause of its own.
                starts.append(pos)
        pos += len(tok) + 1
        prev2, prev = prev, tok
    return starts


# Said without a subject, these are what we are doing now, not a promise: "reviewing their
# redlines this afternoon", "checking with legal today".
_STATUS_ING = frozenset("review check look test sync update plan dig investigate chase".split())


def _bare_thing_then_date(rest: str) -> bool:
    """"sending revised quote fri", "sending pricing eod": one to four lowercase words, then
    only a date."""
    core, due = _extract_due(rest)
    words = core.split()
    return due is not None and 1 <= len(words) <= 4 and all(w[:1].islower() for w in words)


def _from_progressive(sentence: str, starts: list[int]) -> Detection | None:
    for pos in starts:
        m = PROGRESSIVE.match(sentence, pos)
        if m is None:
            continue
        ing = m.group("ing").lower()
        if ing not in ING_BASE:
            continue
        if m.group("b") is not None and (
            # subjectless at the start, or after a dash: "they asked for the W-9 — sending it Monday"
            (m.start() != 0 and sentence[: m.start()].rstrip()[-1:] not in "\u2014\u2013-")
            or ING_BASE[ing] in _STATUS_ING
            or not (
                PROGRESSIVE_OBJECT.match(sentence, m.end("ing"))
                or (ing in PLAIN_OBJECT_ING and BARE_OBJECT.match(sentence, m.end("ing")))
                or (ing in PLAIN_OBJECT_ING and _bare_thing_then_date(sentence[m.end("ing") :]))
            )
        ):
            # Subjectless only at the very start and followed by an object, so "Sending the
            # NDA tomorrow" counts but "Meeting moved to Thursday" (a noun) does not.
            continue
        prefix = sentence[: m.start()]
        if prefix and _has_any(_padded(prefix), HEDGE_KEYS):
            continue
        rest = sentence[m.end("ing") :]
        if PROGRESSIVE_OPINION.match(rest):
            continue
        due = _extract_due(rest)[1]
        if due is None and prefix.strip():
            # "first thing Monday I'm sending Dieter the ROI model": the date said first
            lead = DUE.fullmatch(prefix.strip(" ,:;-\u2013\u2014"))
            due = lead.group("due").strip() if lead is not None else None
            if due is not None:
                rest = f"{rest} {due}"
        # Without a date "they're reviewing it (now)" is a status report, not a promise;
        # "sending them the pricing now" is us doing it.
        if due is None or (m.group("t") is not None and due.lower() in ("now", "right now")):
            continue
        vp = ING_BASE[ing] + rest
        rule = NEEDS_COMPLEMENT.get(ING_BASE[ing])
        if rule is not None and not rule.match(vp):
            continue  # "Initech is asking for pricing by Wednesday" is their request
        if m.group("t") is None and _internal_only(vp, _padded(vp)):
            continue
        if m.group("t") is not None:
            subject = m.group("t")
            pron = re.match(r"^(they|he|she)(?:'re|re|'s|s)?(?:\s+(?:is|are))?$", subject, IGNORE)
            who = pron.group(1) if pron else re.sub(r"\s+(?:is|are)$", "", subject, flags=IGNORE)
            if re.search(r"\b(?:our|my)\b", who, IGNORE):
                return _finish("give", vp, who.strip())  # "Jen from our team is sending it"
            return _finish("get", vp, who.strip() or None)
        return _finish("give", vp, None)
    return None


def _detect_sentence(sentence: str, is_ours: Callable[[str], bool] | None = None) -> Detection | None:
    filler = FILLER.match(sentence)
    s = sentence[filler.end() :].strip() if filler else sentence
    if len(s) < 6 or s.endswith("?"):
        return None
    padded = _padded(s)
    if _has_any(padded, OPINION_KEYS) or _has_any(padded, TERMS_KEYS):
        return None
    if ", " in s:
        s = APPOS_ASIDE.sub(" ", s)
        s = APPOS_NP_NAME.sub(r"\g<np> ", s)
        s = APPOS_NAME_NP.sub(r"\g<name> (\g<np>) ", s)
    if QUESTION_START.match(s) or CONDITIONAL_START.match(s):
        return None
    if s[0] in TEAM_INITIALS and OUR_TEAM_START.match(s):
        s = "our " + s[0].lower() + s[1:]  # "Legal will send the redlines back": our legal
    # Most commitments start the sentence; only look for later clauses when that fails.
    m = COMMIT.match(s)
    modal = m is not None
    if m is not None:
        found = _from_commit_match(s, m, is_ours)
        if found is not None:
            return found
    # Each clause is read with what comes before it: a run-on "we'll we'll we'll …" of 2,000
    # characters made that quadratic. Real sentences have a handful of clauses.
    starts = _clause_starts(s)[:MAX_CLAUSES]
    for pos in starts[1:]:
        m = COMMIT.match(s, pos)
        if m is not None:
            modal = True
            found = _from_commit_match(s, m, is_ours)
            if found is not None:
                return found
    found = _from_action_item(s, starts, is_ours)
    if found is not None:
        return found
    found = _from_present(s)
    if found is not None:
        return found
    if "going out" in s or "heading out" in s or " goes " in s:
        found = _from_going_out(s)
        if found is not None:
            return found
    if "ing" in s:
        found = _from_progressive(s, starts)
        if found is not None:
            return found
    if " be " in s and ("will be " in s or "ll be " in s or "to be " in s or "shall be " in s):
        found = _from_passive(s, starts)
        if found is not None:
            return found
    # A sentence with a modal that was not a promise ("we won't send it to them by Friday") is
    # no shorthand either; only sentences without one are read as such.
    return None if modal else _from_shorthand(s, starts, is_ours)


def _from_passive(sentence: str, starts: list[int]) -> Detection | None:
    """"The contract will be sent by us tomorrow", "the PO will be issued by their
    procurement on Friday": a passive promise, at the start or after a dash or a colon, and
    only with a date (see :mod:`bot.domain.listening.passive`)."""
    for pos in starts:
        if pos and sentence[:pos].rstrip()[-1:] not in ",:;-\u2013\u2014":
            continue
        read = read_passive(sentence[pos:])
        if read is None:
            continue
        padded = _padded(sentence).replace(" be provided ", " be given ")  # the verb, not "provided that"
        if _has_any(padded, IF_KEYS) or _has_any(_padded(sentence[:pos]), HEDGE_KEYS):
            return None  # "it will be shipped Friday if the warehouse cooperates"
        if read.side == "give" and _internal_only(read.phrase, _padded(read.phrase)):
            return None
        found = _finish(read.side, read.phrase, read.who)
        return found if found is not None and found.due_text is not None else None
    return None


def _from_shorthand(
    sentence: str, starts: list[int], is_ours: Callable[[str], bool] | None
) -> Detection | None:
    """"sow to them by eow", "ROI calc → Globex by Fri", "pricing is on me, ETA Wed": a
    promise without a verb of promise, read at the start or after a dash or a comma, and only
    with a date."""
    low = sentence.lower()
    if not any(map(low.__contains__, SHORTHAND_MARKS)) or not any(map(low.__contains__, SHORTHAND_GATE)):
        return None
    if _has_any(_padded(sentence), HEDGE_KEYS):
        return None
    for pos in starts:
        if pos and sentence[:pos].rstrip()[-1:] not in ",:;-\u2013\u2014":
            continue
        clause = sentence[pos:]
        hand = arrow(clause, is_ours) if ARROW.search(clause) else terse(clause, is_ours)
        found = _from_hand(hand)
        if found is not None:
            return found
    return None


def _from_hand(hand: Shorthand | None, *, verb_first: bool = False) -> Detection | None:
    """A detection from shorthand: with a date, and not our own housekeeping."""
    if hand is None:
        return None
    phrase = hand.phrase
    if verb_first or VERB_BASE.get(_first_word(phrase)) is not None:
        vp = _verb_phrase(phrase, strong=False, can=False, reported=False, side=hand.side)
        if vp is None:
            if verb_first:
                return None
        else:
            phrase = vp
    if hand.side == "give" and _internal_only(phrase, _padded(phrase)):
        return None
    found = _finish(hand.side, phrase, hand.who)
    return found if found is not None and found.due_text is not None else None


def _from_list(text: str, is_ours: Callable[[str], bool] | None) -> Detection | None:
    """Bullets under a heading ("Their action items" / "- confirm headcount by Wed") or with
    their owner first ("• me — revised pricing by Wed", "- @U1 order form by Friday")."""
    heading = None
    for line in text.split("\n"):
        side = heading_side(line)
        if side is not None:
            heading = side
            continue
        if BULLET.match(line) is None:
            continue
        item = _after_symbols(re.sub(r"\(([^()]{1,30})\)", r"\1", line)) if line[:1] not in "-*" else line
        read = list_item(item if BULLET.match(item) else line, heading, is_ours)
        if read is None:
            continue
        hand, verb_first = read
        found = _from_hand(hand, verb_first=verb_first)
        if found is not None:
            return found
    return None


def _doubted(message: str, sentence: str) -> bool:
    """Is the other side's promise in ``sentence`` doubted: an eye-roll anywhere in the
    message, or "like they have for a month" in the sentence?"""
    return any(map(message.__contains__, DOUBT_MARKS)) or _has_any(_padded(sentence), SKEPTIC_KEYS)


def _after_symbols(sentence: str) -> str:
    """``sentence`` without the emoji and symbols that open it ("✅ 🚀 will send ...")."""
    k = 0
    while k < len(sentence) and (
        sentence[k].isspace() or (not sentence[k].isascii() and not sentence[k].isalnum())
    ):
        k += 1
    return sentence[k:]


def _uncapped(text: str) -> str:
    """An all-caps message read in lower case ("WILL SEND THE RECORDING AFTER LUNCH"): the
    capitals say nothing about names then, and the patterns expect ordinary case. Mentions
    (``@U123``) keep their case: they are ids."""
    if any(ch.islower() for ch in text) or sum(ch.isupper() for ch in text) < 8:
        return text
    return re.sub(r"(?<!@)\b[\w']+", lambda m: m.group(0).lower(), text)


def detect_commitment(
    text: str, *, is_ours: Callable[[str], bool] | None = None
) -> Detection | None:
    """Find a commitment in a chat message: something we will give or they will give us.

    Returns the first commitment found (one per message is plenty for a nudge), or None for
    chatter, questions, past facts, hypotheticals, negations and texts over 2,000 characters.
    ``is_ours(user_id)`` says whether a mentioned user ("<@U123> will send it") belongs to
    this workspace (our side, a give) or not (a guest from the other side, a get); without
    it a mention counts as ours. A plain name ("Sam will send it") is the other side's.
    Never raises.
    """
    if not isinstance(text, str) or not text or len(text) > MAX_TEXT_LENGTH:
        return None
    low = text.lower()
    if (
        not any(map(low.__contains__, QUICK))
        and not ((" to " in low or ": " in low) and any(map(low.__contains__, ITEM_MARKS)))
        and not (any(map(low.__contains__, SHORTHAND_MARKS)) and any(map(low.__contains__, SHORTHAND_GATE)))
        and not (" ready " in low and any(map(low.__contains__, SHORTHAND_GATE)))  # "deck ready by fri"
    ):
        return None  # most chat lines have no future marker at all: bail out cheaply
    if "```" in text:
        text = CODE_FENCE.sub(" ", text)
    said = text  # before normalise() drops emoji codes
    if "forward" in low or "fwd" in low:
        found, text = _from_forwarded(text, is_ours)
        if found is not None:
            return found
    asked = ""  # quoted lines: never a promise of the speaker's, but may name what "it" is
    if ">" in text or "&gt;" in text:
        # A Slack quote ("> I'll send the W-9 tomorrow") repeats someone else's words, often
        # the other side's or a promise being chased; only the speaker's own lines count.
        lines = text.split("\n")
        asked = "\n".join(QUOTE_LINE.sub("", line) for line in lines if QUOTE_LINE.match(line))
        text = "\n".join(line for line in lines if not QUOTE_LINE.match(line))
    text = _uncapped(normalise(text))
    found = _detect_text(text, said, asked, is_ours)
    if found is None:
        # Chat shapes (lowercase names, "can do, wed", "coming your way" …) are rewritten only
        # when the message as typed says nothing: most messages never pay for it.
        chat = rewrite(text)
        if chat != text:
            return _detect_text(chat, said, asked, is_ours)
    return found


def _detect_text(
    text: str, said: str, asked: str, is_ours: Callable[[str], bool] | None
) -> Detection | None:
    """The first commitment in ``text`` (normalised, quoted lines removed); ``said`` is the
    message as sent (for its emoji), ``asked`` its quoted lines (what "it" may name)."""
    low = text.lower()
    parts = sentences(text)
    for k, raw in enumerate(parts):
        sentence = raw.strip()
        if not sentence or sentence.endswith("?"):
            continue
        if not sentence[0].isascii() and not sentence[0].isalnum():
            sentence = _after_symbols(sentence)  # "✅ will send ...": a mark, not a word
            if not sentence:
                continue
        if sentence[0] == "@":
            sentence = LEADING_MENTION.sub("", sentence)
        sentence = " ".join(sentence.split())
        found = _detect_sentence(sentence.rstrip(".! "), is_ours)
        if found is not None and not (found.side == "get" and _doubted(said, sentence)):
            if k + 1 < len(parts) and _has_any(_padded(" ".join(parts[k + 1 :])), RETRACT_KEYS):
                return None  # taken back in the same message: "... jk, Sam is sending it"
            if retracted(" ".join([sentence, *parts[k + 1 : k + 2]])):
                return None  # in the same sentence: "I'll send it Thursday... actually can't"
            if _MAY_CORRECT.search(low):
                found = _corrected(found, sentence)
            if found.side == "give" and found.who is None and _may_name_self(low) and (
                org := self_named_other_side(text)
            ):
                found = replace(found, side="get", who=org)  # "Jonas here (Quillon side) — we'll sign it"
            if found.due_text is None and "by then" in low:
                found = _due_said_before(found, sentence)
            if " it" in found.what or " them " in found.what:
                found = _with_referent(found, sentence, f"{normalise(asked)}\n" + "\n".join(parts[:k]))
            return found
    if "\n" in text:
        found = _from_list(text, is_ours)
        if found is not None and not (found.side == "get" and _doubted(said, text)):
            return found
    return None


def _due_said_before(found: Detection, sentence: str) -> Detection:
    """"Friday works — I'll have it over to them by then": the day named before "by then"."""
    before = sentence[: sentence.lower().find("by then")]
    days = [m for m in DUE.finditer(before) if not m.group("due")[:1].isdigit()]
    if not days:
        return found
    what = _tidy(re.sub(r"\s*\bby\s+then\b", "", found.what, flags=IGNORE)) or found.what
    return replace(found, what=what, due_text=days[-1].group("due").strip())


def _with_referent(found: Detection, sentence: str, earlier: str) -> Detection:
    """``found`` with its "it" named from what came before it in the message: ``earlier``
    (quoted lines and earlier sentences) and the start of ``sentence``."""
    if " it" not in f" {found.what}" and " them " not in f" {found.what} ":
        return found
    key = " ".join(found.what.lower().split()[:2])
    pos = sentence.lower().find(key)
    if pos < 0:  # the offer's verb is not as said ("sending it Monday" offers "send it")
        pos = sentence.lower().rfind(" it")
    what = resolve_it(found.what, f"{earlier}\n{sentence[:pos] if pos > 0 else ''}")
    return found if what == found.what else replace(found, what=what)


def _corrected(found: Detection, sentence: str) -> Detection:
    """"I'll send it Thursday — scratch that, Wednesday": the date said last is the one."""
    m = CORRECTION.search(sentence)
    if m is None:
        return found
    due = DUE.fullmatch((m.group("due") or m.group("last")).strip())
    if due is None:
        return found
    cut = _CORRECTION_IN_WHAT.search(found.what)
    what = _tidy(found.what[: cut.start()]) if cut is not None else found.what
    if m.group("last") and ", " in what:
        what = _tidy(what[: what.rfind(", ")])  # "get the contract over, Friday at the latest"
    return replace(found, what=what or found.what, due_text=due.group("due").strip())


def _may_name_self(low: str) -> bool:
    """Cheap test before :func:`self_named_other_side`: "… here", "speaking for", "on behalf"."""
    return " here" in low or "speaking" in low or "behalf" in low
_MAY_CORRECT = re.compile(
    r"scratch|wait|make th|make it|correction|i mean|actually|sorry|latest|, \w+ then\b|, no,"
)
_CORRECTION_IN_WHAT = re.compile(
    r"[\s\u2014\u2013,;-]*\b(?:scratch\s+that|no\s+wait|wait\s+no|make\s+(?:that|it)|correction|i\s+mean"
    r"|actually|sorry|or\b|at\s+the\s+latest|latest|oh\s+wait|no(?=,))\b",
    IGNORE,
)


def _from_forwarded(text: str, is_ours: Callable[[str], bool] | None) -> tuple[Detection | None, str]:
    """A forwarded email's promise is its sender's: "---------- Forwarded message ----------
    / From: Kenji Sato (Globex) / We will issue the PO on Thursday" is theirs. Returns the
    detection in the email, if any, and the message without the email's lines."""
    lines = text.split("\n")
    sender, body = forwarded_email(lines)
    if not body:
        return None, text
    rest = "\n".join(line for k, line in enumerate(lines) if k not in body)
    if sender is None:
        return None, text
    email = "\n".join(re.sub(r"^\s*(?:>|&gt;)\s?", "", lines[k]) for k in sorted(body))
    found = detect_commitment(email, is_ours=is_ours)
    if found is None:
        return None, rest
    if found.side == "give" and (found.who is None or found.who.lower().startswith("our")):
        found = replace(found, side="get", who=sender)  # their "we" is them
    return found, rest


