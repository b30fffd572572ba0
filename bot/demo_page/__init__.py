"""The demo as a Slack-like web page: what the bot really sent, rendered from its Block Kit.

:class:`Turn` is one step of the conversation (a person typing, the bot answering, a form
opening, a narrator's caption); :func:`render_page` turns a list of them into one
self-contained HTML page (no scripts, no external resources) from the Jinja2 templates in
this package, with HTML autoescaping on; Slack text goes through :mod:`bot.demo_page.mrkdwn`.
"""

from __future__ import annotations

import hashlib
from base64 import b64encode
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.demo_page.mrkdwn import emoji, mrkdwn, rich_text, text_object

__all__ = ["KEY_MOMENTS", "Turn", "render_page"]

# The moments the README's picture shows, in its order.
KEY_MOMENTS = ("Stage prompt", "Ledger list", "Check-in", "Weekly digest")

# Who says what: the page styles each kind differently.
NARRATION, PERSON, APP, BOT, ACTION = "narration", "person", "app", "bot", "action"
# Where a bot turn appears in Slack.
CHANNEL, EPHEMERAL, DM, MODAL, HOME = "channel", "ephemeral", "dm", "modal", "home"


@dataclass
class Turn:
    """One step of the demo conversation."""

    kind: str  # NARRATION, PERSON, APP, BOT or ACTION
    who: str = ""
    text: str = ""  # what a person or app typed (mrkdwn), a caption, or a clicked label
    payload: dict[str, Any] = field(default_factory=dict)  # a bot turn's message or view
    surface: str = CHANNEL
    at: datetime | None = None
    moment: str | None = None  # one of KEY_MOMENTS, if this turn is one


# Only what the page's own style sheet needs; a script (or anything injected) is refused.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).parent)),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(mrkdwn=mrkdwn, text=text_object, rich_text=rich_text, emoji=emoji)
    return env


_ENV = _environment()


def script_hash(script: str) -> str:
    """The CSP source that allows exactly one inline script (used only to measure the page)."""
    return "'sha256-" + b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def render_page(
    turns: list[Turn],
    names: dict[str, str],
    *,
    title: str = "Partner Coach demo",
    channel: str = "deal-acme",
    only_moments: bool = False,
    measure_script: str | None = None,
) -> str:
    """The whole page. ``only_moments`` shows just the :data:`KEY_MOMENTS`, side by side
    (the README's picture); ``measure_script`` adds one inline script the CSP allows by hash."""
    csp = CSP if measure_script is None else CSP + "; script-src " + script_hash(measure_script)
    moments = {t.moment: t for t in turns if t.moment}
    return _ENV.get_template("page.html.j2").render(
        turns=turns, names=names, title=title, channel=channel, csp=csp,
        only_moments=only_moments, moments=[(m, moments[m]) for m in KEY_MOMENTS if m in moments],
        measure_script=measure_script, kinds={"narration": NARRATION, "person": PERSON, "app": APP,
                                              "bot": BOT, "action": ACTION},
    )
