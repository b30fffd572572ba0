"""The partner's page in a real browser: headless Chromium (Debian's ``chromium``) via Playwright.

Skipped, with the reason, when chromium or Playwright is missing, unless
``PARTNER_COACH_REQUIRE_BROWSER=1`` (CI), which turns the skip into a failure.
``PARTNER_COACH_UPDATE_SCREENSHOTS=1`` also writes docs/images/mutual-plan.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from bot.demo_page.browser import find_browser
from tests.conftest import ALICE, DEAL
from tests.e2e.test_mutual_plan import items, share

CHROMIUM = find_browser()  # $PARTNER_COACH_CHROMIUM, else chromium on PATH (as the demo page's check)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "mutual-plan.png"
PHONE = {"width": 390, "height": 844}


def _unavailable() -> str | None:
    if CHROMIUM is None:
        return "chromium is not installed (Debian: apt-get install chromium, or set PARTNER_COACH_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture
def browser(tmp_path):
    """A launcher of fresh headless Chromium profiles; each page records console errors."""
    reason = _unavailable()
    if reason:
        if os.environ.get("PARTNER_COACH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PARTNER_COACH_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        contexts = []

        def open_page(javascript: bool = True):
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / f"profile-{len(contexts)}"), executable_path=CHROMIUM, headless=True,
                args=FLAGS, java_script_enabled=javascript, viewport=PHONE, device_scale_factor=2,
            )
            contexts.append(context)
            page = context.pages[0] if context.pages else context.new_page()
            page.problems = []  # console errors, uncaught errors, failed loads (CSP blocks show here)
            page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
            page.on("pageerror", lambda e: page.problems.append(str(e)))
            page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url}"))
            return page

        yield open_page
        for context in contexts:
            context.close()


@pytest.fixture
def plan(slack):
    slack.command("deal Acme Corp proposal", user=ALICE, channel=DEAL)
    slack.command("give a 30-day pilot workspace by Friday", user=ALICE, channel=DEAL)  # 1
    slack.command("give weekly check-in calls during the pilot", user=ALICE, channel=DEAL)  # 2
    slack.command("get an intro to their CFO from Dana Lee by Dec 3", user=ALICE, channel=DEAL)  # 3
    slack.command("get the signed NDA from Sam <@U0BOB|bob> by Dec 10", user=ALICE, channel=DEAL)  # 4
    slack.command("get the budget ceiling is 40k (private)", user=ALICE, channel=DEAL)  # 5
    slack.command("done 2", user=ALICE, channel=DEAL)
    return share(slack)


def test_the_page_renders_without_console_errors_and_confirms_with_javascript(browser, plan, bot, tmp_path):
    page = browser(javascript=True)
    page.goto(plan)
    assert page.get_by_role("heading", level=1).inner_text() == "Acme Corp"
    assert page.get_by_role("heading", name="What we commit to").is_visible()
    assert page.get_by_role("heading", name="What you commit to").is_visible()
    assert "40k" not in page.content()
    # Every visible form field has a label a screen reader announces.
    page.get_by_text("Propose a different date or wording").first.click()
    assert page.get_by_label("Due date").first.is_visible()
    assert page.get_by_label("Wording").first.is_visible()
    page.get_by_role("button", name="Confirm: we'll do this by Thu 3 Dec 2026").click()
    page.wait_for_url("**notice=confirmed**")
    assert "your confirmation is recorded" in page.get_by_role("status").inner_text()
    assert items(bot)[3].is_confirmed and not items(bot)[4].is_confirmed
    assert page.problems == []
    update = os.environ.get("PARTNER_COACH_UPDATE_SCREENSHOTS") == "1"
    target = SCREENSHOT if update else tmp_path / SCREENSHOT.name
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_the_confirm_button_works_without_javascript(browser, plan, bot):
    page = browser(javascript=False)
    page.goto(plan)
    page.get_by_role("button", name="Confirm: we'll do this by Thu 10 Dec 2026").click()
    page.wait_for_url("**notice=confirmed**")
    assert items(bot)[4].is_confirmed and not items(bot)[3].is_confirmed
    assert "You confirmed this" in page.content()
    assert page.problems == []


def test_the_browser_honours_the_security_headers(browser, plan):
    page = browser(javascript=True)
    response = page.goto(plan)
    assert response.headers["x-frame-options"] == "DENY"
    # The inline stylesheet is allowed by its hash: the page is styled, not blocked.
    colour = page.eval_on_selector("body", "el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(246, 246, 248)"
    assert requests.get(plan, timeout=10).headers["Referrer-Policy"] == "no-referrer"
