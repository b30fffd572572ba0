"""docs/getting-started.md is true: every command in its code blocks, run in order through
signed HTTP, is understood and does what the page says (the partner's commands as a member
of the partner's own workspace in a Slack Connect channel)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.store import Scope
from tests.conftest import ALICE, BOB
from tests.e2e.helpers import all_text, reply_text

TOUR = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"
PARTNER_SECTION = "## Your partner, in a shared channel"
BLOCK = re.compile(r"```text\n(.*?)```", re.DOTALL)
REFUSED = (":warning:", "I don't know", "Usage:", "nothing changed")
TOUR_CHANNEL, DANA = "C0TOUR", "U0DANA"


def commands(markdown: str) -> list[str]:
    """The `/partner …` lines of the page's code blocks, in reading order."""
    return [line.strip().removeprefix("/partner").strip() for block in BLOCK.findall(markdown)
            for line in block.splitlines() if line.strip().startswith("/partner")]


def tour() -> tuple[list[str], list[str]]:
    """Our team's commands, and the partner's (the section after PARTNER_SECTION)."""
    ours, _, theirs = TOUR.read_text().partition(PARTNER_SECTION)
    assert theirs, f"{TOUR.name} lost its section {PARTNER_SECTION!r}"
    return commands(ours), commands(theirs.split("\n## ", 1)[0])


def test_the_tour_shows_the_commands_a_newcomer_needs():
    ours, theirs = tour()
    firsts = [command.split()[0] for command in ours]
    assert {"deal", "give", "get", "list", "edit", "done", "plan", "share", "digest"} <= set(firsts)
    assert firsts.index("deal") < firsts.index("give") < firsts.index("plan") < firsts.index("share")
    assert {command.split()[0] for command in theirs} == {"plan", "confirm", "done"}


@pytest.fixture
def tour_channel(emulator):
    """A Slack Connect deal channel: Dana, of the partner's own workspace, is a member."""
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(TOUR_CHANNEL, "deal-acme-shared", members=[ALICE, BOB, DANA], is_ext_shared=True)
    return TOUR_CHANNEL


def test_every_command_of_the_tour_works_as_written_in_order(slack, bot, emulator, tour_channel):
    ours, theirs = tour()
    answers = {}
    for typed in ours:
        answer = reply_text(slack.command(typed, user=ALICE, channel=tour_channel))
        assert not [word for word in REFUSED if word in answer], f"/partner {typed}: {answer}"
        answers[typed] = answer
    for typed in theirs:
        answer = reply_text(slack.command(typed, user=DANA, channel=tour_channel))
        assert not [word for word in REFUSED if word in answer], f"{DANA}: /partner {typed}: {answer}"
        assert "40k" not in answer and "budget ceiling" not in answer  # never their view of ours
    bot.wait_idle()
    items = {c.number: c for c in bot.runtime.services.ledger.items(Scope("T0001", tour_channel))}
    # What the page says each step does.
    assert items[1].status == "done" and items[1].side == "give"
    assert items[2].what == "an intro to their CFO and CTO" and items[2].due_on.isoformat() == "2026-12-10"
    assert items[2].status == "done" and items[2].confirmed_by == DANA
    assert items[3].is_private
    edited = next(answer for typed, answer in answers.items() if typed.startswith("edit"))
    assert "Was: an intro to their CFO, due Thu 3 Dec 2026." in edited
    plan = next(answer for typed, answer in answers.items() if typed == "plan")
    assert "kept" in plan and "waiting for their confirmation" in plan and "40k" not in plan
    assert "/plans/" in next(answer for typed, answer in answers.items() if typed == "share")
    deals = bot.runtime.services.deals.all(Scope("T0001", tour_channel))
    assert [(deal.name, deal.stage.value) for deal in deals] == [("Acme Corp", "signed")]
    assert any("confirmed #2" in all_text(message) for message in emulator.messages(tour_channel))
