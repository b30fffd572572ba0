"""Commitment and meeting-end detection in deal-channel chat."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.detector import (
    MAX_TEXT_LENGTH,
    Detection,
    detect_commitment,
    detect_meeting_end,
)
from tests.timing import cost_ratio

CORPUS_PATH = Path(__file__).parent / "corpus" / "commitments_dev.tsv"


def _load_corpus() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        if label != "label":
            rows.append((label, text))
    return rows


CORPUS = _load_corpus()


# --------------------------------------------------------------------------------------
# Corpus: precision / recall
# --------------------------------------------------------------------------------------


def test_corpus_is_large_and_balanced() -> None:
    counts = Counter(label for label, _ in CORPUS)
    assert set(counts) == {"give", "get", "none"}
    assert len(CORPUS) >= 320
    assert counts["give"] >= 90 and counts["get"] >= 90 and counts["none"] >= 120
    assert len({text for _, text in CORPUS}) == len(CORPUS), "duplicate sentences"


def test_corpus_precision_and_recall() -> None:
    tp = fp = fn = 0
    mistakes: list[str] = []
    for label, text in CORPUS:
        found = detect_commitment(text)
        predicted = found.side if found else "none"
        if predicted != "none" and predicted == label:
            tp += 1
        else:
            if predicted != "none":
                fp += 1
            if label != "none":
                fn += 1
            if predicted != label:
                mistakes.append(f"{label} -> {predicted}: {text}")
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    report = "\n".join(mistakes)
    assert precision >= 0.95, f"precision {precision:.3f}\n{report}"
    assert recall >= 0.90, f"recall {recall:.3f}\n{report}"


# --------------------------------------------------------------------------------------
# Extraction: side / what / due_text / who
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I'll send the security questionnaire by Friday",
            Detection("give", "send the security questionnaire", "Friday", None),
        ),
        (
            "we will set up a pilot workspace",
            Detection("give", "set up a pilot workspace", None, None),
        ),
        ("i can get you pricing by tmrw", Detection("give", "get you pricing", "tmrw", None)),
        (
            "Let me send over the deck tomorrow",
            Detection("give", "send over the deck", "tomorrow", None),
        ),
        (
            "gonna share the roadmap next week 👍",
            Detection("give", "share the roadmap", "next week", None),
        ),
        (
            "We're going to give them 30 days free",
            Detection("give", "give them 30 days free", None, None),
        ),
        (
            "<@U0123ABCD> I'll send it over EOD",
            Detection("give", "send it over", "EOD", None),
        ),
        (
            "*I'll send the pricing sheet* by end of month",
            Detection("give", "send the pricing sheet", "end of month", None),
        ),
        (
            "Our SE will build the proof of concept in 2 weeks",
            Detection("give", "build the proof of concept", "in 2 weeks", "Our SE"),
        ),
        (
            "ill get u the <https://docs.example.com/deck|deck> by Dec 3",
            Detection("give", "get u the deck", "Dec 3", None),
        ),
        (
            "They agreed to introduce us to their procurement lead",
            Detection("get", "introduce us to their procurement lead", None, "They"),
        ),
        (
            "Their CFO will send the budget numbers by Thursday",
            Detection("get", "send the budget numbers", "Thursday", "Their CFO"),
        ),
        ("Acme promised to share usage data", Detection("get", "share usage data", None, "Acme")),
        (
            "she said she'd loop in legal next week",
            Detection("get", "loop in legal", "next week", "she"),
        ),
        (
            "they're going to sign by end of month",
            Detection("get", "sign", "end of month", "they"),
        ),
        (
            "The buyer confirmed they will issue the PO on Monday",
            Detection("get", "issue the PO", "Monday", "The buyer"),
        ),
        (
            "Acme's team will set up SSO on their side by Tuesday",
            Detection("get", "set up SSO on their side", "Tuesday", "Acme's team"),
        ),
        (
            "Globex committed to a 50-seat pilot",
            Detection("get", "a 50-seat pilot", None, "Globex"),
        ),
        (
            "Great call! They agreed to send the PO by Friday.",
            Detection("get", "send the PO", "Friday", "They"),
        ),
        (
            "they're sending the PO tomorrow",
            Detection("get", "send the PO", "tomorrow", "they"),
        ),
    ],
)
def test_extraction(text: str, expected: Detection) -> None:
    assert detect_commitment(text) == expected


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("I'll send it by Friday", "Friday"),
        ("I'll send it next week", "next week"),
        ("they'll sign by end of month", "end of month"),
        ("I'll send it tomorrow", "tomorrow"),
        ("we'll send the quote by Dec 3", "Dec 3"),
        ("we'll send the quote in 2 weeks", "in 2 weeks"),
        ("will send the SOW by EOD", "EOD"),
        ("I'll send it on the 12th", "the 12th"),
        ("they'll pay by Q3", "Q3"),
        ("we'll hold the Q4 price until end of January", "end of January"),
        ("I'll send the summary of today's call", None),
        ("I'll send the deck", None),
    ],
)
def test_due_text(text: str, due: str | None) -> None:
    found = detect_commitment(text)
    assert found is not None
    assert found.due_text == due


@pytest.mark.parametrize(
    "text",
    [
        # questions
        "will you send the deck?",
        "can they sign by Friday?",
        "can they sign by friday",
        "are we going to give them the discount",
        # past facts
        "I sent the deck last week",
        "they already introduced us",
        "they said they'd sign last quarter and never did",
        # conditionals / hypotheticals
        "if they sign we'll celebrate",
        "we'll extend the trial if they ask nicely",
        "We'd send the contract if legal signed off",
        "I would send them the deck",
        # negations
        "we won't discount",
        "We will not cover travel",
        "I'm not going to send pricing yet",
        # predictions, states, hedges
        "They'll probably push back on price",
        "they'll love the new dashboard",
        "I'll be out tomorrow afternoon",
        "I think they will sign eventually",
        "hopefully they'll send the PO this week",
        # thanks, links, reactions
        "thanks for sending that over!",
        "<https://acme.hubspot.com/deals/123|Acme deal>",
        "👍",
        ":tada:",
        "",
    ],
)
def test_not_commitments(text: str) -> None:
    assert detect_commitment(text) is None


def test_long_text_is_ignored_quickly() -> None:
    text = "I'll send the deck tomorrow. " * 100
    assert len(text) > MAX_TEXT_LENGTH
    assert detect_commitment(text) is None
    # Turned away before any pattern runs: no dearer than reading one ordinary sentence
    # (read, it would cost about a hundred of them).
    assert cost_ratio(lambda: detect_commitment(text),
                      lambda: detect_commitment("I'll send the deck tomorrow.")) < 10


@pytest.mark.parametrize("unit", ["E", "EOD", "Ab", "A_", "Ab-"])
def test_a_word_of_capitals_is_read_for_a_meeting_in_linear_time(unit: str) -> None:
    """Read for "Acme call went well", 2,000 characters that are one long word cost about
    what 2,000 lower-case ones do; tried at every capital, they cost hundreds of times more."""
    word = (unit * 2000)[:1999]
    assert detect_meeting_end(word) is None
    assert cost_ratio(lambda: detect_meeting_end(word), lambda: detect_meeting_end(word.lower())) < 10


def test_non_string_is_none() -> None:
    assert detect_commitment(None) is None  # type: ignore[arg-type]
    assert detect_meeting_end(None) is None  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_detect_commitment_never_raises(text: str) -> None:
    result = detect_commitment(text)
    assert result is None or (result.side in ("give", "get") and result.what)


_WORDS = st.sampled_from(
    "I'll we'll they they'll their CFO Acme will gonna going to let me promised agreed to "
    "send share the deck by Friday tomorrow next week if not never ? ! , . : - — * _ ~ "
    "<@U1> <https://x.io|link> 🎉 said she'd he's sending end of month in 2 weeks".split()
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, max_size=30).map(" ".join))
def test_detect_never_raises_on_commitment_like_noise(text: str) -> None:
    """Whatever comes out is a give or a get made of the message's own words."""
    found = detect_commitment(text)
    if found is not None:
        assert found.side in ("give", "get") and found.what.strip()
        said = set(re.findall(r"\w+", text.lower()))
        # "sending the NDA" is logged as "send the NDA": base forms of -ing words count too.
        said |= {base for w in said if w.endswith("ing") for base in (w[:-3], w[:-3] + "e", w[:-4])}
        assert set(re.findall(r"\w+", found.what.lower())) <= said, (text, found.what)
    topic = detect_meeting_end(text)
    assert topic is None or topic.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_detect_meeting_end_never_raises(text: str) -> None:
    result = detect_meeting_end(text)
    assert result is None or isinstance(result, str)


