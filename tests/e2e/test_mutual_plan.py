"""The partner's mutual plan end to end: `/partner share` over signed HTTP, the page and its
forms over plain HTTP, proposals answered in Slack, `/partner export` as uploaded files."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import requests

from bot.store import Scope
from tests.conftest import ALICE, BOB, CAROL, DEAL, OTHER
from tests.e2e.helpers import action_values, all_text, nudges, reply, reply_text
from tests.e2e.serve_process import ServeProcess

LINK = re.compile(r"http://127\.0\.0\.1:\d+/plans/([A-Za-z0-9_-]{43})")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def items(bot, channel=DEAL):
    return {c.number: c for c in bot.runtime.services.ledger.items(Scope("T0001", channel))}


def share(slack, channel=DEAL, user=ALICE) -> str:
    """`/partner share` and the link it answers with."""
    text = reply_text(slack.command("share", user=user, channel=channel))
    match = LINK.search(text)
    assert match, text
    return match.group(0)


def csrf_of(page: requests.Response) -> str:
    match = CSRF.search(page.text)
    assert match, page.text
    return match.group(1)


def submit(link: str, action: str, number: int, **fields: str) -> requests.Response:
    """A form on the page, as a browser without JavaScript posts it."""
    return requests.post(f"{link}/{action}/{number}", data=fields, allow_redirects=False, timeout=10)


@pytest.fixture
def plan(slack):
    """A channel with a deal, both sides of the ledger, one private item, and its share link."""
    slack.command("deal Acme Corp negotiation", user=ALICE, channel=DEAL)
    slack.command("give a pilot workspace for 30 days by Friday", user=ALICE, channel=DEAL)  # 1
    slack.command("get an intro to their CFO from Dana Lee by Dec 3", user=ALICE, channel=DEAL)  # 2
    slack.command("get our real walk-away price is 40k (private)", user=ALICE, channel=DEAL)  # 3
    slack.command("get the security questionnaire from Sam <@U0BOB|bob> by Dec 10", user=ALICE,
                  channel=DEAL)  # 4, followed up by Bob
    return share(slack)


def test_share_creates_a_link_and_shows_the_same_one_again(slack, bot, plan):
    assert share(slack) == plan
    page = requests.get(plan, timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    # Only a hash is stored: the token appears in no record, whichever the store.
    token = LINK.search(plan).group(1)
    store = bot.runtime.store
    stored = json.dumps([store.records(scope) for scope in store.scopes()])
    assert "plan_link" in stored and token not in stored


def test_the_page_shows_deal_stage_both_sides_owners_and_dates_but_no_private_item(plan):
    html = requests.get(plan, timeout=10).text
    assert "Acme Corp" in html and "Negotiation" in html
    ours, theirs = html.index("What we commit to"), html.index("What you commit to")
    assert ours < html.index("a pilot workspace") < theirs
    assert html.index("What you commit to") < html.index("an intro to their CFO")
    assert "Alice Archer" in html and "Bob Baker" in html and "Dana Lee" in html
    assert 'datetime="2026-11-27"' in html and 'datetime="2026-12-03"' in html
    assert "walk-away" not in html and "40k" not in html
    # Confirm buttons only on their side: items 2 and 4, never our item 1.
    assert "/confirm/2" in html and "/confirm/4" in html and "/confirm/1" not in html


def test_kept_overdue_and_the_next_check_in_show_on_the_page(slack, plan, clock):
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("deal Acme Corp signed", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=5))  # Saturday 28 Nov: item 2 (due Dec 3) is not overdue yet
    html = requests.get(plan, timeout=10).text
    assert re.search(r"<dt>Kept</dt><dd>1</dd>", html)
    assert "Overdue</span>" not in html
    assert "Next check-in" in html and 'datetime="2026-11-30"' in html  # signed Mon 23 + 7 days
    clock.advance(timedelta(days=6))  # Friday 4 Dec: item 2 (due Thursday) is overdue
    html = requests.get(plan, timeout=10).text
    assert "Overdue</span>" in html and re.search(r"<dt>Overdue</dt><dd>1</dd>", html)


def test_a_confirmation_is_recorded_once_even_when_submitted_twice(plan, bot, emulator):
    csrf = csrf_of(requests.get(plan, timeout=10))
    first = submit(plan, "confirm", 2, csrf=csrf)
    second = submit(plan, "confirm", 2, csrf=csrf)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"].endswith("?notice=confirmed#item-2")
    assert second.headers["Location"].endswith("?notice=already#item-2")
    item = items(bot)[2]
    assert item.is_confirmed and item.confirmed_by == "partner"
    announcements = [m for m in emulator.messages(DEAL) if "partner confirmed #2" in m["text"]]
    assert len(announcements) == 1
    after = requests.get(plan + "?notice=confirmed", timeout=10).text
    assert "your confirmation is recorded" in after and "You confirmed this" in after
    assert "/confirm/2" not in after


def test_the_partner_cannot_confirm_our_items_private_ones_or_unknown_numbers(plan, bot):
    csrf = csrf_of(requests.get(plan, timeout=10))
    for number in (1, 3, 99):
        assert submit(plan, "confirm", number, csrf=csrf).status_code == 404
    assert not any(c.is_confirmed for c in items(bot).values())


def test_forms_without_the_right_csrf_token_or_from_another_site_are_refused(plan, bot, slack):
    csrf = csrf_of(requests.get(plan, timeout=10))
    slack.command("get a reference call by Friday", user=CAROL, channel=OTHER)
    other = share(slack, channel=OTHER, user=CAROL)  # a real token, of another link
    other_csrf = csrf_of(requests.get(other, timeout=10))
    assert submit(plan, "confirm", 2).status_code == 403
    assert submit(plan, "confirm", 2, csrf="0" * 64).status_code == 403
    assert submit(plan, "confirm", 2, csrf=other_csrf).status_code == 403
    cross_site = requests.post(f"{plan}/confirm/2", data={"csrf": csrf}, allow_redirects=False, timeout=10,
                               headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    fetched_cross_site = requests.post(f"{plan}/confirm/2", data={"csrf": csrf}, allow_redirects=False,
                                       timeout=10, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetched_cross_site.status_code == 403
    as_json = requests.post(f"{plan}/confirm/2", json={"csrf": csrf}, allow_redirects=False, timeout=10)
    assert as_json.status_code == 403
    assert not items(bot)[2].is_confirmed
    assert submit(plan, "confirm", 2, csrf=csrf).status_code == 303  # the page's own form works


def test_a_revoked_link_is_a_404_and_a_new_share_is_a_new_link(slack, plan):
    text = reply_text(slack.command("share off", user=ALICE, channel=DEAL))
    assert "link is off" in text
    assert requests.get(plan, timeout=10).status_code == 404
    assert "no mutual plan link" in reply_text(slack.command("share off", user=ALICE, channel=DEAL))
    fresh = share(slack)
    assert fresh != plan and requests.get(fresh, timeout=10).status_code == 200
    assert requests.get(plan, timeout=10).status_code == 404


def test_wrong_tokens_are_404_and_then_rate_limited_per_client(plan, clock):
    base = plan.rsplit("/", 1)[0]
    guesses = [f"{base}/{'A' * 43}", f"{base}/short", f"{base}/{'b' * 43}/confirm/1", base + "/"]
    answers = [requests.get(guesses[i % len(guesses)], timeout=10) for i in range(10)]
    assert {r.status_code for r in answers} == {404}
    limited = requests.get(f"{base}/{'C' * 43}", timeout=10)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # While limited, even a right token gets nothing from that client: no guessing around it.
    assert requests.get(plan, timeout=10).status_code == 429
    clock.advance(timedelta(minutes=16))
    assert requests.get(plan, timeout=10).status_code == 200


@pytest.mark.parametrize("injection", [
    '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "<!channel> <@U0BOB> <http://x|y>",
])
def test_an_injection_in_item_text_is_inert_in_the_html(slack, bot, injection):
    slack.command(f"get {injection} by Friday", user=ALICE, channel=DEAL)
    link = share(slack)
    html = requests.get(link, timeout=10).text
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;" in html  # shown, as text
    assert "alert(1)" in html or "channel" in html


def test_security_headers_on_the_page_errors_and_redirects(plan):
    csrf = csrf_of(requests.get(plan, timeout=10))
    wrong = plan.rsplit("/", 1)[0] + "/" + "x" * 43
    answers = [requests.get(plan, timeout=10), requests.get(wrong, timeout=10),
               submit(plan, "confirm", 2, csrf=csrf), submit(plan, "confirm", 2)]
    assert [r.status_code for r in answers] == [200, 404, 303, 403]
    for answer in answers:
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers[name] == value, name
        policy = answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "script-src" not in policy and "unsafe-inline" not in policy  # no script may run at all


def test_a_proposal_reaches_the_owner_who_accepts_it(plan, bot, slack, emulator):
    page = requests.get(plan, timeout=10)
    answer = submit(plan, "propose", 4, csrf=csrf_of(page), what="the security questionnaire, v2",
                    due_on="2026-12-14")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("?notice=proposed#item-4")
    [dm] = emulator.messages(BOB)  # item 4 is followed up by Bob
    assert "proposes a change" in dm["text"] and "Mon 14 Dec 2026" in all_text(dm)
    [accept] = action_values(dm, "plan_accept")
    assert items(bot)[4].what == "the security questionnaire"  # nothing changes until we answer
    assert "Waiting for our answer" in requests.get(plan, timeout=10).text

    refused = slack.action("plan_accept", accept, user=ALICE, channel="D0ALICE")
    assert refused.status_code == 200
    emulator.wait_for(lambda calls: any("Only the item's owner" in json.dumps(c.args) for c in calls))
    assert items(bot)[4].what == "the security questionnaire"

    slack.action("plan_accept", accept, user=BOB, channel="D0BOB")
    emulator.wait_for(lambda calls: any("accepted the partner's change" in json.dumps(c.args) for c in calls))
    item = items(bot)[4]
    assert (item.what, str(item.due_on)) == ("the security questionnaire, v2", "2026-12-14")
    assert item.is_confirmed  # their own wording, accepted: both sides agree
    slack.action("plan_accept", accept, user=BOB, channel="D0BOB")  # a second click changes nothing
    emulator.wait_for(lambda calls: any("already answered" in json.dumps(c.args) for c in calls))
    assert len([m for m in emulator.messages(DEAL) if "accepted the partner's change" in all_text(m)]) == 1


def test_a_declined_proposal_changes_nothing(plan, bot, slack, emulator):
    submit(plan, "propose", 2, csrf=csrf_of(requests.get(plan, timeout=10)), what="", due_on="2027-01-15")
    [dm] = emulator.messages(ALICE)
    [decline] = action_values(dm, "plan_decline")
    slack.action("plan_decline", decline, user=ALICE, channel="D0ALICE")
    emulator.wait_for(lambda calls: any("Declined" in json.dumps(c.args) for c in calls))
    assert str(items(bot)[2].due_on) == "2026-12-03" and not items(bot)[2].is_confirmed
    assert "Waiting for our answer" not in requests.get(plan, timeout=10).text  # they may propose again


@pytest.mark.parametrize(("what", "due_on", "problem"), [
    ("", "2020-01-01", "in the past"),
    ("", "not a date", "should look like"),
    ("x" * 301, "", "under 300 characters"),
    ("an intro to their CFO", "2026-12-03", "Change the wording or the date"),
])
def test_a_bad_proposal_is_explained_on_the_page_and_sends_nothing(plan, emulator, what, due_on, problem):
    csrf = csrf_of(requests.get(plan, timeout=10))
    answer = submit(plan, "propose", 2, csrf=csrf, what=what, due_on=due_on)
    assert answer.status_code == 400 and problem in answer.text and 'role="alert"' in answer.text
    assert emulator.messages(ALICE) == []


def test_one_open_proposal_per_item(plan, emulator):
    csrf = csrf_of(requests.get(plan, timeout=10))
    assert submit(plan, "propose", 2, csrf=csrf, what="", due_on="2026-12-20").status_code == 303
    again = submit(plan, "propose", 2, csrf=csrf, what="", due_on="2026-12-21")
    assert again.status_code == 400 and "already waiting" in again.text
    assert len(emulator.messages(ALICE)) == 1


def test_private_and_shared_move_an_item_on_and_off_the_plan(slack, plan, bot):
    assert "is private" in reply_text(slack.command("private 1", user=ALICE, channel=DEAL))
    assert "a pilot workspace" not in requests.get(plan, timeout=10).text
    assert "on the mutual plan" in reply_text(slack.command("shared 3", user=ALICE, channel=DEAL))
    html = requests.get(plan, timeout=10).text
    assert "walk-away" in html and "a pilot workspace" not in html
    assert "no commitment #42" in reply_text(slack.command("private 42", user=ALICE, channel=DEAL))
    assert ":lock: private" in reply_text(slack.command("list all", user=ALICE, channel=DEAL))


def test_editing_a_confirmed_item_asks_for_a_new_confirmation(slack, plan, bot):
    submit(plan, "confirm", 2, csrf=csrf_of(requests.get(plan, timeout=10)))
    assert items(bot)[2].is_confirmed
    slack.command("edit 2 by Dec 9", user=ALICE, channel=DEAL)
    assert not items(bot)[2].is_confirmed
    assert "/confirm/2" in requests.get(plan, timeout=10).text


def test_the_link_token_never_reaches_the_logs(plan, caplog):
    caplog.set_level(logging.DEBUG)
    token = LINK.search(plan).group(1)
    csrf = csrf_of(requests.get(plan, timeout=10))
    submit(plan, "confirm", 2, csrf=csrf)
    submit(plan, "propose", 2, csrf=csrf, what="", due_on="2026-12-20")
    requests.get(plan + "/nothing-here", timeout=10)
    # urllib3 is the test's own HTTP client (the partner's browser); everything else is the server.
    server_side = [r for r in caplog.records if not r.name.startswith("urllib3")]
    assert server_side and all(token not in record.getMessage() for record in server_side)


def test_export_uploads_the_plan_as_markdown_and_csv_without_private_items(slack, plan, emulator):
    slack.command("get =HYPERLINK(\"http://evil.example\") signed NDA by Friday", user=ALICE, channel=DEAL)
    text = reply_text(slack.command("export", user=ALICE, channel=DEAL))
    assert "Markdown and CSV" in text
    files = emulator.wait_for_count("files.completeUploadExternal", 1)
    assert files[0].response["ok"]
    uploaded = {f["name"].rsplit(".", 1)[1]: f for f in emulator.uploaded_files(DEAL)}
    assert set(uploaded) == {"md", "csv"}
    markdown, table = uploaded["md"]["content"], uploaded["csv"]["content"]
    assert "## What we commit to" in markdown and "a pilot workspace for 30 days" in markdown
    assert "| Bob Baker |" in markdown and "walk-away" not in markdown
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["id"] for r in rows] == ["1", "5", "2", "4"]  # ours, then theirs, soonest due first
    assert rows[0]["side"] == "we commit" and rows[0]["owner"] == "Alice Archer"
    assert rows[1]["commitment"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it


def test_share_is_refused_kindly_when_no_public_address_is_configured(slack, bot):
    bot.runtime.services.plans.base_url = None
    text = reply_text(slack.command("share", user=ALICE, channel=DEAL))
    assert "PARTNER_COACH_PUBLIC_URL" in text and "/plans/" not in text


def test_serve_gives_links_at_its_public_address_and_the_same_link_after_a_restart(emulator, tmp_path):
    public = re.compile(r"https://coach\.example\.com/plans/([A-Za-z0-9_-]{43})")
    links = []
    for _ in range(2):
        proc = ServeProcess(emulator, tmp_path / "serve.json",
                            PARTNER_COACH_PUBLIC_URL="https://coach.example.com/").wait_ready()
        try:
            if not links:
                proc.driver.command("get an intro to their CFO by Friday", user=ALICE, channel=DEAL)
            text = reply_text(proc.driver.command("share", user=ALICE, channel=DEAL))
            links.append(public.search(text).group(1))
            page = requests.get(f"{proc.url}/plans/{links[-1]}", timeout=10)
            assert page.status_code == 200 and "an intro to their CFO" in page.text
            assert page.headers["X-Frame-Options"] == "DENY"
        finally:
            proc.close()
    assert links[0] == links[1]  # re-derived from the stored nonce and the key, never stored itself


class _Structure(HTMLParser):
    """The parts of a page that make it usable with a screen reader."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def test_the_page_is_structured_for_assistive_technology(plan):
    page = _Structure()
    page.feed(requests.get(plan, timeout=10).text)
    assert page.all("html")[0]["lang"] == "en"
    assert len(page.all("h1")) == 1 and len(page.all("main")) == 1 and page.all("h2")
    assert any(m.get("name") == "viewport" for m in page.all("meta"))
    labelled = {label["for"] for label in page.all("label")}
    fields = [i for i in page.all("input") if i.get("type") != "hidden"]
    assert fields and all(field["id"] in labelled for field in fields)
    assert len({i["id"] for i in page.all("input") if i.get("id")}) == len(fields)  # ids are unique
    assert all(button.get("type") == "submit" for button in page.all("button"))
    assert page.all("script") == []


