"""The ledger, scheduling, coaching and mutual plan e2e suites again, with the bot on PostgreSQL.

The test functions are the very same objects as in tests/e2e; only the `bot`
fixture differs (see conftest.py): each runtime, restarts included, stores into
PostgreSQL, so "survives a restart" and "never posts twice" are checked there too.
"""

from tests.e2e.test_coaching import *  # noqa: F401,F403
from tests.e2e.test_ledger import *  # noqa: F401,F403
from tests.e2e.test_meetings import *  # noqa: F401,F403
from tests.e2e.test_mutual_plan import *  # noqa: F401,F403
from tests.e2e.test_schedule import *  # noqa: F401,F403
from tests.e2e.test_slack_connect import *  # noqa: F401,F403


def test_the_bot_here_really_runs_on_postgres(bot, postgres_bots):
    from bot.store.postgres_store import PostgresStore

    assert isinstance(bot.runtime.store, PostgresStore)
