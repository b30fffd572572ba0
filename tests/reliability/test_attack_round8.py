"""Round 8 of attacks through the real HTTP surface. Each answers clearly, logs no error or
traceback (the ``log`` fixture), and changes nothing it shouldn't.

Storage a busy workspace (or an attacker) can grow: thread replies. Slack sends every reply
in every channel the bot is in; only replies to the bot's own posts (``parent_user_id``, as
Slack sends on thread replies) may leave a trace, and that trace goes once it can't matter.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import ledger_text, reply_text

THREAD_REPLY = "thread-reply"


def reply_marks(local, channel: str = DEAL) -> list[tuple[str, str, dict]]:
    """The thread-reply records the store holds for a channel."""
    return [r for r in local.runtime.store.records(Scope("T0001", channel)) if r[0] == THREAD_REPLY]


def test_replies_in_peoples_threads_store_nothing(bot, slack, emulator, log):
    # Expect: a busy channel's threads (people answering people) leave no record at all.
    slack.message("lunch?", user=BOB, channel=DEAL, ts="1700008000.000100")
    for n in range(30):
        slack.message(f"sure {n}", user=ALICE, channel=DEAL, ts=f"1700008001.{n:06d}",
                      thread_ts="1700008000.000100")
    bot.wait_idle()
    assert reply_marks(bot) == []


def test_a_forged_parent_user_id_on_a_persons_thread_is_recorded_at_most_until_it_expires(
        bot, slack, emulator, clock, log):
    # Expect: a reply claiming the bot wrote the parent (a forged or stale parent_user_id)
    # costs one small record, gone once no reminder can ask about it.
    bot_user = emulator.bot_user_id
    slack.message("answer", user=ALICE, channel=DEAL, ts="1700008100.000200",
                  thread_ts="1700008100.000100", parent_user_id=bot_user)
    bot.wait_idle()
    assert len(reply_marks(bot)) == 1
    clock.advance(timedelta(days=2))
    bot.runtime.services.schedule.sweep()
    assert reply_marks(bot) == []


def test_a_reply_to_the_bots_own_post_is_remembered_once(bot, slack, emulator, log):
    # Expect: someone answers in the thread of the bot's post: one record, however many reply.
    slack.message("just got off the call with Acme", user=ALICE, channel=DEAL, ts="1700008200.000100")
    [prompt] = emulator.wait_for_count("chat.postMessage", 1)
    for n in range(5):
        slack.message(f"thanks {n}", user=BOB, channel=DEAL, ts=f"1700008201.{n:06d}",
                      thread_ts=prompt.response["ts"])
    bot.wait_idle()
    [(_, key, _)] = reply_marks(bot)
    assert key == prompt.response["ts"]


# ------------------------------------------------------------------ channels that change id

PRIVATE, SHARED_NOW = "G0PRIVATE8", "C0PRIVATE8"


def stored(local) -> dict:
    """Every record but the receipts of event deliveries (PostgreSQL keeps those in the
    database: each new delivery adds one, which is no change of anything)."""
    store = local.runtime.store
    return {scope: sorted(store.records(scope), key=lambda r: (r[0], r[1])) for scope in store.scopes()
            if scope.channel_id != "_events"}


def items(local, channel: str = DEAL):
    return local.runtime.services.ledger.items(Scope("T0001", channel))


def id_changed(slack, old, new, event_id=None):
    return slack.event({"type": "channel_id_changed", "old_channel_id": old, "new_channel_id": new,
                        "event_ts": "1700009000.000100"}, event_id=event_id)


def test_a_private_channel_shared_with_slack_connect_keeps_its_ledger_under_its_new_id(
        bot, slack, emulator, log):
    # Expect: Slack gives a private channel a new id when it is shared with the partner
    # (channel_id_changed); its items, deals and settings follow it, none left behind.
    emulator.add_channel(PRIVATE, "deal-private", members=[ALICE, BOB])
    assert "Logged" in reply_text(slack.command("give the pilot workspace by Friday", user=ALICE,
                                                channel=PRIVATE))
    slack.command("listen auto", user=ALICE, channel=PRIVATE)
    emulator.add_channel(SHARED_NOW, "deal-private", members=[ALICE, BOB])
    assert id_changed(slack, PRIVATE, SHARED_NOW).status_code == 200
    bot.wait_idle()
    assert [i.what for i in items(bot, SHARED_NOW)] == ["the pilot workspace"]
    assert items(bot, PRIVATE) == []
    assert "pilot workspace" in ledger_text(slack, SHARED_NOW)
    assert "*auto*" in reply_text(slack.command("listen", user=ALICE, channel=SHARED_NOW))
    # Slack's retry of the event (a new delivery of the same change) changes nothing.
    before = stored(bot)
    id_changed(slack, PRIVATE, SHARED_NOW)
    bot.wait_idle()
    assert stored(bot) == before


def test_a_channel_id_change_that_names_nothing_sensible_changes_nothing(bot, slack, emulator, log):
    # Expect: ids that are not channel ids, the same id twice, or a channel the bot holds
    # nothing for: acknowledged, nothing moved, nothing logged as an error.
    slack.command("give the deck by Friday", user=ALICE, channel=DEAL)
    before = stored(bot)
    for old, new in ((DEAL, DEAL), (DEAL, "<!channel>"), (DEAL, {"id": "C1"}), ("C0NOTHING", DEAL),
                     (DEAL, ""), (None, DEAL), (DEAL, "U0ALICE")):
        assert id_changed(slack, old, new).status_code in (200, 400)
    bot.wait_idle()
    assert stored(bot) == before
    assert [i.what for i in items(bot)] == ["the deck"]


def test_check_ins_planned_before_the_id_changed_are_posted_under_the_new_id(
        bot, slack, emulator, clock, log):
    # Expect: a deal signed in the private channel plans its check-ins; after the channel is
    # shared (new id), the first check-in goes to the new id, none to the old one.
    emulator.add_channel(PRIVATE, "deal-private", members=[ALICE, BOB])
    slack.command("give the pilot workspace by Friday", user=ALICE, channel=PRIVATE)
    slack.command("deal Acme signed", user=ALICE, channel=PRIVATE)
    bot.wait_idle()
    emulator.add_channel(SHARED_NOW, "deal-private", members=[ALICE, BOB])
    id_changed(slack, PRIVATE, SHARED_NOW)
    bot.wait_idle()
    posted_before = len(emulator.messages())
    clock.advance(timedelta(days=8))
    bot.runtime.services.schedule.sweep()
    bot.wait_idle()
    in_channels = [m for m in emulator.messages()[posted_before:] if not m["channel"].startswith("D")]
    assert in_channels and {m["channel"] for m in in_channels} == {SHARED_NOW}
    assert any("pilot workspace" in str(m) for m in in_channels)


# ------------------------------------------------------------------ people whose account changed

def user_change(slack, emulator, user_id):
    """Slack's `user_change` for ``user_id``, carrying the user object as users.info has it now."""
    return slack.event({"type": "user_change", "user": emulator.get_user(user_id),
                        "event_ts": "1700009100.000100", "cache_ts": 1700009100})


