"""Write ``release_records.json``: database files a release left mid-post, and what Slack held.

Made once, with the release the fixture is named after checked out, so that later
releases are tested against records they did not write themselves
(``tests/schedule/test_release_records.py``)::

    python tests/schedule/data/make_release_records.py <release commit>

Each scenario is the database file (the TinyDB journal, as text) of a process that stopped
in the middle of scheduled posts (killed, or upgraded while a retry was pending) and the
messages Slack had taken by then, with the metadata the release posted them with.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from bot.clock import FakeClock  # noqa: E402
from bot.emulator import SlackEmulator  # noqa: E402
from tests.conftest import ALICE, BOB, DEAL, OTHER, START  # noqa: E402
from tests.schedule.crashes import SHAPES, STOPS, Process, marked_posts, seed, stops_for  # noqa: E402

OUT = Path(__file__).with_name("release_records.json")


def scenario(shape: str, stop: str) -> dict:
    """The database file and Slack's messages once ``stop`` happened to ``shape``'s jobs."""
    emulator = SlackEmulator().start()
    try:
        emulator.add_user(ALICE, name="alice", tz="America/New_York")
        emulator.add_user(BOB, name="bob", tz="America/Los_Angeles")
        emulator.add_channel(DEAL, "deal-acme", members=[ALICE, BOB])
        emulator.add_channel(OTHER, "deal-globex", members=[ALICE])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "db.json"
            process = Process(path, FakeClock(START), emulator)
            try:
                seed(process, SHAPES[shape])
                STOPS[stop](process, emulator, process.dispatcher.clock)  # type: ignore[arg-type]
            finally:
                process.close()
            journal = path.read_text(encoding="utf-8")
        slack = [{"channel": call.response["channel"],
                  "message": emulator.find_message(call.response["channel"], call.response["ts"])}
                 for call in marked_posts(emulator)]
        return {"shape": shape, "journal": journal, "slack": slack}
    finally:
        emulator.stop()


def main() -> int:
    release = sys.argv[1] if len(sys.argv) > 1 else "unknown"
    scenarios = {f"{shape}-{stop}": scenario(shape, stop)
                 for shape in SHAPES for stop in stops_for(shape)}
    OUT.write_text(json.dumps({"release": release, "scenarios": scenarios}, indent=1, ensure_ascii=False)
                   + "\n", encoding="utf-8")
    print(f"{len(scenarios)} scenarios written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
