"""Database files the release before the unified dispatcher left in the middle of scheduled
posts (killed, or upgraded with a retry pending) settle with exactly one post.

``data/release_records.json`` was written by that release (see
``data/make_release_records.py``): each scenario holds the TinyDB journal as it was on disk
and the messages Slack had taken by then. The test starts the current code on that file,
with Slack holding those messages, as an upgrade would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.schedule.jobs import ACTIVE, DONE, JOB
from bot.store import Doc
from bot.store.journal import read_shards
from tests.schedule.crashes import SHAPES, STOPS, Process, marked_posts, read_jobs, seed, settle

RELEASE = json.loads((Path(__file__).parent / "data" / "release_records.json").read_text(encoding="utf-8"))
SCENARIOS = RELEASE["scenarios"]


def seed_slack(emulator, landed: list[dict]) -> None:
    """Put the messages the release had posted back into Slack's history."""
    for entry in landed:
        message = dict(entry["message"])
        emulator.add_message(entry["channel"], message.pop("text"), user=message.pop("user"),
                             ts=message.pop("ts"), **message)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_database_the_release_left_mid_post_settles_with_exactly_one_post(tmp_path, emulator, clock, name):
    scenario = SCENARIOS[name]
    shape = SHAPES[scenario["shape"]]
    path = tmp_path / "db.json"
    path.write_text(scenario["journal"], encoding="utf-8")
    seed_slack(emulator, scenario["slack"])
    assert any(d["status"] in ACTIVE for d in read_jobs(path, clock, emulator, shape))
    reports = settle(path, clock, emulator)

    landed = [(e["channel"], e["message"]["ts"], e["message"]["text"]) for e in scenario["slack"]]
    landed += [(c.response["channel"], c.response["ts"], c.args["text"]) for c in marked_posts(emulator)]
    [(channel, ts, text)] = landed  # what the release posted, or one new post: never both
    for doc in read_jobs(path, clock, emulator, shape):
        assert doc["id"] in text
        assert (doc["status"], doc["posted_ts"], doc["posted_channel"]) == (DONE, ts, channel), doc
    assert [r.posted + r.recovered for r in reports[1:]] == [[], []]


def test_the_fixture_holds_every_kind_of_unsettled_record():
    # Guards the fixture itself: both shapes, a post Slack took and one it didn't, retries.
    docs = [json.loads(line) for s in SCENARIOS.values() for line in s["journal"].splitlines()]
    jobs = [job for line in docs for job in (line.get("u") or line.get("d") or {}).get("job", {}).values()
            if job is not None]
    assert {s["shape"] for s in SCENARIOS.values()} == {"single", "batch"}
    assert {bool(s["slack"]) for s in SCENARIOS.values()} == {True, False}
    assert any(j["status"] == "sending" and "batch" in j for j in jobs)
    assert any(j["status"] == "sending" and "batch" not in j for j in jobs)
    assert any(j["status"] == "pending" and j["uncertain"] for j in jobs)
    assert any(j["status"] == "sending" and j["retry_at"] for j in jobs)


def jobs_in(path: Path) -> dict[str, Doc]:
    """Every job record a database file holds, by shard and id; the ts Slack gave a post
    (it differs from one run to the next) blanked."""
    return {f"{shard}:{job_id}": {**doc, "posted_ts": doc["posted_ts"] and "<ts>"}
            for shard, kinds in read_shards(path).items() for job_id, doc in kinds.get(JOB, {}).items()}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_stopped_at_the_same_point_this_code_leaves_the_records_the_release_left(tmp_path, emulator, clock,
                                                                                 name):
    # Same fields, same values: a release rolled back to reads them as it wrote them.
    scenario = SCENARIOS[name]
    stop = name.removeprefix(f"{scenario['shape']}-")
    path = tmp_path / "db.json"
    process = Process(path, clock, emulator)
    try:
        seed(process, SHAPES[scenario["shape"]])
        STOPS[stop](process, emulator, clock)
    finally:
        process.close()
    release = tmp_path / "release.json"
    release.write_text(scenario["journal"], encoding="utf-8")
    assert jobs_in(path) == jobs_in(release)
