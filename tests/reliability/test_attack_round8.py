"""Round 8 of attacks through the real HTTP surface. Each answers clearly, logs no error or
traceback (the ``log`` fixture), and changes nothing it shouldn't.

Storage a busy workspace (or an attacker) can grow: thread replies. Slack sends every reply
in every channel the bot is in; only replies to the bot's own posts (``parent_user_id``, as
Slack sends on thread replies) may leave a trace, and that trace goes once it can't matter.
"""

from __future__ import annotations

from datetime import timedelta

from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL

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
