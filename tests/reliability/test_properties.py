"""Property tests: the parser and the templates never raise on any input and always escape."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import commands as cmd
from bot.domain.coaching import ChannelHistory, DealState, assess
from bot.domain.ledger import Commitment, balance, paginate
from bot.domain.refusal import Refusal
from bot.domain.stages import Stage
from bot.messages import render
from bot.services.deals import Deal
from tests.refusals import shown
from tests.reliability.test_template_escaping import mrkdwn_strings, raw_markup

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, tzinfo=UTC)
NASTY = st.sampled_from(["<!channel>", "<!here>", "<@U0BOB>", "<http://x|y>", "&", "<", ">", "\"",
                         "<#C0OTHER>", "<#C0OTHER|general>", "AT&T", "&lt;", "<!subteam^S1>",
                         "\\", "\n", "{{ x }}", "{% raw %}", "🤝", "\u202e", "*bold*", "`code`"])
TEXT = st.lists(st.one_of(st.text(max_size=40), NASTY), max_size=12).map("".join)


@given(TEXT)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_parse_command_never_raises_anything_but_usage_error(text):
    try:
        command = cmd.parse_command(text)
    except cmd.UsageError as exc:
        assert shown(exc)
    else:
        assert command is not None


SUBCOMMANDS = {"give": (cmd.AddItem,), "get": (cmd.AddItem,), "edit 1": (cmd.EditItem,),
               "deal": (cmd.SetStage, cmd.ListDeals), "done": (cmd.CloseItem,), "list": (cmd.ListItems,),
               "crm pattern": (cmd.Crm,)}


@given(st.sampled_from(sorted(SUBCOMMANDS)), TEXT)
@settings(max_examples=300)
def test_subcommands_with_arbitrary_arguments(sub, rest):
    """Any argument gives that subcommand or a usage error naming it, never another command."""
    try:
        command = cmd.parse_command(f"{sub} {rest}")
    except cmd.UsageError as exc:
        assert shown(exc) and exc.subcommand == sub.split()[0] in cmd.SUBCOMMANDS
    else:
        assert isinstance(command, SUBCOMMANDS[sub])
        if sub in ("give", "get"):
            assert command.side == sub


def _assert_escaped(payload, user_text: str) -> None:
    json.dumps(payload)  # valid JSON came out
    # The only markup left in what Slack parses is the bot's own mention of the owner
    # (<@U0ALICE>); <@U0BOB>, which the generator produces, must arrive escaped.
    for text in mrkdwn_strings(payload):
        assert raw_markup(text) == [], (text, user_text)


@given(what=TEXT.filter(lambda t: t.strip()), counterpart=st.one_of(st.none(), TEXT))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_item_templates_escape_every_user_string(what, counterpart):
    item = Commitment(number=1, side="get", what=what, owner="U0ALICE", created_by="U0ALICE",
                      created_at=datetime(2026, 11, 23, tzinfo=UTC), due_on=TODAY, counterpart=counterpart)
    bal = balance([item], TODAY)
    context = {"item": item, "today": TODAY, "balance": bal,
               "nudge": assess(ChannelHistory(items=[item], now=NOW, today=TODAY))}
    for template in ("item_added", "item_closed", "item_edited"):
        _assert_escaped(render(template, **context), what)
    listing = render("ledger_list", page=paginate([item], 1, 10), view="open", **context)
    _assert_escaped(listing, what)


@given(name=TEXT.filter(lambda t: t.strip()))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_stage_prompts_escape_deal_names(name):
    deal = Deal(name=name, stage=Stage.SIGNED, updated_at=datetime(2026, 11, 23, tzinfo=UTC),
                updated_by="U0ALICE")
    context = {"deal": deal, "previous": Stage.NEGOTIATION, "user": "U0ALICE", "source": "command",
               "open_items": [], "checkin_days": [7, 30, 90], "today": TODAY, "stage_variant": 2,
               "balance": balance([], TODAY),
               "nudge": assess(ChannelHistory(items=[], now=NOW, today=TODAY, stage_changed=True,
                                              deal=DealState(name, Stage.QUALIFIED, NOW)))}
    for template in ("stage_early", "stage_closing", "stage_signed", "stage_lost", "stage_set"):
        _assert_escaped(render(template, **context), name)


@given(word=TEXT, usage_of=st.sampled_from([None, *cmd.SUBCOMMANDS]))
@settings(max_examples=150)
def test_error_template_escapes(word, usage_of):
    """What a person typed, echoed in a refusal (``I don't know “…”``), under any usage line."""
    refusal = Refusal("unknown_command", {"word": word})
    _assert_escaped(render("error", refusal=refusal, usage_of=usage_of), word)
