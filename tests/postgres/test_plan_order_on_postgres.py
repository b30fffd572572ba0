"""The plan's own order and its expiring links, with the bot on PostgreSQL: the order and the
link's lifetime are stored there, a redelivered move is noted there."""

from tests.e2e.test_plan_order_and_links import (  # noqa: F401
    test_a_redelivered_move_up_moves_the_step_once,
    test_an_expired_link_shows_a_page_saying_how_to_get_a_fresh_one_and_no_form_works,
    test_moving_a_step_changes_the_order_on_the_page_in_slack_and_in_the_export,
    test_order_auto_gives_back_the_attention_order,
    test_share_new_replaces_a_live_link,
)
