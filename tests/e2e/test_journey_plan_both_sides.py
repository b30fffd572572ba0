"""The mutual plan from both sides, through signed HTTP and the plan's page: `/partner plan`
shows our team what the partner reads, with the page's own numbers, and a partner in the
channel confirms their side from Slack as they would on the page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests

from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import action_values, all_text, reply, reply_text

SHARED = "C0SHAREDPLAN"
DANA = "U0DANA"  # works at the partner, in their own Slack workspace
PARTNER_TEAM = "T0PARTNER"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/plans/[A-Za-z0-9_-]{43}")
COUNTS = re.compile(r"\*(\d+)\* on the plan · (\d+) kept · (\d+) overdue · "
                    r"(\d+) waiting for their confirmation")


def items(bot, channel):
    return {c.number: c for c in bot.runtime.services.ledger.items(Scope("T0001", channel))}


def fill(slack, channel, user=ALICE):
    """Both sides of a plan and one private item: #1 ours, #2 theirs, #3 private, #4 theirs."""
    slack.command("deal Acme Corp negotiation", user=user, channel=channel)
    slack.command("give a pilot workspace by Friday", user=user, channel=channel)
    slack.command("get the signed NDA from Dana by Dec 3", user=user, channel=channel)
    slack.command("get their budget ceiling, maybe 40k (private)", user=user, channel=channel)
    slack.command("get an intro to their CFO from Dana by Dec 10", user=user, channel=channel)


def page_numbers(html: str) -> tuple[int, int, int, int]:
    """On the plan, kept, overdue, waiting: as the partner's page shows them."""
    def number(label: str) -> int:
        return int(re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", html).group(1))
    shown = len(re.findall(r'<li id="item-\d+"', html))
    return shown, number("Kept"), number("Overdue"), number("Waiting for your confirmation")


def plan_numbers(answer: str) -> tuple[int, ...]:
    return tuple(int(n) for n in COUNTS.search(answer).groups())


@pytest.fixture
def shared_channel(emulator, slack):
    """A Slack Connect deal channel: Dana, of the partner's own workspace, is a member."""
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    fill(slack, SHARED)
    return SHARED


def test_plan_shows_our_team_what_the_partner_reads_and_no_private_item(slack, bot):
    fill(slack, DEAL)
    answer = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert "As the partner sees it" in answer and "1 private item stays with us" in answer
    assert "a pilot workspace" in answer and "the signed NDA" in answer and "CFO" in answer
    assert "40k" not in answer and "budget ceiling" not in answer
    assert answer.index("What we commit to") < answer.index("a pilot workspace")
    assert answer.index("What they commit to") < answer.index("the signed NDA")
    assert "Acme Corp (Negotiation)" in answer
    assert "The partner has no link yet: `/partner share` makes one" in answer
    bot.wait_idle()
    assert len(items(bot, DEAL)) == 4  # showing it changed nothing


def test_plan_counts_are_the_pages_own_numbers(slack, bot, clock):
    fill(slack, DEAL)
    link = LINK.search(reply_text(slack.command("share", user=ALICE, channel=DEAL))).group(0)
    slack.command("done 1", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=11))  # Friday 4 Dec: #2, due Thursday, is overdue
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', requests.get(link, timeout=10).text).group(1)
    requests.post(f"{link}/confirm/4", data={"csrf": csrf}, allow_redirects=False, timeout=10)
    answer = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert plan_numbers(answer) == page_numbers(requests.get(link, timeout=10).text) == (3, 1, 1, 1)
    assert ":link: The partner's link is on" in answer
    assert ":handshake: confirmed" in answer.split("*#4*")[1]


def test_plan_says_when_the_link_is_off(slack, bot):
    fill(slack, DEAL)
    slack.command("share", user=ALICE, channel=DEAL)
    assert "link is on" in reply_text(slack.command("mutual plan", user=ALICE, channel=DEAL))
    slack.command("share off", user=ALICE, channel=DEAL)
    assert "The partner has no link yet" in reply_text(slack.command("plan", user=ALICE, channel=DEAL))


def test_an_empty_plan_says_what_fills_it(slack):
    answer = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert "Nothing is on it yet" in answer and "`/partner give …`" in answer and "`(private)`" in answer
    assert plan_numbers(answer) == (0, 0, 0, 0)


def test_our_team_typing_confirm_is_told_only_the_partner_confirms_and_nothing_changes(slack, bot):
    fill(slack, DEAL)
    answer = reply_text(slack.command("confirm 2", user=ALICE, channel=DEAL))
    assert "Only the partner confirms their side" in answer and "#2 is unchanged" in answer
    bot.wait_idle()
    assert not items(bot, DEAL)[2].is_confirmed


