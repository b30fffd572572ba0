"""Round 6 of attacks through the real HTTP surface: captured requests replayed after a
restart, and Slack failing to say who someone is. Each answers clearly, logs no error or
traceback (the ``log`` fixture), and changes nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.emulator.local_bot import LocalBot
from bot.store import Scope
from tests.conftest import ALICE, DEAL, quiet
from tests.e2e.helpers import all_text, reply_text


class Capture:
    """Keeps every request a driver sends, byte for byte, to send one again later."""

    def __init__(self, driver) -> None:
        self.sent: list[tuple[bytes, dict[str, str]]] = []
        post = driver.session.post

        def record(url: str, data: bytes, headers: dict[str, str], timeout: float) -> Any:
            self.sent.append((data, dict(headers)))
            return post(url, data=data, headers=headers, timeout=timeout)

        driver.session.post = record

    def replay_to(self, local: LocalBot, index: int = -1):
        """The captured request again, unchanged, to ``local`` (within its 5 signed minutes)."""
        data, headers = self.sent[index]
        return local.driver.session.post(local.events_url, data=data, headers=headers, timeout=10)


@pytest.fixture
def restarted(bot, emulator, clock, tmp_path):
    """Stop the bot and start it again on the same database, with the same signing secret
    (as a real restart has): a request captured before is still correctly signed."""
    started: list[LocalBot] = []

    def again() -> LocalBot:
        (started[-1] if started else bot).stop()
        new = LocalBot(emulator, tmp_path / "db.json", clock)
        new.signing_secret = bot.signing_secret
        new.settings = replace(new.settings, signing_secret=bot.signing_secret)
        new.start()
        quiet(new)
        started.append(new)
        return new

    yield again
    if started:
        started[-1].stop()


def deal_stage(local: LocalBot, name: str = "Acme Corp") -> str:
    [deal] = [d for d in local.runtime.services.deals.all(Scope("T0001", DEAL)) if d.name == name]
    return deal.stage.value


# ------------------------------------------------------------------ replays after a restart


def test_a_stage_command_replayed_after_a_restart_does_not_move_the_deal_back(
        bot, slack, emulator, restarted, log):
    capture = Capture(slack)
    slack.command("deal Acme Corp negotiation", user=ALICE, channel=DEAL)
    slack.command("deal Acme Corp signed", user=ALICE, channel=DEAL)
    bot.wait_idle()
    posts = len(emulator.calls_to("chat.postMessage"))
    again = restarted()
    replay = capture.replay_to(again, index=0)  # the "negotiation" one, captured minutes ago
    assert replay.status_code == 200
    again.wait_idle()
    assert deal_stage(again) == "signed"
    assert len(emulator.calls_to("chat.postMessage")) == posts


def test_a_give_replayed_after_a_restart_is_not_logged_again_once_kept(
        bot, slack, restarted, log):
    capture = Capture(slack)
    slack.command("give the security questionnaire by Friday", user=ALICE, channel=DEAL)
    given = len(capture.sent) - 1
    slack.command("done 1", user=ALICE, channel=DEAL)
    bot.wait_idle()
    again = restarted()
    assert capture.replay_to(again, index=given).status_code == 200
    again.wait_idle()
    items = again.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert [(i.number, i.status) for i in items] == [(1, "done")]


def test_a_command_typed_again_after_a_restart_is_still_answered(bot, slack, restarted, log):
    slack.command("deal Acme Corp negotiation", user=ALICE, channel=DEAL)
    again = restarted()
    answer = reply_text(again.driver.command("deal Acme Corp proposal", user=ALICE, channel=DEAL))
    assert "Acme Corp" in answer and deal_stage(again) == "proposal"


# ------------------------------------------------------------------ Slack can't say who is a guest

GUEST, GUESTS = "U0GUEST", "C0GUESTS"


@pytest.fixture
def guest_channel(bot, emulator, slack):
    """A deal channel (not shared) with a guest account of our workspace in it, and one item
    of each side plus a private one; nobody has asked Slack about the guest yet."""
    emulator.add_user(GUEST, name="gita", real_name="Gita Guest", guest=True)
    emulator.add_channel(GUESTS, "deal-initech", members=[ALICE, GUEST])
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=GUESTS)  # 1
    slack.command("get the signed NDA by Dec 3", user=ALICE, channel=GUESTS)  # 2
    slack.command("get budget ceiling is 40k (private)", user=ALICE, channel=GUESTS)  # 3
    bot.wait_idle()
    return slack


def slack_cannot_say_who_anyone_is(emulator) -> None:
    emulator.fail_next("users.info", "fatal_error", times=50)


def test_a_guest_slack_cannot_vouch_for_gets_the_partners_view(bot, guest_channel, emulator, log):
    slack_cannot_say_who_anyone_is(emulator)
    answer = reply_text(guest_channel.command("list", user=GUEST, channel=GUESTS))
    assert "budget ceiling" not in answer and "40k" not in answer
    assert "the signed NDA" in answer


def test_a_guest_slack_cannot_vouch_for_cannot_write_our_side(bot, guest_channel, emulator, log):
    slack_cannot_say_who_anyone_is(emulator)
    before = bot.runtime.services.ledger.items(Scope("T0001", GUESTS))
    for command in ("give a 50% discount", "drop 1", "edit 1 by Monday", "share"):
        answer = reply_text(guest_channel.command(command, user=GUEST, channel=GUESTS))
        assert "Slack didn't tell me just now whether you're on our team" in answer
        assert "Nothing changed" in answer
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(Scope("T0001", GUESTS)) == before


def test_a_colleague_slack_knew_keeps_the_full_ledger_while_slack_cannot_say(
        bot, guest_channel, emulator, restarted, log):
    again = restarted()  # nothing cached in memory: only what the store remembers
    slack_cannot_say_who_anyone_is(emulator)
    answer = reply_text(again.driver.command("list", user=ALICE, channel=GUESTS))
    assert "budget ceiling" in answer


def test_a_post_to_a_channel_whose_guest_slack_cannot_vouch_for_leaves_private_items_out(
        bot, guest_channel, emulator, log):
    slack_cannot_say_who_anyone_is(emulator)
    guest_channel.command("deal Initech signed", user=ALICE, channel=GUESTS)
    [prompt] = emulator.wait_for_count("chat.postMessage", 1)
    text = all_text(prompt.args)
    assert "the signed NDA" in text and "budget ceiling" not in text


# ------------------------------------------------------------------ events out of order


def deleted(slack, said: dict, channel: str = DEAL):
    return slack.event({"type": "message", "subtype": "message_deleted", "channel": channel,
                        "ts": "1700000401.000100", "deleted_ts": said["ts"], "previous_message": said,
                        "hidden": True})


@pytest.mark.parametrize("mode", ["auto", "suggest"])
def test_a_message_delivered_after_its_deletion_is_not_logged_or_offered(bot, slack, emulator, mode, log):
    # Slack retried the message's delivery (its first attempt timed out) after delivering its
    # deletion: the promise was taken back before the bot heard it.
    slack.command(f"listen {mode}", user=ALICE, channel=DEAL)
    said = {"type": "message", "user": ALICE, "text": "I'll send the security questionnaire by Friday",
            "ts": "1700000400.000100"}
    assert deleted(slack, said).status_code == 200
    bot.wait_idle()
    late = slack.message(said["text"], user=ALICE, channel=DEAL, ts=said["ts"], retry_num=1)
    assert late.status_code == 200
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []
    assert emulator.calls_to("chat.postMessage") == [] and emulator.calls_to("chat.postEphemeral") == []


def test_a_message_deleted_then_sent_again_as_new_is_read_as_new(bot, slack, log):
    slack.command("listen auto", user=ALICE, channel=DEAL)
    said = {"type": "message", "user": ALICE, "text": "I'll send the security questionnaire by Friday",
            "ts": "1700000400.000100"}
    deleted(slack, said)
    slack.message(said["text"], user=ALICE, channel=DEAL, ts="1700000500.000100")  # typed again
    bot.wait_idle()
    [item] = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert item.what == "send the security questionnaire" and item.is_open
