"""Round 8 held-out messages: terse chat, non-native English, questions mixed with promises,
conditions, corrections, relative and quarter dates, promises made for someone else.

``corpus/commitments_round8.tsv`` has the round 3 format (``label, due, what, text``); its
due dates were labelled against Tuesday 10 August 2027, 15:00 UTC. See
tests/domain/corpus/README.md, "Round 8", for how it was written and what the floors mean.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.dates import parse_due
from bot.domain.detector import detect_commitment
from tests.domain.test_listening_round3 import assert_floors, load_rows, older_texts

# The clock the due dates were labelled against: Tuesday 10 August 2027, 15:00 UTC.
NOW = datetime(2027, 8, 10, 15, 0, tzinfo=UTC)

ROWS = load_rows("commitments_round8.tsv")
# Sitting 8a is the first 419 rows; 8b (61 rows), written after 8a's fixes, the rest.
SITTING_A = 419


def test_round8_is_large_varied_and_new() -> None:
    labels = [row.label for row in ROWS]
    assert len(ROWS) >= 400
    assert labels.count("give") >= 100 and labels.count("get") >= 75 and labels.count("none") >= 150
    assert len({row.text.lower() for row in ROWS}) == len(ROWS), "duplicate sentences"
    older = older_texts("dev", "test", "fresh", "round3", "round4", "round5", "round6", "round7")
    assert not [row.text for row in ROWS if row.text.lower() in older], "copied from an older corpus"
    assert all(row.due is None and row.what is None for row in ROWS if row.label == "none")
    assert all(row.what in row.text.lower() for row in ROWS if row.what)


# Measured after the round 8 fixes (both sittings): precision 0.970, recall 0.853, side 0.978,
# due 0.925, what 0.970 (bench/listening_round8.py). The floors sit a little below.
FLOORS = {"precision": 0.95, "recall": 0.83, "side": 0.96, "due": 0.90, "what": 0.95}


def test_round8_meets_its_floors() -> None:
    assert_floors(ROWS, NOW, FLOORS)


def _is_ours(user_id: str) -> bool:
    return not user_id.startswith("U0GUEST")


# Each round 8 rule, checked on wordings that are not in the corpus.
@pytest.mark.parametrize(
    ("text", "side", "what", "due"),
    [
        # a reply that takes a request on and names a day (the "what" is in the thread)
        ("can do, fri", "give", "get it done", "fri"),
        ("will do — tomorrow", "give", "get it done", "tomorrow"),
        ("ok, doing it monday", "give", "get it done", "monday"),
        ("sure thing, eod", "give", "get it done", "eod"),
        ("sending it in 10", "give", "get it done", "in 10 min"),
        ("on it, thursday ok?", "give", "get it done", "thursday"),
        # work under way for the reader
        ("prepping the renewal quote for you", "give", "prep the renewal quote for you", None),
        ("drafting the MSA for you", "give", "draft the MSA for you", None),
        # something on its way to the reader: ours, or theirs when their speaker says it
        ("renewal paperwork coming your way thursday", "give", "send you renewal paperwork", "thursday"),
        ("Omar (Initrode): countersigned order form coming your way Monday", "get",
         "send you countersigned order form", "Monday"),
        # names typed in lower case
        ("initrode sending the seat list thurs", "get", "send the seat list", "thurs"),
        ("initrode legal will send redlines back fri", "get", "send redlines back", "fri"),
        ("quote back to initrode tmrw", "give", "quote back to Initrode", "tmrw"),
        ("sandbox ready for initrode by wed", "give", "have sandbox ready for Initrode", "wed"),
        # chat and non-native spellings
        ("ok ill send the pricing thurs", "give", "send the pricing", "thurs"),
        ("sendin the W-9 tmrw", "give", "send the W-9", "tmrw"),
        ("we shipping the scanners on monday", "give", "ship the scanners", "monday"),
        ("I will to share the datasheet tomorrow", "give", "share the datasheet", "tomorrow"),
        ("today I am send the invoice", "give", "send the invoice", "today"),
        ("we will dispatch the spare parts on friday", "give", "dispatch the spare parts", "friday"),
        ("my colleague Mei will send them the SLA Thursday", "give", "send them the SLA", "Thursday"),
        # a promise with its own escape clause, a polite condition, a tag question
        ("we'll send the SOW Monday unless legal objects", "give", "send the SOW", "Monday"),
        ("I'll send a draft agenda Thursday if that works for you", "give", "send a draft agenda",
         "Thursday"),
        ("I'll share the recording tomorrow in case it's useful", "give", "share the recording", "tomorrow"),
        ("I'll send the pricing Friday — does that work?", "give", "send the pricing", "Friday"),
        ("they'll sign Monday, right?", "get", "sign", "Monday"),
        # the date said last
        ("I'll send the SOW Monday — actually Wednesday", "give", "send the SOW", "Wednesday"),
        ("I'll send the deck Thursday, sorry, Friday", "give", "send the deck", "Friday"),
        ("I'll send the quote Thursday, no, Monday", "give", "send the quote", "Monday"),
        ("we'll get the order form over Thursday, Friday at the latest", "give", "get the order form over",
         "Friday"),
        # dates
        ("I'll send the plan the day after tomorrow", "give", "send the plan", "day after tomorrow"),
        ("we'll enable SSO for them at the start of Q4", "give", "enable SSO for them", "start of Q4"),
        ("we'll ship the connector by end of H2", "give", "ship the connector", "end of H2"),
        ("they'll sign the expansion by end of next quarter", "get", "sign the expansion",
         "end of next quarter"),
        ("will share the invoice tnight", "give", "share the invoice", "tnight"),
        ("we'll send the recap three days after the workshop", "give",
         "send the recap three days after the workshop", None),
        # a named company's team before a progressive; its present tense with a day
        ("Initrode procurement is cutting the PO Monday", "get", "cut the PO", "Monday"),
        ("initrode legal returning the redlines thurs", "get", "return the redlines", "thurs"),
        ("Initrode signs the order form tomorrow", "get", "sign the order form", "tomorrow"),
        ("initrode sends us the seat count fri", "get", "send us the seat count", "fri"),
        # a company's facilities team; starting UAT and placing an order are their acts
        ("Initrode facilities will send us the loading dock specs Thursday", "get",
         "send us the loading dock specs", "Thursday"),
        ("Initrode will start UAT on Wednesday", "get", "start UAT", "Wednesday"),
        ("Initrode will place the order by end of Q3", "get", "place the order", "end of Q3"),
        # a company whose name starts with "us" is not us
        ("US Bank will return the signed DPA Thursday", "get", "return the signed DPA", "Thursday"),
        ("Us Weekly will send the insertion order Monday", "get", "send the insertion order", "Monday"),
    ],
)
def test_round8_readings(text: str, side: str, what: str, due: str | None) -> None:
    found = detect_commitment(text, is_ours=_is_ours)
    assert found is not None, text
    assert (found.side, found.what, found.due_text) == (side, what, due)


@pytest.mark.parametrize(
    "text",
    [
        # conditions still condition; "if it helps" opening a sentence is one
        "if legal approves we'll send the order form Monday",
        "If it helps, I can send the case study",
        "Unless they object, we'll ship Friday",
        # taken back in the same sentence, or in the next one
        "I'll send the quote Monday... actually can't, pricing isn't approved",
        "will send the deck tomorrow — nvm, they postponed",
        "I'll send it Thursday — jk, Mei already sent it",
        # acceptances with no day, a day with no acceptance, chat that is not a promise
        "can do", "sure thing!", "👍 friday", "ok ok", "doing fine thx",
        "I'm ill, back tmrw", "k ill check with legal",
        # lowercase look-alikes: no promise, a status, past, a question
        "initrode is a pain lol", "initrode sent the seat list", "is the sandbox ready by wed",
        "we were ready monday", "everything ready by fri?",
        "Ideally we'd have the POC ready by Thursday",
        # a habit, and a present tense without a day
        "Initrode sends us the usage report every Friday", "Initrode pays in 60 days",
        "I'll place a bet on Friday", "they'll start Monday",
        # nothing coming, questions with a day
        "nothing coming from their side yet", "can you send the PO thursday?",
    ],
)
def test_round8_look_alikes_stay_quiet(text: str) -> None:
    assert detect_commitment(text, is_ours=_is_ours) is None


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("day after tomorrow", "2027-08-12"), ("start of Q4", "2027-10-01"), ("end of H2", "2027-12-31"),
     ("end of next quarter", "2027-12-31"), ("tnight", "2027-08-10"), ("EOQ", "2027-09-30")],
)
def test_round8_due_phrases(phrase: str, expected: str) -> None:
    assert parse_due(phrase, NOW, "UTC").isoformat() == expected
