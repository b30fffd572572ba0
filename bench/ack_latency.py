"""`/partner give` ack latency and CPU against a bare Bolt app, measured side by side.

Run from the repository root::

    python bench/ack_latency.py                 # one round, about two minutes
    python bench/ack_latency.py --rounds 3      # ranges over three rounds
    python bench/ack_latency.py --pg            # add PostgreSQL, 2 gunicorn workers
    python bench/ack_latency.py --contend 2     # with two busy processes competing for the cores

Every server runs as a subprocess on this machine, one after another, driven by the
same load: signed `/partner give` slash commands over HTTP, like Slack sends them.

Servers (each round, all running at once; each phase gives them turns, see below):

1. bare Bolt on gunicorn (1 worker, ``gthread``, 8 threads): the baseline, what
   Bolt's documentation recommends for production;
2. bare Bolt on waitress (8 threads), what `partner-coach serve` is served by;
3. Partner Coach, `partner-coach serve` (waitress), 100 commitments stored;
4. Partner Coach on gunicorn (``bot.gunicorn_conf``, 1 worker), 100 stored;
5. Partner Coach on gunicorn, 100,000 stored (2,000 channels of 50; not with ``--quick``);
6. with ``--pg``: Partner Coach on PostgreSQL, gunicorn with 2 workers.

Phases (after a warm-up, and once each server is idle):

* ``one``: ``--clients`` concurrent clients (10), every give in ONE channel;
* ``fifty``: the same, spread over 50 channels (the ones holding the stored items);
* ``alone``: one request at a time; the server's CPU time per request is read from
  ``/proc`` (user + system time of the server process and its children), so it is
  the work the server did, not the time it waited;
* ``sustained`` (bare Bolt on gunicorn and PostgreSQL only, with ``--pg``): clients
  send as fast as answers come for ``--seconds``, over 50 channels: throughput.

The machine is shared and its load drifts by the minute, so the servers take turns:
each phase is cut into ``--slices`` short slices and every server runs one slice per
turn, the order rotating. Drift then lands on all servers alike.

Ratios are to bare Bolt on gunicorn measured in the same round; compare ratios,
not milliseconds, across runs and machines.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.ledger import Commitment  # noqa: E402
from bot.emulator import SlackDriver, SlackEmulator  # noqa: E402
from tests.e2e.serve_process import BOT_TOKEN, SIGNING_SECRET  # noqa: E402

TEAM = "T0001"
CHANNELS = 2000
SPREAD = 50  # channels of the "fifty" phase
USERS = [f"U0BENCH{i}" for i in range(10)]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BASELINE = "bare Bolt, gunicorn"


def free_port() -> int:
    """A port free right now (a benchmark can live with the small race of reusing it)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def channel(n: int) -> str:
    return f"C{n:06d}"


ONE = [channel(0)]
FIFTY = [channel(c) for c in range(SPREAD)]


def write_database(path: Path, total: int) -> None:
    """A journal holding ``total`` commitments spread evenly over 2,000 channels."""
    per_channel, extra = divmod(total, CHANNELS)
    created = datetime(2026, 11, 1, tzinfo=UTC).isoformat()
    with open(path, "w", encoding="utf-8") as fh:
        for c in range(CHANNELS):
            count = per_channel + (1 if c < extra else 0)
            if not count:
                continue
            docs = {}
            for n in range(1, count + 1):
                doc = Commitment(number=n, side="give" if n % 2 else "get",
                                 what=f"benchmark commitment {n} for channel {c}", owner=USERS[n % 10],
                                 created_by=USERS[n % 10], created_at=datetime(2026, 11, 1, tzinfo=UTC)
                                 ).to_doc()
                doc["created_at"] = created
                docs[str(n)] = doc
            shard = {"commitment": docs, "counter": {"commitment": {"next": count}}}
            fh.write(json.dumps({"s": f"{TEAM}/{channel(c)}", "d": shard}, separators=(",", ":")) + "\n")


