"""Round eight of coaching wisdom over signed HTTP: a deal put on hold by the partner is not
chased (what we owe stays owed) and resumes where it paused; a promise marked done by mistake, or
delivered and not accepted, is reopened with the ledger, the digest and App Home agreeing; a stage
moving backwards asks what changed; two partner companies in one channel; Slack Connect wording.

Every test here fails on the code before this round: it had no "on hold" stage, no `resume`, no
`reopen`, and no word for a step back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, reply_text, visible
from tests.e2e.test_coaching_round3 import DANA, SHARED
from tests.e2e.test_coaching_round6 import assert_speaks_to_the_partner, digest_now, shared_channel
from tests.e2e.test_coaching_wisdom import nudge_of, stage_post
from tests.e2e.test_schedule import dms

BALANCE = re.compile(r"\*We give:\*[^\n]*\*We get:\*[^\n]*")


def deal_of(bot, name: str = "Acme", channel: str = DEAL):
    """The channel's deal called ``name``, as stored."""
    return next(d for d in bot.runtime.services.deals.all(Scope("T0001", channel)) if d.name == name)


def paused_after_their_slip(slack, emulator, clock, *ours: str) -> dict:
    """We delivered; their security review was due Tue 24 Nov; ``ours`` are given too (#3, …);
    on Thu 26 Nov they pause the deal. Returns the post that put it on hold."""
    stage_post(slack, emulator, "Acme negotiation")
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("get security review by Nov 24", user=ALICE, channel=DEAL)
    for what in ours:
        slack.command(f"give {what}", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=3))
    return stage_post(slack, emulator, "Acme on hold")


def test_a_deal_on_hold_is_not_chased_and_the_hold_post_keeps_our_promises(slack, bot, emulator, clock):
    """Fails on the old code: "on hold" was an unknown stage, and twelve days into their slip the
    coach suggested the brave conversation."""
    post = paused_after_their_slip(slack, emulator, clock, "integration guide by Dec 18")
    text = all_text(post)
    assert "*Acme* is now *on hold* (from Negotiation)" in text
    assert "Pausing isn't slipping" in text and "integration guide" in text
    assert deal_of(bot).stage.value == "on_hold"
    clock.advance(timedelta(days=9))  # Sat 5 Dec: their review is eleven days late
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "on_hold"
    words = reply_text(answer)
    assert "A pause isn't a slip" in words and "our next is *#3* integration guide" in words
    assert "brave" not in words.lower() and "follow-up" not in words
    # Asked again the next day: a light touch once a week, not a nag.
    clock.advance(timedelta(days=1))
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "quiet"


def test_what_we_owe_is_still_owned_while_the_deal_is_on_hold(slack, emulator, clock):
    """Fails on the old code: there was no way to put the deal on hold."""
    stage_post(slack, emulator, "Acme proposal")
    slack.command("give API sandbox by Nov 25", user=ALICE, channel=DEAL)
    stage_post(slack, emulator, "Acme paused")
    clock.advance(timedelta(days=4))  # Fri 27 Nov: ours is two days late
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "our_late" and "API sandbox" in reply_text(answer)


def test_resume_brings_the_deal_back_where_it_paused_and_dates_are_agreed_again(slack, bot, emulator, clock):
    """Fails on the old code: `resume` was an unknown stage, and the day after the deal came
    back the coach had suggested the brave conversation about a date the pause overtook."""
    paused_after_their_slip(slack, emulator, clock)
    clock.advance(timedelta(days=14))  # Thu 10 Dec: back at the table
    post = stage_post(slack, emulator, "Acme resume")
    assert deal_of(bot).stage.value == "negotiation"
    assert "Back from the pause" in all_text(post) and "(from On hold)" in all_text(post)
    clock.advance(timedelta(days=1))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "resumed"
    words = reply_text(answer)
    assert "*#2* security review, from their side, fell due while it was paused" in words
    assert "agree new dates together" in words and "brave" not in words.lower()
    clock.advance(timedelta(days=2))  # no new date agreed three days after resuming: follow up
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_up" and "security review" in reply_text(answer)
    clock.advance(timedelta(days=8))  # eleven days after resuming, nothing of theirs: the brave talk
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "brave_conversation"
    assert "Nothing of theirs kept in 11 days since the deal resumed (Thu 10 Dec 2026)" in reply_text(answer)


