"""The error catalogue (prompts/_errors.j2) and the code that names its texts agree.

Code refers to an error text only by key (``error("item_missing", number=3)``,
``Refusal("form_date_past")``, ``raise UsageError("needs_id", "done", command="done")``).
These tests read every such call in bot/ and fail loudly on a key the catalogue lacks,
on a catalogue entry nothing uses, on a key that isn't written out literally (so it can be
found), and on facts that don't match the macro's parameters.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import pytest

import bot
from bot.domain.commands import SUBCOMMANDS
from bot.domain.refusal import Refusal, Refused
from bot.messages import environment, render
from tests.refusals import Entry, catalogue

BOT_DIR = Path(bot.__file__).resolve().parent
# Where a key is passed through rather than named: the constructors themselves.
DEFINITIONS = {BOT_DIR / "domain" / "refusal.py", BOT_DIR / "services" / "outcome.py"}
# Keyword arguments of the constructors that are not facts shown in the text.
NOT_FACTS = {"usage_of", "reason", "code", "permanent"}
# Constructors whose second positional argument is not a dict of facts (UsageError: the subcommand).
SECOND_ARG_IS_FACTS = {"Refusal"}


def _constructors() -> set[str]:
    """``error``, ``Refusal`` and every exception class built on :class:`Refused`."""
    for package in ("domain", "services", "listeners", "web"):  # where refusals are raised
        for module in pkgutil.walk_packages([str(BOT_DIR / package)], f"bot.{package}."):
            importlib.import_module(module.name)
    found: set[str] = set()
    todo = [Refused]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found | {"error", "Refusal"}


@dataclass(frozen=True)
class Use:
    """One place in bot/ that names an error text."""

    where: str
    key: str | None  # None: not a literal
    facts: frozenset[str] | None  # None: passed as **kwargs, not checkable here


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    # ``cmd.UsageError(…)`` counts; ``log.error(…)`` is a logger, not bot.services.outcome.error.
    return func.attr if isinstance(func, ast.Attribute) and func.attr != "error" else None


def _keys(node: ast.expr) -> list[str | None]:
    """The literal key(s) of a first argument: a string, or either branch of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _keys(node.body) + _keys(node.orelse)
    return [None]


def _facts(call: ast.Call, name: str) -> frozenset[str] | None:
    if any(k.arg is None for k in call.keywords):
        return None
    facts = {k.arg for k in call.keywords if k.arg not in NOT_FACTS}
    if name in SECOND_ARG_IS_FACTS and len(call.args) > 1:
        given = call.args[1]
        if not isinstance(given, ast.Dict) or not all(isinstance(k, ast.Constant) for k in given.keys):
            return None
        facts |= {k.value for k in given.keys}  # type: ignore[union-attr]
    return frozenset(facts)


@pytest.fixture(scope="module")
def uses() -> list[Use]:
    names = _constructors()
    found: list[Use] = []
    for path in sorted(BOT_DIR.rglob("*.py")):
        if path in DEFINITIONS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in names and node.args:
                name = _name(node.func) or ""
                where = f"{path.relative_to(BOT_DIR.parent)}:{node.lineno}"
                found.extend(Use(where, key, _facts(node, name)) for key in _keys(node.args[0]))
    return found


@pytest.fixture(scope="module")
def known() -> dict[str, Entry]:
    return catalogue()


def test_the_scan_finds_the_code_that_names_errors(uses):
    """Guards the tests below: they see the calls they are about."""
    keys = {u.key for u in uses}
    assert {"item_missing", "not_an_id", "date_past", "button_tampered", "form_date_past",
            "crm_pattern_lookahead", "give_needs_what", "get_needs_what"} <= keys
    assert len(uses) > 100


def test_every_key_is_written_out(uses):
    computed = [u.where for u in uses if u.key is None]
    assert computed == [], "name error texts by a literal key, so they can be found"


def test_every_key_used_is_in_the_catalogue(uses, known):
    missing = sorted({f"{u.key} ({u.where})" for u in uses if u.key and u.key not in known})
    assert missing == [], "add these to prompts/_errors.j2"


def test_every_catalogue_entry_is_used(uses, known):
    unused = sorted(set(known) - {u.key for u in uses})
    assert unused == [], "nothing names these texts any more: remove them from prompts/_errors.j2"


def test_facts_match_the_texts_parameters(uses, known):
    wrong = []
    for use in uses:
        if use.key not in known or use.facts is None:
            continue
        entry = known[use.key]
        if not entry.required <= use.facts <= set(entry.parameters):
            wrong.append(f"{use.where}: {use.key}{sorted(use.facts)} vs {sorted(entry.parameters)}")
    assert wrong == []


def _usage_names(call: ast.Call, name: str) -> list[ast.expr]:
    """The subcommand whose usage a refusal shows: ``usage_of=``, or refuse's/UsageError's 2nd argument."""
    given = [k.value for k in call.keywords if k.arg == "usage_of"]
    if name in ("refuse", "UsageError") and len(call.args) > 1:
        given.append(call.args[1])
    return given


def test_every_usage_shown_is_a_subcommand_of_prompts_usage():
    shapes = environment().get_template("_usage.j2").module.usage
    assert list(shapes) == list(SUBCOMMANDS)  # the order /partner help lists them in
    names = _constructors() | {"refuse"}
    wrong = []
    for path in sorted(BOT_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) in names:
                for arg in _usage_names(node, _name(node.func) or ""):
                    if isinstance(arg, ast.Constant) and arg.value is not None and arg.value not in shapes:
                        wrong.append(f"{path.name}:{node.lineno}: {arg.value!r}")
    assert wrong == []


def test_an_unknown_key_fails_loudly_when_rendered():
    with pytest.raises(Exception, match="no_such_text"):
        render("error", refusal=Refusal("no_such_text"), usage_of=None)


def test_a_missing_fact_fails_loudly_when_rendered():
    with pytest.raises(Exception, match="number"):
        render("error", refusal=Refusal("item_missing"), usage_of=None)


def test_a_refused_exception_logs_its_key_not_a_sentence():
    exc = Refused("item_missing", number=3)
    assert str(exc) == "item_missing {'number': 3}" and exc.refusal == Refusal("item_missing", {"number": 3})
