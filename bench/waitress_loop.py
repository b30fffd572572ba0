"""Why `partner-coach serve` gives waitress its own channel class: the event loop's work.

    python bench/waitress_loop.py              # 3 rounds of 10 clients x 100 gives, one channel

Two `serve` processes, 100 commitments stored, taking turns in slices as in
``bench/ack_latency.py``:

1. waitress's own ``HTTPChannel`` (the bot's ``SendingThreadChannel`` undone in this
   process only; everything else the same);
2. `serve` as shipped.

For each: the acks' p50 and p99, and the CPU time the event loop (waitress's main thread,
``/proc/<pid>/task/<pid>/stat``) spends a request. A loop that waits in poll() costs
little; one that spins while a request thread sends costs it every turn.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ack_latency as bench  # noqa: E402

PLAIN = "waitress's own channel"
SHIPPED = "serve as shipped"


def main_thread_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process's main thread."""
    fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / bench.CLOCK_TICKS


def launch(name: str, emulator: bench.SlackEmulator, tmp: Path) -> bench.Server:
    server = bench.Server(name, "pc-serve", 100)
    port = bench.free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "PARTNER_COACH", "DATABASE_URL"))}
    db = tmp / f"db-{len(name)}.json"
    bench.write_database(db, server.stored)
    env.update(PORT=str(port), SLACK_SIGNING_SECRET=bench.SIGNING_SECRET, SLACK_API_URL=emulator.api_url,
               SLACK_BOT_TOKEN=bench.BOT_TOKEN, PARTNER_COACH_DB=str(db))
    shipped = [sys.executable, "-m", "bot", "serve"]
    command = [sys.executable, __file__, "--child"] if name == PLAIN else shipped
    server.proc = bench.start(command, env, port, tmp / f"serve-{port}.log")
    server.url = f"http://127.0.0.1:{port}/slack/events"
    bench.settle(server.proc.pid)
    bench.load(server.url, emulator, 10, 5, bench.ONE)  # warm-up
    bench.settle(server.proc.pid)
    return server


def one_round(args: argparse.Namespace, emulator: bench.SlackEmulator) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {PLAIN: {}, SHIPPED: {}}
    spent = {PLAIN: 0.0, SHIPPED: 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        servers = [launch(name, emulator, Path(tmp)) for name in (PLAIN, SHIPPED)]
        try:
            def run(server: bench.Server) -> list[float]:
                assert server.proc is not None
                before = main_thread_cpu(server.proc.pid)
                lat = bench.load(server.url, emulator, args.clients, args.requests // args.slices, bench.ONE)
                spent[server.name] += main_thread_cpu(server.proc.pid) - before
                return lat

            latencies = bench.interleaved(servers, "one", args.slices, run)
        finally:
            for server in servers:
                if server.proc is not None:
                    bench.stop(server.proc)
    for name, lat in latencies.items():
        results[name] = {"p50 ms": bench.pct(lat, 50), "p99 ms": bench.pct(lat, 99),
                         "loop CPU ms/req": spent[name] / len(lat) * 1000}
    return results


def child() -> int:
    """`serve`, with waitress's own channel behaviour put back."""
    from waitress.channel import HTTPChannel

    from bot.cli import main
    from bot.web.waitress_channel import SendingThreadChannel

    SendingThreadChannel.writable = HTTPChannel.writable  # type: ignore[method-assign]
    return main(["serve"])


def main() -> int:
    if sys.argv[1:] == ["--child"]:
        return child()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="gives per client (100)")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients (10)")
    parser.add_argument("--slices", type=int, default=4, help="turns the servers take (4)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; prints each (3)")
    args = parser.parse_args()
    emulator = bench.SlackEmulator(token=bench.BOT_TOKEN).start()
    for user in bench.USERS:
        emulator.add_user(user, tz="America/New_York")
    emulator.add_channel(bench.ONE[0], "deal-0", members=bench.USERS)
    try:
        for n in range(args.rounds):
            results = one_round(args, emulator)
            print(f"round {n + 1}/{args.rounds}: {args.clients} clients, one channel")
            columns = list(results[SHIPPED])
            print(f"  {'':24}" + "".join(f"{c:>20}" for c in columns))
            for name, row in results.items():
                print(f"  {name:24}" + "".join(f"{row[c]:>20.2f}" for c in columns))
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
