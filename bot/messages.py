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
import re
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup


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


def _finalize(value: Any) -> Markup:
    if type(value) is str:  # most values: checked first, the cheapest test
        return Raw(_json_body(mrkdwn_escape(value)))
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool | int | float):
        return Raw(str(value))
    return Raw(_json_body(mrkdwn_escape(str(value))))


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
    return Raw(_json_body(str(value)))


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


def _truncate(value: Any, length: int = 200) -> str:
    text = str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


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
    return payload


def check_limits(name: str, payload: dict[str, Any]) -> None:
    """Refuse output Slack would reject: too many blocks or an over-long section."""
    blocks = payload.get("blocks", [])
    limit = MAX_BLOCKS_VIEW if payload.get("type") in ("modal", "home") else MAX_BLOCKS_MESSAGE
    if len(blocks) > limit:
        raise TemplateOutputError(f"{name}: {len(blocks)} blocks (limit {limit})")
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict) and len(text.get("text", "")) > MAX_SECTION_TEXT:
            raise TemplateOutputError(f"{name}: a section is over {MAX_SECTION_TEXT} characters")
    if len(payload.get("text", "")) > MAX_FALLBACK_TEXT:
        raise TemplateOutputError(f"{name}: fallback text over {MAX_FALLBACK_TEXT} characters")
