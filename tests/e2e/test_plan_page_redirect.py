"""A form on the partner's page sends the browser back to the page that holds its step, as
the team ordered the plan: worked out by counting the step's place, not by building the page
again (bench/plan_page.py measures both)."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.e2e.test_plan_page_walk import CSRF, share_link


@pytest.fixture
def long_plan(slack):
    """60 steps a side (ours #1, #3, …; theirs #2, #4, …): three pages; then the link."""
    for n in range(60):
        slack.command(f"give step {n} for them", user=ALICE, channel=DEAL)
        slack.command(f"get step {n} from them", user=ALICE, channel=DEAL)
    return share_link(slack)


def post(link: str, action: str, number: int, **fields: str) -> requests.Response:
    csrf = CSRF.search(requests.get(link, timeout=10).text).group(1)
    return requests.post(f"{link}/{action}/{number}", data={"csrf": csrf, **fields},
                         allow_redirects=False, timeout=10)


def test_a_step_the_team_moved_to_the_bottom_is_confirmed_back_on_the_last_page(long_plan, slack):
    moved = reply_text(slack.command("plan move 2 bottom", user=ALICE, channel=DEAL))
    assert "moved to place 60 of 60" in moved
    answer = post(long_plan, "confirm", 2)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("?notice=confirmed&page=3#item-2")
    page = requests.get(long_plan.rsplit("/plans/", 1)[0] + answer.headers["Location"], timeout=10).text
    assert 'id="item-2"' in page and "Page 3 of 3" in page


def test_a_step_moved_to_the_top_is_answered_on_the_first_page_without_a_page_number(long_plan, slack):
    slack.command("plan move 120 top", user=ALICE, channel=DEAL)
    answer = post(long_plan, "propose", 120, what="the signed order form, countersigned", due_on="")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("?notice=proposed#item-120")


def test_after_order_auto_the_step_is_back_where_attention_puts_it(long_plan, slack):
    slack.command("plan move 2 bottom", user=ALICE, channel=DEAL)
    slack.command("plan order auto", user=ALICE, channel=DEAL)
    answer = post(long_plan, "confirm", 2)
    assert answer.headers["Location"].endswith("?notice=confirmed#item-2")
