"""Render every message the bot sends from a Jinja2 template in ``prompts/``.

A template renders to JSON: ``{"text": fallback, "blocks": [...]}`` for messages
or a view object for modals and the Home tab. Every ``{{ value }}`` is escaped
twice on the way out, by default, so no template can forget it: first for Slack
mrkdwn (``&``, ``<``, ``>``, so user text can neither ping ``@channel`` nor forge
a link), then for the JSON string it sits in. Filters that build trusted markup
(``user``, ``channel``, ``plain``, ``json``) return :class:`Raw` to skip that.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from bot.action_ids import number_repeats
from bot.domain.visible_text import without_hidden_controls


@dataclass(frozen=True)
class Message:
    """A template in ``prompts/`` and the context to render it with.

    It lives here, beside :func:`render`, so every layer that says something (use cases,
    the scheduler, the Slack poster) shares it without importing each other.
    """

    template: str
    context: dict[str, Any] = field(default_factory=dict)


def _prompts_dir() -> Path:
    """``prompts/`` next to ``bot/`` in a checkout (and editable installs); a wheel installs
    the templates as data files under ``<prefix>/share/partner-coach/prompts``."""
    checkout = Path(__file__).resolve().parent.parent / "prompts"
    installed = Path(sys.prefix) / "share" / "partner-coach" / "prompts"
    return checkout if checkout.is_dir() or not installed.is_dir() else installed


PROMPTS_DIR = _prompts_dir()
log = logging.getLogger(__name__)

# Block Kit limits (https://api.slack.com/reference/block-kit/blocks).
MAX_BLOCKS_MESSAGE = 50
MAX_BLOCKS_VIEW = 100
MAX_SECTION_TEXT = 3000
MAX_FALLBACK_TEXT = 4000

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,20}$")


class Raw(Markup):
    """A string already safe to drop into a JSON string inside a template.

    It is a ``Markup`` so that Jinja passes macro output (also Markup) through
    untouched while every other value goes through :func:`_finalize`.
    """


def mrkdwn_escape(text: str) -> str:
    """Escape the three characters Slack mrkdwn gives meaning to (``&`` first)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _json_body(text: str) -> str:
    # What json.dumps(text, ensure_ascii=False) does for a str, without its dispatch on type:
    # this runs for every value of every message.
    return encode_basestring(text)[1:-1]


def _raw(text: str) -> Raw:
    # Raw(text) without Markup.__new__'s look for an __html__ method, which a str never has.
    return str.__new__(Raw, text)


def _finalize(value: Any) -> Markup:
    # Control characters and direction overrides are dropped from every value shown, stored
    # before they were dropped at the door or not (bot.domain.visible_text).
    if type(value) is str:  # most values: checked first, the cheapest test
        return _raw(_json_body(mrkdwn_escape(without_hidden_controls(value))))
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool | int | float):
        return _raw(str(value))
    return _raw(_json_body(mrkdwn_escape(without_hidden_controls(str(value)))))


def _user(user_id: Any) -> Raw:
    """A mention of a Slack user id we got from Slack itself (validated)."""
    text = str(user_id or "")
    if _USER_ID.match(text):
        return Raw(f"<@{text}>")
    return Raw(_json_body(mrkdwn_escape(text or "someone")))


def _channel(channel_id: Any) -> Raw:
    text = str(channel_id or "")
    if _CHANNEL_ID.match(text):
        return Raw(f"<#{text}>")
    return Raw(_json_body(mrkdwn_escape(text)))


def _plain(value: Any) -> Raw:
    """For plain_text fields, where Slack shows characters literally: JSON-escape only."""
    return Raw(_json_body(without_hidden_controls(str(value))))


def _to_json(value: Any) -> Raw:
    """Embed a whole JSON value (e.g. a button's value payload)."""
    return Raw(json.dumps(value, ensure_ascii=False, default=str))


def _as_json_string(value: Any) -> Raw:
    """A JSON value serialised into a string field, e.g. a button ``value``."""
    return Raw(_json_body(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)))


def _date(value: date | datetime | str | None, style: str = "short") -> Raw:
    if value is None or value == "":
        return Raw("no date")
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if style == "iso":
        return Raw(value.isoformat()[:10])
    if style == "long":
        return Raw(value.strftime("%A %-d %B %Y"))
    if style == "datetime" and isinstance(value, datetime):
        return Raw(value.strftime("%a %-d %b, %H:%M"))
    return Raw(value.strftime("%a %-d %b %Y"))


