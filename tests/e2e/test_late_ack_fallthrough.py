"""A listener slower than Bolt's wait for its ack is not answered for by a catch-all.

Bolt gives a listener 3 seconds to ack and then tries the next listener that matches. The
catch-alls (bot/listeners/unknown.py) used to match everything, so on a machine busy
enough to slow a `/partner give` past 3 s, the catch-all answered "I answer `/partner`, not
/partner" while the give went on to be logged, and a slow button's click got a "this button
is retired" note. Here Bolt's wait is cut to a moment and the use case held past it.
"""

from __future__ import annotations

import threading

import pytest

from bot.listeners.unknown import OTHER_ACTIONS, OTHER_COMMANDS, OTHER_FORMS
from bot.slack import fast_ack
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import ledger_text

WAIT = 0.3  # Bolt's wait for the ack, cut from 3 s for the test


@pytest.fixture
def impatient(bot, monkeypatch):
    monkeypatch.setattr(fast_ack, "ACK_WAIT_SECONDS", WAIT)  # the request thread's wait, too
    bot.wait_for_acks(WAIT)
    return bot


def test_a_partner_command_acked_late_gets_no_catch_all_answer_and_is_still_logged(impatient, monkeypatch):
    bot = impatient
    partner = bot.runtime.services.partner
    released = threading.Event()
    real_handle = partner.handle

    def slow(actor, command):
        released.wait(5)
        return real_handle(actor, command)

    monkeypatch.setattr(partner, "handle", slow)
    timer = threading.Timer(WAIT * 3, released.set)
    timer.start()
    answer = bot.driver.command("give the security review by Friday", user=ALICE, channel=DEAL)
    timer.join()
    bot.wait_idle()
    assert "not /partner" not in answer.text and "I answer" not in answer.text
    assert answer.status_code == 404  # Bolt's answer when nothing acked; Slack gave up at 3 s anyway
    monkeypatch.setattr(partner, "handle", real_handle)
    assert ledger_text(bot.driver).count("the security review") == 1  # the give still did its work


def test_the_catch_alls_leave_every_id_of_ours_to_its_own_listener():
    from bot.listeners.actions import HANDLERS as ACTIONS
    from bot.listeners.views import HANDLERS as FORMS

    assert OTHER_COMMANDS.search("/partner") is None
    assert all(OTHER_COMMANDS.search(other) for other in ("/partners", "/pc", "/partner2", "/Partner"))
    for name in ACTIONS:
        assert OTHER_ACTIONS.search(name) is None and OTHER_ACTIONS.search(f"{name}:12") is None
        assert OTHER_ACTIONS.search(f"{name}_v2") and OTHER_ACTIONS.search(f"{name}:x")
    assert OTHER_ACTIONS.search("a_button_of_an_older_release")
    for callback_id in FORMS:
        assert OTHER_FORMS.search(callback_id) is None and OTHER_FORMS.search(f"{callback_id}_old")
