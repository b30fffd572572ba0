"""Readable text of a Slack message event.

Slack puts the words of a message in several places: the top-level ``text``, Block Kit
``blocks`` and legacy ``attachments``. Integrations (CRMs above all) are inconsistent about
which one they fill, and often repeat the same sentence in two of them. The detectors in this
package work on plain text, so this module flattens an event into one string, one piece per
line, with duplicates dropped and Slack's mrkdwn decoration removed.

Pure functions, no Slack SDK: events are plain dicts as they arrive from the Events API.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from bot.domain.visible_text import without_hidden_controls

__all__ = ["clean_mrkdwn", "flatten_message"]

# Subtypes whose readable content lives in a nested ``message`` dict.
_NESTED_SUBTYPES = frozenset({"message_changed", "message_replied"})

# Block Kit nesting is shallow in practice; the cap only protects us from hostile payloads.
_MAX_DEPTH = 12

# <https://x|label>, <https://x>, <@U123>, <@U123|bob>, <#C123|general>, <!here>,
# <!subteam^S1|@team>, <!date^1392734382^{date}|Feb 18th>.
_ANGLE = re.compile(r"<([^<>\n]{1,2000})>")

# Decoration markers only count when they hug a word: "*bold*" but not "2 * 3 * 4" and not
# the underscores inside snake_case_names. Single-line only, like Slack's own renderer.
_BOLD = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=[^\s~])([^~\n]*?[^\s~])~(?![\w~])")
_FENCE = re.compile(r"```")
# For what people said (not what they formatted): a struck-out span was taken back, and a code
# block quotes a log or a config, so both are dropped rather than unwrapped.
_STRUCK = re.compile(r"(?<![\w~])~(?=[^\s~])[^~\n]*?[^\s~]~(?![\w~])")
_CODE_BLOCK = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
# Inline code holding a promise quotes a template or a log line ("`we'll retry in 30s` is the
# log line"), while "send the `SOW`" only names a thing.
PROMISE_IN_CODE = re.compile(r"`[^`\n]*?(?:'ll|\bwill\b|\bgonna\b)[^`\n]*`", re.IGNORECASE)
_PROMISE_WORDS = re.compile(r"'ll|\bwill\b|\bgonna\b", re.IGNORECASE)
_CODE = re.compile(r"`([^`\n]+)`")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def _angle_replacement(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if not target:
        return inner
    head = target[0]
    if head == "@":
        # User mention: keep a token so "<@U1> I'll send it" still reads as addressed text.
        return "@" + (label.lstrip("@") if label else target[1:])
    if head == "#":
        return "#" + (label.lstrip("#") if label else target[1:])
    if head == "!":
        if label:
            return label
        # <!here>, <!channel>, <!everyone>, <!subteam^S123>
        return "@" + target[1:].split("^", 1)[0]
    # A link: the label is what a human sees; a bare URL is the only text there is.
    return label if label else target


def clean_mrkdwn(text: str, *, spoken: bool = False) -> str:
    """Turn Slack mrkdwn into plain readable text.

    Resolves ``<url|label>`` to ``label``, ``<url>`` to the url, ``<@U123>`` to ``@U123``,
    ``<#C1|general>`` to ``#general``; removes ``*bold*``, ``_italic_``, ``~strike~`` and
    backtick markers; unescapes ``&amp;``/``&lt;``/``&gt;``; collapses runs of spaces.
    With ``spoken``, struck-out spans and fenced code blocks are dropped with their words.
    """
    if not text:
        return ""
    if spoken and "~" in text:
        text = _STRUCK.sub(" ", text)
    if spoken and "`" in text:
        text = PROMISE_IN_CODE.sub(" ", _CODE_BLOCK.sub(" ", text))
    if "<" in text:
        text = _ANGLE.sub(_angle_replacement, text)
    if "*" in text:
        text = _BOLD.sub(r"\1", text)
        # Second pass for nesting such as "*_word_*" -> handled by italic below, and
        # "**word**" style doubles some integrations emit.
        text = _BOLD.sub(r"\1", text)
    if "_" in text:
        text = _ITALIC.sub(r"\1", text)
    if "~" in text:
        text = _STRIKE.sub(r"\1", text)
    if "`" in text:
        text = _FENCE.sub("", text)
        text = _CODE.sub(r"\1", text)
    if "&" in text:
        # Slack escapes exactly these three; html.unescape also copes with stray entities.
        text = html.unescape(text)
    text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _BLANK_LINES.sub("\n", text)
    return text.strip()


class _Collector:
    """Ordered, de-duplicated list of text pieces."""

    __slots__ = ("pieces", "_seen", "spoken")

    def __init__(self, *, spoken: bool = False) -> None:
        self.pieces: list[str] = []
        self._seen: set[str] = set()
        self.spoken = spoken  # drop struck-out and code text (see clean_mrkdwn)

    def add(self, raw: Any, *, mrkdwn: bool = True) -> bool:
        """Add one piece; returns True when it contributed new text."""
        if not isinstance(raw, str) or not raw:
            return False
        text = clean_mrkdwn(raw, spoken=self.spoken) if mrkdwn else _SPACES.sub(" ", raw).strip()
        if not text:
            return False
        # Integrations repeat the same sentence in ``text`` and in blocks, differing only
        # in case or spacing; compare on a folded form.
        key = " ".join(text.casefold().split())
        if key in self._seen:
            return False
        self._seen.add(key)
        self.pieces.append(text)
        return True


def _text_object(obj: Any) -> tuple[str, bool] | None:
    """A Block Kit text object (or a bare string) as (text, is_mrkdwn)."""
    if isinstance(obj, str):
        return obj, True
    if isinstance(obj, dict):
        text = obj.get("text")
        if isinstance(text, str):
            return text, obj.get("type") != "plain_text"
    return None


def _add_text_object(out: _Collector, obj: Any) -> bool:
    found = _text_object(obj)
    if found is None:
        return False
    return out.add(found[0], mrkdwn=found[1])


def _rich_inline(element: dict[str, Any], spoken: bool = False) -> str:
    """Render one inline element of a rich_text section (struck-out text dropped if ``spoken``)."""
    kind = element.get("type")
    style = element.get("style")
    if spoken and isinstance(style, dict) and (
        style.get("strike")
        or (style.get("code") and _PROMISE_WORDS.search(str(element.get("text") or "")))
    ):
        return ""
    if kind == "text":
        text = element.get("text")
        return text if isinstance(text, str) else ""
    if kind == "link":
        text = element.get("text")
        url = element.get("url")
        if isinstance(text, str) and text:
            return text
        return url if isinstance(url, str) else ""
    if kind in _INLINE_FIELDS:
        field, before, after = _INLINE_FIELDS[kind]
        value = element.get(field)
        return f"{before}{value}{after}" if isinstance(value, str) else ""
    text = element.get("text")
    return text if isinstance(text, str) else ""


# Inline rich-text elements that are one field, shown with a marker: (field, before, after).
_INLINE_FIELDS: dict[str, tuple[str, str, str]] = {
    "user": ("user_id", "@", ""),
    "usergroup": ("usergroup_id", "@", ""),
    "channel": ("channel_id", "#", ""),
    "emoji": ("name", ":", ":"),
    "broadcast": ("range", "@", ""),
    "date": ("fallback", "", ""),
}


def _rich_text(out: _Collector, elements: Any, depth: int) -> None:
    """Walk rich_text containers; each section/list item becomes one piece."""
    if not isinstance(elements, list) or depth > _MAX_DEPTH:
        return
    inline: list[str] = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind == "rich_text_preformatted" and out.spoken:
            continue  # a code block quotes a log or a config, not the speaker
        if kind in (
            "rich_text_section",
            "rich_text_list",
            "rich_text_quote",
            "rich_text_preformatted",
        ):
            if inline:
                out.add("".join(inline), mrkdwn=False)
                inline = []
            children = element.get("elements")
            if kind == "rich_text_list":
                # Each list item is its own section; keep them as separate lines.
                for child in children if isinstance(children, list) else ():
                    if isinstance(child, dict):
                        _rich_text(out, [child], depth + 1)
                continue
            if isinstance(children, list) and any(
                isinstance(c, dict) and str(c.get("type", "")).startswith("rich_text_")
                for c in children
            ):
                _rich_text(out, children, depth + 1)
            else:
                _rich_text_leaf(out, children)
        else:
            inline.append(_rich_inline(element, out.spoken))
    if inline:
        out.add("".join(inline), mrkdwn=False)


def _rich_text_leaf(out: _Collector, children: Any) -> None:
    if not isinstance(children, list):
        return
    parts = [_rich_inline(c, out.spoken) for c in children if isinstance(c, dict)]
    out.add("".join(parts), mrkdwn=False)


def _blocks(out: _Collector, blocks: Any, depth: int = 0) -> None:
    if not isinstance(blocks, list) or depth > _MAX_DEPTH:
        return
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind in ("section", "header"):
            _add_text_object(out, block.get("text"))
            fields = block.get("fields")
            if isinstance(fields, list):
                for field in fields:
                    _add_text_object(out, field)
        elif kind == "context":
            elements = block.get("elements")
            if isinstance(elements, list):
                for element in elements:
                    # Images in a context block only carry alt text, which is decoration.
                    if isinstance(element, dict) and element.get("type") == "image":
                        continue
                    _add_text_object(out, element)
        elif kind == "rich_text":
            _rich_text(out, block.get("elements"), depth + 1)
        elif kind == "markdown":
            out.add(block.get("text"))
        # actions/divider/image/input blocks hold buttons and chrome, not message content.


def _attachment_fields(fields: Any) -> Iterable[str]:
    if not isinstance(fields, list):
        return ()
    rendered: list[str] = []
    for field in fields:
        if not isinstance(field, dict):
            continue
        title = field.get("title")
        value = field.get("value")
        title = title.strip() if isinstance(title, str) else ""
        value = value.strip() if isinstance(value, str) else ""
        if title and value:
            # Keep title and value on one line so "Stage: Negotiation" stays parseable.
            rendered.append(f"{title}: {value}")
        elif title or value:
            rendered.append(title or value)
    return rendered


def _attachments(out: _Collector, attachments: Any) -> None:
    if not isinstance(attachments, list):
        return
    for attachment in attachments:
        if not isinstance(attachment, dict):
            continue
        added = False
        for key in ("pretext", "author_name", "title", "text"):
            added = out.add(attachment.get(key)) or added
        for field in _attachment_fields(attachment.get("fields")):
            added = out.add(field) or added
        before = len(out.pieces)
        _blocks(out, attachment.get("blocks"))
        added = added or len(out.pieces) > before
        if not added:
            # ``fallback`` is the plain-text summary meant for clients that cannot render
            # the attachment; it only adds information when nothing else was readable.
            out.add(attachment.get("fallback"))


def _flatten(event: dict[str, Any], spoken: bool) -> str:
    message: Any = event
    subtype = event.get("subtype")
    if (
        isinstance(subtype, str)
        and subtype in _NESTED_SUBTYPES
        and isinstance(event.get("message"), dict)
    ):
        message = event["message"]
    out = _Collector(spoken=spoken)
    out.add(message.get("text"))
    _blocks(out, message.get("blocks"))
    _attachments(out, message.get("attachments"))
    return "\n".join(out.pieces)


def flatten_message(event: dict[str, Any], *, spoken: bool = False) -> str:
    """The readable text of a Slack message event, one piece per line.

    Joins top-level ``text``, Block Kit ``blocks`` (section text and fields, headers, context
    elements, rich_text sections and lists) and legacy ``attachments`` (pretext, title, text,
    fields as ``Title: value``; ``fallback`` only when an attachment has nothing else).
    Identical pieces are kept once. ``message_changed`` events are read from their nested
    ``message``. mrkdwn decoration is removed (see :func:`clean_mrkdwn`). ``spoken`` reads
    what a person said for the commitment detector: struck-out words (``~…~`` or a rich-text
    strike) and code blocks are dropped, not unwrapped; CRM posts are read without it.

    Never raises: odd shapes yield whatever text could be found, or ``""``.
    """
    if not isinstance(event, dict):
        return ""
    try:
        return without_hidden_controls(_flatten(event, spoken))
    except Exception:  # pragma: no cover - defensive: event payloads are untrusted input
        # Being total matters more than being complete here: a crash would drop the whole
        # event on the floor in the caller's listener.
        return ""