# Throughput is measured in bench/detector_throughput.py (a ratio to a baseline in the same
# run), not asserted here: a timed assertion fails on a busy machine, not on slow code.


@pytest.mark.parametrize(
    ("text", "side", "who"),
    [
        ("Priya from their side will share the questionnaire by Friday", "get", "Priya from their side"),
        ("Jen from our side will send the DPA tomorrow", "give", "Jen from our side"),
        ("thier CFO will confirm budget by end of month", "get", "their CFO"),
        ("client will send over the logo files next week", "get", "client"),
        ("the reseller will feature us in their newsletter by end of quarter", "get", "the reseller"),
        ("distributor will introduce us to two of their resellers next month", "get", "distributor"),
        ("I should be able to get them the order form by Tuesday", "give", None),
        ("I think I can have the sandbox ready for them by Fri", "give", None),
        ("can do. sending the tax form to their AP team within the hour", "give", None),
        ("I'll have Sam from our support team configure SSO for them next week", "give", None),
        ("promised their COO we'll ship the Okta integration before the renewal", "give", None),
        ("in the meeting their CTO agreed to champion it and will forward the deck", "get", "their CTO"),
        ("Makes sense. I'll loop in our architect for the security review", "give", None),
        ("I'll sedn the pricing breakdown after lunch", "give", None),
    ],
)
def test_kinds_from_issue_15(text: str, side: str, who: str | None) -> None:
    found = detect_commitment(text)
    assert found is not None and found.side == side
    assert who is None or found.who == who


