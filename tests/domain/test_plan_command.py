"""`/partner plan` and the words people use for the mutual plan, parsed. Pure."""

from __future__ import annotations

import pytest

from bot.domain.commands import AddItem, Help, Share, ShowPlan, UsageError, parse_command


@pytest.mark.parametrize("typed", ["plan", "Plan please", "mutual plan", "show the plan", "PLAN",
                                   "mutual-plan", "confirm", "  plan  "])
def test_the_words_for_the_plan_show_it(typed):
    assert parse_command(typed) == ShowPlan()


@pytest.mark.parametrize(("typed", "page"), [("plan page 2", 2), ("plan 3", 3), ("plan page 0", 1)])
def test_plan_takes_a_page(typed, page):
    assert parse_command(typed) == ShowPlan(page=page)


@pytest.mark.parametrize(("typed", "number"), [("confirm 3", 3), ("cosign #12", 12), ("agree 1", 1)])
def test_confirm_with_an_id_asks_to_co_sign_that_item(typed, number):
    assert parse_command(typed) == ShowPlan(confirm=number)


def test_confirm_with_several_ids_asks_for_one_at_a_time():
    with pytest.raises(UsageError) as raised:
        parse_command("confirm 2 3")
    assert raised.value.refusal.key == "one_id_at_a_time"


def test_plan_followed_by_a_subcommand_is_that_subcommand():
    assert parse_command("plan share") == Share()
    assert parse_command("plan give a pilot by Friday") == AddItem(side="give", text="a pilot by Friday")


@pytest.mark.parametrize("typed", ["plan add a pilot by Friday", "plan new step", "plan step a pilot"])
def test_adding_a_step_without_a_side_is_refused_with_both_sides(typed):
    with pytest.raises(UsageError) as raised:
        parse_command(typed)
    assert raised.value.refusal.key == "plan_add_side" and raised.value.subcommand == "plan"


def test_adding_a_step_keeps_what_was_typed_short():
    with pytest.raises(UsageError) as raised:
        parse_command("plan add " + "x" * 500)
    assert len(raised.value.refusal.facts["what"]) == 80


def test_an_unknown_word_after_plan_is_refused():
    with pytest.raises(UsageError) as raised:
        parse_command("plan frobnicate")
    assert raised.value.refusal.key == "plan_unknown"


@pytest.mark.parametrize(("typed", "meant"), [
    ("can you log that we give a pilot by Friday", "give a pilot by Friday"),
    ("please list overdue", "list overdue"),
    ("I promise a deck by Friday", "give a deck by Friday"),  # a word people use for `give`
    ("we need their NDA by Dec 3", "get their NDA by Dec 3"),
    ("pls give the `deck`", "give the 'deck'"),  # a backtick would end the code span shown
])
def test_a_sentence_gets_the_command_it_holds_as_a_suggestion_never_run(typed, meant):
    with pytest.raises(UsageError) as raised:
        parse_command(typed)
    assert raised.value.refusal.key == "unknown_sentence"
    assert raised.value.refusal.facts["meant"] == meant
    assert raised.value.subcommand == meant.split()[0]


@pytest.mark.parametrize("typed", ["show me the plan", "what's the plan?", "can I see our mutual plan"])
def test_a_sentence_asking_for_the_plan_shows_it(typed):
    assert parse_command(typed) == ShowPlan()


@pytest.mark.parametrize("typed", ["frobnicate the widgets", "gvie me a break"])
def test_a_first_word_that_is_a_guess_or_nothing_keeps_the_old_answer(typed):
    with pytest.raises(UsageError) as raised:
        parse_command(typed)
    assert raised.value.refusal.key == "unknown_command"


@pytest.mark.parametrize(("typed", "topic"), [
    ("hello there", None), ("how do I start?", None), ("what should I do first", None),
    ("how do I give a pilot", "give"), ("how do I share it with the customer?", "share"),
    ("what does export do", "export"), ("how do I delete something", "drop"),
])
def test_a_greeting_or_a_question_gets_the_help_it_asks_for(typed, topic):
    # Was "Did you mean `help`? … type `/partner help do I start?`": a question answered with a
    # command to type, which then said there is no `do i start?` command.
    assert parse_command(typed) == Help(topic=topic)


@pytest.mark.parametrize(("typed", "meant"), [
    ("I want to share the plan with the customer", "share the plan with the customer"),
    ("we should share a doc with legal", "share"),  # `share a doc with legal` is refused
    ("can you log that we give a pilot by Friday", "give a pilot by Friday"),
])
def test_a_sentence_suggests_only_a_command_that_works_as_typed(typed, meant):
    # Was `/partner share a doc with legal`, which `share` refuses.
    with pytest.raises(UsageError) as raised:
        parse_command(typed)
    assert raised.value.refusal.facts["meant"] == meant
    parse_command(meant)  # the suggestion itself is a command


@pytest.mark.parametrize(("typed", "meant"), [
    ("gvie a pilot by Friday", "give a pilot by Friday"),
    ("delete 3", "drop 3"),
    ("ask for an intro by Friday", "get an intro by Friday"),
    ("lst", ""),  # nothing more to type than the guess itself
    ("add a pilot", ""),  # a give or a get: no one command to offer
])
def test_a_guessed_word_offers_the_whole_command_to_type(typed, meant):
    with pytest.raises(UsageError) as raised:
        parse_command(typed)
    assert raised.value.refusal.key == "unknown_command" and raised.value.refusal.facts["meant"] == meant


@pytest.mark.parametrize(("typed", "topic"), [
    ("help giv", "give"), ("help delete", "drop"), ("help confirm", "plan"), ("help give", "give"),
    ("help pricing", "pricing"),  # nothing close: help says there's no such command
    ("help add", "add"),  # a give or a get: no one entry to show
])
def test_help_on_a_slip_or_a_word_people_use_shows_the_subcommand_meant(typed, topic):
    assert parse_command(typed) == Help(topic=topic)