def test_resume_refuses_clearly_and_changes_nothing_when_there_is_nothing_to_resume(slack, bot, emulator):
    """Fails on the old code: "resume" was refused as an unknown stage, with no word on pausing."""
    stage_post(slack, emulator, "Acme qualified")
    before = len(emulator.messages(DEAL))
    answer = reply_text(slack.command("deal Acme resume", user=ALICE, channel=DEAL))
    assert "isn't on hold (it's at Qualified)" in answer and "nothing changed" in answer
    answer = reply_text(slack.command("deal <!channel> Globex resume", user=ALICE, channel=DEAL))
    assert "There's no deal" in answer and "<!channel>" not in answer
    # A deal first recorded on hold: which stage to go back to is asked, not guessed.
    stage_post(slack, emulator, "Initech on hold")
    answer = reply_text(slack.command("deal Initech resume", user=ALICE, channel=DEAL))
    assert "on hold from the start" in answer and "/partner deal Initech qualified" in answer
    assert deal_of(bot).stage.value == "qualified" and deal_of(bot, "Initech").stage.value == "on_hold"
    assert len(emulator.messages(DEAL)) == before + 1  # only Initech's hold was posted


def test_a_promise_marked_done_by_mistake_is_reopened_everywhere_at_once(slack, emulator, clock):
    """Fails on the old code: there was no `reopen`; the list, the digest and App Home kept
    counting the promise as kept."""
    stage_post(slack, emulator, "Acme proposal")
    slack.command("give onboarding deck by Dec 4", user=ALICE, channel=DEAL)
    slack.command("get attendee list by Dec 3", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=1))
    answer = slack.command("reopen 1", user=ALICE, channel=DEAL)
    words = reply_text(answer)
    assert "Reopened *#1* (We give): onboarding deck, due Fri 4 Dec 2026" in words
    assert nudge_of(answer) == "reopened"
    assert "If they heard it was done, tell them it isn't yet" in words
    line = "*We give:* 1 open · 0 kept   *We get:* 1 open · 0 kept"
    assert BALANCE.findall(words) == [line]
    assert BALANCE.findall(reply_text(slack.command("list", user=ALICE, channel=DEAL))) == [line]
    slack.app_home_opened(ALICE)
    emulator.wait_for("views.publish")
    home = all_text(emulator.calls_to("views.publish")[-1].args["view"])
    assert BALANCE.findall(home) == [line] and "onboarding deck" in home
    digest = all_text(digest_now(slack, emulator, channel=DEAL))
    assert "*This week:* 2 made · 0 kept · 0 overdue" in digest and line in digest
    # Retried (a double-typed command): said plainly, nothing changes.
    again = reply_text(slack.command("reopen 1", user=ALICE, channel=DEAL))
    assert "#1 is still open, so there's nothing to reopen" in again


def test_reopen_refuses_unknown_ids_bad_input_and_the_partner(slack, emulator):
    """Fails on the old code: `reopen` was an unknown command."""
    shared_channel(emulator)
    slack.command("get logo files", user=ALICE, channel=SHARED)
    slack.command("done 1", user=ALICE, channel=SHARED)
    assert "There is no commitment #9" in reply_text(slack.command("reopen 9", user=ALICE, channel=SHARED))
    assert "isn't a commitment id" in reply_text(slack.command("reopen <@U123>", user=ALICE, channel=SHARED))
    assert "/partner reopen &lt;id&gt;" in reply_text(slack.command("reopen", user=ALICE, channel=SHARED))
    # The partner's people in a Slack Connect channel don't reopen our ledger's items.
    slack.command("reopen 1", user=DANA, channel=SHARED)
    listing = reply_text(slack.command("list all", user=ALICE, channel=SHARED))
    assert BALANCE.findall(listing) == ["*We give:* 0 open · 0 kept   *We get:* 0 open · 1 kept"]


