"""Slack's Web API answering slowly (rate limits, an outage) can't make the bot miss its acks.

Every listener posts after its ack (a stage prompt, an offer to log a commitment). When
Slack holds those posts (429 with a long Retry-After, or answers that take seconds), the
listener threads wait on them: the next request's ack must not wait behind them.
The emulator holds the posts here (``hold_next``) and lets them go at the end, so the test
ends without threads left sleeping.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from bot.emulator.driver import SlackDriver
from bot.runtime import LISTENERS_FINISH_SECONDS
from bot.server import WEBHOOK_PATH
from bot.slack.client import build_client
from bot.slack.directory import LOOKUP_TIMEOUT, SLOW_SLACK_SECONDS, Directory
from bot.store import Scope
from bot.webhook import signed_headers
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import reply_text
from tests.e2e.serve_process import ServeProcess
from tests.e2e.test_mutual_plan import csrf_of, share
from tests.reliability.conftest import described_before
from tests.timing import RESPONSIVE_SECONDS

#: More posts held at once than the bot has listener threads (16).
STUCK = 24


def answered_in_time(send):
    began = time.monotonic()
    response = send()
    spent = time.monotonic() - began
    assert response.status_code == 200, response.text
    assert spent < RESPONSIVE_SECONDS, f"answered after {spent:.1f}s"
    return response


def stage_by_command(slack, n: int) -> None:
    answer = answered_in_time(lambda: slack.command(f"deal Deal{n} negotiation", user=ALICE, channel=DEAL))
    assert "Negotiation" in reply_text(answer)


def stage_by_crm_post(slack, n: int) -> None:
    answered_in_time(lambda: slack.event({
        "type": "message", "bot_id": "B0HUB", "channel": DEAL, "ts": f"1700000{n:03d}.000100",
        "text": f"Deal stage changed: Deal{n} moved to Negotiation"}))


@pytest.mark.parametrize("move", [stage_by_command, stage_by_crm_post], ids=["commands", "crm-posts"])
def test_posts_slack_holds_do_not_delay_the_next_ack(bot, slack, emulator, move):
    holds = [emulator.hold_next("chat.postMessage") for _ in range(STUCK)]
    try:
        for n in range(STUCK):
            move(slack, n)
        assert holds[0].wait_arrived(timeout=10)  # Slack is holding the bot's posts by now
        answer = answered_in_time(lambda: slack.command("give a pilot by Friday", user=ALICE, channel=DEAL))
        assert "Logged" in reply_text(answer)
    finally:
        for hold in holds:
            hold.release()
    bot.wait_idle(timeout=30)
    deals = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    assert sorted(d.name for d in deals) == sorted(f"Deal{n}" for n in range(STUCK))
    assert len(emulator.messages(DEAL)) == STUCK  # each stage prompt posted once
    assert [i.what for i in bot.runtime.services.ledger.items(Scope("T0001", DEAL))] == ["a pilot"]


#: More CRM webhooks at once than the server has request threads (8).
HOOKS = 12


def test_webhooks_waiting_on_slack_leave_the_server_to_slack(bot, slack, emulator):
    """A webhook asks Slack about the channel and posts the stage prompt before it answers:
    a CRM sending a burst while Slack is slow must not take every request thread."""
    holds = [emulator.hold_next("conversations.info") for _ in range(HOOKS)]
    answers: dict[int, requests.Response] = {}

    def send(n: int) -> None:
        body = json.dumps({"deal": f"Hook{n}", "stage": "proposal", "channel": DEAL}).encode()
        answers[n] = requests.post(bot.base_url + WEBHOOK_PATH, data=body, timeout=30,
                                   headers=signed_headers("whsec-test", body))

    senders = [threading.Thread(target=send, args=(n,)) for n in range(HOOKS)]
    try:
        for sender in senders:
            sender.start()
        assert holds[0].wait_arrived(timeout=10)  # Slack is holding the first webhook's question
        answered_in_time(lambda: requests.get(bot.base_url + "/healthz", timeout=10))
        answer = answered_in_time(lambda: slack.command("give a pilot", user=ALICE, channel=DEAL, timeout=10))
        assert "Logged" in reply_text(answer)
    finally:
        for hold in holds:
            hold.release()
        for sender in senders:
            sender.join(timeout=30)
    bot.wait_idle()
    busy = {n for n, r in answers.items() if r.status_code == 503}
    applied = {n for n, r in answers.items() if r.status_code == 200 and r.json()["changed"]}
    assert busy and applied and busy | applied == set(range(HOOKS)), {n: r.text for n, r in answers.items()}
    for n in busy:  # a clear answer the CRM retries on, and nothing changed
        assert answers[n].json()["error"] == "busy" and int(answers[n].headers["Retry-After"]) > 0
    deals = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    assert sorted(d.name for d in deals) == sorted(f"Hook{n}" for n in applied)


def test_a_stop_while_slack_rate_limits_a_post_still_ends_serve(emulator, tmp_path):
    """slack-sdk waits out a 429's Retry-After (here 10 minutes) on the listener's thread.
    SIGTERM gives listeners their grace period, then the process must end, not wait with
    them; what was acknowledged is in the database for the next start."""
    proc = ServeProcess(emulator, tmp_path / "db.json").wait_ready()
    try:
        emulator.fail_next("chat.postMessage", "ratelimited", retry_after=600, times=10)
        answer = proc.driver.command("deal Acme negotiation", user=ALICE, channel=DEAL)
        assert "Negotiation" in reply_text(answer)
        emulator.wait_for("chat.postMessage")  # refused with a 429: the listener now waits
        # The grace period, plus a margin far above a normal stop and far below the wait.
        assert proc.terminate(timeout=LISTENERS_FINISH_SECONDS + 20) == 0
        assert "closing anyway" in proc.output()
    finally:
        proc.close()
    again = ServeProcess(emulator, tmp_path / "db.json").wait_ready()
    try:
        assert "Negotiation" in reply_text(again.driver.command("deal", user=ALICE, channel=DEAL))
        again.terminate()
    finally:
        again.close()


def test_commands_ack_in_time_while_slacks_lookups_are_slow(bot, slack, emulator):
    """Who someone is (time zone, workspace) and whether a channel is shared are asked of
    Slack before the ack. With every such answer taking seconds, and nothing cached yet (a
    fresh start), each command still acks in time: a look-up that timed out isn't tried
    again for a while, and a command never waits for more than one."""
    described_before(bot, ALICE)  # Slack said who Alice is before this start
    for method in ("users.info", "conversations.info", "users.conversations"):
        emulator.fail_next(method, None, delay=5, times=100)
    replies = [reply_text(answered_in_time(lambda text=text: slack.command(text, user=ALICE, channel=DEAL)))
               for text in ("give a pilot by Friday", "list", "give a deck", "done 1", "help")]
    assert "Logged" in replies[0] and "a pilot" in replies[1] and "Logged" in replies[2]
    bot.wait_idle()
    items = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert [(i.what, i.status) for i in items] == [("a pilot", "done"), ("a deck", "open")]


def test_lookups_ask_slack_again_once_the_slow_spell_is_over(emulator):
    now = [0.0]
    directory = Directory(build_client(emulator.token or "xoxb-local-demo", emulator.api_url),
                          monotonic=lambda: now[0])
    emulator.fail_next("users.info", None, delay=LOOKUP_TIMEOUT + 1)
    assert directory.user_tz("T0001", ALICE) == "UTC"  # timed out: the fallback
    assert directory.user_tz("T0001", BOB) == "UTC"  # not asked: Slack is slow just now
    now[0] += SLOW_SLACK_SECONDS
    assert directory.user_tz("T0001", BOB) == "America/Los_Angeles"
    assert directory.user_tz("T0001", ALICE) == "America/New_York"


#: Under the 2,000 characters the listener reads: capitals a meeting's topic may start with.
CAPITALS = "EOD" * 666


def test_a_flood_of_long_capitalised_words_does_not_stall_acks(bot, slack, emulator):
    """Each message is read for a finished meeting ("Acme call went well"). Python's regular
    expressions hold the interpreter while they run: one taking a third of a second per
    message (a topic tried at every capital of a 2,000-letter word) made the commands of
    everyone else wait behind a burst of such messages."""
    def flood(sender: int) -> None:
        driver = SlackDriver(bot.events_url, bot.signing_secret, None)
        try:
            for n in range(50):
                driver.message(CAPITALS, user=ALICE, channel=DEAL, ts=f"17000{sender}{n:03d}.000100")
        finally:
            driver.close()

    senders = [threading.Thread(target=flood, args=(sender,)) for sender in range(4)]
    for sender in senders:
        sender.start()
    try:
        while any(sender.is_alive() for sender in senders):
            answered_in_time(lambda: slack.command("help", user=ALICE, channel=DEAL))
    finally:
        for sender in senders:
            sender.join(timeout=60)
    bot.wait_idle()
    assert emulator.messages(DEAL) == [] and emulator.ephemerals(DEAL) == []  # nothing to say about them


def test_plan_pages_waiting_on_slack_leave_the_server_to_slack(bot, slack, emulator):
    """A partner's confirmation is announced in the channel before the page answers: a
    partner confirming ten items at once while Slack is slow must not take every thread."""
    for n in range(HOOKS):
        slack.command(f"get item {n} from Dana", user=ALICE, channel=DEAL)
    link = share(slack)
    csrf = csrf_of(requests.get(link, timeout=10))
    holds = [emulator.hold_next("chat.postMessage") for _ in range(HOOKS)]
    answers: dict[int, requests.Response] = {}

    def confirm(number: int) -> None:
        answers[number] = requests.post(f"{link}/confirm/{number}", data={"csrf": csrf},
                                        allow_redirects=False, timeout=30)

    partners = [threading.Thread(target=confirm, args=(n,)) for n in range(1, HOOKS + 1)]
    try:
        for partner in partners:
            partner.start()
        assert holds[0].wait_arrived(timeout=10)  # Slack is holding the first announcement
        answered_in_time(lambda: requests.get(bot.base_url + "/healthz", timeout=10))
        answered_in_time(lambda: slack.command("list", user=ALICE, channel=DEAL, timeout=10))
    finally:
        for hold in holds:
            hold.release()
        for partner in partners:
            partner.join(timeout=30)
    bot.wait_idle()
    busy = {n for n, r in answers.items() if r.status_code == 503}
    confirmed = {n for n, r in answers.items() if r.status_code == 303}
    assert busy and confirmed and busy | confirmed == set(range(1, HOOKS + 1))
    assert all("try again" in answers[n].text and int(answers[n].headers["Retry-After"]) > 0 for n in busy)
    items = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert {i.number for i in items if i.is_confirmed} == confirmed  # the busy ones changed nothing