# ----------------------------------------------------------------------------- processes


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from "state" on; comm may hold spaces


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it (gunicorn's workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [pid], [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process tree, all threads (from /proc)."""
    total = 0
    for p in tree(pid):
        if (fields := _stat(p)) is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    total = 0.0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def start(cmd: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{' '.join(cmd)} exited:\n{log.read_text()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{' '.join(cmd)} did not start")


def settle(pid: int, limit: float = 90.0) -> None:
    """Wait until the server is idle (under 5% of a core for half a second): its start-up
    work (loading the database, the scheduler's first sweep) must not overlap a phase."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.025:
            return


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ----------------------------------------------------------------------------- load

SERIAL = itertools.count()


def load(url: str, emulator: SlackEmulator, clients: int, per_client: int, channels: list[str],
         *, seconds: float | None = None) -> list[float]:
    """Latencies (seconds) of signed `/partner give` commands from ``clients`` threads.

    Each client sends ``per_client`` commands one after another (or, with ``seconds``,
    as many as it can until then), each in a channel drawn from ``channels``.
    """
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []
    deadline = time.perf_counter() + seconds if seconds else None

    def client(k: int) -> None:
        rng = random.Random(k)
        # Acks are not checked against Block Kit here (launch checks one per server): that
        # is Slack's work on its own servers, and on these two cores it cost the clients
        # 0.6 ms of CPU per Partner Coach ack and none per bare Bolt "Logged.".
        driver = SlackDriver(url, SIGNING_SECRET, emulator, check_acks=False)
        mine = []
        i = 0
        while (i < per_client) if deadline is None else (time.perf_counter() < deadline):
            began = time.perf_counter()
            # Numbered across all loads: the same text given twice while open is refused.
            response = driver.command(f"give bench item {next(SERIAL)} by Friday", user=USERS[k % 10],
                                      channel=rng.choice(channels))
            mine.append(time.perf_counter() - began)
            if response.status_code != 200 or "Logged" not in response.text:
                failures.append(f"{response.status_code} {response.text[:200]}")
            i += 1
        driver.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} commands failed, e.g. {failures[0]}")
    return latencies


def pct(values: list[float], q: int) -> float:
    """The q-th percentile, in milliseconds."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


@dataclass
class Server:
    """One server to measure and how to start it."""

    name: str
    kind: str  # bare-gunicorn | bare-waitress | pc-serve | pc-gunicorn | pc-pg
    stored: int = 0
    phases: tuple[str, ...] = ("one", "fifty", "alone")
    results: dict[str, float] = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    url: str = ""


def command_for(server: Server, port: int) -> list[str]:
    gunicorn = [sys.executable, "-m", "gunicorn"]
    if server.kind == "bare-waitress":
        return [sys.executable, str(ROOT / "bench" / "bare_bolt.py")]
    if server.kind == "bare-gunicorn":
        return [*gunicorn, "-k", "gthread", "-w", "1", "--threads", "8", "-b", f"127.0.0.1:{port}",
                "--chdir", str(ROOT / "bench"), "bare_bolt:wsgi"]
    if server.kind == "pc-serve":
        return [sys.executable, "-m", "bot", "serve"]
    if server.kind == "pc-gunicorn":
        return [*gunicorn, "-c", "python:bot.gunicorn_conf", "-w", "1"]
    if server.kind == "pc-pg":
        return [*gunicorn, "-c", "python:bot.gunicorn_conf", "-w", "2"]
    raise ValueError(server.kind)


def launch(server: Server, emulator: SlackEmulator, tmp: Path, database_url: str | None) -> None:
    """Start the server's subprocess and wait until it is warm and idle."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "PARTNER_COACH", "DATABASE_URL", "WEB_CONCURRENCY", "GUNICORN"))}
    env.update(PORT=str(port), SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=emulator.api_url,
               SLACK_BOT_TOKEN=BOT_TOKEN)
    if server.kind.startswith("pc-"):
        db = tmp / f"db-{server.kind}-{server.stored}.json"
        write_database(db, server.stored)
        env["PARTNER_COACH_DB"] = str(db)
        if server.kind == "pc-pg":
            assert database_url is not None
            _empty(database_url)
            env["DATABASE_URL"] = database_url
    server.proc = start(command_for(server, port), env, port, tmp / f"{server.kind}-{port}.log")
    server.url = f"http://127.0.0.1:{port}/slack/events"
    settle(server.proc.pid)
    load(server.url, emulator, 10, 5, FIFTY)  # warm-up: imports, caches, connections
    with SlackDriver(server.url, SIGNING_SECRET, emulator) as checking:  # what Slack would accept
        answer = checking.command(f"give bench item {next(SERIAL)} by Friday", user=USERS[0],
                                  channel=FIFTY[0])
        if "Logged" not in answer.text:
            raise SystemExit(f"{server.name} did not log the checked give: {answer.text[:200]}")
    settle(server.proc.pid)


def interleaved(servers: list[Server], phase: str, slices: int, run: Callable[[Server], list[float]]
                ) -> dict[str, list[float]]:
    """Run ``phase`` on every server that has it, in ``slices`` short turns, rotating who goes
    first: this machine's load drifts by the minute, and taking turns spreads the drift
    evenly over the servers instead of landing on whichever ran during a busy spell."""
    taking = [s for s in servers if phase in s.phases]
    latencies: dict[str, list[float]] = {s.name: [] for s in taking}
    for turn in range(slices):
        for server in taking[turn % len(taking):] + taking[:turn % len(taking)]:
            latencies[server.name] += run(server)
    return latencies


def measure(servers: list[Server], args: argparse.Namespace, emulator: SlackEmulator) -> None:
    per_slice = max(1, args.requests // args.slices)
    for phase, channels in (("one", ONE), ("fifty", FIFTY)):
        lat = interleaved(servers, phase, args.slices,
                          lambda s, ch=channels: load(s.url, emulator, args.clients, per_slice, ch))
        for s in servers:
            if s.name in lat:
                s.results[f"{phase}_p50"] = pct(lat[s.name], 50)
                s.results[f"{phase}_p99"] = pct(lat[s.name], 99)
    cpu: dict[str, float] = {}
    alone_slice = max(1, args.alone // args.slices)

    def alone(server: Server) -> list[float]:
        before = cpu_seconds(server.proc.pid)
        lat = load(server.url, emulator, 1, alone_slice, FIFTY)
        cpu[server.name] = cpu.get(server.name, 0.0) + cpu_seconds(server.proc.pid) - before
        return lat

    lat = interleaved(servers, "alone", args.slices, alone)
    for s in servers:
        if s.name in lat:
            s.results["alone_p50"] = pct(lat[s.name], 50)
            s.results["alone_cpu_ms"] = cpu[s.name] / len(lat[s.name]) * 1000
    for s in servers:
        if "sustained" in s.phases:  # one at a time: each takes the whole machine
            began = time.perf_counter()
            lat_s = load(s.url, emulator, args.clients, 0, FIFTY, seconds=args.seconds)
            s.results["rps"] = len(lat_s) / (time.perf_counter() - began)
            s.results["sus_p50"], s.results["sus_p99"] = pct(lat_s, 50), pct(lat_s, 99)
    for s in servers:
        s.results["rss_mb"] = rss_mb(s.proc.pid)


@contextmanager
def contention(processes: int) -> Iterator[None]:
    """``processes`` busy loops competing for the cores while the servers are measured: how
    the ratios move when the machine has other work (a shared host, a noisy neighbour)."""
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        yield
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()


def one_round(args: argparse.Namespace, emulator: SlackEmulator,
              database_url: str | None) -> dict[str, Server]:
    sustained = ("sustained",) if database_url else ()
    servers = [
        Server(BASELINE, "bare-gunicorn", phases=("one", "fifty", "alone", *sustained)),
        Server("bare Bolt, waitress", "bare-waitress"),
        Server("PC serve, 100 stored", "pc-serve", 100),
        Server("PC gunicorn, 100 stored", "pc-gunicorn", 100),
    ]
    if not args.quick:
        servers.append(Server("PC gunicorn, 100k stored", "pc-gunicorn", 100_000))
    if database_url:
        servers.append(Server("PC PostgreSQL, 2 workers", "pc-pg", 100,
                              phases=("one", "fifty", "alone", "sustained")))
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for server in servers:
                print(f"  starting {server.name} …", file=sys.stderr, flush=True)
                launch(server, emulator, Path(tmp), database_url)
            print("  measuring …", file=sys.stderr, flush=True)
            servers[0].results.update(disk_sync(Path(tmp)))
            with contention(args.contend):
                measure(servers, args, emulator)
            for key, value in disk_sync(Path(tmp)).items():  # before and after: the disk drifts too
                servers[0].results[key] = (servers[0].results[key] + value) / 2
        finally:
            for server in servers:
                if server.proc is not None:
                    stop(server.proc)
    return {s.name: s for s in servers}


def disk_sync(directory: Path, count: int = 200) -> dict[str, float]:
    """What a durable write costs on this disk right now: append a 200-byte line and
    fdatasync it (what the TinyDB journal does per group commit), in milliseconds."""
    sync = getattr(os, "fdatasync", os.fsync)
    times = []
    with open(directory / "sync-probe", "ab") as fh:
        for _ in range(count):
            began = time.perf_counter()
            fh.write(b"x" * 199 + b"\n")
            fh.flush()
            sync(fh.fileno())
            times.append(time.perf_counter() - began)
    return {"sync_p50": pct(times, 50), "sync_p99": pct(times, 99)}


def _empty(database_url: str) -> None:
    import sqlalchemy as sa

    from bot.store.postgres_store import make_engine

    engine = make_engine(database_url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE documents, scope_revisions RESTART IDENTITY"))
    engine.dispose()


def report(results: dict[str, Server], args: argparse.Namespace) -> dict[str, float]:
    """Print one round's table; return the ratios that the goals are about."""
    base = results[BASELINE].results
    cols = [("one_p50", "one p50"), ("one_p99", "one p99"), ("fifty_p50", "50ch p50"),
            ("fifty_p99", "50ch p99"), ("alone_p50", "alone p50"), ("alone_cpu_ms", "CPU/req")]
    print(f"\n{args.clients} clients × {args.requests} gives per phase; alone: {args.alone} one at a time."
          f" Milliseconds, and × bare Bolt on gunicorn (servers took turns, {args.slices} slices).")
    print(f"{'server':28}" + "".join(f"{label:>16}" for _, label in cols) + f"{'RSS MB':>8}")
    for name, server in results.items():
        r = server.results
        cells = []
        for key, _ in cols:
            if key in r:
                cells.append(f"{r[key]:8.1f} ×{r[key] / base[key]:5.2f}" if key in base else f"{r[key]:8.1f}")
            else:
                cells.append("-")
        print(f"{name:28}" + "".join(f"{c:>16}" for c in cells) + f"{r.get('rss_mb', 0):8.0f}")
    ratios: dict[str, float] = {}
    for name in ("PC serve, 100 stored", "PC gunicorn, 100 stored"):
        r = results[name].results
        short = "serve" if "serve" in name else "gunicorn"
        for key in ("one_p50", "one_p99", "fifty_p50", "fifty_p99"):
            ratios[f"{short} {key}"] = r[key] / base[key]
        ratios[f"{short} CPU above bare (ms)"] = r["alone_cpu_ms"] - base["alone_cpu_ms"]
    if "PC gunicorn, 100k stored" in results:
        big, small = results["PC gunicorn, 100k stored"].results, results["PC gunicorn, 100 stored"].results
        for key in ("fifty_p50", "fifty_p99"):
            ratios[f"100k/100 {key}"] = big[key] / small[key]
    bare = results[BASELINE].results
    if "rps" in bare:
        print(f"\nSustained {args.seconds:.0f} s, {args.clients} clients over {SPREAD} channels:")
        for name, server in results.items():
            r = server.results
            if "rps" in r:
                print(f"  {name:28} {r['rps']:7.1f} gives/s (×{r['rps'] / bare['rps']:.2f}), "
                      f"p50 {r['sus_p50']:.1f} ms, p99 {r['sus_p99']:.1f} ms")
                if server.kind == "pc-pg":
                    ratios["pg rps ratio"] = r["rps"] / bare["rps"]
    print(f"\nDisk: append + fdatasync of a 200-byte line, p50 {bare['sync_p50']:.2f} ms, "
          f"p99 {bare['sync_p99']:.2f} ms (every acknowledged give waits for one, shared by group commit)")
    print("\nGoals (ratios within this round):")
    for key, value in ratios.items():
        print(f"  {key:32} {value:6.2f}  {_verdict(key, value)}")
    return ratios


def _verdict(key: str, value: float) -> str:
    if key.endswith("p50") and key.startswith(("serve", "gunicorn")):
        return "goal ≤ 1.25: " + ("met" if value <= 1.25 else "NOT met")
    if key.endswith("p99") and key.startswith(("serve", "gunicorn")):
        return "goal ≤ 1.5: " + ("met" if value <= 1.5 else "NOT met")
    if "CPU" in key:
        return "goal ≤ 2 ms: " + ("met" if value <= 2 else "NOT met")
    if key.startswith("100k"):
        return "goal ≤ 1.5: " + ("met" if value <= 1.5 else "NOT met")
    return "(no goal)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100,
                        help="gives per client per phase (100: a p99 from about 1,000 answers)")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients (10)")
    parser.add_argument("--alone", type=int, default=200, help="one-at-a-time gives for CPU (200)")
    parser.add_argument("--slices", type=int, default=8, help="turns the servers take per phase (8)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat everything; prints ranges (1)")
    parser.add_argument("--seconds", type=float, default=20, help="sustained phase length (20)")
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-item server")
    parser.add_argument("--contend", type=int, default=0, metavar="N",
                        help="run N busy-loop processes alongside the measurement (0)")
    parser.add_argument("--pg", nargs="?", const="", default=None, metavar="URL",
                        help="add PostgreSQL with 2 gunicorn workers (default URL: "
                             "PARTNER_COACH_TEST_DATABASE_URL or the local test server); "
                             "a private schema is created and dropped")
    args = parser.parse_args()
    database_url = None
    if args.pg is not None:
        if args.pg:
            os.environ["PARTNER_COACH_TEST_DATABASE_URL"] = args.pg
        database_url = _postgres_url()
    emulator = SlackEmulator(token=BOT_TOKEN).start()
    for user in USERS:
        emulator.add_user(user, tz="America/New_York")
    for c in range(CHANNELS):
        emulator.add_channel(channel(c), f"deal-{c}", members=USERS)
    rounds = []
    try:
        for n in range(args.rounds):
            print(f"round {n + 1}/{args.rounds}", file=sys.stderr, flush=True)
            rounds.append(report(one_round(args, emulator, database_url), args))
    finally:
        emulator.stop()
    if args.rounds > 1:
        print(f"\nRanges over {args.rounds} rounds:")
        for key in rounds[0]:
            values = [r[key] for r in rounds if key in r]
            print(f"  {key:32} {min(values):6.2f} – {max(values):6.2f}")
    return 0


def _postgres_url() -> str:
    """A migrated private schema on the test server, dropped when the bench exits."""
    from tests.postgres.support import TestDatabase

    url = os.environ.get("PARTNER_COACH_TEST_DATABASE_URL") or \
        "postgresql://partner_coach:partner_coach@127.0.0.1:5432/partner_coach_test"
    database = TestDatabase(url)
    import atexit

    atexit.register(database.drop)
    # gunicorn's children read DATABASE_URL; the store normalises the driver prefix itself.
    return database.url


if __name__ == "__main__":
    raise SystemExit(main())
