"""Round 6's replays after a restart and guests Slack can't vouch for, with the bot on
PostgreSQL: a trigger id is noted there without waiting for the disk, and what Slack said
about people is kept there for every process."""

from tests.reliability.conftest import log  # noqa: F401
from tests.reliability.test_attack_round6 import (  # noqa: F401
    guest_channel,
    restarted,
    test_a_colleague_slack_knew_keeps_the_full_ledger_while_slack_cannot_say,
    test_a_give_replayed_after_a_restart_is_not_logged_again_once_kept,
    test_a_guest_slack_cannot_vouch_for_cannot_write_our_side,
    test_a_message_delivered_after_its_deletion_is_not_logged_or_offered,
    test_a_stage_command_replayed_after_a_restart_does_not_move_the_deal_back,
)


def test_the_bot_here_really_runs_on_postgres(bot, postgres_bots):
    from bot.store.postgres_store import PostgresStore

    assert isinstance(bot.runtime.store, PostgresStore)
