"""The mutual plan's pure rules: what the partner sees, link and form tokens, proposals,
who counts as external, the CSV export, and the `(private)` / share commands."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from bot.documents import markdown_escape
from bot.domain.commands import AddItem, Export, SetVisibility, Share, UsageError, parse_command
from bot.domain.ledger import Commitment
from bot.domain.mutual_plan import (
    ProposalError,
    csrf_ok,
    csrf_token,
    days_unconfirmed,
    is_external,
    link_token,
    partner_may_close,
    plan_csv,
    plan_view,
    read_proposal,
    token_hash,
    well_formed,
)
from tests.refusals import shown

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, tzinfo=UTC)
KEY = b"k" * 32


def item(number, side="get", *, due=None, status="open", visibility="shared", what="x", owner="U0ALICE"):
    return Commitment(number=number, side=side, what=what, owner=owner, created_by=owner, created_at=NOW,
                      due_on=due, status=status, visibility=visibility)


def test_the_plan_leaves_out_private_and_dropped_items_and_splits_the_sides():
    view = plan_view([item(1, "give"), item(2), item(3, visibility="private"), item(4, status="dropped"),
                      item(5, "give", status="done")], TODAY)
    assert [c.number for c in view.ours] == [1, 5] and [c.number for c in view.theirs] == [2]
    assert view.kept == 1 and view.unconfirmed == 1


def test_overdue_items_come_first_and_are_counted():
    view = plan_view([item(1, due=date(2026, 12, 1)), item(2, due=date(2026, 11, 20))], TODAY)
    assert [c.number for c in view.theirs] == [2, 1] and view.overdue == 1


def test_a_partner_closes_only_their_own_shared_items():
    assert partner_may_close(item(1, "get"))
    assert not partner_may_close(item(1, "give"))
    assert not partner_may_close(item(1, "get", visibility="private"))


def test_confirming_twice_keeps_the_first_confirmation():
    first = item(1).confirm("partner", NOW)
    assert first.is_confirmed and first.confirm("U0DANA", datetime(2027, 1, 1, tzinfo=UTC)) == first
    assert Commitment.from_doc(first.to_doc()) == first


def test_old_records_without_the_new_fields_read_as_shared_and_unconfirmed():
    doc = item(1).to_doc()
    for key in ("visibility", "confirmed_at", "confirmed_by"):
        doc.pop(key)
    old = Commitment.from_doc(doc)
    assert not old.is_private and not old.is_confirmed


def test_link_tokens_are_stable_per_nonce_unguessable_shaped_and_stored_only_as_hashes():
    token = link_token(KEY, "T0001", "C0DEAL", "nonce-1")
    assert token == link_token(KEY, "T0001", "C0DEAL", "nonce-1") and well_formed(token)
    others = {link_token(KEY, "T0001", "C0DEAL", "nonce-2"), link_token(KEY, "T0001", "C0OTHER", "nonce-1"),
              link_token(b"other key" * 4, "T0001", "C0DEAL", "nonce-1")}
    assert len(others | {token}) == 4
    assert token_hash(token) != token and len(token_hash(token)) == 64
    for bad in ("", "short", token + "x", token[:-1] + "!", "../" + token[3:]):
        assert not well_formed(bad)


def test_form_tokens_belong_to_one_link():
    mine, theirs = token_hash("a" * 43), token_hash("b" * 43)
    assert csrf_ok(KEY, mine, csrf_token(KEY, mine))
    assert not csrf_ok(KEY, mine, csrf_token(KEY, theirs))
    assert not csrf_ok(KEY, mine, "")


@pytest.mark.parametrize(("what", "due", "expected"), [
    ("new wording", "", ("new wording", None)),
    ("", "2026-12-24", (None, date(2026, 12, 24))),
    ("  x  ", "2026-12-24", (None, date(2026, 12, 24))),  # the same wording, spaced: only the date moved
    ("the  NDA\nsigned", "", ("the NDA signed", None)),
])
def test_a_proposal_keeps_only_what_changes(what, due, expected):
    proposal = read_proposal(item(1, due=date(2026, 12, 1)), what, due, TODAY)
    assert (proposal.what, proposal.due_on) == expected


@pytest.mark.parametrize(("what", "due", "message"), [
    ("", "", "Change the wording or the date"),
    ("x", "2026-12-01", "Change the wording or the date"),
    ("", "2026-11-22", "in the past"),
    ("", "2030-01-01", "three years"),
    ("", "24/12/2026", "should look like"),
    ("y" * 301, "", "under 300"),
])
def test_a_bad_proposal_says_why(what, due, message):
    with pytest.raises(ProposalError) as raised:
        read_proposal(item(1, due=date(2026, 12, 1)), what, due, TODAY)
    assert message in shown(raised.value)


@pytest.mark.parametrize(("host", "team", "enterprise", "external"), [
    ("T0001", "T0001", None, False),
    ("T0001", "T0PARTNER", None, True),
    ("T0001", None, None, False),  # Slack didn't say: a colleague, as before
    ("E1:T0001", "T0002", "E1", False),  # another workspace of our own Grid org
    ("E1:*", "T0002", "E1", False),
    ("E1:*", "T0002", "E2", True),
])
def test_who_is_external(host, team, enterprise, external):
    assert is_external(host, team, enterprise) is external


def test_the_csv_defuses_formulas_and_keeps_unicode():
    view = plan_view([item(1, "give", what="=SUM(A1)", due=date(2026, 11, 20)),
                      item(2, what="Ünïcode ✓, \"quoted\"", status="done")], TODAY)
    rows = list(csv.DictReader(io.StringIO(plan_csv(view, {"U0ALICE": "@Alice"}))))
    assert rows[0]["commitment"] == "'=SUM(A1)" and rows[0]["status"] == "overdue"
    assert rows[0]["owner"] == "'@Alice"
    assert rows[1]["commitment"] == 'Ünïcode ✓, "quoted"' and rows[1]["status"] == "kept"


def test_markdown_escaping_keeps_user_text_literal():
    assert markdown_escape("*bold* [x](http://e) <b> | a\nb") == r"\*bold\* \[x\](http://e) \<b\> \| a b"


@pytest.mark.parametrize(("text", "expected"), [
    ("give the deck by Friday (private)", AddItem(side="give", text="the deck by Friday", private=True)),
    ("get the budget (Private) by Friday", AddItem(side="get", text="the budget by Friday", private=True)),
    ("give a private beta invite", AddItem(side="give", text="a private beta invite")),
    ("share", Share()), ("share off", Share(off=True)), ("export", Export()),
    ("private 3", SetVisibility(3, True)), ("shared #3", SetVisibility(3, False)),
])
def test_commands_of_the_mutual_plan(text, expected):
    assert parse_command(text) == expected


@pytest.mark.parametrize("text", ["share now", "private", "shared x", "give (private)"])
def test_bad_mutual_plan_commands_explain_themselves(text):
    with pytest.raises(UsageError):
        parse_command(text)


def test_days_an_expectation_waited_for_the_partners_yes():
    later = date(2026, 11, 30)
    assert days_unconfirmed(item(1), later) == 7
    assert days_unconfirmed(item(1).confirm("partner", NOW), later) is None
    assert days_unconfirmed(item(1, "give"), later) is None
    assert days_unconfirmed(item(1, visibility="private"), later) is None
    assert days_unconfirmed(item(1, status="done"), later) is None