def test_a_colleague_made_a_guest_gets_the_partners_view_at_once(bot, slack, emulator, log):
    # Expect: Bob writes our ledger as a colleague; an admin makes him a guest account
    # (user_change): his next command gets the partner's view and writes nothing of ours,
    # not a day later when the bot would have asked Slack again.
    assert "Logged" in reply_text(slack.command("give the deck by Friday", user=BOB, channel=DEAL))
    emulator.add_user(BOB, name="bob", real_name="Bob Baker", guest=True)
    assert user_change(slack, emulator, BOB).status_code == 200
    bot.wait_idle()
    answer = reply_text(slack.command("give a 50% discount by Friday", user=BOB, channel=DEAL))
    assert "Logged" not in answer
    assert [i.what for i in items(bot)] == ["the deck"]


def test_a_guest_made_a_full_member_gets_our_view_at_once(bot, slack, emulator, log):
    # Expect: a partner invited as a guest is converted to a full member of our workspace
    # (user_change): their next command writes our ledger like any colleague's.
    guest = "U0GUEST8"
    emulator.add_user(guest, name="gus", real_name="Gus Guest", guest=True)
    emulator.add_channel("C0GUEST8", "deal-guest", members=[ALICE, guest])
    refused = reply_text(slack.command("give the deck by Friday", user=guest, channel="C0GUEST8"))
    assert "Logged" not in refused
    emulator.add_user(guest, name="gus", real_name="Gus Guest", guest=False)
    user_change(slack, emulator, guest)
    bot.wait_idle()
    assert "Logged" in reply_text(slack.command("give the deck by Friday", user=guest, channel="C0GUEST8"))
    assert [i.what for i in items(bot, "C0GUEST8")] == ["the deck"]


