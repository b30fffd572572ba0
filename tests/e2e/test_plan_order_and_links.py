"""The plan's steps in the order the team puts them, and share links that expire and are
re-issued: `/partner plan move …` and `/partner share new` over signed HTTP, the partner's page
over plain HTTP, a Slack Connect partner's view, the digest's plan line."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import requests

from bot.domain.mutual_plan import LINK_LIFETIME
from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, nudges, reply, reply_text

LINK = re.compile(r"http://127\.0\.0\.1:\d+/plans/[A-Za-z0-9_-]{43}")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
SHARED = "C0SHAREDORDER"
DANA = "U0DANA"
PARTNER_TEAM = "T0PARTNER"


def steps_on_page(html: str, heading: str) -> list[int]:
    """The item numbers of one side of the partner's page, top to bottom."""
    section = html.split(f">{heading}</h2>")[1].split("</section>")[0]
    return [int(n) for n in re.findall(r'<li id="item-(\d+)"', section)]


def steps_in_reply(text: str, heading: str, following: str | None) -> list[int]:
    """The item numbers of one side in `/partner plan` or a partner's list, top to bottom."""
    part = text.split(heading)[1]
    part = part.split(following)[0] if following else part
    return [int(n) for n in re.findall(r"\*#(\d+)\*", part)]


def share_link(slack, channel=DEAL) -> str:
    return LINK.search(reply_text(slack.command("share", user=ALICE, channel=channel))).group(0)


def fill(slack, channel=DEAL):
    """Our side #1..#4 (#3 private), theirs #5, #6: dates that make the automatic order 4, 2, 1."""
    slack.command("give a pilot workspace by Dec 20", user=ALICE, channel=channel)  # 1
    slack.command("give the security pack by Dec 4", user=ALICE, channel=channel)  # 2
    slack.command("give our walk-away price (private)", user=ALICE, channel=channel)  # 3
    slack.command("give a kickoff call by Nov 30", user=ALICE, channel=channel)  # 4
    slack.command("get the signed NDA from Dana by Dec 3", user=ALICE, channel=channel)  # 5
    slack.command("get an intro to their CFO by Dec 1", user=ALICE, channel=channel)  # 6


# ------------------------------------------------------------------ the order of the steps


def test_moving_a_step_changes_the_order_on_the_page_in_slack_and_in_the_export(slack, bot, emulator):
    fill(slack)
    link = share_link(slack)
    assert steps_on_page(requests.get(link, timeout=10).text, "What we commit to") == [4, 2, 1]
    answer = reply_text(slack.command("plan move 1 1", user=ALICE, channel=DEAL))
    assert "Moved #1 _a pilot workspace_ to place *1* of 3 under *What we commit to*" in answer
    assert "1. *#1 a pilot workspace*\n2. #4 a kickoff call\n3. #2 the security pack" in answer
    assert steps_on_page(requests.get(link, timeout=10).text, "What we commit to") == [1, 4, 2]
    assert steps_on_page(requests.get(link, timeout=10).text, "What you commit to") == [6, 5]
    shown = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert steps_in_reply(shown, "What we commit to", "What they commit to") == [1, 4, 2]
    assert "1. *#1* a pilot workspace" in shown
    slack.command("export", user=ALICE, channel=DEAL)
    emulator.wait_for_count("files.completeUploadExternal", 1)
    [table] = [f["content"] for f in emulator.uploaded_files(DEAL) if f["name"].endswith(".csv")]
    assert [line.split(",")[0] for line in table.splitlines()[1:]] == ["1", "4", "2", "6", "5"]


def test_up_down_top_bottom_and_a_place_past_the_end(slack, bot):
    fill(slack)
    slack.command("plan move 4 down", user=ALICE, channel=DEAL)  # 2, 4, 1
    slack.command("plan move #1 to the top", user=ALICE, channel=DEAL)  # 1, 2, 4
    slack.command("move 2 to position 9", user=ALICE, channel=DEAL)  # past the end: last
    answer = reply_text(slack.command("plan reorder 4 up", user=ALICE, channel=DEAL))
    assert "1. *#4 a kickoff call*\n2. #1 a pilot workspace\n3. #2 the security pack" in answer
    slack.command("plan move 1 bottom", user=ALICE, channel=DEAL)
    shown = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert steps_in_reply(shown, "What we commit to", "What they commit to") == [4, 2, 1]