# What one character of user text costs once escaped for mrkdwn, in Slack's terms.
_ESCAPED_COST = {"&": 5, "<": 4, ">": 4}
_ELLIPSIS = "…"
# Left dangling by a cut: a zero-width joiner or an emoji variation selector would glue onto
# the ellipsis, a lone space looks like a typo.
_CUT_DEBRIS = " \t\n\u200d\ufe0e\ufe0f"


def slack_length(text: str) -> int:
    """A string's length in UTF-16 code units: what Slack counts, or more.

    Slack doesn't say whether its limits count code points or UTF-16 units; an emoji
    outside the BMP is one or two. Counting two keeps us within either.
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _escaped_length(text: str) -> int:
    """The Slack length of ``text`` once :func:`mrkdwn_escape` has run on it."""
    extra = 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))
    return (len(text) if text.isascii() else slack_length(text)) + extra


def _truncate(value: Any, length: int = 200) -> str:
    """User text cut so that, escaped for mrkdwn, it is at most ``length`` long in Slack's terms.

    The budget is counted after escaping (``<`` becomes ``&lt;``): text of ``&`` s would
    otherwise come out five times the length a template planned for and break a block's
    limit. The cut never splits an escape (it cuts the raw text) and ends in an ellipsis.
    """
    text = str(value)
    size = len(text)
    if size * 5 <= length or (size <= length and _escaped_length(text) <= length):
        return text
    end = _cut_at(text, length - 1, _ESCAPED_COST)
    return text[:end].rstrip(_CUT_DEBRIS) + _ELLIPSIS


def _cut_at(text: str, budget: int, costs: dict[str, int]) -> int:
    """How many characters of ``text`` fit in ``budget`` (Slack's count, some chars costing more)."""
    head = text[:budget]
    if head.isascii() and not any(char in head for char in costs):  # one unit each: the common case
        return len(head)
    used = 0
    for index, char in enumerate(text):
        used += costs.get(char) or (2 if ord(char) > 0xFFFF else 1)
        if used > budget:
            return index
    return len(text)


class _SettledEnvironment(Environment):
    """An environment whose globals are all set before the first template loads.

    Jinja layers each template's globals over the environment's in a ``ChainMap``, so a
    change to the environment's globals still shows in templates already loaded. Nothing
    here changes them after start-up, and the ``ChainMap`` is walked in Python on every
    render and every ``{% import %}`` (about a tenth of the render): a plain dict holds the
    same names.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}

    def get_template(self, *args: Any, **kwargs: Any) -> Template:
        """The template, its output escaping trusting what ``_finalize`` already escaped.

        With autoescape on, Jinja wraps each ``{{ value }}`` as ``escape(finalize(value))``.
        ``_finalize`` always returns Markup, which ``escape`` only copies: a quarter of a
        message's rendering time. The compiled template looks ``escape`` up in its module,
        so there it becomes :func:`_escape_unless_markup`, the same result for every value.
        """
        template = super().get_template(*args, **kwargs)
        template.root_render_func.__globals__["escape"] = _escape_unless_markup
        return template


def _escape_unless_markup(value: Any) -> Markup:
    return value if isinstance(value, Markup) else escape(value)


def compile_all() -> int:
    """Compile every message template now; how many.

    About a third of a second of CPU for all of them. Left to the first requests after a
    start, it landed on whichever came first, with several threads compiling the same
    template at once, on top of the acks Slack waits for.
    """
    env = environment()
    names = [name for name in env.list_templates() if name.endswith(".json.j2")]
    for name in names:  # the shared macro files are compiled with the first that imports them
        env.get_template(name)
    return len(names)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja2 environment, strict about undefined names."""
    env = _SettledEnvironment(
        loader=FileSystemLoader(str(PROMPTS_DIR)),
        undefined=StrictUndefined,
        finalize=_finalize,
        # On, so that only Markup (our filters, macro output) skips _finalize's escaping.
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # Templates are compiled once per process: without this, every render would stat
        # the template and each template it imports, to see whether it changed on disk.
        auto_reload=False,
        # Every template stays loaded (a plain dict): Jinja's default LRU cache takes a lock
        # and reorders a queue on every lookup, including each template's imports.
        cache_size=-1,
    )
    env.filters.update(
        user=_user,
        channel=_channel,
        plain=_plain,
        json=_to_json,
        json_string=_as_json_string,
        date=_date,
        truncate_text=_truncate,
    )
    return env


class TemplateOutputError(ValueError):
    """A template rendered something that is not valid JSON or breaks a Block Kit limit."""


def render(template: str, **context: Any) -> dict[str, Any]:
    """Render ``prompts/<template>.json.j2`` with ``context`` and return the parsed JSON."""
    source = environment().get_template(f"{template}.json.j2").render(**context)
    try:
        payload = json.loads(source)
    except json.JSONDecodeError as exc:
        raise TemplateOutputError(f"{template}: invalid JSON ({exc}): {source[:500]}") from exc
    check_limits(template, payload)
    number_repeats(payload.get("blocks"))
    return payload


# Block Kit limits the rendered output is fitted to, beyond 3,000 for any text object:
# (what holds the text object, its field) -> longest text
# (https://docs.slack.dev/reference/block-kit/blocks and the element pages).
MAX_TEXT_OBJECT = 3000
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("section", "fields"): 2000, ("header", "text"): 150, ("button", "text"): 75,
    ("input", "label"): 2000, ("input", "hint"): 2000, ("confirm", "title"): 100,
    ("confirm", "text"): 300, ("confirm", "confirm"): 30, ("confirm", "deny"): 30,
    ("option", "text"): 75, ("option", "description"): 75,
}
MAX_PLACEHOLDER = 150
MAX_VIEW_TITLE = 24  # also a modal's submit and close buttons
# Slack refuses a message whose blocks hold too much altogether (msg_blocks_too_long): about
# 12,000 characters of text, each block costing some 125 more (bot/emulator/block_kit_structure.py).
MAX_MESSAGE_WEIGHT = 12_000
BLOCK_WEIGHT = 125
MIN_CUT_TEXT = 40  # a text cut for weight keeps at least this much
# The keys under which a block or element holds text objects, directly or deeper.
_HOLDS_TEXT = ("text", "fields", "elements", "accessory", "element", "label", "hint", "placeholder",
               "confirm", "title", "deny", "options", "option_groups", "description")