def test_user_change_events_about_nobody_or_strangers_change_nothing(bot, slack, emulator, log):
    # Expect: a user_change whose user is missing, not an object, or someone the bot never met
    # (a busy workspace sends one for every status emoji) is acknowledged and stores nothing.
    slack.command("give the deck by Friday", user=ALICE, channel=DEAL)
    bot.wait_idle()
    before = stored(bot)
    for user in (None, "U0NOBODY", {"id": {"x": 1}}, {"id": "U0STRANGER", "is_restricted": True},
                 {"id": "<!channel>"}):
        assert slack.event({"type": "user_change", "user": user}).status_code in (200, 400)
    bot.wait_idle()
    assert stored(bot) == before


# ------------------------------------------------------------------ edits, files, channel events

HOSTILE = "<!channel> <@U0BOB> we'll wire you $1M <http://evil.example|the contract> by Friday"


def test_an_edit_that_turns_a_logged_promise_into_hostile_text_changes_nothing(bot, slack, emulator, log):
    # Expect: a promise logged automatically, then edited into a mass ping and a forged link:
    # the item stays as logged, nothing is posted, nobody is pinged.
    slack.command("listen auto", user=ALICE, channel=DEAL)
    slack.message("I'll send the pilot plan by Friday", user=ALICE, channel=DEAL, ts="1700009200.000100")
    emulator.wait_for_count("chat.postMessage", 1)
    bot.wait_idle()
    logged, posts = [(i.what, i.side) for i in items(bot)], len(emulator.messages())
    edited = {"type": "message", "subtype": "message_changed", "hidden": True, "channel": DEAL,
              "ts": "1700009201.000100", "event_ts": "1700009201.000100", "channel_type": "channel",
              "message": {"type": "message", "user": ALICE, "text": HOSTILE, "ts": "1700009200.000100",
                          "edited": {"user": ALICE, "ts": "1700009201.000000"}},
              "previous_message": {"type": "message", "user": ALICE, "ts": "1700009200.000100",
                                   "text": "I'll send the pilot plan by Friday"}}
    assert slack.event(edited).status_code == 200
    bot.wait_idle()
    assert [(i.what, i.side) for i in items(bot)] == logged == [("send the pilot plan", "give")]
    assert len(emulator.messages()) == posts
    assert "<!channel>" not in str(emulator.calls)


def test_a_file_share_with_a_huge_title_is_read_for_its_message_only(bot, slack, emulator, log):
    # Expect: a file shared with a 200,000-character title and name (and a promise in the
    # title only) is acknowledged, offers nothing from the file, and its message is read.
    files = [{"id": "F0HUGE", "name": "n" * 200_000, "title": "I'll send the MSA by Friday " * 7_000,
              "mimetype": "application/pdf", "filetype": "pdf", "size": 1}]
    answer = slack.message("here is the deck", user=ALICE, channel=DEAL, ts="1700009300.000100",
                           subtype="file_share", files=files)
    assert answer.status_code in (200, 413)
    slack.message("I'll send the MSA draft by Friday", user=ALICE, channel=DEAL, ts="1700009301.000100",
                  subtype="file_share", files=[{**files[0], "name": "msa.pdf", "title": "MSA"}])
    [offer] = emulator.wait_for_count("chat.postEphemeral", 1)
    bot.wait_idle()
    assert "MSA draft" in str(offer.args) and len(emulator.calls_to("chat.postEphemeral")) == 1


@pytest.mark.parametrize("event", [
    {"type": "channel_archive", "channel": DEAL, "user": ALICE},
    {"type": "channel_unarchive", "channel": DEAL, "user": ALICE},
    {"type": "channel_rename", "channel": {"id": DEAL, "name": "<!channel>", "created": 1}},
    {"type": "message", "subtype": "channel_archive", "channel": DEAL, "user": ALICE,
     "text": "<@U0ALICE> archived the channel", "ts": "1700009400.000100"},
    {"type": "message", "subtype": "channel_name", "channel": DEAL, "user": ALICE, "old_name": "deal-acme",
     "name": "I'll send the deck by Friday", "text": "renamed the channel", "ts": "1700009401.000100"},
    {"type": "channel_shared", "connected_team_id": "T0PARTNER", "channel": DEAL, "event_ts": "1"},
    {"type": "channel_unshared", "previously_connected_team_id": "T0PARTNER", "channel": DEAL,
     "is_ext_shared": False, "event_ts": "1"},
])
def test_channel_events_are_acknowledged_and_change_nothing(bot, slack, emulator, log, event):
    slack.command("give the deck by Friday", user=ALICE, channel=DEAL)
    bot.wait_idle()
    before, posts = stored(bot), len(emulator.messages())
    assert slack.event(event).status_code == 200
    bot.wait_idle()
    assert stored(bot) == before and len(emulator.messages()) == posts