def test_a_long_plan_pages_with_the_command_that_shows_the_next(slack, bot):
    for n in range(12):
        slack.command(f"give answer {n} by Friday", user=ALICE, channel=DEAL)
    first = reply(slack.command("plan", user=ALICE, channel=DEAL))
    assert "`/partner plan page 2` shows the next 10 a side (page 1 of 2)" in all_text(first)
    assert len(first["blocks"]) <= 50
    second = reply_text(slack.command("plan page 2", user=ALICE, channel=DEAL))
    assert "11–12 of 12" in second and "answer 11" in second and "plan page 3" not in second


def test_plan_escapes_what_people_typed(slack, bot):
    slack.command("deal <!channel> Corp qualified", user=ALICE, channel=DEAL)
    slack.command("give <!here> a <http://evil.example|pilot> by Friday", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert "<!channel>" not in answer and "<!here>" not in answer and "<http://evil" not in answer
    assert "&lt;!here&gt;" in answer


@pytest.mark.parametrize("typed", ["plan add a security review by Dec 9",
                                   "plan new a security review by Dec 9"])
def test_adding_to_the_plan_without_a_side_names_both_commands_and_logs_nothing(slack, bot, typed):
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    assert "`/partner give a security review by Dec 9`" in answer
    assert "`/partner get a security review by Dec 9`" in answer and "Nothing was logged" in answer
    bot.wait_idle()
    assert items(bot, DEAL) == {}


def test_plan_followed_by_a_command_runs_that_command(slack, bot):
    answer = reply_text(slack.command("plan give a security review by Dec 9", user=ALICE, channel=DEAL))
    assert "Logged *#1* under *We give*" in answer
    assert items(bot, DEAL)[1].what == "a security review"


def test_plan_with_a_word_it_does_not_take_says_so_and_changes_nothing(slack, bot):
    answer = reply_text(slack.command("plan <!channel>", user=ALICE, channel=DEAL))
    assert "isn't something it takes, so nothing changed" in answer and "<!channel>" not in answer
    assert "Usage: `/partner plan [page &lt;n&gt;]  ·  /partner plan move" in answer


# ---------------------------------------------------------------- the partner's side, in Slack


def test_a_partner_typing_plan_sees_their_view_with_done_on_their_items_only(slack, shared_channel):
    body = reply(slack.command("plan", user=DANA, channel=SHARED))
    text = all_text(body)
    assert "What you commit to" in text and "the signed NDA" in text and "40k" not in text
    assert "giving to receive" not in text.lower()
    assert sorted(action_values(body, "item_done")) == ["2", "4"]
    assert "`/partner confirm &lt;id&gt;` says you'll do it by then" in text


def test_a_partner_confirms_their_item_from_slack_once_and_the_channel_is_told(
        slack, bot, emulator, shared_channel):
    first = reply_text(slack.command("confirm 2", user=DANA, channel=SHARED))
    assert "Confirmed *#2*: the signed NDA, by Thu 3 Dec 2026" in first
    again = reply_text(slack.command("confirm #2", user=DANA, channel=SHARED))
    assert "was already confirmed; nothing changed" in again
    bot.wait_idle()
    item = items(bot, SHARED)[2]
    assert item.is_confirmed and item.confirmed_by == DANA
    told = [m for m in emulator.messages(SHARED) if "confirmed #2" in m["text"]]
    assert len(told) == 1 and f"<@{DANA}>" in told[0]["text"]
    ours = reply_text(slack.command("plan", user=ALICE, channel=SHARED))
    assert plan_numbers(ours)[3] == 1  # #4 still waits; #2 no longer
    assert ":handshake: confirmed" in ours.split("*#2*")[1].split("*#4*")[0]


@pytest.mark.parametrize(("typed", "says"), [
    ("confirm 1", "#1 is on our side of the plan"),
    ("confirm 3", "There is no commitment #3 on the shared plan"),  # private: never hinted at
    ("confirm 99", "There is no commitment #99 on the shared plan"),
    ("confirm two", "isn't a commitment id"),
])
def test_a_partner_cannot_confirm_ours_private_or_unknown_items(slack, bot, shared_channel, typed, says):
    before = items(bot, SHARED)
    answer = reply_text(slack.command(typed, user=DANA, channel=SHARED))
    assert says in answer and "40k" not in answer
    bot.wait_idle()
    assert items(bot, SHARED) == before


@pytest.mark.parametrize("typed", ["give a discount", "get a discount", "plan give a discount"])
def test_a_partner_adding_to_the_plan_is_told_how_and_nothing_is_added(slack, bot, shared_channel, typed):
    answer = reply_text(slack.command(typed, user=DANA, channel=SHARED))
    assert "nothing was added" in answer and "say what you'd like on it here" in answer
    assert "`/partner confirm 3`" in answer
    bot.wait_idle()
    assert len(items(bot, SHARED)) == 4


def test_a_partner_asking_for_our_commands_is_told_what_they_can_do_instead(slack, bot, shared_channel):
    answer = reply_text(slack.command("edit 2 by Dec 9", user=DANA, channel=SHARED))
    assert "nothing changed" in answer and "ask the item's owner here" in answer
    assert "`/partner plan`" in answer
    bot.wait_idle()
    assert items(bot, SHARED)[2].due_on.isoformat() == "2026-12-03"


def test_our_colleague_in_the_shared_channel_still_gets_our_plan_preview(slack, emulator, shared_channel):
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, BOB, DANA], is_ext_shared=True)
    answer = reply_text(slack.command("plan", user=BOB, channel=SHARED))
    assert "As the partner sees it" in answer and "1 private item stays with us" in answer


