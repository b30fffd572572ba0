"""Round five of coaching wisdom over signed HTTP: a promise of ours dropped after its due date is
owned as broken (and `drop <id> agreed` says it was a cancellation both sides chose), a renewal
after the signature gets its own question, a signed deal whose ledger was never filled in is
asked for its promises, and a digest the partner reads asks them directly, not about them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, coaching_paragraphs, nudges, reply, reply_text
from tests.e2e.test_coaching_round3 import DANA, SHARED
from tests.e2e.test_coaching_wisdom import nudge_of, stage_post
from tests.e2e.test_mutual_plan import share
from tests.e2e.test_schedule import posted, sign


def test_our_promise_dropped_after_its_due_date_is_owned_once_as_broken(slack, clock):
    slack.command("give security pack by Nov 25", user=ALICE, channel=DEAL)
    slack.command("get usage report by Dec 18", user=ALICE, channel=DEAL)
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("done 3", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=4))  # Fri 27 Nov: the security pack is two days late
    answer = slack.command("drop 1", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "own_broken"
    text = reply_text(answer)
    assert "dropped after its due date" in text and "a promise we didn't keep" in text
    assert "was due Wed 25 Nov 2026 and dropped Fri 27 Nov 2026, 2 days after." in text
    assert "`/partner drop 1 agreed`" in text
    # Owned once: the next reply moves on, and its small print still counts the broken promise.
    later = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(later) != "own_broken"
    clock.advance(timedelta(days=4))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "on_track"
    assert "1 of ours broken (dropped after the due date)" in reply_text(answer)
    # The full list says which drop was a broken promise.
    assert "_dropped after its due date_" in reply_text(slack.command("list all", user=ALICE, channel=DEAL))


def test_a_late_promise_dropped_by_agreement_is_a_cancellation_not_a_broken_promise(slack, clock):
    slack.command("give security pack by Nov 25", user=ALICE, channel=DEAL)
    slack.command("get usage report by Dec 18", user=ALICE, channel=DEAL)
    slack.command("give onboarding call by Nov 24", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=4))
    # Before anyone drops a dated promise of ours with the button, its confirmation says how it counts.
    confirms = {block["block_id"]: element["confirm"]["text"]["text"]
                for block in reply(slack.command("list", user=ALICE, channel=DEAL))["blocks"]
                if block["type"] == "actions" for element in block["elements"]
                if element["action_id"].partition(":")[0] == "item_drop"}
    assert "counts as broken" in confirms["item_1"]
    assert "choose “Drop by agreement” instead" in confirms["item_1"]
    assert confirms["item_2"] == "It stays in the history as dropped."  # theirs
    answer = slack.command("drop 1 agreed", user=ALICE, channel=DEAL)
    text = reply_text(answer)
    assert "Dropped by agreement *#1*" in text
    assert nudge_of(answer) == "our_late"  # the other late promise of ours, not the cancelled one
    assert "broken" not in text
    # Dropped without the word, then marked as agreed afterwards: no longer counted as broken.
    assert nudge_of(slack.command("drop 3", user=ALICE, channel=DEAL)) == "own_broken"
    assert "Dropped by agreement *#3*" in reply_text(slack.command("drop 3 agreed", user=ALICE, channel=DEAL))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert "broken" not in reply_text(answer)
    everything = reply_text(slack.command("list all", user=ALICE, channel=DEAL))
    assert everything.count("_dropped by agreement_") == 2 and "after its due date_" not in everything
    # Saying it twice changes nothing, and says so.
    assert "already dropped" in reply_text(slack.command("drop 3 agreed", user=ALICE, channel=DEAL))


def test_help_shows_the_agreed_drop_and_the_renewal_stage(slack):
    text = reply_text(slack.command("help", user=ALICE, channel=DEAL))
    assert "/partner drop &lt;id&gt; [agreed]" in text and "/partner drop 4 agreed" in text
    assert "renewal" in text


def test_a_renewal_after_the_signature_gets_its_own_question(slack, bot, emulator, clock):
    slack.command("give onboarding plan", user=ALICE, channel=DEAL)
    slack.command("get quarterly usage review", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    clock.advance(timedelta(hours=1))
    sign(slack, bot)
    clock.advance(timedelta(days=1))
    slack.command("done 2", user=ALICE, channel=DEAL)
    slack.command("give admin training by Dec 18", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 12, 10, 15, 0, tzinfo=UTC))
    # The CRM moves the deal to its renewal stage.
    before = len(emulator.messages(DEAL))
    slack.event({"type": "message", "bot_id": "B0HUB", "channel": DEAL, "ts": "1700000009.000100",
                 "text": "Deal stage changed: Acme moved from Closed Won to Renewal"})
    emulator.wait_for(lambda calls: len(emulator.messages(DEAL)) > before)
    post = emulator.messages(DEAL)[-1]
    assert nudges(post) == ["stage_renewal"] and coaching_paragraphs(post) == 1
    text = all_text(post)
    assert "up for *renewal*" in text and "earned by what we delivered since the signature" in text
    assert "Since the signature (Mon 23 Nov 2026): we kept 0 of ours, 1 of ours open" in text
    assert "they kept 1 of theirs" in text
    assert "Congratulations" not in text
    [deal] = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    assert deal.stage.value == "renewal"
    # Between the posts, the promises since the signature still count: follow through.
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_through"
    assert "0 of ours kept since the signature on Mon 23 Nov 2026" in reply_text(answer)
    # Renewed: a renewal, not a first signature.
    renewed = all_text(stage_post(slack, emulator, "Acme renewed"))
    assert "Renewed: they chose us again" in renewed


def test_a_deal_in_renewal_keeps_its_check_ins(slack, bot, emulator, clock):
    schedule = bot.runtime.services.schedule
    slack.command("give onboarding plan by Dec 18", user=ALICE, channel=DEAL)
    sign(slack, bot)
    slack.command("deal Acme renewal", user=ALICE, channel=DEAL)
    [deal] = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    assert deal.stage.value == "renewal"
    # Still a customer while the renewal is discussed: the check-in is posted, not skipped.
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # the 7-day check-in's time
    schedule.run_due()
    assert len(posted(emulator, "checkin:acme:7", DEAL)) == 1


def test_a_signed_deal_with_an_empty_ledger_is_asked_for_what_we_promised(slack, emulator, clock):
    stage_post(slack, emulator, "Acme signed")
    clock.advance(timedelta(days=30))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "empty"
    text = reply_text(answer)
    assert "It's signed, and nothing we promised them is written down" in text
    assert "Start where good partners start" not in text


def test_a_digest_the_partner_reads_asks_them_directly_to_confirm_an_expectation(slack, emulator, clock):
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    slack.command("give a pilot workspace for 30 days", user=ALICE, channel=SHARED)
    slack.command("get a reference call with their CTO", user=ALICE, channel=SHARED)
    share(slack, channel=SHARED)
    clock.advance(timedelta(days=4))  # four days on the plan without their yes
    before = len(emulator.messages(SHARED))
    slack.command("digest now", user=ALICE, channel=SHARED)
    emulator.wait_for(lambda calls: len(emulator.messages(SHARED)) > before)
    digest = emulator.messages(SHARED)[-1]
    text = all_text(digest)
    assert nudges(digest) == ["restate_expectation"]
    assert "waiting on the shared plan for a yes. Could you confirm it there" in text
    assert "they haven't said yes" not in text and "without their confirmation" not in text
    assert "has waited 4 days on the shared plan without a confirmation" in text


def test_a_signing_and_its_check_in_in_a_shared_channel_speak_to_the_partner(slack, bot, emulator, clock):
    """Slack Connect: no coaching tactics about them ("what they'll remember") where they read."""
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    slack.command("give onboarding workshop by Dec 18", user=ALICE, channel=SHARED)
    slack.command("get kickoff attendee list by Dec 18", user=ALICE, channel=SHARED)
    before = len(emulator.messages(SHARED))
    sign(slack, bot, channel=SHARED)
    emulator.wait_for(lambda calls: len(emulator.messages(SHARED)) > before)
    post = all_text(emulator.messages(SHARED)[-1])
    assert "Thank you, both teams" in post
    assert "they'll remember" not in post and "lose a partner" not in post
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # the 7-day check-in
    bot.runtime.services.schedule.run_due()
    [checkin] = posted(emulator, "checkin:acme:7", SHARED)
    text = all_text(checkin)
    assert nudges(checkin) == ["follow_through"]
    assert "Next on our side: *#1* onboarding workshop, due Fri 18 Dec 2026" in text
    assert "they'll remember" not in text


def test_their_promise_dropped_after_its_due_date_is_never_called_kept(slack, clock):
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("get reference call by Nov 25", user=ALICE, channel=DEAL)
    slack.command("get usage data", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("done 3", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=5))
    slack.command("drop 2", user=ALICE, channel=DEAL)  # theirs, three days late: we stop chasing it
    clock.advance(timedelta(days=9))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    # Round 6: the broken promise still counts in their silence (twelve days): the brave talk.
    assert nudge_of(answer) == "brave_conversation"
    text = reply_text(answer)
    assert "Every promise on both sides is kept" not in text
    assert "1 of theirs broken (dropped after the due date), the oldest due 12 days ago" in text


def test_on_track_says_when_the_exchange_runs_their_way(slack, clock):
    slack.command("give pilot workspace by Dec 18", user=ALICE, channel=DEAL)
    for what in ("org chart", "usage data", "security questionnaire"):
        slack.command(f"get {what}", user=ALICE, channel=DEAL)
    for number in (2, 3, 4):
        slack.command(f"done {number}", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=8))  # their deliveries are no longer news
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "on_track"
    text = reply_text(answer)
    assert "the exchange runs their way: they've delivered 3 and nothing of ours is delivered yet" in text
    assert "Nothing needs you" not in text
