"""Delete-a-piece audit: remove one user-facing piece at a time and see whether any test notices.

A piece is a message template of ``prompts/`` (its words replaced by "(removed)"), a refusal
text of ``prompts/_errors.j2`` (the same), a button, form or event listener (it only acks),
or a ``/partner`` subcommand (it answers nothing). A piece whose removal every test survives
is missing a test.

Two steps, both under ``nice -n 19``:

    # 1. which in-process test uses which piece (one run of the suites below, ~5-15 min)
    nice -n 19 .venv/bin/python tools/delete_audit.py map [test paths: the suites above by default]
    # 2. each piece removed in turn, against the tests that used it (stops at the first failure)
    nice -n 19 .venv/bin/python tools/delete_audit.py audit [piece-prefix ...]

Step 1 records, through this file loaded as a pytest plugin, the pieces each test's in-process
bot used (``serve`` subprocesses are not seen: a piece only they use shows as "never used").
Step 2 prints, for each piece, ``noticed by <test>``, ``UNNOTICED`` (every test using it
passed without it) or ``never used``, and writes the list to ``.delete_audit/report.txt``.

This is a tool, not part of the suite: pytest never collects it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".delete_audit"
MAP_FILE = WORK / "map.json"
#: The suites whose bot runs in the test process (the plugin sees what it does).
SUITES = ["tests/e2e", "tests/reliability", "tests/calendar", "tests/schedule", "tests/services",
          "tests/web"]
PIECE_VARIABLE = "DELETE_AUDIT_PIECE"  # kind:name of the piece removed in this run
RECORD_VARIABLE = "DELETE_AUDIT_RECORD"  # a directory: record the pieces each test used
REMOVED = "(removed)"

# ---------------------------------------------------------------- the pytest plugin


_current: list[str] = [""]
_used: dict[str, set[str]] = defaultdict(set)


def _note(piece: str) -> None:
    if _current[0]:
        _used[_current[0]].add(piece)


def _refusals_in(value: Any, depth: int = 0) -> list[str]:
    """Keys of the refusals in a template's context (a refusal's words come from _errors.j2)."""
    from bot.domain.refusal import Refusal

    if isinstance(value, Refusal):
        return [value.key]
    if depth < 2 and isinstance(value, dict):
        return [key for item in value.values() for key in _refusals_in(item, depth + 1)]
    if depth < 2 and isinstance(value, list | tuple):
        return [key for item in value for key in _refusals_in(item, depth + 1)]
    return []


def _record() -> None:
    """Wrap the pieces so that each records its use by the running test."""
    import jinja2

    from bot.services.partner_command import PartnerCommands

    render = jinja2.Template.render

    def recording_render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        if self.name and not self.name.startswith("_"):
            _note(f"template:{self.name}")
        for key in _refusals_in(kwargs):
            _note(f"refusal:{key}")
        return render(self, *args, **kwargs)

    jinja2.Template.render = recording_render  # type: ignore[method-assign]
    handle = PartnerCommands.handle

    def recording_handle(self: PartnerCommands, actor: Any, command: Any) -> Any:
        _note(f"subcommand:{type(command).__name__}")
        return handle(self, actor, command)

    PartnerCommands.handle = recording_handle  # type: ignore[method-assign]
    for kind, table in _listener_tables().items():
        for name, make in list(table.items()):
            table[name] = _recording_maker(f"{kind}:{name}", make)


def _recording_maker(piece: str, make: Any) -> Any:
    def maker(services: Any) -> Any:
        handler = make(services)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            _note(piece)
            return handler(*args, **kwargs)

        _copy_signature(recorded, handler)
        return recorded

    return maker


def _copy_signature(wrapper: Any, handler: Any) -> None:
    """Bolt passes a listener the arguments its signature names: keep the handler's."""
    import functools
    import inspect

    functools.update_wrapper(wrapper, handler)
    wrapper.__signature__ = inspect.signature(handler)


def _listener_tables() -> dict[str, dict[str, Any]]:
    from bot.listeners import actions, views
    from bot.listeners.events import EVENT_LISTENERS

    return {"action": actions.HANDLERS, "view": views.HANDLERS, "event": EVENT_LISTENERS}


def _remove(piece: str) -> None:
    """Take ``piece`` out of this process's bot."""
    kind, name = piece.split(":", 1)
    if kind in ("template", "refusal"):
        _swap_prompts(kind, name)
    elif kind == "subcommand":
        from bot.services.outcome import Outcome
        from bot.services.partner_command import PartnerCommands

        handle = PartnerCommands.handle

        def silent(self: PartnerCommands, actor: Any, command: Any) -> Any:
            return Outcome() if type(command).__name__ == name else handle(self, actor, command)

        PartnerCommands.handle = silent  # type: ignore[method-assign]
    else:
        table = _listener_tables()[kind]

        def make_ack_only(services: Any) -> Any:
            def ack_only(ack: Any) -> None:
                ack()

            return ack_only

        table[name] = make_ack_only


