"""The last look a debrief prompt gets when it comes due: too late, shared channel, lost deal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.domain.meetings import PROMPT_LATEST, prompt_is_stale
from bot.domain.stages import Stage
from bot.messages import Message
from bot.schedule.jobs import new_job
from bot.schedule.posts import POST, stored_payload
from bot.services.deals import Deals
from bot.services.debrief_prompts import DebriefPrompts
from bot.store import Scope, TinyDBStore

ENDED = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
SCOPE = Scope("T1", "C1")


@pytest.mark.parametrize(("after", "stale"), [
    (timedelta(minutes=5), False), (PROMPT_LATEST, False), (PROMPT_LATEST + timedelta(seconds=1), True),
    (timedelta(days=3), True),
])
def test_a_prompt_is_stale_only_past_the_limit(after, stale):
    assert prompt_is_stale(ENDED, ENDED + after) is stale


def job(message: Message) -> dict:
    return new_job("j", POST, ENDED, stored_payload(message), ENDED)


@pytest.fixture
def prompts(tmp_path):
    store = TinyDBStore(tmp_path / "db.json")
    deals = Deals(store, FakeClock(ENDED))
    deals.set_stage(SCOPE, "Acme Corp", Stage.LOST, "U1")
    shared: set[Scope] = set()
    return DebriefPrompts(deals, lambda scope: scope in shared), shared


def test_a_late_prompt_is_skipped_and_a_few_hours_late_one_says_how_late(prompts):
    renderer, _ = prompts
    message = Message("debrief_prompt", {"topic": "Globex", "user": None, "ended_at": ENDED.isoformat()})
    assert renderer.render(SCOPE, job(message), ENDED + timedelta(days=2)) is None
    shown = renderer.render(SCOPE, job(message), ENDED + timedelta(hours=3, minutes=10))
    assert shown is not None and shown.context["hours_ago"] == 3 and shown.context["lost"] is False


def test_the_deal_stage_and_the_channel_decide_the_wording_when_due(prompts):
    renderer, shared = prompts
    message = Message("debrief_prompt", {"topic": "acme corp", "user": None, "ended_at": ENDED.isoformat()})
    first = renderer.render(SCOPE, job(message), ENDED + timedelta(minutes=5))
    assert first.context["lost"] is True and first.context["partner_reads"] is False
    shared.add(SCOPE)
    assert renderer.render(SCOPE, job(message), ENDED + timedelta(minutes=5)).context["partner_reads"] is True


def test_other_posts_go_as_stored(prompts):
    renderer, _ = prompts
    other = Message("reminder_snoozed", {"x": 1})
    assert renderer.render(SCOPE, job(other), ENDED + timedelta(days=30)) == other
