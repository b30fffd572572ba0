"""The import graph of bot/: no cycles, and the layers point one way.

listeners -> container -> services -> domain / store, with schedule beside the services
(services plan through it; it knows them only through render callbacks). Imports under
``if TYPE_CHECKING:`` and inside functions count too: a cycle "only for typing" still makes
a reader go round in circles.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in BOT.rglob("*.py")}


def owning_module(name: str) -> str | None:
    """The bot module that ``name`` (a module, or a name inside one) lives in."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> tuple[set[str], set[str]]:
    """(bot modules, top-level third-party packages) that ``module`` imports anywhere in its file."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    internal: set[str] = set()
    external: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names = [f"{source}.{alias.name}" for alias in node.names] or [source]
            if not source.startswith("bot"):
                names = [source]
        for name in names:
            if name == "bot" or name.startswith("bot."):
                owner = owning_module(name)
                if owner and owner != module:
                    internal.add(owner)
            else:
                external.add(name.partition(".")[0])
    return internal, external


GRAPH = {module: imports_of(module)[0] for module in MODULES}


def component(module: str) -> str:
    """A module's room: its top-level package under bot/ (``bot.services``) or itself."""
    parts = module.split(".")
    if len(parts) > 1 and (BOT / parts[1]).is_dir():
        return ".".join(parts[:2])
    return module


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path (first node repeated at the end), or None."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_modules_of_bot_import_each_other_without_cycles():
    assert len(GRAPH) > 50, "the walk found the package"
    assert find_cycle(GRAPH) is None


def test_packages_of_bot_import_each_other_without_cycles():
    rooms: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        rooms.setdefault(component(module), set()).update(
            component(t) for t in targets if component(t) != component(module)
        )
    assert find_cycle(rooms) is None


def layer_imports(prefix: str) -> dict[str, tuple[set[str], set[str]]]:
    return {m: imports_of(m) for m in MODULES if m == prefix or m.startswith(prefix + ".")}


INFRASTRUCTURE = {"slack_bolt", "slack_sdk", "tinydb", "sqlalchemy", "psycopg", "apscheduler"}


def test_domain_is_pure_no_slack_storage_or_other_layers():
    modules = layer_imports("bot.domain")
    assert "bot.domain.ledger" in modules  # the walk found the layer
    for module, (internal, external) in modules.items():
        outside = {m for m in internal if not m.startswith("bot.domain")}
        assert not outside, f"{module} imports {outside}"
        assert not external & INFRASTRUCTURE, module


def test_schedule_knows_no_use_case_listener_or_app():
    modules = layer_imports("bot.schedule")
    assert "bot.schedule.dispatcher" in modules  # the walk found the layer
    for module, (internal, _) in modules.items():
        assert not {m for m in internal if component(m) in
                    ("bot.services", "bot.listeners", "bot.app", "bot.container", "bot.runtime")}, module


def test_services_do_not_talk_to_slack_or_listeners():
    modules = layer_imports("bot.services")
    assert "bot.services.plans" in modules  # the walk found the layer
    for module, (internal, external) in modules.items():
        assert not {m for m in internal if component(m) in
                    ("bot.slack", "bot.listeners", "bot.app", "bot.container", "bot.runtime")}, module
        assert not external & {"slack_bolt", "slack_sdk"}, module