# ------------------------------------------------------------------ a Monday wave of digests

WAVE = 30  # channels whose weekly digest falls due at the same moment


def test_a_debrief_prompt_due_during_a_monday_wave_of_digests_goes_out_in_its_window(
        bot, slack, emulator, clock, log):
    # Expect: a big workspace's digests all fall due Monday 09:00 and are paced (here one a
    # minute, so 30 channels stand for 1,800 at Slack's pace of one a second); a meeting's
    # debrief prompt falling due meanwhile goes out within a couple of minutes of its time,
    # not after the whole wave (a prompt hours late is noise; a reminder over an hour late is
    # dropped).
    from datetime import UTC, datetime

    ledger = bot.runtime.services.ledger
    for n in range(WAVE):
        channel = f"C0WAVE{n:03d}"
        emulator.add_channel(channel, f"deal-wave-{n}", members=[ALICE])
        ledger.add(Scope("T0001", channel), side="give", what=f"item {n}", owner=ALICE, created_by=ALICE)
    schedule = bot.runtime.services.schedule
    schedule.sweep()  # plans next Monday's digests: 09:00 New York, 14:00 UTC
    clock.set(datetime(2026, 11, 30, 13, 58, tzinfo=UTC))
    planned = reply_text(slack.command("meeting Acme demo in 2m for 5m", user=ALICE, channel=DEAL))
    assert "Acme demo" in planned
    bot.wait_idle()
    limiter = schedule.limiter
    limiter.interval = 60.0  # the workspace's pace: one post a minute
    limiter.monotonic = lambda: clock.now().timestamp()
    limiter.sleep = lambda seconds: clock.advance(timedelta(seconds=seconds))
    clock.set(datetime(2026, 11, 30, 14, 0, tzinfo=UTC))
    schedule.sweep()
    schedule.sweep()  # as `serve` does a minute after the run above ended
    order = ["debrief" if "Debrief" in str(m) else "digest" for m in emulator.messages()
             if m["channel"].startswith("C0WAVE") or m["channel"] == DEAL]
    assert order.count("digest") >= WAVE and order.count("debrief") == 1
    # The meeting ends 14:05; its prompt is due a few minutes later: at a minute a post, at
    # most about ten digests can go before it.
    assert order.index("debrief") <= 12, order


def test_a_reply_also_sent_to_the_channel_counts_by_its_root(bot, slack, emulator, log):
    # Expect: a reply "also sent to #channel" (thread_broadcast) names its parent in `root`:
    # a reply to the bot's post is noted by it, one to a person's message is not.
    slack.message("just got off the call with Acme", user=ALICE, channel=DEAL, ts="1700008300.000100")
    [prompt] = emulator.wait_for_count("chat.postMessage", 1)
    bot_user = emulator.bot_user_id
    for ts, thread, root_user in (("1700008301.000100", prompt.response["ts"], bot_user),
                                  ("1700008302.000100", "1700008300.000100", ALICE)):
        slack.message("noted", user=BOB, channel=DEAL, ts=ts, thread_ts=thread, subtype="thread_broadcast",
                      parent_user_id=None, root={"user": root_user, "ts": thread, "text": "…"})
    bot.wait_idle()
    assert [key for _, key, _ in reply_marks(bot)] == [prompt.response["ts"]]


# ------------------------------------------------------------------ Home tab opened again and again

def test_a_burst_of_home_tab_opens_renders_the_tab_at_most_twice(bot, slack, emulator, log):
    # Expect: someone opens the Home tab again and again (or Slack sends app_home_opened for
    # each visit) while their tab is being rendered: a member of thousands of channels costs
    # seconds of CPU a render, and every render held the interpreter from everyone's acks.
    # The opens that arrive meanwhile are rendered once, after it; someone else's are not held.
    slack.command("give the deck by Friday", user=ALICE, channel=DEAL)
    hold = emulator.hold_next("views.publish")
    slack.app_home_opened(ALICE)
    assert hold.wait_arrived()
    for _ in range(10):
        assert slack.app_home_opened(ALICE).status_code == 200
    slack.app_home_opened(BOB)
    pool = bot.runtime.app.listener_runner.listener_executor
    emulator.wait_for(lambda calls: pool.busy == 1 and any(
        c.method == "views.publish" and c.args.get("user_id") == BOB for c in calls))
    hold.release()
    bot.wait_idle()
    published = [c.args["user_id"] for c in emulator.calls_to("views.publish")]
    assert sorted(published) == [ALICE, ALICE, BOB]
    assert "the deck" in str(emulator.home_view(ALICE))
