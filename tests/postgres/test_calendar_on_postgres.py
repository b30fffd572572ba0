"""The calendar e2e suite again, with the bot on PostgreSQL (the `bot` fixture of conftest.py)."""

from tests.calendar.conftest import feeds, outside, team  # noqa: F401 - fixtures
from tests.calendar.test_calendar_e2e import *  # noqa: F401,F403
from tests.calendar.test_hostile_feeds_e2e import *  # noqa: F401,F403
