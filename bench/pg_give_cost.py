"""What one `/partner give` costs the bot on PostgreSQL: round trips and Python CPU.

Run from the repository root (needs the PostgreSQL test server, as for the tests)::

    python bench/pg_give_cost.py             # 300 gives over 50 channels
    python bench/pg_give_cost.py --gives 1000 --channels 1

One process: the real bot (the same WSGI app as `serve`) on a private, migrated schema,
sent signed `/partner give` commands one at a time over HTTP. Every connection the
process opens is traced by libpq, so the round trips are counted exactly (each simple
query, and each extended-protocol Sync, waits for the server once). CPU is the process's
CPU time less the sending thread's (which also runs ``--other-writer``'s writes): the
work the bot did, psycopg included. PostgreSQL's CPU is read from ``/proc`` for the
server processes serving the bot's connections (found by their application name; the
WAL writer and checkpointer are not counted), so it needs the server on this machine.

``--other-writer`` adds a second store (standing in for a second gunicorn worker) that
writes to each channel before every give, so the ledger's cache is always stale: the
worst case for the per-channel revision check.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402

import bot.runtime  # noqa: E402
from bot.emulator import SlackEmulator  # noqa: E402
from bot.emulator.local_bot import LocalBot  # noqa: E402
from bot.store import Scope  # noqa: E402
from bot.store.postgres_store import PostgresStore, make_engine  # noqa: E402
from tests.postgres.support import DEFAULT_URL, TestDatabase  # noqa: E402

TEAM = "T0001"
USERS = [f"U0BENCH{i}" for i in range(10)]
ROUND_TRIP = re.compile(r"^F\t\d+\t(Query|Sync)\b", re.MULTILINE)


REAL_CONNECT = psycopg.Connection.connect


def traced_connections(directory: Path, name: str) -> list[Path]:
    """From now on (until :func:`untraced`), every new psycopg connection of this process
    named ``name`` (its application name) writes a libpq trace file."""
    traces: list[Path] = []
    real_connect = REAL_CONNECT.__func__  # type: ignore[attr-defined]

    def connect(cls, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        conn = real_connect(cls, *args, **kwargs)
        if conn.pgconn.parameter_status(b"application_name") != name.encode():
            return conn
        path = directory / f"trace-{len(traces)}.log"
        traces.append(path)
        fh = open(path, "w")  # noqa: SIM115 - open for the connection's life
        conn.pgconn.trace(fh.fileno())
        conn.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        conn._bench_trace = fh  # keep the file open as long as the connection
        return conn

    psycopg.Connection.connect = classmethod(connect)  # type: ignore[method-assign, assignment]
    psycopg.connect = psycopg.Connection.connect  # SQLAlchemy calls the module's alias
    return traces


def untraced() -> None:
    psycopg.Connection.connect = psycopg.connect = REAL_CONNECT  # type: ignore[method-assign]


def backend_cpu(url: str, name: str) -> float:
    """CPU seconds so far of the PostgreSQL processes serving connections named ``name``."""
    engine = make_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            pids = conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE application_name = :n"),
                                {"n": name}).scalars().all()
    finally:
        engine.dispose()
    ticks = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def round_trips(traces: list[Path]) -> int:
    return sum(len(ROUND_TRIP.findall(p.read_text())) for p in traces if p.exists())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gives", type=int, default=300, help="gives measured (300)")
    parser.add_argument("--channels", type=int, default=50, help="channels they are spread over (50)")
    parser.add_argument("--other-writer", action="store_true",
                        help="another store writes to the channel before each give")
    args = parser.parse_args()

    database = TestDatabase(os.environ.get("PARTNER_COACH_TEST_DATABASE_URL") or DEFAULT_URL)
    emulator = SlackEmulator().start()
    for user in USERS:
        emulator.add_user(user, tz="America/New_York")
    channels = [f"C{n:06d}" for n in range(args.channels)]
    for c in channels:
        emulator.add_channel(c, f"deal-{c}", members=USERS)
    name = f"pc-bench-{os.getpid()}"
    url = f"{database.url}{'&' if '?' in database.url else '?'}application_name={name}"
    bot.runtime.open_store = lambda settings: PostgresStore(url)  # type: ignore[assignment]
    other = PostgresStore(database.url) if args.other_writer else None  # not named: not traced
    try:
        with tempfile.TemporaryDirectory() as tmp:
            traces = traced_connections(Path(tmp), name)  # the bot's connections, from its first
            local = LocalBot(emulator, Path(tmp) / "unused.json").start()
            try:

                def give(i: int, tag: str) -> None:
                    where = channels[i % len(channels)]
                    if other is not None:
                        other.put(Scope(TEAM, where), "note", f"{tag}{i}", {"i": i})
                    response = local.driver.command(f"give bench item {tag}{i} by Friday",
                                                    user=USERS[i % 10], channel=where)
                    assert "Logged" in response.text, response.text

                for i in range(2 * len(channels)):  # warm-up: imports, templates, connections
                    give(i, "warm")
                local.wait_idle()
                trips_before = round_trips(traces)
                server = backend_cpu(database.url, name)
                cpu, sender = time.process_time(), time.thread_time()
                for i in range(args.gives):
                    give(i, "x")
                local.wait_idle()
                sender = time.thread_time() - sender
                cpu = time.process_time() - cpu - sender
                server = backend_cpu(database.url, name) - server
                trips = round_trips(traces) - trips_before
            finally:
                local.stop()
                untraced()
    finally:
        if other is not None:
            other.close()
        emulator.stop()
        database.drop()
    print(f"{args.gives} gives over {args.channels} channels"
          f"{' (another writer before each)' if other else ''}:")
    print(f"  round trips to PostgreSQL per give: {trips / args.gives:.2f}")
    print(f"  bot CPU per give (psycopg included): {cpu / args.gives * 1000:.2f} ms")
    print(f"  PostgreSQL CPU per give (its processes serving the bot): {server / args.gives * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
