"""The shorthand readers one by one: each shape gives exactly this side, phrase and owner.

The corpus tests (tests/domain/corpus/) measure the detector as a whole; these pin each rule
of bot/domain/listening/shorthand.py, found unpinned by a mutation run (docs/testing.md).
"""

from __future__ import annotations

import pytest

from bot.domain.listening.shorthand import Shorthand, arrow, forwarded_email, heading_side, list_item, terse

ARROW = "\u2192"


def ours(user: str) -> bool:
    """U0BOB is a colleague; anyone else mentioned is at the partner."""
    return user == "U0BOB"


@pytest.mark.parametrize(("sentence", "read"), [
    ("sow to them by eow", Shorthand("give", "sow to them by eow", None)),
    ("sow to them by eow, on it", Shorthand("give", "sow to them by eow", None)),  # the ack is no part
    ("sow to @U0DANA by Fri", Shorthand("give", "sow to @U0DANA by Fri", None)),
    ("sow to @U0BOB by Fri", None),  # to a colleague: not a promise to the partner
    ("po from their side tmrw", Shorthand("get", "po from their side tmrw", "their side")),
    ("po from Our side tmrw", None),  # from us, in any case
    ("update from them by Fri", None),  # news, not a deliverable
    ("nothing from them since Monday", None),  # no date ahead
    ("quote out by tmrw am", Shorthand("give", "quote by tmrw am", None)),
    ("Sam out Friday", None),  # a person away
    ("pricing is on me, ETA Wed", Shorthand("give", "pricing Wed", None)),
    ("pricing is on us due Fri", Shorthand("give", "pricing Fri", None)),
    ("pricing is on our side, Fri", Shorthand("give", "pricing Fri", None)),
    ("questionnaire is on them, due Friday", Shorthand("get", "questionnaire Friday", "them")),
    ("pricing is on @U0BOB, Fri", Shorthand("give", "pricing Fri", None)),
    ("pricing is on @U0DANA, Fri", Shorthand("get", "pricing Fri", "@u0dana")),
    ("ETA for the SOW to Globex: tomorrow noon", Shorthand("give", "the SOW to Globex tomorrow noon", None)),
    ("eta on deck is Friday", Shorthand("give", "deck Friday", None)),
    ("their legal review ETA is Thursday", Shorthand("get", "legal review Thursday", "they")),
    ("deck ETA: Friday", Shorthand("give", "deck Friday", None)),
    ("Meeting moved to Thursday", None),
    ("deck signed out Friday", None),  # a thing ending in a past participle is news
    ("the signed copy to them by Fri", Shorthand("give", "the signed copy to them by Fri", None)),
    ("feed to them by Fri", Shorthand("give", "feed to them by Fri", None)),  # one word is a thing
    ("the to their Friday", None),
])
def test_terse_shorthand_reads_side_phrase_and_owner(sentence, read):
    assert terse(sentence, ours) == read


def test_without_a_directory_every_mention_counts_as_ours():
    assert terse("sow to @U0DANA by Fri", None) is None
    assert terse("pricing is on @U0DANA, Fri", None) == Shorthand("give", "pricing Fri", None)
    assert arrow("@U0DANA -> deck by Fri", None) == Shorthand("give", "deck by Fri", None)


@pytest.mark.parametrize(("sentence", "read"), [
    (f"ROI calc {ARROW} Globex by Fri", Shorthand("give", f"ROI calc {ARROW} Globex by Fri", None)),
    (f"client {ARROW} feedback by wed", Shorthand("get", "feedback by wed", "client")),
    (f"me {ARROW} demo env for Vandelay by thurs", Shorthand("give", "demo env for Vandelay by thurs", None)),
    ("@U0BOB -> deck by Fri", Shorthand("give", "deck by Fri", None)),
    ("@U0DANA -> deck by Fri", Shorthand("get", "deck by Fri", "@U0DANA")),
    ("Globex team -> PO by Fri", Shorthand("get", "PO by Fri", "Globex team")),
    ("contract -> us by Fri", Shorthand("get", f"contract {ARROW} us by Fri", None)),
    ("contract -> Us by Fri", Shorthand("get", f"contract {ARROW} Us by Fri", None)),
    ("deck -> Acme -> legal by Fri", Shorthand("give", f"deck {ARROW} Acme -> legal by Fri", None)),
    (f"deck, {ARROW} Acme by Fri", Shorthand("give", f"deck {ARROW} Acme by Fri", None)),
    ("Xavier, -> deck by Fri", Shorthand("get", "deck by Fri", "Xavier")),
    (f"{ARROW} deck by Fri", None),
    (f"deck {ARROW}", None),
    ("we talked -> later", None),
])
def test_an_arrow_reads_an_owner_or_a_thing_before_it(sentence, read):
    assert arrow(sentence, ours) == read


@pytest.mark.parametrize(("line", "side"), [
    ("Our next steps:", "give"),
    ("My action items", "give"),
    ("MY todos", "give"),
    ("Their action items", "get"),
    ("Acme's next steps", "get"),
    ("Next steps:", "list"),
    ("Hello there", None),
])
def test_a_list_heading_says_whose_items_follow(line, side):
    assert heading_side(line) == side


@pytest.mark.parametrize(("line", "heading", "read"), [
    ("- me \u2014 revised pricing by Wed", None, (Shorthand("give", "revised pricing by Wed", None), False)),
    ("- @U0BOB: order form by Friday", None, (Shorthand("give", "order form by Friday", None), False)),
    ("- @U0DANA: order form by Friday", None, (Shorthand("get", "order form by Friday", "@U0DANA"), False)),
    ("- Acme \u2014 questionnaire by Fri", None, (Shorthand("get", "questionnaire by Fri", "Acme"), False)),
    ("- pricing by Wed", "give", (Shorthand("give", "pricing by Wed", None), False)),
    ("- pricing by Wed", "get", (Shorthand("get", "pricing by Wed", "they"), False)),
    ("- pricing by Wed", "list", (Shorthand("give", "pricing by Wed", None), True)),  # needs a verb
    ("- pricing by Wed", None, None),
    ("pricing by Wed", "give", None),  # not a bullet
])
def test_a_list_item_takes_its_owner_or_its_headings_side(line, heading, read):
    assert list_item(line, heading, ours) == read


FORWARD = "---------- Forwarded message ---------"


@pytest.mark.parametrize(("lines", "read"), [
    (["fyi", FORWARD, "From: Kenji Sato (Globex)", "Date: Mon", "Subject: x", "We'll send a PO", "From: me"],
     ("Kenji Sato (Globex)", {5, 6})),  # a "From:" inside the body is the body
    ([FORWARD, "From: me", "We will send it"], (None, {2})),  # one of ours forwarded it
    ([FORWARD, "Subject: x", "We will send it"], (None, {2})),  # no sender given
    ([FORWARD, "From:", "We will send it"], (None, {2})),
    (["Forwarded from Priya (Globex):", "> We'll send the SOW", "&gt; and the PO", "my note", "> not hers"],
     ("Priya (Globex)", {1, 2})),
    (["Fwd from our legal:", "> We'll send the SOW"], (None, {1})),
    (["Fwd: Priya:", "no quote"], ("Priya", set())),
    (["hello", "> quoted"], (None, set())),
])
def test_a_forwarded_email_says_who_sent_it_and_which_lines_are_theirs(lines, read):
    assert forwarded_email(lines) == read
