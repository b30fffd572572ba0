"""What the partner's page costs the server, against the cheapest request it answers.

Run from the repository root::

    python bench/plan_page.py [--items 50] [--requests 300]

It starts the real bot (waitress, TinyDB, the local Slack emulator) in-process, logs
``items`` commitments in one channel (both sides, a private one every tenth), creates the
share link with a signed `/partner share`, then sends ``requests`` sequential requests of
each kind over one keep-alive connection:

- ``GET /healthz`` (the baseline: routing and an HTTP answer, nothing else);
- ``GET /plans/<token>`` (token check, ledger read, HTML render, security headers);
- ``GET /plans/<wrong token>`` (the 404 a guesser gets, before the rate limit starts);
- ``POST /plans/<token>/confirm/<n>`` for their last step (the 303 back to the page that
  holds it; after the first, an "already confirmed" that changes nothing, so every request
  does the same work: token, form token, the item, the page number to redirect to).

``--items 200`` is the long plan of the paging work (8 pages of 25 steps a side).

Then, in-process, what a form's redirect needs to know (the page that holds the step)
worked out both ways, in the same run: building the whole page (deals, names, proposals,
the next check-in, both sides sorted) and finding the step in it, as before; or counting
the steps placed before it (``MutualPlans.step_index``), as now.

The rate limiter is reset between the wrong-token requests so all of them are 404s. Names
come from users.info once and are cached, as in production. The ratios to the baseline are
what to compare across machines.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402

from bot.emulator import SlackEmulator  # noqa: E402
from bot.emulator.local_bot import LocalBot  # noqa: E402
from bot.store import Scope  # noqa: E402
from bot.web.plan_page import MissLimiter, page_holding, page_of  # noqa: E402

USERS = {"U0ALICE": "Alice Archer", "U0BOB": "Bob Baker"}
CHANNEL = "C0DEAL"


def timed(session: requests.Session, url: str, count: int, expect: int, before=None,
          form: dict[str, str] | None = None) -> list[float]:
    """Milliseconds per request: GETs, or POSTs of ``form`` (redirects not followed)."""
    times = []
    for _ in range(count):
        if before:
            before()
        start = time.perf_counter()
        if form is None:
            response = session.get(url, timeout=10)
        else:
            response = session.post(url, data=form, allow_redirects=False, timeout=10)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == expect, response.status_code
    return times


def in_process(work, count: int) -> list[float]:
    """Milliseconds per call of ``work``."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    emulator = SlackEmulator().start()
    for user, name in USERS.items():
        emulator.add_user(user, real_name=name)
    emulator.add_channel(CHANNEL, "deal-acme", members=list(USERS))
    with tempfile.TemporaryDirectory() as tmp, LocalBot(emulator, Path(tmp) / "db.json") as bot:
        slack = bot.driver
        slack.command("deal Acme Corp negotiation", user="U0ALICE", channel=CHANNEL)
        for n in range(args.items):
            side = "give" if n % 2 else "get"
            private = " (private)" if n % 10 == 9 else ""
            slack.command(f"{side} item number {n} <b>&amp; co</b> by Dec {1 + n % 28}{private}",
                          user="U0ALICE", channel=CHANNEL)
        link = re.search(r"http://\S+/plans/[A-Za-z0-9_-]{43}", slack.command(
            "share", user="U0ALICE", channel=CHANNEL).text).group(0)
        wrong = link[:-43] + "x" * 43
        pages = bot.runtime.wsgi._plans
        session = requests.Session()
        timed(session, link, 20, 200)  # warm up: templates compiled, names cached
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', session.get(link, timeout=10).text).group(1)
        theirs = max(n + 1 for n in range(args.items) if n % 2 == 0)  # their last step (a get)
        rows = {
            "GET /healthz (baseline)": timed(session, bot.base_url + "/healthz", args.requests, 200),
            "GET /plans/<token>": timed(session, link, args.requests, 200),
            "GET /plans/<wrong token>": timed(
                session, wrong, args.requests, 404,
                before=lambda: setattr(pages, "limiter", MissLimiter(bot.runtime.clock))),
            f"POST confirm/{theirs} (303)": timed(session, f"{link}/confirm/{theirs}", args.requests, 303,
                                                  form={"csrf": csrf}),
        }
        size = len(session.get(link, timeout=10).content)
        plans, scope = bot.runtime.services.plans, Scope("T0001", CHANNEL)
        assert page_holding(plans.page(scope).view, theirs) == page_of(plans.step_index(scope, theirs))
        redirect = {
            "whole page, then find it": in_process(lambda: page_holding(plans.page(scope).view, theirs),
                                                   args.requests),
            "step_index (counted)": in_process(lambda: page_of(plans.step_index(scope, theirs)),
                                               args.requests),
        }
    emulator.stop()
    base = statistics.median(rows["GET /healthz (baseline)"])
    print(f"{args.items} items, {args.requests} sequential requests each, page {size:,} bytes")
    print(f"{'request':28} {'p50 ms':>8} {'p95 ms':>8} {'p50 / baseline':>15}")
    for name, times in rows.items():
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"{name:28} {p50:8.2f} {p95:8.2f} {p50 / base:14.1f}x")
    whole = statistics.median(redirect["whole page, then find it"])
    print(f"\nthe page a form redirects to, in-process ({args.requests} times each)")
    print(f"{'way':28} {'p50 ms':>8} {'p50 / whole page':>17}")
    for name, times in redirect.items():
        print(f"{name:28} {statistics.median(times):8.3f} {statistics.median(times) / whole:16.2f}x")


if __name__ == "__main__":
    main()
