"""Digest and check-in over signed HTTP: each item in one section, dropped items not counted,
items kept before the signature not listed as kept since it, one coaching paragraph each."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, coaching_paragraphs, nudges
from tests.e2e.test_schedule import posted, sign

NUMBER = re.compile(r"\*#(\d+)\*")


@pytest.fixture
def schedule(bot):
    return bot.runtime.services.schedule


def sections(message, headings: dict[str, str]) -> dict[str, list[int]]:
    """Item numbers listed under each heading (a section block whose text starts with it)."""
    found: dict[str, list[int]] = {name: [] for name in headings}
    for block in message["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        for name, start in headings.items():
            if block.get("type") == "section" and text.startswith(start):
                found[name] += [int(n) for n in NUMBER.findall(text)]
    return found


CHECKIN_SECTIONS = {"overdue": ":red_circle: *Overdue", "kept": ":tada: *Kept since the signature",
                    "give": "*Still open — we give", "get": "*Still open — we get"}
DIGEST_SECTIONS = {"overdue": ":red_circle: _Overdue_", "kept": ":white_check_mark: _Kept_",
                   "new": ":memo: _New this week"}


def test_checkin_lists_each_item_once_and_only_what_was_kept_since_the_signature(
        slack, bot, schedule, emulator, clock):
    say = lambda text: slack.command(text, user=ALICE, channel=DEAL)  # noqa: E731
    say("give pilot workspace by Nov 24")          # 1: open, overdue by the check-in
    say("give security review")                    # 2: kept before the signature
    say("give onboarding call")                    # 3: open
    say("get case study from Dana by Nov 25")      # 4: theirs, overdue by the check-in
    say("give <!channel> free lunch")              # 5: dropped
    say("done 2")
    say("drop 5")
    clock.advance(timedelta(hours=1))
    say("give kickoff agenda")                     # 6: kept at the very second of the signature
    say("done 6")
    sign(slack, bot)
    clock.advance(timedelta(hours=2))
    say("get logo for the case study")             # 7: theirs, kept after the signature
    say("done 7")
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    assert schedule.run_due().posted == ["checkin:acme:7"]
    [checkin] = posted(emulator, "checkin:", DEAL)
    shown = sections(checkin, CHECKIN_SECTIONS)
    assert shown == {"overdue": [1, 4], "kept": [6, 7], "give": [3], "get": []}
    listed = [n for numbers in shown.values() for n in numbers]
    assert len(listed) == len(set(listed))  # one item, one section
    assert "Kept since the signature (2)" in all_text(checkin)
    assert "free lunch" not in all_text(checkin) and "security review" not in all_text(checkin)
    assert coaching_paragraphs(checkin) == 1 and nudges(checkin) == ["our_late"]


def test_digest_lists_each_item_once_and_does_not_count_dropped_ones(slack, bot, schedule, emulator, clock):
    say = lambda text: slack.command(text, user=ALICE, channel=DEAL)  # noqa: E731
    say("give pilot workspace")                    # 1: made and kept this week
    say("give security review by Nov 24")          # 2: made this week, overdue
    say("give onboarding call")                    # 3: made this week, open
    say("get case study from Dana")                # 4: made this week, dropped
    say("done 1")
    say("drop 4")
    clock.advance(timedelta(days=3))
    say("digest now")
    emulator.wait_for(lambda calls: any("Weekly partnership digest" in all_text(m)
                                        for m in emulator.messages(DEAL)))
    [digest] = [m for m in emulator.messages(DEAL) if "Weekly partnership digest" in all_text(m)]
    text = all_text(digest)
    assert "*This week:* 3 made · 1 kept · 1 overdue" in text
    assert "*We give* — 3 made · 1 kept · 1 overdue" in text
    assert "*We get*" not in text and "case study" not in text  # a dropped get is no news
    assert sections(digest, DIGEST_SECTIONS) == {"overdue": [2], "kept": [1], "new": [3]}
    assert coaching_paragraphs(digest) == 1 and nudges(digest) == ["our_late"]
