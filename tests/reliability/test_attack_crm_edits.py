"""An edited CRM post can't move a deal back to what it said days ago.

Slack delivers every edit of a message as ``message_changed`` with the whole message again:
a CRM re-rendering its old card, a link preview added late, a typo fixed. Only an edit
that says something new about the deal is a stage change.
"""

from __future__ import annotations

from datetime import timedelta

from bot.store import Scope
from tests.conftest import ALICE, DEAL

HUB = "B0HUB"


def stages(bot) -> dict[str, str]:
    return {d.name: d.stage.value for d in bot.runtime.services.deals.all(Scope("T0001", DEAL))}


def crm_post(slack, emulator, text: str) -> dict:
    post = {"type": "message", "bot_id": HUB, "channel": DEAL, "ts": emulator.next_ts(), "text": text}
    slack.event(post)
    return post


def crm_edit(slack, emulator, post: dict, text: str, **extra) -> None:
    edited = emulator.next_ts()
    slack.event({
        "type": "message", "subtype": "message_changed", "hidden": True, "channel": DEAL,
        "ts": edited, "event_ts": edited,
        "message": {**post, "text": text, "edited": {"user": HUB, "ts": edited}, **extra},
        "previous_message": post,
    })


def test_an_old_crm_post_edited_without_news_does_not_move_the_deal_back(bot, slack, emulator, clock):
    post = crm_post(slack, emulator, "Deal stage changed: Acme moved to Negotiation")
    bot.wait_idle()
    clock.advance(timedelta(days=2))
    slack.command("deal Acme signed", user=ALICE, channel=DEAL)
    bot.wait_idle()
    posted = len(emulator.messages(DEAL))
    clock.advance(timedelta(days=2))

    # The CRM re-renders its card (a preview, a trailing space): the same change, days old.
    crm_edit(slack, emulator, post, post["text"] + " ",
             attachments=[{"fallback": "Acme", "text": "Deal owner: Alice"}])
    bot.wait_idle()
    assert stages(bot) == {"Acme": "signed"}
    assert len(emulator.messages(DEAL)) == posted  # no stage prompt either


def test_a_crm_post_edited_to_a_new_stage_moves_the_deal(bot, slack, emulator):
    post = crm_post(slack, emulator, "Deal stage changed: Acme moved to Proposal")
    bot.wait_idle()
    crm_edit(slack, emulator, post, "Deal stage changed: Acme moved to Negotiation")
    bot.wait_idle()
    assert stages(bot) == {"Acme": "negotiation"}
