"""What `/partner` says about text it won't run: the refusal, the usage it shows, and the
facts the answer quotes (a mutation run found these unpinned: any key, usage or fact could
change and the commands' tests still passed)."""

from __future__ import annotations

import pytest

from bot.domain.commands import (
    MAX_DEAL_NAME,
    Calendar,
    MoveStep,
    SetDomains,
    ShowPlan,
    UsageError,
    parse_command,
)
from bot.domain.commands import Help as HelpCommand


def refusal(text: str) -> tuple[str, str | None, dict[str, object]]:
    with pytest.raises(UsageError) as refused:
        parse_command(text)
    return refused.value.key, refused.value.subcommand, refused.value.refusal.facts


@pytest.mark.parametrize(("text", "expected"), [
    ("deal -- domain acme.com", ("domain_deal_missing", "deal", {})),
    ("deal " + "x" * (MAX_DEAL_NAME + 1) + " domain a.com",
     ("deal_name_too_long", "deal", {"limit": MAX_DEAL_NAME})),
    ("plan move nonsense", ("plan_move_shape", "plan", {"shown": "nonsense"})),
    ("plan move", ("plan_move_shape", "plan", {"shown": "nothing"})),
    ("plan move " + "y" * 50, ("plan_move_shape", "plan", {"shown": "y" * 40})),
])
def test_a_malformed_domain_or_move_is_refused_with_its_usage(text, expected):
    assert refusal(text) == expected


@pytest.mark.parametrize(("text", "deal"), [
    ('deal "Acme" domain acme.com', "Acme"),
    ("deal Acme: domain acme.com", "Acme"),
    ("deal 'Acme' - domain acme.com", "Acme"),
    ("deal Xerox domain acme.com", "Xerox"),
])
def test_quotes_and_colons_around_a_deal_name_are_not_part_of_it(text, deal):
    assert parse_command(text) == SetDomains(deal=deal, domains="acme.com")


def test_a_deal_name_at_the_limit_is_taken():
    name = "x" * MAX_DEAL_NAME
    assert parse_command(f"deal {name} domain a.com") == SetDomains(deal=name, domains="a.com")


def test_a_move_takes_words_around_the_position():
    assert parse_command("mutual plan move 4 to 2") == MoveStep(number=4, target=2)
    assert parse_command("plan move 4 to the top") == MoveStep(number=4, target="top")


@pytest.mark.parametrize(("text", "expected"), [
    # A sentence naming a subcommand: the command it holds is suggested, never run.
    ("can you log that we give a pilot by Friday",
     ("unknown_sentence", "give", {"word": "can", "meant": "give a pilot by Friday"})),
    ("please, give a pilot", ("unknown_sentence", "give", {"word": "please,", "meant": "give a pilot"})),
    ("please give a `pilot`", ("unknown_sentence", "give", {"word": "please", "meant": "give a 'pilot'"})),
    ("please give " + "p" * 200,
     ("unknown_sentence", "give", {"word": "please", "meant": ("give " + "p" * 200)[:120]})),
    ("P" + "l" * 40 + "ease give a pilot",
     ("unknown_sentence", "give", {"word": ("P" + "l" * 40)[:30], "meant": "give a pilot"})),
    ("I promise a deck by Friday",
     ("unknown_sentence", "give", {"word": "I", "meant": "give a deck by Friday"})),
    # "help" in a sentence is not taken for the subcommand to suggest.
    ("could you help me", ("unknown_command", None, {"word": "could", "guesses": [], "meant": ""})),
    # A word people use for a subcommand: the whole command, when it works as typed.
    ("Delete 3", ("unknown_command", "drop", {"word": "Delete", "guesses": ["drop"], "meant": "drop 3"})),
    ("delete", ("unknown_command", "drop", {"word": "delete", "guesses": ["drop"], "meant": ""})),
    ("delete everything now please",
     ("unknown_command", "drop", {"word": "delete", "guesses": ["drop"], "meant": ""})),
    ("ask for an intro to their CFO",
     ("unknown_command", "get", {"word": "ask", "guesses": ["get"], "meant": "get an intro to their CFO"})),
    ("ask FOR an intro",
     ("unknown_command", "get", {"word": "ask", "guesses": ["get"], "meant": "get an intro"})),
    ("z" * 40, ("unknown_command", None, {"word": "z" * 30, "guesses": [], "meant": ""})),
    ("ask for an `intro`",
     ("unknown_command", "get", {"word": "ask", "guesses": ["get"], "meant": "get an 'intro'"})),
    ("ask for " + "i" * 200,
     ("unknown_command", "get", {"word": "ask", "guesses": ["get"], "meant": ("get " + "i" * 200)[:120]})),
    # The sentence's command doesn't work as typed: the subcommand alone is suggested.
    ("can you list my stuff please", ("unknown_sentence", "list", {"word": "can", "meant": "list"})),
    # ... and when that needs more too, still the subcommand, whose usage the answer shows.
    ("please edit it", ("unknown_sentence", "edit", {"word": "please", "meant": "edit"})),
    # A word that only asks for help, in a sentence: not a command to suggest.
    ("can you tell me how", ("unknown_command", None, {"word": "can", "guesses": [], "meant": ""})),
])
def test_a_sentence_is_refused_with_the_command_it_holds(text, expected):
    assert refusal(text) == expected


@pytest.mark.parametrize(("text", "command"), [
    ("where is our mutual", ShowPlan()),
    ("can I see the MUTUAL-PLAN", ShowPlan()),
    ("how give", HelpCommand(topic="give")),
    ("how do I give a pilot?", HelpCommand(topic="give")),
    ("hi", HelpCommand()),
])
def test_reading_asked_for_in_a_sentence_is_answered(text, command):
    assert parse_command(text) == command


@pytest.mark.parametrize(("text", "command"), [
    ("calendar", Calendar("status")),
    ("calendar STATUS", Calendar("status")),
    ("calendar disconnect", Calendar("disconnect")),
    ("calendar Remove", Calendar("disconnect")),
    ("calendar off", Calendar("disconnect")),
    ("calendar connect https://example.com/a b.ics", Calendar("connect", "https://example.com/a b.ics")),
])
def test_calendar_verbs_in_any_case(text, command):
    assert parse_command(text) == command


def test_an_unknown_calendar_verb_is_refused_without_repeating_what_was_typed():
    # What follows may be the secret address of someone's calendar: it is not quoted back.
    typed = "calendar frobnicate https://example.com/secret.ics"
    assert refusal(typed) == ("calendar_unknown_verb", "calendar", {})