def test_their_delivery_not_accepted_asks_what_is_missing_not_a_follow_up(slack, clock):
    """Fails on the old code: with no reopen, the item logged again ten days after its date drew
    the brave conversation instead of a word on what was missing."""
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("get data mapping by Nov 24", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=9))  # Wed 2 Dec: they sent it, we marked it done
    slack.command("done 2", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=1))  # Thu 3 Dec: half the fields are missing
    answer = slack.command("reopen 2", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "reopened"
    words = reply_text(answer)
    assert "*#2* data mapping, from their side, is open again" in words and "what's missing" in words
    assert "(already past)" in words
    clock.advance(timedelta(days=3))  # raised already; three days on, the friendly follow-up
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "follow_up"


def test_two_partner_companies_one_paused_the_other_still_coached(slack, emulator, clock):
    """Fails on the old code: "on hold" was unknown. With it, the paused deal (moved last) must not
    silence the follow-up on the other company's late promise."""
    stage_post(slack, emulator, "Acme negotiation")
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("get signed order form by Nov 24", user=ALICE, channel=DEAL)
    stage_post(slack, emulator, "Globex proposal")
    clock.advance(timedelta(days=3))
    stage_post(slack, emulator, "Globex on hold")
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_up" and "signed order form" in reply_text(answer)


def test_a_stage_moving_backwards_asks_what_changed(slack, emulator):
    """Fails on the old code: negotiation back to discovery got the first-day opening question."""
    stage_post(slack, emulator, "Acme negotiation")
    post = all_text(stage_post(slack, emulator, "Acme discovery"))
    assert "*Acme* is now *Prospecting* (from Negotiation)" in post
    assert "It moved back from Negotiation. Before pitching again, ask what changed for them" in post


def test_on_hold_in_a_slack_connect_channel_is_warm_and_never_tactical(slack, emulator, clock):
    """Fails on the old code: there was no hold to announce."""
    shared_channel(emulator)
    slack.command("give integration guide by Dec 18", user=ALICE, channel=SHARED)
    slack.command("get security review by Nov 24", user=ALICE, channel=SHARED)
    before = len(emulator.messages(SHARED))
    slack.command("deal Acme on hold", user=ALICE, channel=SHARED)
    emulator.wait_for(lambda calls: len(emulator.messages(SHARED)) > before)
    post = emulator.messages(SHARED)[-1]
    assert "paused on your side" in all_text(visible(post))
    assert_speaks_to_the_partner(post)
    clock.advance(timedelta(days=8))
    digest = digest_now(slack, emulator)
    assert "nudge_on_hold" in str(digest) and "paused on your side" in all_text(visible(digest))
    assert_speaks_to_the_partner(digest)
    assert "nudge_follow_up" not in str(digest) and "nudge_in_private" not in str(digest)


def test_a_crm_webhook_can_put_a_deal_on_hold_and_move_it_on(bot, emulator):
    """Fails on the old code: the CRM's "On Hold" stage was refused as unknown. The CRM moves the
    deal on by naming the stage (it has no `resume`), and the post says it is back from the pause."""
    from bot.webhook import DealWebhook, sign

    secret, clock = "s3cret", {"now": 1_700_000_000}
    hook = DealWebhook(secret, bot.runtime.services, now=lambda: float(clock["now"]))

    def deliver(stage: str) -> tuple[int, dict]:
        clock["now"] += 60  # a minute apart: a new delivery each time, not a replay
        now = clock["now"]
        body = b'{"deal": "Acme", "stage": "%s", "channel": "%s"}' % (stage.encode(), DEAL.encode())
        return hook(body, {"x-partner-coach-timestamp": str(now),
                           "x-partner-coach-signature": sign(secret, now, body)})

    assert deliver("Negotiation/Review")[1]["stage"] == "negotiation"
    assert deliver("On Hold") == (200, {"ok": True, "deal": "Acme", "stage": "on_hold", "changed": True})
    assert deliver("Negotiation/Review")[1]["changed"] is True
    emulator.wait_for(lambda calls: len(emulator.messages(DEAL)) >= 3)
    held, back = (all_text(m) for m in emulator.messages(DEAL)[1:3])
    assert "*Acme* is now *on hold* (from Negotiation)" in held
    assert "Back from the pause" in back and deal_of(bot).stage.value == "negotiation"


def test_twelve_deal_channels_the_home_tab_puts_the_deal_that_needs_you_first(slack, emulator, clock):
    """Fails on the old code: App Home listed deals by when they were last touched, with no word
    on which needed attention; a quiet deal touched last sat above our own slip."""
    channels = {f"C0D{n:02d}": name for n, name in enumerate(
        ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", "Cyberdyne",
         "Soylent", "Wonka", "Vandelay"))}
    for channel, name in channels.items():
        emulator.add_channel(channel, f"deal-{name.lower()}", members=[ALICE])
        slack.command(f"deal {name} negotiation", user=ALICE, channel=channel)
        slack.command("give kickoff notes", user=ALICE, channel=channel)
    slack.command("give SSO setup by Nov 24", user=ALICE, channel="C0D03")  # Umbrella: ours slips
    slack.command("get logo files by Nov 23", user=ALICE, channel="C0D07")  # Tyrell: theirs slips
    slack.command("give pricing sheet by Nov 26", user=ALICE, channel="C0D05")  # Stark: due soon
    slack.command("get data export by Nov 20", user=ALICE, channel="C0D09")  # Soylent: late, but paused
    slack.command("deal Soylent on hold", user=ALICE, channel="C0D09")
    clock.advance(timedelta(days=2))  # Wed 25 Nov
    slack.command("give security answers by Nov 25", user=ALICE, channel="C0D01")  # Globex: due today
    slack.command("deal Vandelay proposal", user=ALICE, channel="C0D11")  # touched last, nothing slips
    slack.app_home_opened(ALICE)
    emulator.wait_for("views.publish")
    home = all_text(emulator.calls_to("views.publish")[-1].args["view"])
    order = [name for name in re.findall(r"^\*(\w+)\* — ", home, re.MULTILINE)]
    assert order[:4] == ["Umbrella", "Globex", "Tyrell", "Stark"], order
    assert order[-1] == "Soylent" and len(order) == 12
    assert "*Needs you first:* ours late, *#2* SSO setup by 1 day: tell them, with a new date." in home
    assert "One of ours is due today: *#2* security answers." in home
    assert "Theirs is late, *#2* logo files by 2 days: a friendly follow-up." in home
    assert "Paused on their side: nothing to chase; 1 of ours still open." in home