_TEXT_TYPES = ("plain_text", "mrkdwn")


def check_limits(name: str, payload: dict[str, Any]) -> None:
    """Fit the output to what Slack takes, in place: the last line of defence.

    Templates cut user text and page long lists themselves; what still overflows (many
    long deal names in one section, a list a template forgot to page) is cut here, never
    sent for Slack to refuse. Each cut is logged with the template's name, as the
    template is what should be fixed.
    """
    blocks = payload.get("blocks")
    if isinstance(blocks, list):
        limit = MAX_BLOCKS_VIEW if payload.get("type") in ("modal", "home") else MAX_BLOCKS_MESSAGE
        if len(blocks) > limit:
            log.warning("%s: %d blocks cut to Slack's %d", name, len(blocks), limit)
            del blocks[limit:]
        if _fit(blocks):
            log.warning("%s: text cut to fit Block Kit's limits", name)
        if limit == MAX_BLOCKS_MESSAGE and _fit_weight(blocks):
            log.warning("%s: blocks cut to the weight Slack takes in one message", name)
    for key in ("title", "submit", "close"):
        _fit_text(payload.get(key), MAX_VIEW_TITLE)
    text = payload.get("text")
    if isinstance(text, str) and slack_length(text) > MAX_FALLBACK_TEXT:
        payload["text"] = fit_mrkdwn(text, MAX_FALLBACK_TEXT)


def _fit(blocks: list[Any]) -> bool:
    """Cut every text object of ``blocks`` to its limit; True when anything was cut.

    Only where Block Kit puts text objects is looked at (a block's text, fields, context
    elements, label and hint; an element's text, placeholder, confirm dialog and options):
    this runs on every message, so it walks no more than it must.
    """
    cut = False
    for block in blocks:
        if type(block) is not dict:
            continue
        kind = block.get("type")
        if "text" in block:
            cut |= _fit_text(block["text"], 150 if kind == "header" else MAX_TEXT_OBJECT)
        if "fields" in block:
            for column in block["fields"] or ():
                cut |= _fit_text(column, 2000)
        if "elements" in block:
            for element in block["elements"] or ():
                cut |= (_fit_text(element, MAX_TEXT_OBJECT) if _is_text_object(element)
                        else _fit_element(element))
        if "accessory" in block:
            cut |= _fit_element(block["accessory"])
        if kind == "input":
            cut |= (_fit_element(block.get("element")) | _fit_text(block.get("label"), 2000)
                    | _fit_text(block.get("hint"), 2000))
    return cut