def test_confirming_an_item_already_kept_is_explained_and_changes_nothing(slack, plan, bot, emulator):
    csrf = csrf_of(requests.get(plan, timeout=10))
    slack.command("done 2", user=ALICE, channel=DEAL)
    answer = submit(plan, "confirm", 2, csrf=csrf)
    assert answer.status_code == 400 and "Item 2: That item is already closed." in answer.text
    assert not items(bot)[2].is_confirmed
    bot.wait_idle()
    assert not [m for m in emulator.messages(DEAL) if "partner confirmed" in m["text"]]


def test_a_new_server_key_turns_old_links_off_and_share_makes_a_working_one(slack, bot, plan):
    bot.runtime.services.plans.key = b"a rotated key, 32 bytes or more!"
    assert requests.get(plan, timeout=10).status_code == 404  # its form tokens and link hash no longer match
    fresh = share(slack)
    assert fresh != plan and requests.get(fresh, timeout=10).status_code == 200
    assert share(slack) == fresh


def test_an_expectation_left_unconfirmed_on_the_shared_plan_is_restated_until_they_confirm(slack, clock):
    slack.command("give a pilot workspace for 30 days", user=ALICE, channel=DEAL)  # 1
    slack.command("get a reference call with their CTO", user=ALICE, channel=DEAL)  # 2, no date: never late
    link = share(slack)
    clock.advance(timedelta(days=2))  # two days without their yes: not yet
    assert nudges(reply(slack.command("list", user=ALICE, channel=DEAL))) == ["quiet"]
    clock.advance(timedelta(days=1))  # UNCONFIRMED_AFTER_DAYS: state it openly again
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudges(reply(answer)) == ["restate_expectation"]
    assert ("#2* a reference call with their CTO (theirs) has waited 3 days on the shared plan "
            "without their confirmation") in reply_text(answer)
    assert submit(link, "confirm", 2, csrf=csrf_of(requests.get(link, timeout=10))).status_code == 303
    clock.advance(timedelta(days=3))  # past the no-repeat window: only the confirmation keeps it away
    assert nudges(reply(slack.command("list", user=ALICE, channel=DEAL))) == ["on_track"]


def test_without_a_share_link_an_unconfirmed_expectation_is_not_raised(slack, clock):
    slack.command("give a pilot workspace for 30 days", user=ALICE, channel=DEAL)
    slack.command("get a reference call with their CTO", user=ALICE, channel=DEAL)
    share(slack)
    slack.command("share off", user=ALICE, channel=DEAL)  # revoked: they can no longer confirm anything
    clock.advance(timedelta(days=10))
    assert nudges(reply(slack.command("list", user=ALICE, channel=DEAL))) == ["on_track"]
