"""Calendar round 8 on PostgreSQL (the `bot` fixture of conftest.py): edited prompts and DMs of
meetings moved after they went out, archived channels, and feeds disagreeing, on the other store
too."""

from tests.calendar.conftest import feeds, team  # noqa: F401 - fixtures
from tests.calendar.test_calendar_round8_scenarios import (  # noqa: F401 - collected here as well
    desk,
    test_a_meeting_moved_away_and_back_gets_its_prompt_back_as_it_was,
    test_a_meeting_moved_then_cancelled_says_it_was_called_off,
    test_a_prompt_whose_meeting_is_postponed_is_edited_so_one_prompt_is_live_at_a_time,
    test_a_series_whose_deal_channel_is_archived_between_occurrences_stops_there,
    test_a_two_channel_meeting_moved_away_and_back_before_an_answer_gets_one_dm,
    test_a_two_channel_meeting_postponed_before_its_owner_answered_gets_a_second_dm,
    test_two_reps_feeds_disagreeing_about_a_moved_meeting_follow_the_newer_version,
)
