"""`/partner give` ack latency against a bare Bolt app, and memory with 100,000 commitments.

Run from the repository root::

    python bench/ack_latency.py [--requests 150] [--clients 10]

Three servers run one after another as subprocesses on this machine, each driven
by the same load (10 concurrent clients sending signed slash commands over HTTP):

1. bare Bolt: the same waitress server, one `/partner` handler acking a constant;
2. Partner Coach with 100 commitments stored;
3. Partner Coach with 100,000 commitments stored, spread over 2,000 channels.

It prints p50/p99 for each and the ratios to bare Bolt measured in the same run
(the machine is noisy; ratios are what to compare; bare Bolt runs first and
last and the baseline is the mean of the two), plus the resident memory of the
100,000-commitment server.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.ledger import Commitment  # noqa: E402
from bot.emulator import SlackDriver, SlackEmulator  # noqa: E402
from tests.e2e.serve_process import BOT_TOKEN, SIGNING_SECRET, free_port  # noqa: E402

TEAM = "T0001"
CHANNELS = 2000
USERS = [f"U0BENCH{i}" for i in range(10)]


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
            fh.write(json.dumps({"s": f"{TEAM}/C{c:06d}", "d": shard}, separators=(",", ":")) + "\n")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start(cmd: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{cmd} did not start")


def load(port: int, emulator: SlackEmulator, clients: int, per_client: int) -> list[float]:
    """Latencies (seconds) of ``clients × per_client`` signed `/partner give` commands."""
    latencies: list[float] = []
    lock = threading.Lock()
    url = f"http://127.0.0.1:{port}/slack/events"

    def client(k: int) -> None:
        rng = random.Random(k)
        driver = SlackDriver(url, SIGNING_SECRET, emulator)
        mine = []
        for i in range(per_client):
            channel = f"C{rng.randrange(CHANNELS):06d}"
            began = time.perf_counter()
            response = driver.command(f"give bench item {k}-{i} by Friday", user=USERS[k % 10],
                                      channel=channel)
            mine.append(time.perf_counter() - began)
            assert response.status_code == 200, response.text
        driver.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=150, help="requests per client")
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()
    emulator = SlackEmulator(token=BOT_TOKEN).start()
    for user in USERS:
        emulator.add_user(user, tz="America/New_York")
    for c in range(CHANNELS):
        emulator.add_channel(f"C{c:06d}", f"deal-{c}", members=USERS)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Bare Bolt runs first and last: the machine drifts, so the baseline is their mean.
        runs = [("bare Bolt (first)", None), ("Partner Coach, 100 stored", 100),
                ("Partner Coach, 100,000 stored", 100_000), ("bare Bolt (last)", None)]
        for name, stored in runs:
            port = free_port()
            env = {**os.environ, "PORT": str(port), "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                   "SLACK_API_URL": emulator.api_url, "SLACK_BOT_TOKEN": BOT_TOKEN}
            if stored is None:
                cmd = [sys.executable, str(ROOT / "bench" / "bare_bolt.py")]
            else:
                db = Path(tmp) / f"db-{stored}.json"
                write_database(db, stored)
                env["PARTNER_COACH_DB"] = str(db)
                cmd = [sys.executable, "-m", "bot", "serve"]
            began = time.perf_counter()
            proc = start(cmd, env, port)
            startup = time.perf_counter() - began
            try:
                load(port, emulator, args.clients, 10)  # warm-up: caches, imports, connections
                latencies = load(port, emulator, args.clients, args.requests)
                # One client at a time: the cost of a request itself, without the queueing
                # that 10 client threads sharing 2 cores with the server add to it.
                alone = load(port, emulator, 1, args.requests)
                results[name] = {
                    "p50_ms": percentile(latencies, 50) * 1000,
                    "p99_ms": percentile(latencies, 99) * 1000,
                    "alone_p50_ms": percentile(alone, 50) * 1000,
                    "rss_mb": rss_mb(proc.pid),
                    "startup_s": startup,
                }
            finally:
                proc.kill()
                proc.wait()
    emulator.stop()
    first, last = results["bare Bolt (first)"], results["bare Bolt (last)"]
    base = {key: (first[key] + last[key]) / 2 for key in first}
    print(f"{args.clients} concurrent clients × {args.requests} signed `/partner give` each\n")
    print(f"{'server':32} {'p50 ms':>8} {'p99 ms':>8} {'p50 ×':>7} {'p99 ×':>7} {'RSS MB':>8} {'start s':>8}"
          f" {'alone p50':>10}")
    for name, r in results.items():
        print(f"{name:32} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['p50_ms'] / base['p50_ms']:7.2f} "
              f"{r['p99_ms'] / base['p99_ms']:7.2f} {r['rss_mb']:8.0f} {r['startup_s']:8.1f}"
              f" {r['alone_p50_ms']:10.1f}")
    small, big = results["Partner Coach, 100 stored"], results["Partner Coach, 100,000 stored"]
    print(f"\n100,000 vs 100 stored: p50 {big['p50_ms'] / small['p50_ms']:.2f}×, "
          f"p99 {big['p99_ms'] / small['p99_ms']:.2f}×; "
          f"one client at a time: p50 {big['alone_p50_ms'] / small['alone_p50_ms']:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