@pytest.mark.parametrize(
    "text",
    [
        "I think they'll sign this week",  # a guess about them, not their promise
        "Maybe I'll send a follow up, not sure yet",
        "if they sign we'll extend the trial",
        "client never sent the logo files",
        "I'll speak to you all tomorrow",
    ],
)
def test_hedges_and_chatter_stay_quiet(text: str) -> None:
    assert detect_commitment(text) is None


def test_mention_as_subject_takes_its_side_from_the_directory() -> None:
    text = "<@U0GUEST> will send the signed DPA by Friday"
    assert detect_commitment(text).side == "give"  # no directory: a colleague
    assert detect_commitment(text, is_ours=lambda user: user != "U0GUEST").side == "get"
    assert detect_commitment(text, is_ours=lambda user: True).side == "give"
    assert detect_commitment("Sam will send the signed DPA by Friday").side == "get"


def test_a_mention_that_addresses_someone_is_not_the_subject() -> None:
    found = detect_commitment("<@U0BOB> I'll send the deck tomorrow", is_ours=lambda user: False)
    assert found is not None and found.side == "give" and found.who is None


# --------------------------------------------------------------------------------------
# Meetings that just ended
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("just got off the call with Acme", "Acme"),
        ("meeting with Globex went well", "Globex"),
        ("great call with Initech today", "Initech"),
        ("Just wrapped the demo with Umbrella", "Umbrella"),
        ("Had a productive meeting with Globex Corp this morning", "Globex Corp"),
        ("Just got off the phone with the Acme team, they're keen", "Acme"),
        ("hopped off a quick sync w/ Soylent — they'll send the PO tmrw", "Soylent"),
        ("The Initech demo went great 🎉", "Initech"),
        ("*Just got off the call with Acme Corp* :tada:", "Acme Corp"),
        ("just met with Priya from Hooli", "Hooli"),
    ],
)
def test_meeting_end(text: str, topic: str) -> None:
    assert detect_meeting_end(text) == topic


@pytest.mark.parametrize(
    "text",
    [
        "call with Acme tomorrow at 3",
        "Looking forward to the call with Acme next week",
        "we need to prep for the meeting with Hooli",
        "did the call with Acme go ok?",
        "Can we move the meeting with Globex?",
        "meeting with Globex moved to next week",
        "just got off a call with them",
        "great call!",
        "pricing is still the main blocker",
        "",
    ],
)
def test_not_meeting_end(text: str) -> None:
    assert detect_meeting_end(text) is None


@pytest.mark.parametrize("unit", ["then I'll → ", "\u2014they we'll "])
def test_a_sentence_of_endless_clauses_is_read_in_linear_time(unit: str) -> None:
    """Red team 6: every "we'll" of a 2,000-character run-on sentence starts a clause that
    was read with everything before it, so the cost grew with the square of the text (a
    tenth of a second of CPU for one message on a busy machine). Only a sentence's first
    clauses are tried now: four times the text costs three to five times as much (it cost
    17 to 33 times as much before)."""
    long_text, short_text = (unit * 2000)[:1999], (unit * 500)[:499]
    detect_commitment(long_text)
    assert cost_ratio(lambda: detect_commitment(long_text), lambda: detect_commitment(short_text)) < 10
