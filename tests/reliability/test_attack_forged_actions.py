"""A click or a form can't be pointed at another channel, against a real `partner-coach serve`.

Buttons on a channel's message act on that message's channel; buttons that must name
their channel (Home tab, reminder DMs) and modal metadata carry an HMAC seal under a key
only the server has, and a value or metadata edited on its way back is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.emulator import state_value
from tests.conftest import ALICE, CAROL, DEAL, OTHER
from tests.e2e.helpers import action_values, all_text, reply, reply_text
from tests.e2e.serve_process import ServeProcess


@pytest.fixture
def served(emulator, tmp_path) -> Iterator[ServeProcess]:
    proc = ServeProcess(emulator, tmp_path / "db.json").wait_ready()
    yield proc
    proc.close()


def open_items(proc: ServeProcess, channel: str, user: str) -> str:
    return reply_text(proc.driver.command("list", user=user, channel=channel))


def wait_responses(emulator, n: int) -> list[dict]:
    emulator.wait_for(lambda calls: len(emulator.responses()) >= n)
    return emulator.responses()


def test_a_click_naming_another_channel_changes_nothing_there(served, emulator):
    driver = served.driver
    driver.command("give the globex pilot", user=CAROL, channel=OTHER)
    driver.command("give the acme deck", user=ALICE, channel=DEAL)
    for forged in (f"{OTHER}:1", f"{OTHER}:1:1", " 1"):
        driver.action("item_done", forged, user=ALICE, channel=DEAL)
    answers = [all_text(r) for r in wait_responses(emulator, 3)]
    assert sum("another channel" in a or "doesn't check out" in a for a in answers) == 3
    assert "the globex pilot" in open_items(served, OTHER, CAROL)
    assert "the acme deck" in open_items(served, DEAL, ALICE)


def test_a_genuine_home_button_replayed_onto_another_channel_is_refused(served, emulator):
    driver = served.driver
    driver.command("give the globex pilot", user=CAROL, channel=OTHER)
    driver.command("give the acme deck", user=ALICE, channel=DEAL)
    driver.app_home_opened(CAROL)
    emulator.wait_for("views.publish")
    [carols] = [c.args["view"] for c in emulator.calls_to("views.publish")]
    [sealed] = action_values(carols, "item_done")  # names OTHER, sealed by the server
    assert OTHER not in sealed.split("~")[-1]
    # Clicked on a message in DEAL, the value's channel is not the message's channel.
    driver.action("item_done", sealed, user=ALICE, channel=DEAL)
    assert "another channel" in all_text(wait_responses(emulator, 1)[-1])
    # From Alice's Home tab, she is not a member of OTHER.
    driver.home_action("item_done", sealed, user=ALICE)
    emulator.wait_for_count("views.publish", 2)
    home = emulator.calls_to("views.publish")[-1].args["view"]
    assert "only change commitments of channels you're in" in all_text(home)
    assert "the globex pilot" in open_items(served, OTHER, CAROL)
    # Carol's own click on the same button works.
    driver.home_action("item_done", sealed, user=CAROL)
    emulator.wait_for_count("views.publish", 3)
    assert "the globex pilot" not in open_items(served, OTHER, CAROL)


@pytest.mark.parametrize("forge", ["unsealed", "resealed-by-guess", "edited"])
def test_a_forged_home_or_reminder_value_is_refused(served, emulator, forge):
    driver = served.driver
    driver.command("give the acme deck", user=ALICE, channel=DEAL)
    driver.app_home_opened(ALICE)
    emulator.wait_for("views.publish")
    [genuine] = action_values(emulator.calls_to("views.publish")[-1].args["view"], "item_done")
    value = {"unsealed": f"{DEAL}:1", "resealed-by-guess": f"{DEAL}:1~" + "A" * 22,
             "edited": genuine.replace(f"{DEAL}:1", f"{DEAL}:2")}[forge]
    driver.home_action("item_done", value, user=ALICE)
    emulator.wait_for_count("views.publish", 2)
    assert "doesn't check out" in all_text(emulator.calls_to("views.publish")[-1].args["view"])
    reminder = json.dumps({"channel": DEAL, "number": 1, "job": "x"})
    driver.action("reminder_done", reminder, user=ALICE, channel="D0ALICE")
    assert "doesn't check out" in all_text(wait_responses(emulator, 1)[-1])
    assert "the acme deck" in open_items(served, DEAL, ALICE)


def open_record_modal(proc: ServeProcess, emulator) -> dict:
    proc.driver.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    emulator.wait_for("chat.postMessage")
    prompt = emulator.messages(DEAL)[0]
    proc.driver.action("record_give", action_values(prompt, "record_give")[0], user=ALICE, channel=DEAL)
    [call] = emulator.wait_for_count("views.open", 1)
    return call.args["view"]


def test_a_forged_modal_metadata_is_refused(served, emulator):
    view = open_record_modal(served, emulator)
    genuine = view["private_metadata"]
    values = {"what": {"value": state_value("plain_text_input", "a forged pilot")}}
    forgeries = [
        json.dumps({"channel": OTHER, "side": "give", "deal": None}),  # unsealed
        genuine.replace(DEAL, OTHER),  # the seal no longer matches
        "",
    ]
    for metadata in forgeries:
        response = served.driver.view_submission("record_item", values, user=ALICE,
                                                 private_metadata=metadata)
        body = json.loads(response.text)
        assert body["response_action"] == "errors" and "doesn't check out" in body["errors"]["what"]
    assert "a forged pilot" not in open_items(served, OTHER, CAROL)
    assert "a forged pilot" not in open_items(served, DEAL, ALICE)
    # The genuine form still saves, in the channel it was opened from.
    response = served.driver.view_submission("record_item", values, user=ALICE)
    assert response.status_code == 200 and "errors" not in response.text
    emulator.wait_for("chat.postEphemeral")
    assert "a forged pilot" in open_items(served, DEAL, ALICE)


def test_list_buttons_in_the_channel_still_work(served, emulator):
    served.driver.command("give the acme deck", user=ALICE, channel=DEAL)
    listing = reply(served.driver.command("list", user=ALICE, channel=DEAL))
    served.driver.action("item_done", action_values(listing, "item_done")[0], user=ALICE, channel=DEAL)
    assert "Kept" in all_text(wait_responses(emulator, 1)[-1])
    assert "the acme deck" not in open_items(served, DEAL, ALICE)