# ---------------------------------------------------------------- the plan in the digest and on Home

PLAN_LINE = re.compile(r"Mutual plan:\*? (\d+) on the plan · (\d+) kept · (\d+) overdue · "
                       r"(\d+) waiting for their confirmation")


def test_the_digest_and_the_home_tab_count_the_plan_as_its_page_does(slack, bot, emulator, clock):
    fill(slack, DEAL)
    link = LINK.search(reply_text(slack.command("share", user=ALICE, channel=DEAL))).group(0)
    slack.command("done 1", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=11))  # Friday 4 Dec: #2, due Thursday, is overdue
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', requests.get(link, timeout=10).text).group(1)
    requests.post(f"{link}/confirm/4", data={"csrf": csrf}, allow_redirects=False, timeout=10)
    page = page_numbers(requests.get(link, timeout=10).text)
    slack.command("digest now", user=ALICE, channel=DEAL)
    bot.wait_idle()
    [digest] = [m for m in emulator.messages(DEAL) if "Weekly partnership digest" in all_text(m)]
    in_digest = tuple(int(n) for n in PLAN_LINE.search(all_text(digest)).groups())
    assert "The partner's link is on" in all_text(digest) and "`/partner plan`" in all_text(digest)
    slack.app_home_opened(ALICE)
    bot.wait_idle()
    on_home = tuple(int(n) for n in PLAN_LINE.search(all_text(emulator.home_view(ALICE))).groups())
    assert in_digest == on_home == page == (3, 1, 1, 1)


def test_the_digest_of_a_plan_never_shared_says_how_to_share_it(slack, bot, emulator):
    fill(slack, DEAL)
    slack.command("digest now", user=ALICE, channel=DEAL)
    bot.wait_idle()
    [digest] = [m for m in emulator.messages(DEAL) if "Weekly partnership digest" in all_text(m)]
    text = all_text(digest)
    assert PLAN_LINE.search(text).groups() == ("3", "0", "0", "2")
    assert "The partner has no link yet: `/partner share` makes one." in text


def test_a_digest_with_nothing_shared_has_no_plan_line(slack, bot, emulator):
    slack.command("give a pilot by Friday (private)", user=ALICE, channel=DEAL)
    slack.command("digest now", user=ALICE, channel=DEAL)
    bot.wait_idle()
    [digest] = [m for m in emulator.messages(DEAL) if "Weekly partnership digest" in all_text(m)]
    assert "Mutual plan" not in all_text(digest)


def test_a_partners_home_tab_says_where_their_plan_is_not_how_our_team_starts(
        slack, bot, emulator, shared_channel):
    # Was "New here? Invite me into a deal channel … `/partner deal Acme Corp prospecting`":
    # two things a partner can't do.
    slack.app_home_opened(DANA)
    bot.wait_idle()
    text = all_text(emulator.home_view(DANA))
    assert "You're here as a partner" in text and f"<#{SHARED}>" in text
    assert "`/partner plan`" in text and "`/partner confirm 3`" in text
    assert "New here?" not in text and "/invite" not in text
    assert "the signed NDA" not in text and "40k" not in text  # nothing of the channel is shown


def test_a_guest_of_our_workspace_gets_the_partners_home_tab_too(slack, bot, emulator):
    emulator.add_user("U0GUEST", name="gus", real_name="Gus Guest", guest=True)
    emulator.add_channel(DEAL, "deal-acme", members=[ALICE, BOB, "U0GUEST"])
    slack.command("give a pilot by Friday", user=ALICE, channel=DEAL)
    slack.app_home_opened("U0GUEST")
    bot.wait_idle()
    text = all_text(emulator.home_view("U0GUEST"))
    assert "You're here as a partner" in text and "a pilot" not in text


