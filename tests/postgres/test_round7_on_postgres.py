"""Round 7's clicks and forms delivered again, with the bot on PostgreSQL: their trigger ids
are noted there, for every process and across restarts; and the one DM when the bot is
removed from a channel, remembered there until it is invited back."""

from tests.e2e.test_removed_from_channel import (  # noqa: F401
    test_invited_back_then_removed_again_tells_again,
    test_the_person_who_asked_for_a_debrief_is_told_once_that_the_bot_was_removed,
)
from tests.reliability.conftest import log  # noqa: F401
from tests.reliability.test_attack_round6 import restarted  # noqa: F401
from tests.reliability.test_attack_round7 import (  # noqa: F401
    test_a_done_click_replayed_is_answered_once_more_and_changes_nothing,
    test_a_form_replayed_after_a_restart_is_answered_on_the_form_and_logs_nothing,
    test_a_home_tab_click_replayed_after_a_restart_shows_a_note_there,
    test_a_log_click_replayed_after_a_restart_logs_nothing_and_counts_no_advice,
)