def test_while_a_deal_is_on_hold_reminders_keep_our_word_and_stop_chasing_theirs(slack, bot, emulator, clock):
    """Fails on the old code: there was no hold; with one, the owner was still reminded to chase
    the partner's promise the partner had paused."""
    schedule = bot.runtime.services.schedule
    slack.command("give pilot workspace by Wednesday", user=ALICE, channel=DEAL)
    slack.command("get intro to their CFO by Wednesday", user=ALICE, channel=DEAL)
    slack.command("deal Acme on hold", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 24, 14, tzinfo=UTC))  # the day before, 09:00 in New York
    schedule.sweep()
    clock.set(datetime(2026, 11, 26, 14, tzinfo=UTC))  # the day after: overdue
    schedule.sweep()
    texts = [all_text(dm) for dm in dms(emulator)]
    assert len(texts) == 2 and all("pilot workspace" in text for text in texts)
    assert not any("intro to their CFO" in text for text in texts)


def test_a_signed_partnership_paused_and_resumed_keeps_its_signature(slack, bot, emulator, clock):
    """Fails on the old code: no hold. Resuming a signed partnership is not a second signature:
    no congratulations, and the follow-through still counts from the first signature."""
    slack.command("give onboarding workshop by Dec 18", user=ALICE, channel=DEAL)
    stage_post(slack, emulator, "Acme signed")
    clock.advance(timedelta(days=5))
    stage_post(slack, emulator, "Acme on hold")
    clock.advance(timedelta(days=10))  # Thu 10 Dec
    post = all_text(stage_post(slack, emulator, "Acme resume"))
    assert "*Acme* is back at *signed* after the pause" in post and "picks up again" in post
    assert "Congratulations" not in post and "Signed and sealed" not in post
    assert deal_of(bot).stage.value == "signed"
    clock.advance(timedelta(days=4))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_through"
    assert "0 of ours kept since the signature on Mon 23 Nov 2026" in reply_text(answer)


def test_the_reply_to_done_says_how_to_undo_it_and_that_works(slack):
    """Fails on the old code: a promise marked done by mistake could only be logged again."""
    slack.command("give pricing sheet", user=ALICE, channel=DEAL)
    closed = reply_text(slack.command("done 1", user=ALICE, channel=DEAL))
    assert "`/partner reopen 1` opens it again" in closed
    reopened = reply_text(slack.command("reopen 1", user=ALICE, channel=DEAL))
    assert BALANCE.findall(reopened) == ["*We give:* 1 open · 0 kept   *We get:* 0 open · 0 kept"]
