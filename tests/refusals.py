"""The error catalogue (prompts/_errors.j2) as tests see it, and what a person reads for a refusal."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import nodes
from jinja2.runtime import Macro

from bot.domain.refusal import Refusal, Refused
from bot.messages import PROMPTS_DIR, environment, render


@dataclass(frozen=True)
class Entry:
    """One text of the catalogue: its parameters (the facts), and which have no default."""

    parameters: tuple[str, ...]
    required: frozenset[str]


@cache
def catalogue() -> dict[str, Entry]:
    """Every key of prompts/_errors.j2 (its exported macros) with its parameters."""
    env = environment()
    source = (PROMPTS_DIR / "_errors.j2").read_text(encoding="utf-8")
    entries = {}
    for macro in env.parse(source).find_all(nodes.Macro):
        if macro.name.startswith("_"):
            continue  # a shared piece, not a key
        names = tuple(arg.name for arg in macro.args)
        entries[macro.name] = Entry(names, frozenset(names[: len(names) - len(macro.defaults)]))
    # What Jinja exports is what templates can call: the parse above must agree with it.
    exported = {n for n, v in vars(env.get_template("_errors.j2").module).items() if isinstance(v, Macro)}
    assert set(entries) == exported
    return entries


def shown(refused: Refused | Refusal) -> str:
    """The sentence Slack shows for ``refused`` (rendered by the ``error`` template, entities decoded)."""
    refusal = refused.refusal if isinstance(refused, Refused) else refused
    text = render("error", refusal=refusal, usage_of=None)["text"].removeprefix(":warning: ")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
