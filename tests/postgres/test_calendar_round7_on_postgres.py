"""Calendar round 7 on PostgreSQL (the `bot` fixture of conftest.py): meetings moved after their
prompt, and the one reminder, keep their promises on the other store too."""

from tests.calendar.conftest import feeds, team  # noqa: F401 - fixtures
from tests.calendar.test_calendar_round7 import (  # noqa: F401 - collected here as well
    desk,
    test_a_meeting_cancelled_after_its_prompt_went_out_gets_no_reminder,
    test_a_meeting_missing_from_one_read_after_its_prompt_still_gets_its_one_reminder,
    test_a_meeting_moved_after_its_prompt_and_then_moved_back_is_not_asked_twice,
    test_a_meeting_postponed_to_next_week_after_its_prompt_went_out_is_asked_again_next_week,
    test_a_prompt_answered_in_its_thread_and_logged_from_the_offer_gets_no_reminder,
    test_a_thread_answer_that_logs_nothing_still_counts_as_the_answer,
    test_an_unanswered_prompt_gets_one_reminder_in_its_thread_and_no_more,
)