def _swap_prompts(kind: str, name: str) -> None:
    """Point every template environment at a copy of prompts/ with the piece's words removed."""
    import bot.documents
    import bot.messages

    copy = Path(tempfile.mkdtemp(prefix="delete-audit-")) / "prompts"
    shutil.copytree(bot.messages.PROMPTS_DIR, copy)
    if kind == "template":
        (copy / name).write_text(_placeholder(name))
    else:
        errors = copy / "_errors.j2"
        source = errors.read_text()
        pattern = re.compile(r"({%-?\s*macro\s+" + re.escape(name) + r"\(.*?\)\s*-?%})(.*?)({%-?\s*endmacro)",
                             re.S)
        swapped, count = pattern.subn(lambda m: m.group(1) + REMOVED + m.group(3), source, count=1)
        if count != 1:
            raise SystemExit(f"no macro {name} in _errors.j2")
        errors.write_text(swapped)
    bot.messages.PROMPTS_DIR = copy
    bot.documents.PROMPTS_DIR = copy
    for env in (bot.messages.environment, bot.documents.html_environment, bot.documents.markdown_environment):
        env.cache_clear()


def _placeholder(name: str) -> str:
    """What the template renders once removed: a valid, empty-handed answer of its kind."""
    if name.endswith(".json.j2"):
        return json.dumps({"text": REMOVED, "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": REMOVED}}]})
    if name.endswith(".html.j2"):
        return f"<!doctype html><title>{REMOVED}</title><p>{REMOVED}</p>"
    if name.endswith(".css.j2"):
        return ""
    return REMOVED


def pytest_configure(config: Any) -> None:
    """Remove the piece named in the environment, or record what each test uses."""
    if os.environ.get(PIECE_VARIABLE):
        _remove(os.environ[PIECE_VARIABLE])
    if os.environ.get(RECORD_VARIABLE):
        _record()


def pytest_runtest_setup(item: Any) -> None:
    _current[0] = item.nodeid


def pytest_runtest_teardown(item: Any) -> None:
    _current[0] = ""


def pytest_unconfigure(config: Any) -> None:
    target = os.environ.get(RECORD_VARIABLE)
    if target and _used:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        Path(target, f"{worker}.json").write_text(json.dumps({k: sorted(v) for k, v in _used.items()}))


# ---------------------------------------------------------------- the command line


def _pytest(args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-p", "tools.delete_audit", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, timeout=timeout)


def all_pieces() -> list[str]:
    """Every piece the audit removes in turn."""
    sys.path.insert(0, str(ROOT))
    from bot.domain import commands as cmd
    from bot.messages import PROMPTS_DIR

    pieces = [f"template:{p.name}" for p in sorted(PROMPTS_DIR.glob("*.j2")) if not p.name.startswith("_")]
    errors = (PROMPTS_DIR / "_errors.j2").read_text()
    pieces += [f"refusal:{key}" for key in re.findall(r"{%-?\s*macro\s+([a-z][a-z0-9_]*)\(", errors)]
    pieces += [f"{kind}:{name}" for kind, table in _listener_tables().items() for name in table]
    import typing

    pieces += [f"subcommand:{t.__name__}" for t in typing.get_args(cmd.Command)]
    return pieces


def build_map(suites: list[str]) -> None:
    """Step 1: run the suites once, recording the pieces each test used."""
    record = WORK / "record"
    shutil.rmtree(record, ignore_errors=True)
    record.mkdir(parents=True)
    done = _pytest(["-q", "--no-header", *(suites or SUITES)], {RECORD_VARIABLE: str(record)}, timeout=7200)
    (WORK / "map_run.log").write_text(done.stdout + done.stderr)
    used: dict[str, list[str]] = defaultdict(list)
    for part in record.glob("*.json"):
        for test, pieces in json.loads(part.read_text()).items():
            for piece in pieces:
                used[piece].append(test)
    MAP_FILE.write_text(json.dumps({k: sorted(v) for k, v in sorted(used.items())}, indent=1))
    print(done.stdout[-600:])
    print(f"{len(used)} pieces used by some test; map in {MAP_FILE}")


def audit(prefixes: list[str]) -> None:
    """Step 2: each piece removed, against the tests that used it."""
    used: dict[str, list[str]] = json.loads(MAP_FILE.read_text())
    lines = []
    for piece in all_pieces():
        if prefixes and not piece.startswith(tuple(prefixes)):
            continue
        tests = used.get(piece, [])
        if not tests:
            verdict = "never used"
        else:
            run = _pytest(["-n", "0", "-x", "-q", "--no-header", *tests],
                          {PIECE_VARIABLE: piece}, timeout=1800)
            failed = re.search(r"^(?:FAILED|ERROR) (\S+)", run.stdout, re.M)
            verdict = f"noticed by {failed.group(1)}" if run.returncode else f"UNNOTICED ({len(tests)} tests)"
            if run.returncode and not failed:
                verdict = f"noticed (exit {run.returncode})"
        lines.append(f"{piece}: {verdict}")
        print(lines[-1], flush=True)
    (WORK / "report.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["map"]:
        build_map(sys.argv[2:])
    elif sys.argv[1:2] == ["audit"]:
        audit(sys.argv[2:])
    else:
        raise SystemExit(__doc__)
