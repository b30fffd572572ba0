"""Slack text as HTML for the demo page: mrkdwn, rich_text, emoji shortcodes.

Everything that comes from a payload is HTML-escaped first; only the markup built here
(``<strong>``, mention chips, links with an http(s) or mailto target) is trusted. Slack's own
escaping (``&amp;``, ``&lt;``, ``&gt;``) is undone first, so text the bot escaped for Slack
(``&lt;!channel&gt;``) shows literally, as it would in Slack, and is escaped again for HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

# Slack's shortcodes for the emoji the bot's templates use; unknown ones show as :name:.
EMOJI: dict[str, str] = {
    "alarm_clock": "⏰", "arrow_right": "➡️", "arrow_upper_right": "↗️", "bar_chart": "📊",
    "briefcase": "💼", "calendar": "📆", "clipboard": "📋", "compass": "🧭", "door": "🚪",
    "ear": "👂", "eyes": "👀", "gift": "🎁", "handshake": "🤝", "information_source": "ℹ️",
    "leaves": "🍃", "ledger": "📒", "left_right_arrow": "↔️", "leftwards_arrow_with_hook": "↩️",
    "mega": "📣", "memo": "📝", "new": "🆕", "no_bell": "🔕", "ok_hand": "👌",
    "outbox_tray": "📤", "raised_hand": "✋", "red_circle": "🔴", "rotating_light": "🚨",
    "scales": "⚖️", "seedling": "🌱", "sparkles": "✨", "speech_balloon": "💬", "tada": "🎉",
    "telephone_receiver": "📞", "thinking_face": "🤔", "warning": "⚠️", "wastebasket": "🗑️",
    "white_check_mark": "✅", "zzz": "💤", "pushpin": "📌", "star": "⭐", "bell": "🔔",
    "hourglass": "⌛", "link": "🔗", "chart_with_upwards_trend": "📈", "dart": "🎯",
}  # fmt: skip

_ENTITY = re.compile(r"<([^<>]*)>")
_SHORTCODE = re.compile(r":([a-z0-9_+'-]+):")
_SAFE_URL = re.compile(r"(?:https?://|mailto:)[^\s\"'<>]+\Z", re.IGNORECASE)
# Applied to already-escaped text, which holds no "<": markers only, never markup.
_STYLES = (
    (re.compile(r"`([^`\n]+)`"), "code"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])"), "em"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])"), "s"),
)


def emoji(name: str) -> Markup:
    """One shortcode as its emoji, or the shortcode itself in a chip when unknown."""
    char = EMOJI.get(name)
    if char:
        return Markup('<span class="emoji" title=":{0}:">{1}</span>').format(name, char)
    return Markup('<span class="emoji unknown">:{0}:</span>').format(name)


def _emoji_in(escaped: str) -> str:
    return _SHORTCODE.sub(lambda m: str(emoji(m.group(1))), escaped)


def _styled_prose(escaped: str) -> str:
    """Bold, italic, strike and emoji outside code. Shortcodes hold underscores: they are set
    aside first, so "_" styling can't reach into them."""
    codes: list[str] = []

    def aside(m: re.Match[str]) -> str:
        codes.append(m.group(1))
        return f"\x00{len(codes) - 1}\x00"

    text = _SHORTCODE.sub(aside, escaped)
    for pattern, tag in _STYLES[1:]:
        text = pattern.sub(lambda m, t=tag: f"<{t}>{m.group(1)}</{t}>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: str(emoji(codes[int(m.group(1))])), text)


def _styled(escaped: str) -> str:
    """Slack's text styles on text that is already HTML-escaped; nothing is styled inside code."""
    out = []
    for part in re.split(r"(`[^`\n]+`)", escaped):
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{part[1:-1]}</code>")
        else:
            out.append(_styled_prose(part))
    return "".join(out)


def _plain(text: str) -> str:
    """A literal stretch of mrkdwn: Slack's escapes undone, then escaped for HTML."""
    return str(escape(html.unescape(text)))


def mention(kind: str, label: str) -> Markup:
    """A Slack mention chip (@person, #channel, @channel)."""
    return Markup('<span class="mention {0}">{1}</span>').format(kind, label)


def link(url: str, label: str) -> Markup:
    """A link, only for http(s) and mailto targets; anything else stays text."""
    if _SAFE_URL.match(url):
        return Markup('<a href="{0}" rel="noopener noreferrer nofollow">{1}</a>').format(url, label)
    return Markup("{0}").format(label or url)


def _entity(body: str, names: Mapping[str, str]) -> str:
    target, _, label = body.partition("|")
    label = html.unescape(label)
    if target.startswith("@"):
        uid = target[1:]
        return str(mention("user", "@" + (names.get(uid) or label or uid)))
    if target.startswith("#"):
        cid = target[1:]
        return str(mention("channel", "#" + (names.get(cid) or label or cid)))
    if target.startswith("!"):
        special = target[1:].split("^")[0]
        return str(mention("broadcast", "@" + (label or special)))
    url = html.unescape(target)
    return str(link(url, label or url))


def mrkdwn(text: Any, names: Mapping[str, str] | None = None) -> Markup:
    """Slack mrkdwn as safe HTML (line breaks kept by the page's CSS)."""
    names = names or {}
    source = str(text or "")
    out: list[str] = []
    position = 0
    for match in _ENTITY.finditer(source):
        out.append(_styled(_plain(source[position:match.start()])))
        out.append(_entity(match.group(1), names))
        position = match.end()
    out.append(_styled(_plain(source[position:])))
    return Markup("\n".join(_quoted(line) for line in "".join(out).split("\n")))


def _quoted(line: str) -> str:
    """A line starting with ">" is a block quote in Slack (escaped here as "&gt;")."""
    if line.startswith("&gt;"):
        return f'<span class="quote">{line[4:].lstrip()}</span>'
    return line


def text_object(obj: Any, names: Mapping[str, str] | None = None) -> Markup:
    """A Block Kit text object (``mrkdwn`` or ``plain_text``) as safe HTML."""
    if not isinstance(obj, dict):
        return Markup("") if obj is None else escape(str(obj))
    if obj.get("type") == "mrkdwn":
        return mrkdwn(obj.get("text", ""), names)
    return Markup(_emoji_in(str(escape(obj.get("text", "")))))


def _rich_inline(element: dict[str, Any], names: Mapping[str, str]) -> str:
    kind = element.get("type")
    if kind == "text":
        piece = str(escape(element.get("text", "")))
        style = element.get("style") or {}
        for flag, tag in (("code", "code"), ("bold", "strong"), ("italic", "em"), ("strike", "s")):
            if style.get(flag):
                piece = f"<{tag}>{piece}</{tag}>"
        return piece
    if kind == "link":
        return str(link(str(element.get("url", "")), str(element.get("text") or element.get("url", ""))))
    if kind == "user":
        uid = str(element.get("user_id", ""))
        return str(mention("user", "@" + names.get(uid, uid)))
    if kind == "channel":
        cid = str(element.get("channel_id", ""))
        return str(mention("channel", "#" + names.get(cid, cid)))
    if kind == "broadcast":
        return str(mention("broadcast", "@" + str(element.get("range", "here"))))
    if kind == "emoji":
        return str(emoji(str(element.get("name", ""))))
    if kind == "date":
        return str(escape(element.get("fallback") or element.get("format", "")))
    return str(escape(element.get("text", "")))


def _rich_section(element: dict[str, Any], names: Mapping[str, str]) -> str:
    return "".join(_rich_inline(e, names) for e in element.get("elements", []) if isinstance(e, dict))


def rich_text(block: dict[str, Any], names: Mapping[str, str] | None = None) -> Markup:
    """A ``rich_text`` block: sections, bullet and numbered lists, quotes, preformatted text."""
    names = names or {}
    out: list[str] = []
    for element in block.get("elements", []):
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind == "rich_text_list":
            tag = "ol" if element.get("style") == "ordered" else "ul"
            indent = int(element.get("indent", 0) or 0)
            items = "".join(f"<li>{_rich_section(item, names)}</li>" for item in element.get("elements", [])
                            if isinstance(item, dict))
            out.append(f'<{tag} class="rt-list indent-{min(indent, 6)}">{items}</{tag}>')
        elif kind == "rich_text_quote":
            out.append(f"<blockquote>{_rich_section(element, names)}</blockquote>")
        elif kind == "rich_text_preformatted":
            out.append(f"<pre>{_rich_section(element, names)}</pre>")
        else:
            out.append(f'<div class="rt-section">{_rich_section(element, names)}</div>')
    return Markup("".join(out))