def _text_objects(node: Any) -> list[dict[str, Any]]:
    """Every text object under ``node`` (blocks, elements, options, confirm dialogs)."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            if item.get("type") in _TEXT_TYPES and type(item.get("text")) is str:
                found.append(item)
            else:  # only where Block Kit puts text objects: ids, values and urls are skipped
                for key in _HOLDS_TEXT:
                    child = item.get(key)
                    if type(child) is dict or type(child) is list:
                        stack.append(child)
        elif type(item) is list:
            stack.extend(item)
    return found


def _fit_weight(blocks: list[Any]) -> bool:
    """Cut a message's longest texts to one common length (after its last blocks, when there
    are too many to keep even a little of each) until its blocks weigh what Slack takes in
    one message; True when anything was cut."""
    texts = _text_objects(blocks)
    blocks_weight = BLOCK_WEIGHT * len(blocks)
    # A character is at most two UTF-16 units: most messages are light enough to skip the count.
    if blocks_weight + 2 * sum(len(t["text"]) for t in texts) <= MAX_MESSAGE_WEIGHT:
        return False
    if blocks_weight + sum(_length(t["text"]) for t in texts) <= MAX_MESSAGE_WEIGHT:
        return False
    while len(blocks) > 1 and BLOCK_WEIGHT * len(blocks) + MIN_CUT_TEXT * len(texts) > MAX_MESSAGE_WEIGHT:
        blocks.pop()
        texts = _text_objects(blocks)
    cap = _water_level(sorted(slack_length(t["text"]) for t in texts),
                       MAX_MESSAGE_WEIGHT - BLOCK_WEIGHT * len(blocks))
    for obj in texts:
        obj["text"] = fit_mrkdwn(obj["text"], cap)
    return True


def _length(text: str) -> int:
    return len(text) if text.isascii() else slack_length(text)


def _water_level(lengths: list[int], budget: int) -> int:
    """The longest common cap such that ``lengths``, each cut to it, sum to at most ``budget``
    (``lengths`` sorted, shortest first)."""
    left = len(lengths)
    for length in lengths:
        if length * left > budget:
            return max(1, budget // left)
        budget -= length
        left -= 1
    return max(lengths, default=0)


def _fit_element(element: Any) -> bool:
    if type(element) is not dict:
        return False
    cut = False
    if "text" in element:
        limit = TEXT_LIMITS.get((str(element.get("type")), "text"), MAX_TEXT_OBJECT)
        cut |= _fit_text(element["text"], limit)
    if "placeholder" in element:
        cut |= _fit_text(element["placeholder"], MAX_PLACEHOLDER)
    confirm = element.get("confirm")
    if type(confirm) is dict:
        for key in ("title", "text", "confirm", "deny"):
            cut |= _fit_text(confirm.get(key), TEXT_LIMITS[("confirm", key)])
    for option in element.get("options") or ():
        if type(option) is dict:
            cut |= _fit_text(option.get("text"), 75) | _fit_text(option.get("description"), 75)
    return cut


def _is_text_object(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") in _TEXT_TYPES and isinstance(node.get("text"), str)


def _fit_text(obj: Any, limit: int) -> bool:
    """Cut a text object's text to ``limit``; True when it had to."""
    if type(obj) is not dict:
        return False
    text = obj.get("text")
    # Two UTF-16 units a character at most: most texts are shorter than half their limit.
    if type(text) is not str or len(text) * 2 <= limit or slack_length(text) <= limit:
        return False
    obj["text"] = fit_mrkdwn(text, limit)
    return True


def fit_mrkdwn(text: str, limit: int) -> str:
    """Rendered text cut to ``limit`` (Slack's count) with an ellipsis, never inside markup.

    The cut backs off to before an escape (``&amp;``) or a mention or link (``<@U1>``,
    ``<https://x|y>``) it would split, so no half-entity or half-link reaches Slack.
    """
    if slack_length(text) <= limit:
        return text
    kept = text[:_cut_at(text, limit - 1, {})]
    amp, semi = kept.rfind("&"), kept.rfind(";")
    if amp > semi:  # inside an escape such as &amp;
        kept = kept[:amp]
    opening, closing = kept.rfind("<"), kept.rfind(">")
    if opening > closing:  # inside a mention or a link
        kept = kept[:opening]
    return kept.rstrip(_CUT_DEBRIS) + _ELLIPSIS
