"""The suite's own tests can fail: patterns that make an assertion vacuous are refused.

A static pass over every test module (no test is run). Each rule names a way a test can
pass with the feature it checks deleted:

- an assertion that is always true (``assert x or True``, ``assert (x, "why")``, ``x == x``);
- a mock asserting on itself (``m.assert_called_once()``: it proves the test called it);
- every assertion of a test inside a branch or a loop that may never run (an ``if`` without
  an asserting ``else``, a loop over something that may be empty);
- a test that may ``return`` before it asserts (a property test says ``assume(...)``, so
  Hypothesis fails when the case it checks never comes up);
- an absence ("no post", ``== []``) read from the emulator after a request to the bot without
  ``bot.wait_idle()`` first: Bolt acks before its listener runs, so the check could look
  before the bot acted;
- a ``pytest.raises`` block with an assertion after a call: once the call raises, the rest of
  the block never runs (unless the block ends in its own ``raise``), so that assertion checks
  nothing; and ``pytest.raises(Exception)`` without ``match=``: a deleted function raises
  NameError or AttributeError, which it accepts.

Each rule has a test showing it catches its pattern, so the check itself can fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from itertools import takewhile
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
# What the emulator records (bot/emulator/slack_api.py) and how the driver sends.
RECORDS = {"messages", "ephemerals", "calls_to", "calls", "responses", "uploaded_files"}
SENDS = {"command", "event", "message", "action", "home_action", "view_submission", "app_home_opened"}
WAITS = {"wait_idle", "wait_arrived"}  # wait_arrived: a post held in flight on purpose
MOCK_ASSERTS = re.compile(r"^assert_(?:called|not_called|any_call|has_calls|awaited)")
CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")  # a module constant: a fixed, reviewed table
NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node of a function body, not descending into functions or classes it defines."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, NESTED):
            continue
        yield child
        yield from _own_nodes(child)


def _tests(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            yield node


def _always_true(test: ast.expr) -> bool:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, (ast.Tuple, ast.List, ast.Set)):
        return bool(test.elts)
    if isinstance(test, ast.Dict):
        return bool(test.keys)
    if isinstance(test, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and v.value for v in test.values)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_always_true(value) for value in test.values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        same = ast.dump(test.left) == ast.dump(test.comparators[0])
        return same and isinstance(test.ops[0], (ast.Eq, ast.Is, ast.LtE, ast.GtE, ast.In))
    return False


def _is_assertion(node: ast.stmt) -> bool:
    """An ``assert``, or a ``with pytest.raises``/``warns`` block."""
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.With):
        return any(re.search(r"\b(raises|warns)\(", ast.unparse(item.context_expr)) for item in node.items)
    return False


def _runs(iterable: ast.expr, literals: frozenset[str] = frozenset()) -> bool:
    """The loop's body surely runs: a literal non-empty collection (or a local name bound to
    one), a positive constant ``range``, a module constant (or its items), an enum class, or
    any of those wrapped."""
    if isinstance(iterable, (ast.Tuple, ast.List, ast.Set)):
        return bool(iterable.elts)
    if isinstance(iterable, ast.Dict):
        return bool(iterable.keys)
    if isinstance(iterable, ast.Constant) and isinstance(iterable.value, str):
        return bool(iterable.value)
    if isinstance(iterable, ast.Name):
        return bool(CONSTANT.match(iterable.id) or iterable.id[:1].isupper() or iterable.id in literals)
    if isinstance(iterable, ast.Call):
        func = iterable.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        args = iterable.args
        if name == "range" and len(args) == 1 and isinstance(args[0], ast.Call) \
                and isinstance(args[0].func, ast.Name) and args[0].func.id == "len":
            return _runs(args[0].args[0], literals)  # range(len(X)) runs when X does
        if name == "range":
            try:
                values = [ast.literal_eval(arg) for arg in args]
            except ValueError:
                return False
            return len(range(*values)) > 0
        if name in ("enumerate", "sorted", "reversed", "list", "zip", "product"):
            return bool(args) and all(_runs(arg, literals) for arg in args)
        if isinstance(func, ast.Attribute) and name in ("items", "keys", "values"):
            return _runs(func.value, literals)
    return False


def _literal_names(fn: ast.FunctionDef) -> frozenset[str]:
    """Local names bound once, to a literal non-empty collection."""
    bound: dict[str, list[ast.expr]] = {}
    for node in _own_nodes(fn):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
    return frozenset(name for name, values in bound.items() if len(values) == 1
                     and _runs(values[0]) and not isinstance(values[0], (ast.Name, ast.Call)))


def _sure_assertions(body: list[ast.stmt], literals: frozenset[str] = frozenset()) -> bool:
    """Some assertion in ``body`` runs whenever the body does."""
    def sure(stmts: list[ast.stmt]) -> bool:
        return _sure_assertions(stmts, literals)

    for stmt in body:
        if _is_assertion(stmt):
            return True
        if isinstance(stmt, ast.If) and sure(stmt.body) and sure(stmt.orelse):
            return True
        if isinstance(stmt, (ast.For, ast.AsyncFor)) and _runs(stmt.iter, literals) and sure(stmt.body):
            return True
        if isinstance(stmt, ast.While) and sure(stmt.body) and isinstance(stmt.test, ast.Constant):
            return True
        if isinstance(stmt, (ast.With, ast.AsyncWith)) and sure(stmt.body):
            return True
        if isinstance(stmt, ast.Try) and (
            sure(stmt.body) or sure(stmt.finalbody)
            or (sure(stmt.orelse) and all(sure(h.body) for h in stmt.handlers))
        ):
            return True
    return False


def always_true_assertions(tree: ast.Module) -> list[int]:
    """Lines of assertions that hold whatever the code does."""
    return [node.lineno for fn in _tests(tree) for node in _own_nodes(fn)
            if isinstance(node, ast.Assert) and _always_true(node.test)]


def mocks_asserting_on_themselves(tree: ast.Module) -> list[int]:
    """Lines calling a unittest.mock ``assert_called…`` method, or importing unittest.mock."""
    lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and MOCK_ASSERTS.match(node.func.attr)]
    lines += [node.lineno for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
              and any("unittest.mock" in name for name in _imported(node))]
    return lines


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [f"{node.module}.{alias.name}" for alias in node.names]
    return [alias.name for alias in node.names]


def only_conditional_assertions(tree: ast.Module) -> list[int]:
    """Tests that assert, but only in branches or loops that may never run."""
    found = []
    for fn in _tests(tree):
        asserts = any(_is_assertion(node) for node in _own_nodes(fn) if isinstance(node, ast.stmt))
        if asserts and not _sure_assertions(fn.body, _literal_names(fn)):
            found.append(fn.lineno)
    return found


def early_returns(tree: ast.Module) -> list[int]:
    """``return`` statements in a test: everything after them may never be checked."""
    return [node.lineno for fn in _tests(tree) for node in _own_nodes(fn) if isinstance(node, ast.Return)]


def _attribute_call(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names


def _is_send(node: ast.AST) -> bool:
    if not _attribute_call(node, SENDS):
        return False
    receiver = ast.unparse(node.func.value)  # type: ignore[attr-defined]
    return receiver.endswith(("slack", "driver"))


def _recorded(expr: ast.expr) -> bool:
    """``expr`` is what the emulator recorded, or a filter or count of it."""
    if _attribute_call(expr, RECORDS):
        return True
    if isinstance(expr, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        return any(_recorded(gen.iter) for gen in expr.generators)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) \
            and expr.func.id in ("len", "list", "any"):
        return bool(expr.args) and _recorded(expr.args[0])
    return False


def _absence(node: ast.Assert) -> bool:
    test = node.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _recorded(test.operand)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        empty = test.comparators[0]
        nothing = isinstance(empty, ast.List) and not empty.elts or \
            isinstance(empty, ast.Constant) and empty.value == 0
        return nothing and _recorded(test.left)
    return False


def absences_before_idle(tree: ast.Module) -> list[int]:
    """Absence checks on the emulator after a request, with no ``wait_idle()`` in between."""
    found = []
    for fn in _tests(tree):
        steps = []
        for node in _own_nodes(fn):
            if _is_send(node):
                steps.append((node.lineno, node.col_offset, "send"))
            elif _attribute_call(node, WAITS):
                steps.append((node.lineno, node.col_offset, "wait"))
            elif isinstance(node, ast.Assert) and _absence(node):
                steps.append((node.lineno, node.col_offset, "absent"))
        pending = False
        for line, _, kind in sorted(steps):
            if kind == "send":
                pending = True
            elif kind == "wait":
                pending = False
            elif pending:
                found.append(line)
    return found


def _raises_block(node: ast.AST) -> ast.With | None:
    """``node`` as a ``with pytest.raises(...)`` block, else None."""
    if isinstance(node, ast.With) and any(
            re.search(r"\braises\(", ast.unparse(item.context_expr)) for item in node.items):
        return node
    return None


def assertions_after_the_raise(tree: ast.Module) -> list[int]:
    """Assertions ending a ``pytest.raises`` block after a statement that calls something:
    once that call raises they never run. A block ending in its own ``raise``, an assertion
    before the last call, and ``pytest.raises(AssertionError)`` are left alone."""
    found = []
    for fn in _tests(tree):
        for node in _own_nodes(fn):
            block = _raises_block(node)
            if block is None or "AssertionError" in ast.unparse(block.items[0].context_expr):
                continue
            ending = len(list(takewhile(lambda stmt: isinstance(stmt, ast.Assert), reversed(block.body))))
            before, trailing = block.body[:len(block.body) - ending], block.body[len(block.body) - ending:]
            if any(isinstance(n, ast.Call) for stmt in before for n in ast.walk(stmt)):
                found += [stmt.lineno for stmt in trailing]
    return found


def _catch_all(call: ast.expr) -> bool:
    """``pytest.raises(Exception)`` (or BaseException, alone or in a tuple) without ``match=``."""
    if not isinstance(call, ast.Call) or not re.search(r"\braises$", ast.unparse(call.func)) or not call.args:
        return False
    if any(keyword.arg == "match" for keyword in call.keywords):
        return False
    expected = call.args[0]
    names = expected.elts if isinstance(expected, ast.Tuple) else [expected]
    return any(isinstance(name, ast.Name) and name.id in ("Exception", "BaseException") for name in names)


def raises_anything(tree: ast.Module) -> list[int]:
    """``pytest.raises(Exception)`` without ``match=``: it passes when the code it calls is gone."""
    return [node.lineno for fn in _tests(tree) for node in _own_nodes(fn)
            if isinstance(node, ast.Call) and _catch_all(node)]


RULES = {
    "an assertion that is always true": always_true_assertions,
    "a mock asserting on itself": mocks_asserting_on_themselves,
    "every assertion in a branch or loop that may not run": only_conditional_assertions,
    "a return before the assertions (use hypothesis.assume or pytest.skip)": early_returns,
    "an absence read before bot.wait_idle()": absences_before_idle,
    "an assertion after the raising call in a pytest.raises block": assertions_after_the_raise,
    "pytest.raises(Exception) without match=": raises_anything,
}


@cache
def _parsed() -> tuple[tuple[Path, ast.Module], ...]:
    """Every test module but this one, parsed once for all the rules."""
    paths = sorted(path for path in TESTS.rglob("test_*.py") if path.name != Path(__file__).name)
    return tuple((path, ast.parse(path.read_text(encoding="utf-8"))) for path in paths)


@pytest.mark.parametrize("rule", RULES)
def test_no_test_has(rule):
    check = RULES[rule]
    modules = _parsed()
    assert len(modules) > 100  # the walk found the suite
    found = [f"{path.relative_to(TESTS)}:{line}" for path, tree in modules for line in check(tree)]
    assert found == [], f"{rule}:\n" + "\n".join(found)


# Each rule catches its pattern, and leaves the honest form of it alone.
CAUGHT = {
    always_true_assertions: [
        "def test_x():\n    assert f() or True\n",
        "def test_x():\n    assert (f(), 'why')\n",
        "def test_x():\n    assert f() == f()\n",
        "def test_x():\n    assert f'x={x}'\n",
    ],
    mocks_asserting_on_themselves: [
        "from unittest.mock import Mock\n",
        "def test_x(m):\n    m()\n    m.assert_called_once()\n",
    ],
    only_conditional_assertions: [
        "def test_x():\n    if f():\n        assert g()\n",
        "def test_x(items):\n    for item in items:\n        assert item\n",
        "def test_x():\n    for item in f():\n        assert item\n",
        "def test_x():\n    for n in range(0):\n        assert n\n",
        "def test_x():\n    texts = []\n    for t in texts:\n        assert t\n",
        "def test_x(found):\n    for n in range(len(found)):\n        assert n\n",
        "def test_x():\n    try:\n        f()\n    except E:\n        assert g()\n",
    ],
    early_returns: [
        "def test_x(h):\n    if not h:\n        return\n    assert h\n",
    ],
    absences_before_idle: [
        "def test_x(slack, emulator):\n    slack.command('give x')\n    assert emulator.messages() == []\n",
        "def test_x(slack, emulator):\n    slack.action('a', 'v')\n"
        "    assert not [m for m in emulator.messages() if m]\n",
        "def test_x(bot, emulator):\n    bot.driver.event({})\n    assert len(emulator.calls_to('x')) == 0\n",
    ],
    assertions_after_the_raise: [
        "def test_x(store):\n    with pytest.raises(ValueError):\n        parse('bad')\n"
        "        assert store.items() == []\n",
        "def test_x():\n    with pytest.raises(E, match='m'), ctx():\n        x = f()\n"
        "        g(x)\n        assert x\n",
    ],
    raises_anything: [
        "def test_x():\n    with pytest.raises(Exception):\n        f()\n",
        "def test_x():\n    with pytest.raises((ValueError, BaseException)):\n        f()\n",
        "def test_x():\n    pytest.raises(Exception, f, 1)\n",
    ],
}
HONEST = {
    always_true_assertions: ["def test_x():\n    assert f() or g()\n    assert (f(), 'why') == t\n"],
    mocks_asserting_on_themselves: ["def test_x():\n    assert f().called\n"],
    only_conditional_assertions: [
        "def test_x():\n    if f():\n        assert g()\n    else:\n        assert h()\n",
        "def test_x():\n    for n in (1, 2):\n        assert n\n",
        "def test_x():\n    for word in WORDS.items():\n        assert word\n",
        "def test_x(items):\n    assert items\n    for item in items:\n        assert item\n",
        "def test_x():\n    texts = ['a', 'b']\n"
        "    for t, n in product(texts, range(len(WORDS))):\n        assert t\n",
        "def test_x():\n    with pytest.raises(E):\n        f()\n",
    ],
    early_returns: ["def test_x(h):\n    assume(h)\n    assert h\n    def inner():\n        return 1\n"],
    absences_before_idle: [
        "def test_x(slack, bot, emulator):\n    slack.command('x')\n    bot.wait_idle()\n"
        "    assert emulator.messages() == []\n",
        "def test_x(slack, emulator):\n    slack.command('x')\n    assert emulator.messages() != []\n",
    ],
    assertions_after_the_raise: [
        "def test_x(store):\n    with pytest.raises(ValueError):\n        parse('bad')\n"
        "    assert store.items() == []\n",
        "def test_x():\n    with pytest.raises(RuntimeError), tx():\n        put(1)\n        assert seen()\n"
        "        raise RuntimeError('boom')\n",
        "def test_x():\n    with pytest.raises(AssertionError):\n        x = f()\n        assert x\n",
        "def test_x():\n    with pytest.raises(E):\n        x = f()\n        assert x\n        g(x)\n",
    ],
    raises_anything: [
        "def test_x():\n    with pytest.raises(Exception, match='no_such_text'):\n        f()\n",
        "def test_x():\n    with pytest.raises(ValueError):\n        f()\n",
    ],
}


@pytest.mark.parametrize(("check", "source"), [(c, s) for c, sources in CAUGHT.items() for s in sources])
def test_each_rule_catches_its_pattern(check, source):
    assert check(ast.parse(source)) != []


@pytest.mark.parametrize(("check", "source"), [(c, s) for c, sources in HONEST.items() for s in sources])
def test_each_rule_leaves_the_honest_form_alone(check, source):
    assert check(ast.parse(source)) == []
