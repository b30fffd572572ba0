"""Built-in reading of CRM notification text: stage names, deal names, line shapes, fields.

The tables (words, regexes) are in :mod:`bot.domain.listening.crm_vocab`; this module is the
code that applies them. :func:`bot.domain.crm.parse_crm_post` is the public entry point.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain.listening.crm_vocab import (
    ACTOR_WON,
    ARROW,
    CHANGE_TRIGGER,
    CHATTER_START,
    CREATED_SHAPES,
    DANGLING_TAIL,
    DEAL_AMOUNT,
    DEAL_HEAD,
    DEAL_HEAD_WORDY,
    DEAL_IN_PIPELINE,
    DEAL_KEYS,
    DEAL_LEAD,
    DEAL_NOUN,
    DEAL_REASON,
    DEAL_TAIL,
    DEAL_TRAIL,
    DEAL_TRAIL_CHANGE,
    DEALLESS_MOVE,
    EDGE_LEAD,
    EDGE_SHORTCODE,
    EDGE_TRAIL,
    EVENT_SHAPES,
    FIELD_UPDATE,
    FLAGS,
    FROM_KEYS,
    FROM_TO_SPLIT,
    HAS_LETTER,
    HEAD_WONLOST,
    HEAD_WONLOST2,
    HEADER_KEY,
    HEADER_LINE,
    KEY_VALUE,
    LINE_PREFIX,
    LINE_SHAPES,
    LOOKALIKE_LINE,
    LOOKALIKE_POST,
    MAX_DEAL_LEN,
    MAX_LINE,
    MAX_LINES,
    MAX_STAGE_WORDS,
    MAX_TEXT,
    NEW_RECORD_LINE,
    NOT_DEALS,
    NOT_TITLE,
    NUMBER_ONLY,
    OTHER_CHANGE,
    PIPE_SPLIT,
    QUOTES,
    RECORD_HEADER,
    SHORTCODE,
    STAGE_FIELD_ARROW,
    STAGE_KEYS,
    STAGE_LEAD,
    STAGE_STOP,
    TAIL_WONLOST,
    WAS_STAGE,
    WONLOST_ALONE,
    WONLOST_EVENT,
    WONLOST_HEADING,
    WORD,
)
from bot.domain.message_text import clean_mrkdwn
from bot.domain.stages import Stage, normalize_stage, stage_key


@dataclass(frozen=True)
class StageChange:
    """A deal moved to ``stage`` (from ``from_stage`` when the post says so).

    ``raw_stage`` is the stage name exactly as the CRM wrote it, for display and debugging.
    """

    deal: str
    stage: Stage
    from_stage: Stage | None
    raw_stage: str


def _stage_at(text: str, *, exact: bool = False) -> tuple[Stage, str] | None:
    """Find a stage name at the start of ``text``: (stage, raw text of the name).

    Tries the longest run of words first, so "Closed Lost" wins over "Closed". A shorter run
    only counts when what follows cannot be part of a name (punctuation, emoji, a number, or
    a stop word), so "moved to New York" does not read as stage "New". With ``exact`` the
    name must be all there is, apart from decoration and a percentage.
    """
    words = list(WORD.finditer(text, 0, min(len(text), 400)))
    start = 0
    while start < len(words) - 1 and start < 3 and words[start].group().lower() in STAGE_LEAD:
        start += 1
    if start >= len(words):
        return None
    limit = min(MAX_STAGE_WORDS, len(words) - start)
    for n in range(limit, 0, -1):
        chunk = words[start : start + n]
        stage = normalize_stage(" ".join(w.group() for w in chunk))
        if stage is None:
            continue
        end = chunk[-1].end()
        after = start + n
        if exact:
            # Only decoration may follow: "Qualified (40%)", "Won 🎉", "'Contract Sent'".
            if HAS_LETTER.search(text, end):
                continue
        elif after < len(words):
            nxt = words[after]
            nxt_word = nxt.group().lower()
            gap = text[end : nxt.start()]
            if gap.strip(" ") == "" and nxt_word not in STAGE_STOP and not nxt_word.isdigit():
                continue
        raw = text[chunk[0].start() : end]
        return stage, raw
    return None


def _stage_exact(text: str) -> Stage | None:
    found = _stage_at(text, exact=True)
    return found[0] if found else None


def _strip_edges(text: str) -> str:
    """Drop emoji, bullets, punctuation and wrapping quotes around a name.

    A closing bracket that balances one inside the name stays: "Acme (EMEA)".
    """
    core = EDGE_LEAD.sub("", EDGE_SHORTCODE.sub("", text))
    trail = EDGE_TRAIL.search(core)
    if trail:
        tail, core = core[trail.start() :], core[: trail.start()]
        for closer, opener in ((")", "("), ("]", "[")):
            if tail.startswith(closer) and core.count(opener) > core.count(closer):
                core += closer
                break
    # Quotes go only as a wrapping pair, so '"Acme" – Phase 2' keeps its own quotes.
    while (
        len(core) >= 2
        and core[0] in QUOTES
        and core[-1] in QUOTES
        and not any(q in core[1:-1] for q in (core[0], core[-1]) if q != "'")
    ):
        core = _strip_edges(core[1:-1])
    if core and core[0] in QUOTES and core[0] != "'" and core.count(core[0]) == 1:
        core = core[1:]  # a lone opening quote: "“Acme Corp"
    if core and core[-1] in QUOTES and core[-1] != "'" and core.count(core[-1]) == 1:
        core = core[:-1]
    return core


def _clean_deal(raw: str) -> str | None:
    """Normalise a deal name captured by a pattern, or None when it is not a name."""
    deal = raw.strip()
    for _ in range(3):
        before = deal
        deal = _strip_edges(deal)
        deal = DEAL_HEAD.sub("", deal)
        deal = DEAL_HEAD_WORDY.sub("", deal)
        deal = DEAL_LEAD.sub("", deal)
        deal = DEAL_REASON.sub("", deal)
        deal = DEAL_AMOUNT.sub("", deal)
        deal = DEAL_IN_PIPELINE.sub("", deal)
        deal = DEAL_TRAIL_CHANGE.sub("", deal)
        deal = DEAL_TRAIL.sub("", deal)
        if deal == before:
            break
    deal = _strip_edges(deal)
    deal = " ".join(deal.split())
    if deal.lower() in NOT_DEALS or len(deal) > MAX_DEAL_LEN or NUMBER_ONLY.match(deal):
        return None
    if normalize_stage(deal) is not None:
        return None  # "Closed Won!" on its own line is an event, not a deal called "Closed"
    if not any(ch.isalnum() for ch in deal):
        return None
    return deal


def _key(raw: str) -> str:
    return stage_key(raw)


def _resplit(from_raw: str, rest: str) -> tuple[str, str]:
    """Fix a lazy "from X to Y" split when X itself contains "to" ("Qualified to Buy")."""
    if _stage_exact(from_raw) is not None and _stage_at(rest) is not None:
        return from_raw, rest
    joined = f"{from_raw} to {rest}"
    for m in FROM_TO_SPLIT.finditer(joined):
        left, right = joined[: m.start()], joined[m.end() :]
        if _stage_exact(left) is not None and _stage_at(right) is not None:
            return left, right
    return from_raw, rest


def build_change(deal_raw: str, rest: str, from_raw: str | None) -> StageChange | None:
    deal = _clean_deal(deal_raw)
    if deal is None:
        return None
    if not from_raw and ARROW.search(rest):
        left, right = ARROW.split(rest, maxsplit=1)
        if _stage_exact(left) is not None:
            from_raw, rest = left, right  # "Phase von Acme geändert: Demo → Angebot"
    if from_raw:
        from_raw, rest = _resplit(from_raw, rest)
    found = _stage_at(rest)
    if found is None:
        return None
    stage, raw_stage = found
    from_stage = _stage_exact(from_raw) if from_raw else None
    return StageChange(deal=deal, stage=stage, from_stage=from_stage, raw_stage=raw_stage)


def _from_arrow(line: str, names: Sequence[str] = ()) -> StageChange | None:
    """Shapes with an arrow: "Stage updated: Initech → Closed Won", "Acme: Qualified → Won"."""
    parts = ARROW.split(line, maxsplit=1)
    if len(parts) != 2:
        return None
    left, right = parts[0].strip(), parts[1]
    if _is_header(left) and ARROW.search(right):
        # "Deal Stage Changed → Acme → Qualified to buy"
        deal_part, stage_part = ARROW.split(right, maxsplit=1)
        # "Stage change ➜ Acme | Qualification ➜ Needs Analysis": the old stage after the name
        sep = re.match(r"^(?P<deal>.+?)\s+[|·–—-]\s+(?P<from>[^|·–—-]+)$", deal_part)
        if sep and _stage_exact(sep.group("from")) is not None:
            return build_change(sep.group("deal"), stage_part, sep.group("from"))
        return build_change(deal_part, stage_part, None)
    found = _stage_at(right)
    if found is None:
        return None
    stage, raw_stage = found
    deal_raw: str | None = None
    from_stage: Stage | None = None

    # "Opportunity *Acme – 120 seats* Stage: Proposal/Price Quote"
    m = re.search(r"^(?P<head>.*?)\b(?:stage|status)\b\s*[:=]?\s*(?P<from>[^:]*)$", left, FLAGS)
    if m and m.group("head").strip():
        from_stage = _stage_exact(m.group("from"))
        if from_stage is not None or not m.group("from").strip():
            deal_raw = m.group("head")
    if deal_raw is None and ":" in left:
        head, _, after = left.rpartition(":")
        from_stage = _stage_exact(after)
        if from_stage is not None and _is_header(head):
            # "Stage changed: Demo → Proposal", "Etapa alterada: …": the name is elsewhere.
            deal_raw = names[0] if names else None
        elif from_stage is not None:
            # "Deal Stage updated for Acme: Appointment Scheduled"; a bare header such as
            # "Deal moved:" has no name in it and is left to the fields pass.
            deal_raw = head
        elif DEAL_HEAD.match(head + ":") or HEADER_KEY.match(_key(head)):
            deal_raw = after  # "Stage updated: Initech"
    if deal_raw is None:
        # "Acme Corp - Qualified", "Acme Corp | Qualified"
        sep = re.match(r"^(?P<head>.+?)\s+[-–—|·]\s+(?P<from>[^-–—|·]+)$", left)
        if sep and (fs := _stage_exact(sep.group("from"))) is not None:
            deal_raw, from_stage = sep.group("head"), fs
        elif DEAL_LEAD.match(left) and not CHATTER_START.match(left):
            deal_raw = left  # "Opportunity Acme Corp → Closed Won"
    if deal_raw is None:
        return None
    deal = _clean_deal(deal_raw)
    if deal is None:
        return None
    return StageChange(deal=deal, stage=stage, from_stage=from_stage, raw_stage=raw_stage)


def _is_header(text: str) -> bool:
    """A change announcement without a name: "Deal Stage Changed", "Etapa alterada"."""
    key = _key(text)
    return bool(HEADER_KEY.match(key)) or key in ("stage changed", "stage updated", "stage change")


def _from_line(line: str, names: Sequence[str] = ()) -> StageChange | None:
    """Try the one-line shapes on one line of a post."""
    if not line or line.endswith("?") or CHATTER_START.match(line):
        return None
    field = KEY_VALUE.match(line)
    if field is not None and _key(field.group("key")) in FIELD_KEYS:
        return None  # "Previous Stage: Closed Won" is a field, read by the fields pass
    for shape in (HEAD_WONLOST, HEAD_WONLOST2):
        m = shape.match(line)
        if m:
            rest = m.group("rest")
            if _key(rest) == "closed":
                rest = "closed won"
            change = build_change(m.group("deal"), rest, None)
            if change is not None:
                return change
    if ARROW.search(line):
        change = _from_arrow(line, names)
        if change is not None:
            return change
    for shape in LINE_SHAPES:
        m = shape.match(line)
        if m is None:
            continue
        change = build_change(m.group("deal"), m.group("rest"), m.groupdict().get("from"))
        if change is not None:
            return change
    m = TAIL_WONLOST.match(line)
    if m and re.search(rf"\b(?:{DEAL_NOUN}|marked|closed)\b", line, FLAGS):
        # Only trust a trailing "won"/"lost" when the tail is decoration, not a sentence.
        if not re.search(r"[A-Za-z]{3,}", m.group("tail")) or m.group("tail").lstrip()[:1] in (
            "(",
            "-",
            "–",
            "—",
            "|",
            ":",
            "!",
            ".",
        ):
            deal_raw = m.group("deal").rstrip()
            # "the deal moved to Won" is the movement shape without a name, not a deal
            # called "moved to".
            if not DANGLING_TAIL.search(deal_raw):
                change = build_change(deal_raw, m.group("rest"), None)
                if change is not None:
                    return change
    return None


def _from_fields(lines: list[str], names: Sequence[str] = ()) -> StageChange | None:
    """Header + fields layouts: "Deal stage changed" / "Deal: Acme" / "Stage: Negotiation"."""
    deal_raw: str | None = None
    deal_rank = 99  # lower is more specific: deal/opportunity keys beat account/company
    stage_val: str | None = None
    from_val: str | None = None
    triggered = other_change = record_header = False
    titles: list[str] = []
    for line in lines:
        if RECORD_HEADER.match(line):
            record_header = True  # "Opportunity Update" above "Name:" / "Stage:" fields
            continue
        other_change = other_change or bool(OTHER_CHANGE.search(line))
        is_trigger = bool(CHANGE_TRIGGER.search(line))
        triggered = triggered or is_trigger
        m = KEY_VALUE.match(line)
        if m is None:
            header = HEADER_LINE.match(line) if is_trigger else None
            if header:
                name = (
                    header.group("deal")
                    or header.group("deal2")
                    or header.group("deal3")
                    or header.group("deal4")
                )
                if deal_rank > 0 and _clean_deal(name) is not None:
                    deal_raw, deal_rank = name, 0
            elif NEW_RECORD_LINE.match(line):
                triggered = True  # "New deal created" + title + "Stage: Demo"
            elif stage_val is None and (pair := _stage_pair(line)) is not None:
                from_val, stage_val = pair  # "Demo → Proposal" on a line of its own
            elif not is_trigger:
                titles.append(line)
            continue
        key, val = _key(m.group("key")), m.group("val")
        if NEW_RECORD_KEY.match(key):
            triggered = True  # "New opportunity created: Acme" + "Stage: Prospecting"
            if deal_rank > 0 and _clean_deal(val) is not None:
                deal_raw, deal_rank = val, 0
            continue
        if key in STAGE_KEYS and stage_val is None:
            if key not in _PLAIN_STAGE_KEYS:
                triggered = True  # "New stage:", "Moved to:" announce a change by themselves
            stage_val = val
            if (was := WAS_STAGE.match(val)) is not None and _stage_exact(was.group("from")):
                # "Presentation Scheduled (was Qualified To Buy)" says it changed
                triggered, stage_val, from_val = True, was.group("to"), was.group("from")
        elif key in FROM_KEYS and from_val is None:
            triggered = True
            from_val = val
        elif key in DEAL_KEYS and DEAL_KEYS[key] < deal_rank:
            deal_raw, deal_rank = val, DEAL_KEYS[key]
        elif HEADER_KEY.match(key):
            triggered = True
            # "Deal moved: Proposal Made → Negotiations Started" carries the stages;
            # "Stage changed: Acme Corp" carries the deal.
            if stage_val is None and (ARROW.search(val) or _stage_exact(val) is not None):
                stage_val = val
            elif deal_rank > 0 and _clean_deal(val) is not None:
                deal_raw, deal_rank = val, 0
    # "Stage: Qualified" alone says nothing changed; "Stage: A → B" does, and so does a record
    # posted for its stage ("Deal: Acme" + "Stage: Won") when no other field is the news.
    named = deal_rank == 0 or (deal_rank == 1 and record_header)
    if stage_val is None or not (
        triggered or ARROW.search(stage_val) or (named and not other_change)
    ):
        return None
    if record_header and deal_rank == 1:
        deal_rank = 0  # "Opportunity Update" + "Name: Acme": the name field is the record's
    if deal_rank >= 1 and names:
        deal_raw = names[0]  # the attachment title or header names the record itself
    elif deal_rank >= 1:
        # The attachment title (first free-standing line) names the record itself, which
        # beats an account/company field: an account can have many opportunities.
        for line in titles:
            if (
                len(line) <= 100
                and not line.endswith("?")
                and not CHATTER_START.match(line)
                and not NOT_TITLE.match(line)
            ):
                deal_raw = line
                break
    if deal_raw is None:
        return None
    if ARROW.search(stage_val):
        left, right = ARROW.split(stage_val, maxsplit=1)
        from_val = from_val or left
        stage_val = right
    return build_change(deal_raw, stage_val, from_val)


def _prepare_lines(text: str) -> list[str]:
    """Clean, de-prefix and split a post into lines; re-join "Key:" with its value line."""
    lines: list[str] = []
    pending_key: str | None = None
    head = "\n".join(text[:MAX_TEXT].split("\n", MAX_LINES)[:MAX_LINES])
    for raw in clean_mrkdwn(head).split("\n"):
        if ":" in raw:
            raw = SHORTCODE.sub(" ", raw)  # ":tada:" and friends are decoration, never names
        line = LINE_PREFIX.sub("", raw).strip()
        if not line or len(line) > MAX_LINE:
            continue
        if pending_key is not None:
            lines[-1] = f"{pending_key} {line}"
            pending_key = None
            continue
        if (
            line.endswith(":")
            and len(line) <= 40
            and KEY_VALUE.match(line + " x")
            and not CHANGE_TRIGGER.search(line)
        ):
            # Block Kit fields render as "*Stage:*\nNegotiation": key and value on two lines.
            pending_key = line
        elif len(line) <= 40 and _key(line) in FIELD_KEYS:
            pending_key = line + ":"  # "*Stage*\nDemo → Proposal" (no colon at all)
        if " | " in line or " · " in line:
            # One-line records: "Pipedrive deal updated: Acme | Stage: Won | Value: $5k".
            parts = PIPE_SPLIT.split(line)
            if any(_is_stage_field(part) for part in parts[1:]):
                if not KEY_VALUE.match(parts[0]):
                    parts[0] = f"Deal: {parts[0]}"  # "Deal Acme | Stage: Won | Owner: Sam"
                lines.extend(parts)
                continue
        lines.append(line)
    return lines




_PLAIN_STAGE_KEYS = frozenset(
    {"stage", "status", "deal stage", "dealstage", "opportunity stage", "phase", "etape", "etapa",
     "fase", "stagename", "stage name"}
)
FIELD_KEYS = frozenset(STAGE_KEYS | FROM_KEYS | set(DEAL_KEYS)) - {"to", "now", "was", "from", "name"}
NEW_RECORD_KEY = re.compile(
    r"^new (?:deal|opportunity|opp|record)(?: (?:created|added))?$|^(?:deal|opportunity) created$"
)


def _stage_pair(line: str) -> tuple[str, str] | None:
    """("Demo", "Proposal") for a line that is only "Demo → Proposal"."""
    parts = ARROW.split(line, maxsplit=1)
    if len(parts) == 2 and _stage_exact(parts[0]) is not None and _stage_exact(parts[1]) is not None:
        return parts[0], parts[1]
    return None


def _is_stage_field(part: str) -> bool:
    m = KEY_VALUE.match(part)
    return bool(m) and _key(m.group("key")) in STAGE_KEYS


def _usable_name(raw: str) -> str | None:
    """A deal name from a title, header or link label, or None when it is chrome."""
    if not isinstance(raw, str):
        return None
    text = clean_mrkdwn(raw).split("\n", 1)[0].strip()
    if not text or len(text) > 120 or text.endswith("?"):
        return None
    if (
        CHANGE_TRIGGER.search(text)
        or LOOKALIKE_LINE.search(text)
        or WONLOST_EVENT.match(text)
        or WONLOST_ALONE.match(LINE_PREFIX.sub("", text))
        or ACTOR_WON.match(text)
        or DEALLESS_MOVE.match(text)
        or any(shape.match(text) for shape in CREATED_SHAPES)
        or text.lower().startswith(("http://", "https://", "mailto:"))
    ):
        return None
    deal = _clean_deal(text)
    if deal is None or NOT_TITLE.match(deal) or CHATTER_START.match(deal):
        return None
    return deal


_LINK = re.compile(r"<(?:https?://|mailto:)[^|<>\s]{1,500}\|([^<>\n]{1,200})>")


def deal_name_hints(event: dict[str, Any]) -> list[str]:
    """Where an integration put the deal's name outside the sentence, best first.

    Attachment ``title`` (whose ``title_link`` points at the record), Block Kit ``header``
    text, then the labels of links (``<https://crm/deal/1|Acme>``) in the text, sections and
    attachments. Chrome such as "Opportunity updated" or "Deal Stage Change" is left out.
    """
    message: Any = event
    if event.get("subtype") == "message_changed" and isinstance(event.get("message"), dict):
        message = event["message"]
    titles: list[str] = []
    labels: list[str] = []

    def texts_of_blocks(blocks: Any) -> None:
        for block in blocks if isinstance(blocks, list) else ():
            if not isinstance(block, dict):
                continue
            text = block.get("text")
            value = text.get("text") if isinstance(text, dict) else None
            if block.get("type") == "header" and isinstance(value, str):
                titles.append(value)
            elif isinstance(value, str):
                labels.extend(_LINK.findall(value))
            for field in block.get("fields") or ():
                if isinstance(field, dict) and isinstance(field.get("text"), str):
                    labels.extend(_LINK.findall(field["text"]))

    if isinstance(message.get("text"), str):
        labels.extend(_LINK.findall(message["text"]))
    texts_of_blocks(message.get("blocks"))
    for attachment in message.get("attachments") or ():
        if not isinstance(attachment, dict):
            continue
        if isinstance(attachment.get("title"), str):
            titles.append(attachment["title"])
        for key in ("pretext", "text"):
            if isinstance(attachment.get(key), str):
                labels.extend(_LINK.findall(attachment[key]))
        texts_of_blocks(attachment.get("blocks"))
    names: list[str] = []
    for raw in titles + labels:
        name = _usable_name(raw)
        if name is not None and name not in names:
            names.append(name)
    return names


def _event_deal(raw: str | None, names: Sequence[str]) -> str | None:
    """The deal named in an event line, else the first name found elsewhere in the post."""
    if raw:
        raw = DEAL_TAIL.sub("", raw.strip())
        if _clean_deal(raw) is not None:
            return raw
    return names[0] if names else None


def _from_event_line(line: str, names: Sequence[str]) -> StageChange | None:
    """Won/lost news, creation in a stage, name-less moves, field updates, other languages."""
    m = FIELD_UPDATE.match(line)
    if m is not None:
        if _key(m.group("key")) not in STAGE_KEYS:
            return None  # "Opportunity Acme updated: Amount = $12,000"
        return build_change(m.group("deal"), m.group("val"), None)
    m = WONLOST_EVENT.match(line) or WONLOST_ALONE.match(line) or WONLOST_HEADING.match(line)
    if m is not None:
        word = _key(m.group("r"))
        stage_word = "closed won" if word == "closed" else word
        deal = _event_deal(m.groupdict().get("deal"), names)
        if deal is not None:
            return build_change(deal, stage_word, None)
        return None
    m = ACTOR_WON.match(line)
    if m is not None and not CHATTER_START.match(m.group("who")) or (
        m is not None and m.group("who").lower().startswith("we")
    ):
        deal = _event_deal(m.group("deal"), names)
        lost = bool(re.search(r"\blost\b", line[: m.start("deal")], re.IGNORECASE))
        if deal is not None:
            return build_change(deal, "lost" if lost else "won", None)
    m = DEALLESS_MOVE.match(line)
    if m is not None:
        deal = _event_deal(m.group("deal"), names)
        if deal is not None:
            change = build_change(deal, m.group("rest"), m.group("from"))
            if change is not None:
                return change
    for shape in (*CREATED_SHAPES, *EVENT_SHAPES):
        m = shape.match(line)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("who") and CHATTER_START.match(groups["who"]):
            continue
        change = build_change(groups["deal"], groups["rest"], groups.get("from"))
        if change is not None:
            return change
    m = STAGE_FIELD_ARROW.match(line)
    if m is not None and not KEY_VALUE.match(line.split("→")[0].split("->")[0] + " x:"):
        return build_change(m.group("deal"), m.group("rest"), None)
    return None


def _field_deals(lines: list[str]) -> list[str]:
    """Values of "Opportunity Name:" / "Deal:" fields, most specific key first."""
    found = []
    for line in lines:
        m = KEY_VALUE.match(line)
        if m is not None and DEAL_KEYS.get(_key(m.group("key")), 9) <= 1:
            found.append((DEAL_KEYS[_key(m.group("key"))], m.group("val")))
    return [val for _, val in sorted(found, key=lambda kv: kv[0]) if _clean_deal(val)]


def _free_titles(lines: list[str]) -> list[str]:
    """Free-standing lines that could be a record's name (text-only callers have no hints)."""
    out = []
    for line in lines:
        if KEY_VALUE.match(line) or line.endswith("?"):
            continue
        name = _usable_name(line)
        if name is not None and name not in out:
            out.append(name)
    return out


def parse_lines(text: str, names: Sequence[str] = ()) -> StageChange | None:
    """The built-in shapes over a post's text; ``names`` are deal names found outside it."""
    lines = _prepare_lines(text)
    if not lines or any(LOOKALIKE_POST.search(line) for line in lines):
        return None
    lines = [line for line in lines if not LOOKALIKE_LINE.search(line)]
    hints = [name for name in names if name]
    fallback = hints + _field_deals(lines) + _free_titles(lines)
    for line in lines:
        if line.endswith("?") or CHATTER_START.match(line) and not line.lower().startswith("we "):
            continue
        change = _from_event_line(line, fallback)
        if change is None:
            change = _from_line(line, fallback)
        if change is not None:
            return change
    return _from_fields(lines, hints)
