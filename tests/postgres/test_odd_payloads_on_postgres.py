"""The odd-payload scenarios again, with the bot on PostgreSQL, whose JSON values can't hold
NUL or a lone surrogate: what TinyDB stored, PostgreSQL refused with an error."""

from tests.reliability.conftest import log  # noqa: F401
from tests.reliability.test_attack_odd_payloads import (  # noqa: F401
    test_a_lone_surrogate_in_a_webhook_is_refused_and_the_store_keeps_working,
    test_a_lone_surrogate_in_slack_json_is_a_400_and_changes_nothing,
    test_a_record_form_with_a_mangled_optional_field_records_the_rest,
    test_nul_in_a_plan_page_proposal_is_dropped,
    test_nul_in_slack_json_or_a_webhook_is_a_400_and_changes_nothing,
    test_nul_typed_into_a_command_is_dropped,
    test_the_same_command_delivered_again_records_once,
)


def test_the_bot_here_really_runs_on_postgres(bot, postgres_bots):
    from bot.store.postgres_store import PostgresStore

    assert isinstance(bot.runtime.store, PostgresStore)