def test_the_welcome_in_a_shared_channel_speaks_to_both_sides_without_our_coaching(slack, bot, emulator):
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    emulator.add_channel("C0NEWSHARED", "shared-initech", members=[ALICE, DANA], is_ext_shared=True)
    slack.event({"type": "member_joined_channel", "user": emulator.bot_user_id, "channel": "C0NEWSHARED",
                 "channel_type": "C", "team": "T0001", "inviter": ALICE})
    bot.wait_idle()
    [welcome] = emulator.messages("C0NEWSHARED")
    text = all_text(welcome)
    assert "*mutual plan*" in text and "`/partner plan` shows the plan" in text
    assert "*Partners:* `/partner confirm 3`" in text and "`/partner give …`" in text
    assert "giving to receive" not in text and "share the mutual plan with the partner" not in text
    answer = reply_text(slack.command("plan", user=DANA, channel="C0NEWSHARED"))  # as the welcome says
    assert ":handshake: *The mutual plan*" in answer and "I don't know" not in answer


@pytest.mark.parametrize("typed", ["", "help"])
def test_a_partner_asking_for_help_is_told_what_the_bot_is_then_shown_the_plan(slack, shared_channel, typed):
    answer = reply_text(slack.command(typed, user=DANA, channel=SHARED))
    assert answer.index("I'm Partner Coach") < answer.index("What you commit to")
    assert "`/partner confirm &lt;id&gt;`" in answer and "giving to receive" not in answer.lower()


def test_the_page_tells_a_first_time_partner_what_it_is_and_what_to_do(slack, bot):
    fill(slack, DEAL)
    link = LINK.search(reply_text(slack.command("share", user=ALICE, channel=DEAL))).group(0)
    page = requests.get(link, timeout=10).text
    lead = "What each side has committed to, and by when. Further down are your side’s items"
    assert lead in page and page.index(lead) < page.index("What we commit to</h2>")
    for number in (2, 4):
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', requests.get(link, timeout=10).text).group(1)
        requests.post(f"{link}/confirm/{number}", data={"csrf": csrf}, allow_redirects=False, timeout=10)
    page = requests.get(link, timeout=10).text
    assert "What each side has committed to, and by when.</p>" in page  # nothing left to ask of them


@pytest.mark.parametrize(("typed", "says"), [
    ("plan add a review by Dec 9", "our team logs the plan"),  # was: type `/partner give …`
    ("gvie a discount", "our team logs the plan"),  # was: type `/partner give a discount`
    ("delete 2", "that is our team's command"),  # was: type `/partner drop 2`
    ("share now", "that is our team's command"),
])
def test_a_partners_slip_is_answered_with_what_they_can_do_not_our_commands(
        slack, bot, shared_channel, typed, says):
    answer = reply_text(slack.command(typed, user=DANA, channel=SHARED))
    assert says in answer and "`/partner confirm 3`" in answer
    assert "`/partner give" not in answer and "`/partner drop" not in answer and "Usage:" not in answer
    bot.wait_idle()
    assert len(items(bot, SHARED)) == 4


def test_a_partners_slip_on_their_own_commands_still_gets_the_usage(slack, shared_channel):
    answer = reply_text(slack.command("done two", user=DANA, channel=SHARED))
    assert "isn't a commitment id" in answer and "Usage: `/partner done" in answer


def test_the_longest_plan_page_is_a_message_slack_takes(slack, bot, emulator, shared_channel):
    from bot.emulator.block_kit import message_problems

    for n in range(12):  # the longest texts, each character one that escaping lengthens
        slack.command(f"give {n}" + "<&>" * 99 + " by Friday", user=ALICE, channel=SHARED)
        slack.command(f"get {n}" + "<&>" * 99 + " by Friday", user=ALICE, channel=SHARED)
    for user in (ALICE, DANA):
        body = reply(slack.command("plan", user=user, channel=SHARED))
        assert message_problems(body) is None and len(body["blocks"]) <= 50


def test_the_digest_in_a_channel_the_partner_reads_speaks_to_both_sides(slack, bot, emulator, shared_channel):
    slack.command("digest now", user=ALICE, channel=SHARED)
    bot.wait_idle()
    [digest] = [m for m in emulator.messages(SHARED) if "Weekly partnership digest" in all_text(m)]
    text = all_text(digest)
    assert PLAN_LINE.search(text).groups() == ("3", "0", "0", "2")  # the private item isn't counted
    assert "`/partner plan` shows it, to both sides." in text and "`/partner share`" not in text
