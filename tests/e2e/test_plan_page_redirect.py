"""A form on the partner's page sends the browser back to the page that holds its step, as
the team ordered the plan: worked out by counting the step's place, not by building the page
again (bench/plan_page.py measures both)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
import requests

from bot.domain.mutual_plan import LINK_LIFETIME
from bot.store import Scope
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


@pytest.fixture
def short_plan(slack):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)  # 1, ours
    slack.command("get the signed NDA from Dana by Dec 3", user=ALICE, channel=DEAL)  # 2, theirs
    return share_link(slack)


def test_the_redirect_after_a_form_carries_only_its_address_and_the_pages_protections(short_plan):
    page = requests.get(short_plan, timeout=10)
    answer = post(short_plan, "confirm", 2)
    assert answer.status_code == 303 and answer.reason == "See Other" and answer.content == b""
    names = {name for name in answer.headers if name not in ("Date", "Server", "Connection")}
    assert names == {"Location", "Content-Length", "Content-Security-Policy", "X-Frame-Options",
                     "Referrer-Policy", "X-Content-Type-Options", "Cache-Control", "X-Robots-Tag",
                     "Cross-Origin-Opener-Policy"}
    assert answer.headers["Content-Length"] == "0"
    assert answer.headers["Content-Security-Policy"] == page.headers["Content-Security-Policy"]


def test_a_form_for_a_step_that_is_not_theirs_says_so_in_words(short_plan, bot):
    for action in ("confirm", "propose"):
        answer = post(short_plan, action, 1, what="a longer pilot", due_on="")  # #1 is ours
        assert answer.status_code == 404 and "That item is not on this plan (any more)." in answer.text
    bot.wait_idle()
    assert not bot.runtime.services.ledger.get(Scope("T0001", DEAL), 1).is_confirmed


def test_the_partners_answers_go_out_as_the_channels_workspace(short_plan, bot, emulator):
    pages = bot.runtime.wsgi._plans
    sent, send = [], pages._post
    pages._post = lambda scope, target, message: (sent.append((scope, target)), send(scope, target, message))
    post(short_plan, "confirm", 2)  # announced in the channel
    post(short_plan, "propose", 2, what="the signed NDA and DPA", due_on="")  # to the owner, directly
    assert sent == [(Scope("T0001", DEAL), DEAL), (Scope("T0001", DEAL), ALICE)]


def test_a_client_guessing_links_is_stopped_in_words_and_another_client_behind_the_proxy_is_not(short_plan):
    base = short_plan.rsplit("/", 1)[0]

    def get(url: str, client: str) -> requests.Response:
        # The test talks to the server over loopback, a private address: a proxy, whose last
        # X-Forwarded-For entry names the client.
        return requests.get(url, headers={"X-Forwarded-For": client}, timeout=10)

    assert {get(f"{base}/{'A' * 43}", "203.0.113.7").status_code for _ in range(10)} == {404}
    limited = get(short_plan, "203.0.113.7")
    assert limited.status_code == 429 and "Too many links from this network didn't match" in limited.text
    assert get(short_plan, "203.0.113.8").status_code == 200  # its neighbour reads the plan


def test_a_page_that_fails_answers_500_in_words_and_logs_no_link(short_plan, bot, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the store is gone")

    bot.runtime.services.plans.page = broken  # whatever fails while the page is built
    answer = requests.get(short_plan, timeout=10)
    assert answer.status_code == 500 and "Please try again in a moment." in answer.text
    assert answer.headers["X-Frame-Options"] == "DENY"  # the error page keeps the page's protections
    failures = [r for r in caplog.records if r.name == "bot.web.plan_page"]
    assert [r.getMessage() for r in failures] == ["the plan page failed"]
    token = short_plan.rsplit("/", 1)[1]
    assert all(token not in r.getMessage() and token not in (r.exc_text or "") for r in caplog.records)


def test_an_expired_link_says_on_which_day_it_stopped_and_how_long_links_last(short_plan, clock):
    clock.advance(LINK_LIFETIME)
    page = requests.get(short_plan, timeout=10)
    assert page.status_code == 410
    assert 'stopped working on <time datetime="2026-12-23">Wed 23 Dec 2026</time>' in page.text
    assert "Links to a plan last 30 days" in page.text


def test_the_page_answers_head_and_refuses_other_methods_in_words(short_plan):
    assert requests.head(short_plan, timeout=10).status_code == 200  # link previews, uptime checks
    for method in ("PUT", "DELETE", "POST"):
        answer = requests.request(method, short_plan, timeout=10)
        assert answer.status_code == 405 and answer.headers["Allow"] == "GET", method
        assert "This address only answers the plan's own page and forms." in answer.text
    wrong = requests.get(f"{short_plan}/confirm/2", timeout=10)  # a form's address, opened
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"
    assert "This address only answers the plan's own page and forms." in wrong.text


def test_a_form_without_its_token_is_refused_in_words_and_changes_nothing(short_plan, bot):
    for fields in ({}, {"csrf": ""}, {"csrf": "0" * 64}):
        answer = requests.post(f"{short_plan}/confirm/2", data={"what": "x", **fields}, allow_redirects=False,
                               timeout=10)
        assert answer.status_code == 403 and "Please reload the plan and try again." in answer.text, fields
    bot.wait_idle()
    assert not bot.runtime.services.ledger.get(Scope("T0001", DEAL), 2).is_confirmed


def test_behind_a_proxy_a_form_from_the_public_address_is_trusted(short_plan, bot):
    bot.runtime.services.plans.base_url = "https://coach.example"  # PARTNER_COACH_PUBLIC_URL
    csrf = CSRF.search(requests.get(short_plan, timeout=10).text).group(1)
    answer = requests.post(f"{short_plan}/confirm/2", data={"csrf": csrf}, allow_redirects=False, timeout=10,
                           headers={"Origin": "https://coach.example"})  # the Host is the proxy's
    assert answer.status_code == 303
    other = requests.post(f"{short_plan}/confirm/2", data={"csrf": csrf}, allow_redirects=False, timeout=10,
                          headers={"Origin": "https://evil.example"})
    assert other.status_code == 403


def test_a_proposal_may_change_only_the_date_or_only_the_wording(short_plan, bot, emulator):
    proposals = bot.runtime.services.store
    assert post(short_plan, "propose", 2, due_on="2026-12-10").status_code == 303  # no wording field
    [first] = proposals.find(Scope("T0001", DEAL), "plan_proposal")
    assert first["what"] is None and first["due_on"] == "2026-12-10"
    proposals.put(Scope("T0001", DEAL), "plan_proposal", first["id"], {**first, "status": "declined"})
    assert post(short_plan, "propose", 2, what="the signed NDA and DPA").status_code == 303  # no date field
    second = [d for d in proposals.find(Scope("T0001", DEAL), "plan_proposal") if d["status"] == "pending"]
    assert [(d["what"], d["due_on"]) for d in second] == [("the signed NDA and DPA", None)]


def test_the_pages_forms_post_to_its_own_link_and_its_style_is_the_one_its_policy_allows(short_plan):
    html = requests.get(short_plan, timeout=10)
    path = short_plan.split("://", 1)[1].split("/", 1)[1]
    assert f'<form method="post" action="/{path}/confirm/2">' in html.text
    assert f'<form method="post" action="/{path}/propose/2">' in html.text
    style = re.search(r"<style>(.*?)</style>", html.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert len(style) > 100 and f"'sha256-{digest}'" in html.headers["Content-Security-Policy"]