def test_a_step_already_in_place_is_said_and_up_at_the_top_stays(slack, bot):
    fill(slack)
    answer = reply_text(slack.command("plan move 4 up", user=ALICE, channel=DEAL))
    assert "#4 _a kickoff call_ is already at place *1* of 3, so nothing changed" in answer
    # Nothing changed, so the side still reads in attention order: a step due sooner goes first.
    slack.command("give a reference call by Nov 25", user=ALICE, channel=DEAL)  # 7
    shown = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert steps_in_reply(shown, "What we commit to", "What they commit to") == [7, 4, 2, 1]


def test_steps_logged_after_a_move_join_the_end_of_their_side(slack, bot):
    fill(slack)
    slack.command("plan move 1 1", user=ALICE, channel=DEAL)
    slack.command("give a reference call by Nov 25", user=ALICE, channel=DEAL)  # 7: due soonest
    shown = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert steps_in_reply(shown, "What we commit to", "What they commit to") == [1, 4, 2, 7]
    assert "`/partner plan order auto` gives back the automatic order" in shown
    # The move it suggests is of a step that is there: the last of the longer side.
    assert "`/partner plan move 7 1` puts step #7 first on its side" in shown


def test_a_plan_of_one_step_a_side_suggests_no_move(slack, bot):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    slack.command("get the signed NDA by Dec 3", user=ALICE, channel=DEAL)
    assert "plan move" not in reply_text(slack.command("plan", user=ALICE, channel=DEAL))


def test_order_auto_gives_back_the_attention_order(slack, bot):
    fill(slack)
    slack.command("plan move 1 1", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command("plan order auto", user=ALICE, channel=DEAL))
    assert "The mutual plan is back in its automatic order" in answer
    shown = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert steps_in_reply(shown, "What we commit to", "What they commit to") == [4, 2, 1]
    again = reply_text(slack.command("plan order auto", user=ALICE, channel=DEAL))
    assert "was already in its automatic order" in again


@pytest.mark.parametrize(("typed", "says"), [
    ("plan move 3 1", "#3 is private, so it isn't on the partner's plan"),
    ("plan move 42 1", "There is no commitment #42"),
    ("plan move 1 0", "Places start at 1"),
    ("plan move 1", "To move a step, give its id and the place it should take"),
    ("plan move <!channel> <@U0BOB>", "To move a step, give its id"),
    ("plan order", "`/partner plan order auto` gives the plan back its automatic order"),
])
def test_a_move_that_cannot_be_made_says_why_and_changes_nothing(slack, bot, typed, says):
    fill(slack)
    slack.command("plan move 2 1", user=ALICE, channel=DEAL)  # 2, 4, 1
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    assert says in answer and "<!channel>" not in answer and "<@U0BOB>" not in answer
    bot.wait_idle()
    shown = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert steps_in_reply(shown, "What we commit to", "What they commit to") == [2, 4, 1]


def test_a_dropped_step_cannot_be_moved(slack, bot):
    fill(slack)
    slack.command("drop 1", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command("plan move 1 1", user=ALICE, channel=DEAL))
    assert "#1 was dropped, so it isn't on the mutual plan any more. Nothing moved." in answer


def test_a_redelivered_move_up_moves_the_step_once(slack, bot, emulator):
    fill(slack)  # 4, 2, 1
    body = urlencode({
        "token": "t", "team_id": "T0001", "team_domain": "acme", "channel_id": DEAL,
        "channel_name": "deal-acme", "user_id": ALICE, "user_name": "alice", "command": "/partner",
        "text": "plan move 1 up", "api_app_id": "A0001", "response_url": emulator.new_response_url(),
        "trigger_id": emulator.new_trigger_id()})
    form = "application/x-www-form-urlencoded"
    assert "to place *2* of 3" in reply_text(slack.post_raw(body, form))  # 4, 1, 2
    again = slack.post_raw(body, form, retry_num=1)
    assert again.status_code == 200 and "Moved" not in again.text
    bot.wait_idle()
    shown = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert steps_in_reply(shown, "What we commit to", "What they commit to") == [4, 1, 2]


@pytest.fixture
def shared_channel(emulator, slack):
    """A Slack Connect deal channel: Dana, of the partner's own workspace, is a member."""
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    fill(slack, SHARED)
    return SHARED


