"""The partner's page walked as both sides read it: a long plan in pages of 25 steps a side,
hostile step text (HTML, mrkdwn, right-to-left, long unbroken unicode) inert and isolated,
and, in headless Chromium at a phone's width without JavaScript, no sideways scrolling and
headings and links a screen reader can follow."""

from __future__ import annotations

import re

import pytest
import requests

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.e2e.test_plan_browser import browser  # noqa: F401  (the Chromium fixture)

LINK = re.compile(r"http://127\.0\.0\.1:\d+/plans/[A-Za-z0-9_-]{43}")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
RTL = "تسليم العقد الموقع"  # "deliver the signed contract"
HOSTILE = [
    "<script>alert(1)</script> a pilot",
    "<!channel> *bold* <http://evil.example|click> the deck",
    f"{RTL} by Dec 4",
    "é" * 290,
    "🤝" * 140,
]


def share_link(slack) -> str:
    return LINK.search(reply_text(slack.command("share", user=ALICE, channel=DEAL))).group(0)


def numbers(html: str, heading: str) -> list[int]:
    section = html.split(f">{heading}</h2>")[1].split("</section>")[0]
    return [int(n) for n in re.findall(r'<li id="item-(\d+)"', section)]


@pytest.fixture
def long_plan(slack):
    """60 steps a side (ours #1, #3, …; theirs #2, #4, …), then the link."""
    slack.command("deal Acme Corp proposal", user=ALICE, channel=DEAL)
    for n in range(60):
        slack.command(f"give step {n} for them", user=ALICE, channel=DEAL)
        slack.command(f"get step {n} from them", user=ALICE, channel=DEAL)
    return share_link(slack)


def test_a_long_plan_shows_25_steps_a_side_a_page_with_links_to_the_others(long_plan):
    first = requests.get(long_plan, timeout=10).text
    assert numbers(first, "What we commit to") == list(range(1, 51, 2))
    assert numbers(first, "What you commit to") == list(range(2, 51, 2))
    assert "1–25 of 60" in first and "Page 1 of 3" in first
    assert '<a href="?page=2" rel="next">' in first and 'rel="prev"' not in first
    assert "<dt>Waiting for your confirmation</dt><dd>60</dd>" in first  # counts: the whole plan
    last = requests.get(f"{long_plan}?page=3", timeout=10).text
    assert numbers(last, "What we commit to") == list(range(101, 121, 2))
    assert "51–60 of 60" in last and 'rel="next"' not in last and '<a href="?page=2" rel="prev">' in last
    assert '<ol class="items" start="51">' in last


def test_a_page_number_out_of_range_or_not_a_number_shows_a_real_page(long_plan):
    for asked, shown in [("99", 3), ("0", 1), ("abc", 1), ("-2", 1), ("1e9", 1), ("<b>", 1)]:
        page = requests.get(long_plan, params={"page": asked}, timeout=10)
        assert page.status_code == 200 and f"Page {shown} of 3" in page.text, asked


def test_confirming_a_step_on_a_later_page_returns_to_that_page(long_plan, bot):
    page = requests.get(f"{long_plan}?page=2", timeout=10)
    answer = requests.post(f"{long_plan}/confirm/60", data={"csrf": CSRF.search(page.text).group(1)},
                           allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("?notice=confirmed&page=2#item-60")
    after = requests.get(long_plan.rsplit("/plans/", 1)[0] + answer.headers["Location"], timeout=10).text
    assert "your confirmation is recorded" in after and 'id="item-60"' in after
    assert bot.runtime.services.ledger.get(Scope("T0001", DEAL), 60).is_confirmed


def test_a_refused_proposal_on_a_later_page_is_explained_on_that_page(long_plan):
    page = requests.get(f"{long_plan}?page=2", timeout=10)
    answer = requests.post(f"{long_plan}/propose/60", allow_redirects=False, timeout=10, data={
        "csrf": CSRF.search(page.text).group(1), "what": "", "due_on": "2020-01-01"})
    assert answer.status_code == 400 and "Page 2 of 3" in answer.text
    assert 'id="error-60" role="alert"' in answer.text


def test_a_short_plan_has_no_page_links(slack):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    html = requests.get(share_link(slack), timeout=10).text
    assert "Pages of the plan" not in html and "of 1" not in html and "Go to your side" not in html


def test_hostile_step_text_is_inert_and_kept_apart_from_the_pages_own_words(slack):
    for text in HOSTILE:
        slack.command(f"give {text}", user=ALICE, channel=DEAL)
        slack.command(f"get {text} from <@U0BOB|bob>", user=ALICE, channel=DEAL)
    html = requests.get(share_link(slack), timeout=10).text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<!channel>" not in html and 'href="http://evil.example' not in html
    # Right-to-left text is isolated: it can't reorder "Item 5:" or the text after it.
    assert f'<span class="visually-hidden">Item 5: </span><bdi>{RTL}</bdi></h3>' in html
    assert "<dd><bdi>@bob</bdi></dd>" in html  # who on their side, as typed
    assert "é" * 290 in html and "🤝" * 140 in html


def test_a_500_character_unicode_step_is_refused_in_slack_and_nothing_is_logged(slack, bot):
    answer = reply_text(slack.command("give " + RTL * 28, user=ALICE, channel=DEAL))
    assert "300" in answer and "Usage: `/partner give" in answer
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []


def test_on_a_phone_without_javascript_nothing_scrolls_sideways_and_headings_lead_the_way(
        browser, slack, bot):  # noqa: F811
    slack.command("deal Acme Corp proposal", user=ALICE, channel=DEAL)
    for text in HOSTILE:
        slack.command(f"give {text}", user=ALICE, channel=DEAL)
        slack.command(f"get {text} from Dana Lee-{'x' * 120}", user=ALICE, channel=DEAL)
    for n in range(30):
        slack.command(f"get step {n} from Dana", user=ALICE, channel=DEAL)
    link = share_link(slack)
    page = browser(javascript=False)
    page.goto(link)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    wide = page.evaluate("""Array.from(document.querySelectorAll('main *')).filter(
        e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length""")
    assert wide == 0
    levels = page.evaluate("Array.from(document.querySelectorAll('h1,h2,h3')).map(h => +h.tagName[1])")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    page.get_by_role("link", name="Go to your side of the plan").click()
    assert page.url.endswith("#theirs")
    pages = page.get_by_role("navigation", name="Pages of the plan")
    pages.get_by_role("link", name="Next 25 a side").click()
    page.wait_for_url("**?page=2")
    assert page.get_by_text("Page 2 of 2").is_visible()
    assert page.get_by_role("button", name="Confirm: we'll do this").count() == 10  # theirs 26–35
    assert page.problems == []
