"""How long gives wait for the TinyDB store's lock, with the journal write inside it or not.

Run from the repository root::

    python bench/store_lock.py              # 10 threads, 12 slices a mode, about a minute
    python bench/store_lock.py --slices 20

One process, no HTTP server: ``--threads`` threads call the bot's WSGI app with signed
`/partner give` commands in one channel, as a server's request threads would, while
Bolt's listener threads do the work. The app is the real one (``build_runtime``), on a
TinyDB file in a temporary directory, with the local Slack emulator.

Two modes take turns slice by slice, in the same process and on the same database, so
the machine's drift lands on both:

* ``queued`` (what the store does): a write section only queues its journal line; the
  file write happens in the group commit, after the store's lock is released;
* ``under lock`` (what it did before): the line is written and flushed to the OS while
  the store's lock is held, as ``Journal.append`` used to.

For every outermost write section it records how long the thread waited to get the
store's lock; for every request, how long the WSGI call took. A write is a system call,
which lets go of the interpreter lock: a thread that wrote under the store's lock had to
win the interpreter lock back before it could release the store's, and every thread
queued for the store waited with it.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.emulator import SlackEmulator  # noqa: E402
from bot.runtime import build_runtime  # noqa: E402
from bot.store import journal as journal_module  # noqa: E402
from bot.store import tinydb_store  # noqa: E402

SECRET = "0123456789abcdef0123456789abcdef"
USER = "U0BENCH"
CHANNEL = "C0BENCH"
SERIAL = itertools.count()


def signed_give(api_url: str) -> dict[str, Any]:
    """A WSGI environ for a signed `/partner give`, as Slack sends it."""
    n = next(SERIAL)
    body = urlencode({
        "token": "x", "team_id": "T0001", "team_domain": "acme", "channel_id": CHANNEL,
        "channel_name": "deal-bench", "user_id": USER, "user_name": "bench", "command": "/partner",
        "text": f"give bench item {n} by Friday", "api_app_id": "A1",
        "response_url": api_url.rstrip("/") + "/response/x", "trigger_id": f"1.{n}.abc",
    }).encode()
    stamp = str(int(time.time()))
    signature = "v0=" + hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
        "HTTP_X_SLACK_SIGNATURE": signature, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
    }


class LockWaits:
    """Times the wait for the store's lock on entering each outermost write section."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self._original = tinydb_store._WriteSection.__enter__

    def install(self) -> None:
        original = self._original
        waits = self.waits

        def timed_enter(section: Any) -> None:
            store = section._store
            outermost = not store._lock._is_owned()  # nested sections don't wait
            began = time.perf_counter()
            original(section)
            if outermost:
                waits.append(time.perf_counter() - began)

        tinydb_store._WriteSection.__enter__ = timed_enter  # type: ignore[method-assign]

    def uninstall(self) -> None:
        tinydb_store._WriteSection.__enter__ = self._original  # type: ignore[method-assign]


def append_under_lock(journal: journal_module.Journal, key: str, changes: dict[str, Any]) -> int:
    """``Journal.append`` as it was: the line goes to the OS while the store's lock is held."""
    data = journal_module._line({"s": key, "u": changes})
    journal._file.write(data)
    journal._file.flush()
    with journal._queue_lock:
        journal._written += 1
        sequence = journal._written
    journal._file_bytes += len(data)
    return sequence


MODES: dict[str, Callable[..., int] | None] = {"queued": None, "under lock": append_under_lock}


def run_slice(app: Callable[..., Any], api_url: str, threads: int, per_thread: int) -> list[float]:
    """Request latencies (seconds) of ``threads`` × ``per_thread`` gives sent at once."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        mine = []
        for _ in range(per_thread):
            began = time.perf_counter()
            body = b"".join(app(signed_give(api_url), lambda status, headers: None))
            mine.append(time.perf_counter() - began)
            if b"Logged" not in body:
                raise SystemExit(f"a give was not logged: {body[:200]!r}")
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return latencies


def ms(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--per-thread", type=int, default=10, help="gives per thread per slice")
    parser.add_argument("--slices", type=int, default=12, help="slices per mode")
    args = parser.parse_args()

    with SlackEmulator(token="xoxb-bench") as emulator, tempfile.TemporaryDirectory() as tmp:
        emulator.add_user(USER, name="bench", tz="America/New_York")
        emulator.add_channel(CHANNEL, "deal-bench", members=[USER])
        env = dict(os.environ, SLACK_BOT_TOKEN="xoxb-bench", SLACK_API_URL=emulator.api_url,
                   SLACK_SIGNING_SECRET=SECRET, PARTNER_COACH_DB=str(Path(tmp) / "db.json"))
        runtime = build_runtime(Settings.from_env(env))
        app = runtime.wsgi
        original_append = journal_module.Journal.append
        results = {mode: {"waits": [], "latencies": []} for mode in MODES}
        try:
            run_slice(app, emulator.api_url, args.threads, 5)  # warm-up: imports, caches
            runtime.wait_idle(10)
            for turn in range(args.slices * len(MODES)):
                mode = list(MODES)[turn % len(MODES)]
                patched = MODES[mode]
                journal_module.Journal.append = patched or original_append  # type: ignore[method-assign]
                waits = LockWaits()
                waits.install()
                try:
                    results[mode]["latencies"] += run_slice(app, emulator.api_url, args.threads,
                                                            args.per_thread)
                    runtime.wait_idle(10)
                finally:
                    waits.uninstall()
                    journal_module.Journal.append = original_append  # type: ignore[method-assign]
                results[mode]["waits"] += waits.waits
        finally:
            runtime.close()

    print(f"{args.threads} threads × {args.per_thread} gives in one channel, {args.slices} slices a "
          "mode, taking turns. Milliseconds.")
    print(f"{'mode':12s} {'sections':>9s} {'waits >1ms':>11s} {'wait p50':>9s} {'wait p99':>9s} "
          f"{'give p50':>9s} {'give p99':>9s}")
    for mode, got in results.items():
        waits, latencies = got["waits"], got["latencies"]
        over = sum(1 for w in waits if w > 0.001)
        print(f"{mode:12s} {len(waits):9d} {over:11d} {ms(waits, 50):9.2f} {ms(waits, 99):9.2f} "
              f"{ms(latencies, 50):9.2f} {ms(latencies, 99):9.2f}")
    new, old = results["queued"]["latencies"], results["under lock"]["latencies"]
    print(f"queued / under lock: give p50 ×{ms(new, 50) / ms(old, 50):.2f}, "
          f"p99 ×{ms(new, 99) / ms(old, 99):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