def test_the_partner_in_slack_connect_reads_our_order_but_cannot_change_it(slack, bot, shared_channel):
    slack.command("plan move 5 1", user=ALICE, channel=SHARED)
    theirs = reply_text(slack.command("plan", user=DANA, channel=SHARED))
    assert steps_in_reply(theirs, "What you commit to", None) == [5, 6]
    refused = reply_text(slack.command("plan move 6 1", user=DANA, channel=SHARED))
    assert "that is our team's command, so nothing changed" in refused
    assert steps_in_reply(reply_text(slack.command("plan", user=DANA, channel=SHARED)),
                          "What you commit to", None) == [5, 6]


# ------------------------------------------------------------------ links that expire


def test_a_link_says_when_it_expires_and_opens_until_then(slack, bot, clock):
    fill(slack)
    answer = reply_text(slack.command("share", user=ALICE, channel=DEAL))
    assert "It works until *Wed 23 Dec 2026*" in answer and "links last 30 days" in answer
    link = LINK.search(answer).group(0)
    clock.advance(LINK_LIFETIME - timedelta(minutes=1))
    page = requests.get(link, timeout=10)
    assert page.status_code == 200 and "stops working on" in page.text
    assert "The partner's link stops working today (Wed 23 Dec 2026)" in reply_text(
        slack.command("plan", user=ALICE, channel=DEAL))


def test_an_expired_link_shows_a_page_saying_how_to_get_a_fresh_one_and_no_form_works(slack, bot, clock):
    fill(slack)
    link = share_link(slack)
    csrf = CSRF.search(requests.get(link, timeout=10).text).group(1)
    clock.advance(LINK_LIFETIME)
    page = requests.get(link, timeout=10)
    assert page.status_code == 410
    assert "This link has expired" in page.text and "/partner share new" in page.text
    assert "Ask your contact" in page.text and "signed NDA" not in page.text
    posted = requests.post(f"{link}/confirm/5", data={"csrf": csrf}, allow_redirects=False, timeout=10)
    assert posted.status_code == 410
    bot.wait_idle()
    assert not bot.runtime.services.ledger.get(Scope("T0001", DEAL), 5).is_confirmed
    shown = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert ":hourglass: The partner's link expired on Wed 23 Dec 2026: `/partner share new`" in shown


def test_share_after_expiry_gives_a_fresh_link_and_the_old_one_stays_dead(slack, bot, clock):
    fill(slack)
    old = share_link(slack)
    clock.advance(LINK_LIFETIME + timedelta(days=2))
    answer = reply_text(slack.command("share", user=ALICE, channel=DEAL))
    assert "The old link expired on Wed 23 Dec 2026, so here is a fresh one" in answer
    fresh = LINK.search(answer).group(0)
    assert fresh != old
    assert requests.get(fresh, timeout=10).status_code == 200
    assert requests.get(old, timeout=10).status_code == 404


def test_share_new_replaces_a_live_link(slack, bot):
    fill(slack)
    old = share_link(slack)
    answer = reply_text(slack.command("share new", user=ALICE, channel=DEAL))
    assert "Here is a fresh link to this channel's mutual plan; the old one no longer opens it" in answer
    fresh = LINK.search(answer).group(0)
    assert fresh != old and share_link(slack) == fresh
    assert requests.get(fresh, timeout=10).status_code == 200
    gone = requests.get(old, timeout=10)
    assert gone.status_code == 404 and "replaced it with a newer one" in gone.text


def test_the_digest_says_the_link_expired_and_how_to_renew_it(slack, bot, emulator, clock):
    fill(slack)
    share_link(slack)
    clock.advance(LINK_LIFETIME + timedelta(days=1))
    slack.command("digest now", user=ALICE, channel=DEAL)
    bot.wait_idle()
    [digest] = [m for m in emulator.messages(DEAL) if "Weekly partnership digest" in all_text(m)]
    text = all_text(digest)
    assert "The partner's link expired on Wed 23 Dec 2026: `/partner share new` makes a fresh one." in text
    assert "link is on" not in text


def test_a_slack_connect_partner_cannot_reissue_the_link(slack, bot, shared_channel):
    old = share_link(slack, SHARED)
    answer = reply_text(slack.command("share new", user=DANA, channel=SHARED))
    assert "that is our team's command, so nothing changed" in answer
    assert requests.get(old, timeout=10).status_code == 200


