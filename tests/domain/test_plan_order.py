"""The plan's own order and its links' lifetime: `plan move`, `plan order auto`, `share new`
parsed, steps placed, and when a link stops opening the plan. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.commands import AutoOrder, MoveStep, Share, UsageError, parse_command
from bot.domain.ledger import Commitment
from bot.domain.mutual_plan import LINK_LIFETIME, link_expires_at, plan_view, step_index
from bot.domain.plan_moves import MOVE_WORDS, MoveError, move_step

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, tzinfo=UTC)


def item(number, side="give", due=None, status="open"):
    return Commitment(number=number, side=side, what=f"step {number}", owner="U0ALICE", created_by="U0ALICE",
                      created_at=NOW, due_on=due, status=status, visibility="shared")


@pytest.mark.parametrize(("typed", "expected"), [
    ("plan move 4 1", MoveStep(4, 1)),
    ("plan move #4 to position 2", MoveStep(4, 2)),
    ("plan move 4 to the top", MoveStep(4, "top")),
    ("plan reorder 3 down", MoveStep(3, "down")),
    ("move 4 to 1", MoveStep(4, 1)),
    ("Plan Move 4 Bottom", MoveStep(4, "bottom")),
    ("plan order auto", AutoOrder()),
    ("plan order reset", AutoOrder()),
])
def test_the_ways_people_type_a_move_are_read(typed, expected):
    assert parse_command(typed) == expected


@pytest.mark.parametrize(("typed", "key"), [
    ("plan move", "plan_move_shape"),
    ("plan move four 1", "plan_move_shape"),
    ("plan move 4 sideways", "plan_move_shape"),
    ("plan order", "plan_order_shape"),
])
def test_a_move_without_an_id_and_a_place_is_refused(typed, key):
    with pytest.raises(UsageError) as raised:
        parse_command(typed)
    assert raised.value.refusal.key == key


def test_move_with_a_date_is_still_an_edit_suggestion():
    with pytest.raises(UsageError) as raised:
        parse_command("move 4 to Friday")
    assert raised.value.refusal.facts["meant"] == "edit 4 to Friday"


@pytest.mark.parametrize("typed", ["share new", "share renew", "share reissue", "Share New"])
def test_share_new_asks_for_a_fresh_link(typed):
    assert parse_command(typed) == Share(new=True)


@pytest.mark.parametrize(("target", "expected"), [
    (1, [3, 1, 2]), (2, [1, 3, 2]), (3, [1, 2, 3]), (99, [1, 2, 3]),
    ("top", [3, 1, 2]), ("first", [3, 1, 2]), ("bottom", [1, 2, 3]), ("up", [1, 3, 2]), ("down", [1, 2, 3]),
])
def test_move_step_places_the_step(target, expected):
    assert move_step([1, 2, 3], 3, target) == expected


def test_move_step_up_from_the_top_and_down_from_the_bottom_stay():
    assert move_step([1, 2, 3], 1, "up") == [1, 2, 3]
    assert move_step([1, 2, 3], 3, "down") == [1, 2, 3]


def test_move_step_refuses_place_zero_and_a_step_not_on_the_side():
    with pytest.raises(MoveError) as raised:
        move_step([1, 2], 1, 0)
    assert raised.value.refusal.key == "plan_move_position"
    assert raised.value.refusal.facts == {"number": 1, "steps": 2}  # the answer names both
    with pytest.raises(MoveError) as missing:
        move_step([1, 2], 7, 1)
    assert missing.value.refusal.key == "plan_step_missing"
    assert missing.value.refusal.facts == {"number": 7}


def test_plan_view_keeps_the_teams_order_and_puts_unplaced_steps_after_in_attention_order():
    items = [item(1, due=date(2026, 12, 20)), item(2, due=date(2026, 12, 4)), item(3, due=date(2026, 11, 30)),
             item(4, due=date(2026, 11, 24)), item(5, "get")]
    auto = plan_view(items, TODAY)
    assert [c.number for c in auto.ours] == [4, 3, 2, 1]
    placed = plan_view(items, TODAY, {"give": [1, 2], "get": []})
    assert [c.number for c in placed.ours] == [1, 2, 4, 3]
    assert [c.number for c in placed.theirs] == [5]
    # An order naming a step that is gone (dropped, made private) only skips it.
    assert [c.number for c in plan_view(items[:3], TODAY, {"give": [9, 3, 1]}).ours] == [3, 1, 2]


def test_a_link_lasts_its_lifetime_from_when_it_was_made_unless_it_says_otherwise():
    made = {"created_at": NOW.isoformat()}
    assert link_expires_at(made) == NOW + LINK_LIFETIME
    later = datetime(2027, 1, 1, tzinfo=UTC)
    assert link_expires_at({**made, "expires_at": later.isoformat()}) == later


def test_the_help_says_as_long_a_lifetime_as_links_have():
    from bot.messages import render
    from tests.e2e.helpers import all_text

    assert f"it lasts {LINK_LIFETIME.days} days" in all_text(render("help", topic="plan"))
    assert f"It lasts {LINK_LIFETIME.days} days" in all_text(render("help", topic=None))


@pytest.mark.parametrize("word", MOVE_WORDS)
def test_every_place_word_the_parser_reads_is_one_the_move_knows(word):
    """One list: a word the command accepts is never a KeyError in the move, and back."""
    command = parse_command(f"plan move 2 {word.upper()}")
    assert command == MoveStep(2, word)
    assert sorted(move_step([1, 2, 3], 2, command.target)) == [1, 2, 3]


def test_last_puts_the_step_at_the_end_like_bottom():
    assert move_step([1, 2, 3], 1, "last") == move_step([1, 2, 3], 1, "bottom") == [2, 3, 1]


_STEP = st.tuples(st.sampled_from(["give", "get"]), st.one_of(st.none(), st.integers(-5, 5)),
                  st.sampled_from(["open", "open", "done", "dropped"]), st.booleans())


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(_STEP, max_size=14),
       order=st.fixed_dictionaries({"give": st.lists(st.integers(1, 16), max_size=6),
                                    "get": st.lists(st.integers(1, 16), max_size=6)}))
def test_step_index_is_where_the_plan_shows_the_step(steps, order):
    """Counting a step's place gives the place the whole plan puts it, ordered or not,
    and None for a step the partner doesn't see (private, dropped, unknown)."""
    items = [Commitment(number=n, side=side, what=f"step {n}", owner="U0ALICE", created_by="U0ALICE",
                        created_at=NOW, due_on=None if due is None else TODAY + timedelta(days=due),
                        status=status, visibility="private" if private else "shared")
             for n, (side, due, status, private) in enumerate(steps, start=1)]
    view = plan_view(items, TODAY, order)
    shown = [[c.number for c in view.ours], [c.number for c in view.theirs]]
    numbers = range(1, len(items) + 2)  # every step, and one that doesn't exist
    expected = [next((side.index(n) for side in shown if n in side), None) for n in numbers]
    assert [step_index(items, TODAY, order, n) for n in numbers] == expected


def test_step_index_of_a_side_the_team_never_ordered_is_its_attention_place():
    steps = [item(1, "get", due=date(2026, 12, 9)), item(2, "get", due=date(2026, 12, 1)), item(3, "give")]
    assert step_index(steps, TODAY, {"give": [3]}, 1) == 1  # only ours was ordered
    assert step_index(steps, TODAY, {}, 2) == 0
