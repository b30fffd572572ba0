"""Documents for outside Slack: the partner's HTML page and the Markdown export.

Both read templates from ``prompts/`` like every Slack message, each with its own
escaping: HTML autoescape for the page, a Markdown escaper for the export. Slack's
mrkdwn/JSON escaping (bot.messages) would be wrong in either.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.domain.visible_text import without_hidden_controls
from bot.messages import PROMPTS_DIR

# Characters Markdown (CommonMark, GitHub tables) gives meaning to inside a line; values
# never start a line in our templates, so line-start markers (-, +, 1.) need no escape.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&])")


def _date(value: date | datetime | None, style: str = "short") -> str:
    if value is None:
        return "no date"
    if style == "iso":
        return value.isoformat()[:10]
    if style == "datetime" and isinstance(value, datetime):
        return value.strftime("%a %-d %b %Y, %H:%M UTC")
    return value.strftime("%a %-d %b %Y")


def markdown_escape(value: Any) -> str:
    """Text shown literally in Markdown: no emphasis, links, HTML or table breaks from user text."""
    # A newline would end a list item or table row; control characters and direction
    # overrides hide or reorder text (bot.domain.visible_text).
    text = " ".join(without_hidden_controls(str(value)).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


@lru_cache(maxsize=1)
def html_environment() -> Environment:
    """HTML templates (``*.html.j2``): every value HTML-escaped unless marked safe."""
    env = Environment(
        loader=FileSystemLoader(str(PROMPTS_DIR)),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=True),
        # Before HTML escaping: user text without control characters or direction overrides.
        finalize=lambda value: without_hidden_controls(value) if type(value) is str else value,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _date
    return env


@lru_cache(maxsize=1)
def markdown_environment() -> Environment:
    """Markdown templates (``*.md.j2``): every interpolated value Markdown-escaped."""
    env = Environment(
        loader=FileSystemLoader(str(PROMPTS_DIR)),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=lambda value: value if isinstance(value, Markup) else markdown_escape(value),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = lambda value, style="short": Markup(_date(value, style))
    return env


def render_html(template: str, **context: Any) -> str:
    """Render ``prompts/<template>.html.j2``."""
    return html_environment().get_template(f"{template}.html.j2").render(**context)


def render_markdown(template: str, **context: Any) -> str:
    """Render ``prompts/<template>.md.j2``."""
    return markdown_environment().get_template(f"{template}.md.j2").render(**context)


@lru_cache(maxsize=4)
def stylesheet(name: str) -> tuple[Markup, str]:
    """A stylesheet from ``prompts/<name>.css.j2`` and its CSP source (``'sha256-…'``).

    The page inlines its CSS and the Content-Security-Policy allows exactly that text by
    hash: no second request, and no other inline style (or any script) can run.
    """
    css = (PROMPTS_DIR / f"{name}.css.j2").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return Markup(css), f"'sha256-{digest}'"