def test_once_the_link_expired_the_coach_stops_asking_to_restate_what_they_cannot_read(slack, bot, clock):
    slack.command("give a pilot workspace for 30 days", user=ALICE, channel=DEAL)
    slack.command("get a reference call with their CTO", user=ALICE, channel=DEAL)  # no date: never late
    share_link(slack)
    clock.advance(LINK_LIFETIME - timedelta(days=1))  # still on, and unconfirmed for weeks
    assert nudges(reply(slack.command("list", user=ALICE, channel=DEAL))) == ["restate_expectation"]
    clock.advance(timedelta(days=4))  # expired, and past the nudge's no-repeat window
    assert nudges(reply(slack.command("list", user=ALICE, channel=DEAL))) == ["on_track"]


@pytest.mark.parametrize("typed", ["plan move", "plan order", "plan sideways"])
def test_a_partners_slip_with_plan_never_shows_them_the_move_command(slack, bot, shared_channel, typed):
    answer = reply_text(slack.command(typed, user=DANA, channel=SHARED))
    assert "plan move" not in answer and "order auto" not in answer
    assert "nothing changed" in answer


def test_after_a_move_the_page_plan_digest_and_home_tab_count_the_same(slack, bot, emulator, clock):
    from tests.e2e.test_journey_plan_both_sides import PLAN_LINE, page_numbers, plan_numbers

    slack.command("deal Acme Corp negotiation", user=ALICE, channel=DEAL)  # a deal for the Home tab
    fill(slack)
    link = share_link(slack)
    slack.command("plan move 1 1", user=ALICE, channel=DEAL)
    slack.command("done 4", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=9))  # Wed 2 Dec: #6 (Dec 1) is overdue
    on_page = page_numbers(requests.get(link, timeout=10).text)
    in_plan = plan_numbers(reply_text(slack.command("plan", user=ALICE, channel=DEAL)))
    slack.command("digest now", user=ALICE, channel=DEAL)
    slack.app_home_opened(ALICE)
    bot.wait_idle()
    [digest] = [m for m in emulator.messages(DEAL) if "Weekly partnership digest" in all_text(m)]
    in_digest = tuple(int(n) for n in PLAN_LINE.search(all_text(digest)).groups())
    on_home = tuple(int(n) for n in PLAN_LINE.search(all_text(emulator.home_view(ALICE))).groups())
    assert on_page == in_plan == in_digest == on_home == (5, 1, 1, 2)


def test_moving_deep_in_a_long_side_shows_the_steps_around_it_in_a_message_slack_takes(slack, bot):
    from bot.emulator.block_kit import message_problems

    for n in range(30):  # the longest texts, each character one that escaping lengthens
        slack.command(f"give step {n} " + "<&>" * 95, user=ALICE, channel=DEAL)
    body = reply(slack.command("plan move 29 15", user=ALICE, channel=DEAL))
    assert message_problems(body) is None
    text = all_text(body)
    assert "to place *15* of 30" in text and "\n15. *#29 step 28" in text
    assert "10. #10 step 9" in text and "19. #18 step 17" in text and "… and 11 more" in text
    assert "9. #9 " not in text and "<&>" not in text


def test_a_week_before_the_link_stops_working_the_plan_and_the_digest_say_so(slack, bot, emulator, clock):
    fill(slack)
    share_link(slack)
    clock.advance(LINK_LIFETIME - timedelta(days=8))  # 8 days left: no warning yet
    assert ":link: The partner's link is on until Wed 23 Dec 2026" in reply_text(
        slack.command("plan", user=ALICE, channel=DEAL))
    clock.advance(timedelta(days=5))  # Sun 20 Dec in New York: 3 days left
    shown = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert (":hourglass_flowing_sand: The partner's link stops working in 3 days (Wed 23 Dec 2026): "
            "`/partner share new` gives a fresh one to send them.") in shown
    slack.command("digest now", user=ALICE, channel=DEAL)
    bot.wait_idle()
    [digest] = [m for m in emulator.messages(DEAL) if "Weekly partnership digest" in all_text(m)]
    assert "The partner's link stops working on Wed 23 Dec 2026: `/partner share new`" in all_text(digest)
