"""Round 8 with the bot on PostgreSQL: notes of replies to the bot's posts (kept, then
pruned), a channel whose id Slack changed (its records moved in one transaction), and people
whose account changed (what the database keeps of them)."""

from tests.reliability.conftest import log  # noqa: F401
from tests.reliability.test_attack_round8 import (  # noqa: F401
    test_a_channel_id_change_that_names_nothing_sensible_changes_nothing,
    test_a_colleague_made_a_guest_gets_the_partners_view_at_once,
    test_a_forged_parent_user_id_on_a_persons_thread_is_recorded_at_most_until_it_expires,
    test_a_private_channel_shared_with_slack_connect_keeps_its_ledger_under_its_new_id,
    test_a_reply_to_the_bots_own_post_is_remembered_once,
    test_check_ins_planned_before_the_id_changed_are_posted_under_the_new_id,
    test_replies_in_peoples_threads_store_nothing,
    test_user_change_events_about_nobody_or_strangers_change_nothing,
)
