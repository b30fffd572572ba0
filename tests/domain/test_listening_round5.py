"""Round 5 held-out messages: deal-channel Slack chatter labelled before the detector saw it.

``corpus/commitments_round5.tsv`` has the round 3 format (``label, due, what, text``); its
due dates were labelled against Tuesday 13 April 2027, 15:00 UTC. See
tests/domain/corpus/README.md, "Round 5", for how it was written and what the floors mean.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.domain.test_listening_round3 import load_rows

# The clock the due dates were labelled against: Tuesday 13 April 2027, 15:00 UTC.
NOW = datetime(2027, 4, 13, 15, 0, tzinfo=UTC)

ROWS = load_rows("commitments_round5.tsv")
