"""What the moved-meeting and reminder bookkeeping costs a planning sweep.

Run from the repository root::

    python bench/calendar_replan.py                # 300 customer meetings, all asked about
    python bench/calendar_replan.py --meetings 1000

The calendar planner runs every minute. Since round 7 it also looks, for every meeting whose
prompt went out, at when that was (a meeting moved after its prompt is asked about again) and
keeps that prompt's one reminder planned. Measured in this process on the same TinyDB store,
each the median CPU time of ``--rounds`` sweeps:

* ``plain``: the sweep with that bookkeeping switched off (the planner as before round 7);
* ``rounds``: the sweep as shipped.

Compare the ratio, not milliseconds, across machines.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from calendar_busy import median_seconds  # bench/, beside this script

from bot.clock import FakeClock
from bot.domain.calendar import ACTIVE, Occurrence
from bot.domain.stages import Stage
from bot.schedule.jobs import DONE, JobStore
from bot.services import calendar_plan
from bot.services.calendar_feeds import FeedStore, new_feed
from bot.services.calendar_plan import MeetingPlanner
from bot.services.deals import Deals
from bot.store import Scope
from bot.store.tinydb_store import TinyDBStore

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
WORKSPACE, CHANNEL, USER = "T0001", "C0DEAL", "U0ALICE"


class Directory:
    """Slack's answers about people, as the planner asks them (one person, one channel)."""

    def user_tz(self, workspace: str, user_id: str) -> str:
        return "America/New_York"

    def user_email(self, workspace: str, user_id: str) -> str | None:
        return "alice@ourco.com"

    def user_by_email(self, workspace: str, email: str) -> str | None:
        return USER if email == "alice@ourco.com" else None

    def channels_of(self, workspace: str, user_id: str) -> set[str]:
        return {CHANNEL}


def build(path: Path, meetings: int) -> MeetingPlanner:
    """A store with one deal, one feed of ``meetings`` customer meetings that ended in the last
    hours, every prompt planned and posted."""
    store, clock = TinyDBStore(path), FakeClock(NOW - timedelta(hours=6))
    deals, jobs = Deals(store, clock), JobStore(store)
    deals.set_stage(Scope(WORKSPACE, CHANNEL), "Acme Corp", Stage.QUALIFIED, USER)
    deals.set_domains(Scope(WORKSPACE, CHANNEL), "Acme Corp", ["acme.com"], USER)
    feeds = FeedStore(store)
    step = timedelta(hours=5) / meetings
    occurrences = [Occurrence(key=f"m{n}", uid=f"m{n}", title=f"Acme call {n}",
                              starts_at=NOW - timedelta(hours=5) + step * n,
                              ends_at=NOW - timedelta(hours=5) + step * n + timedelta(minutes=1),
                              attendees=("alice@ourco.com", f"p{n}@acme.com"), state=ACTIVE).to_doc()
                   for n in range(meetings)]
    feed = {**new_feed(USER, "https://calendar.example/alice.ics", NOW - timedelta(days=1)),
            "occurrences": occurrences}
    feeds.put(WORKSPACE, USER, feed)
    planner = MeetingPlanner(store, feeds, deals, jobs, Directory())
    planner.plan(WORKSPACE, NOW - timedelta(hours=6))
    scope = Scope(WORKSPACE, CHANNEL)
    for n, doc in enumerate(jobs.find(scope)):
        posted = f"1795000000.{n:06d}"
        jobs.change(scope, doc["id"], lambda d, ts=posted: {**d, "status": DONE, "posted_ts": ts}, NOW)
    planner.plan(WORKSPACE, NOW)  # the reminders are planned
    return planner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meetings", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    shipped = calendar_plan.Asks.note_finished

    def bookkeeping(on: bool) -> None:
        """Switch the round-7 bookkeeping on (as shipped) or off (no prompt is ever seen as out)."""
        calendar_plan.Asks.note_finished = shipped if on else (lambda self, jobs, workspace, job_id: None)

    with tempfile.TemporaryDirectory() as folder:
        now = NOW + timedelta(minutes=1)
        planners = {}
        for name, on in (("plain", False), ("rounds", True)):
            bookkeeping(on)
            planners[name] = build(Path(folder) / f"{name}.json", args.meetings)
            planners[name].plan(WORKSPACE, now)  # warm: records settle
        results: dict[str, list[float]] = {}
        for name in ("plain", "rounds", "plain", "rounds"):
            bookkeeping(name == "rounds")
            results.setdefault(name, []).append(
                median_seconds(lambda name=name: planners[name].plan(WORKSPACE, now), args.rounds))
        bookkeeping(True)
        base = statistics.median(results["plain"])
        print(f"a planning sweep over {args.meetings} customer meetings whose prompts went out")
        for name, values in results.items():
            value = statistics.median(values)
            print(f"{name:7} {value * 1000:8.1f} ms CPU a sweep   x{value / base:.2f}")

if __name__ == "__main__":
    main()
