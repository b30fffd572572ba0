"""A channel member's CRM pattern can't freeze `partner-coach serve` (issue: ReDoS).

Every catastrophic-backtracking shape we know is sent as `/partner crm pattern …` to a
real `serve` subprocess. Each is either refused with advice, or accepted and then run
against the ordinary CRM line that froze the old engine and a 10,000-character
adversarial post, while `/healthz` keeps answering in under a second and the posts are
read to their end (the last line of the long post moves a deal, which the bot announces).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest
import requests

from bot.emulator import SlackEmulator
from tests.conftest import ALICE
from tests.e2e.helpers import reply_text
from tests.e2e.serve_process import ServeProcess
from tests.timing import RESPONSIVE_SECONDS

ORDINARY = "Deal stage changed: Acme Corp moved to Negotiation"
LAST_LINE = "Deal stage changed: Zeta Corp moved to Proposal"
# Optional named groups in front, so RE2's only objection can be the catastrophic part.
PREFIX = "(?P<deal>x)?(?P<stage>y)?"

# (the catastrophic part of the pattern, the 10,000 characters that make it backtrack)
ACCEPTED = [
    ("(?:.|..)*!", (ORDINARY + " ") * 196),
    ("(a|a)*b", "a" * 10_000),
    ("(a|aa)+$", "a" * 9_999 + "!"),
    ("(?:ab|a|b)*c", "ab" * 5_000),
    ("a*a*a*a*a*b", "a" * 10_000),
    (r"\d*\d*\d*\d*\d*!", "1" * 10_000),
    (r"\s*\s*\s*\s*\s*!", "a" + " \t" * 4_999 + "a"),
    ("(a+)+b", "a" * 10_000),
    (r"(\w+\s?)*!", "word " * 2_000),
    ("(.*a){12}!", "a" * 10_000),
    ("([a-z]+)*[0-9]", "abcdefgh" * 1_250),
    ("(?:a?){30}a{30}", "a" * 10_000),
    (r"(?:\w|\d|[a-z0-9])+\$", "abc123" * 1_666),
]
# (the part RE2 can't compile, a phrase of the advice the refusal must give)
REFUSED = [
    ("(?=(a|aa)+$)", "Lookaheads"),
    ("(?!(a|aa)+$)x", "Negative lookaheads"),
    ("(?<=a+)b", "Lookbehinds"),
    ("(a)\\1*b", "Backreferences"),
    ("(?P<d>a+)(?P=d)b", "Backreferences"),
    ("(?>a+)+b", "plain group"),
    ("(a++)+b", "write `a+`"),
    ("((a{100}){100}){100}", "Repeat counts"),
]


def slack_escaped(text: str) -> str:
    """What Slack sends for text typed in a slash command: &, < and > HTML-escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[ServeProcess, SlackEmulator]]:
    emulator = SlackEmulator().start()
    emulator.add_user(ALICE, name="alice", tz="America/New_York")
    proc = ServeProcess(emulator, tmp_path_factory.mktemp("redos") / "db.json").wait_ready()
    yield proc, emulator
    proc.close()
    emulator.stop()


_channels = itertools.count(1)


def fresh_channel(emulator: SlackEmulator) -> str:
    channel = f"C0RE{next(_channels):04d}"
    emulator.add_channel(channel, channel.lower(), members=[ALICE])
    return channel


def healthz_stays_fast(proc: ServeProcess) -> None:
    """A few /healthz probes while the listener works on a post; each must answer promptly."""
    for _ in range(3):
        started = time.monotonic()
        try:
            status = requests.get(proc.url + "/healthz", timeout=RESPONSIVE_SECONDS).status_code
        except requests.Timeout:
            pytest.fail(f"/healthz did not answer within {RESPONSIVE_SECONDS} s: the process is frozen")
        assert status == 200
        assert time.monotonic() - started < RESPONSIVE_SECONDS
        time.sleep(0.05)


def crm_post(proc: ServeProcess, channel: str, text: str) -> None:
    event = {"type": "message", "bot_id": "B0CRM", "subtype": "bot_message", "channel": channel,
             "text": text, "ts": proc.driver.emulator.next_ts()}
    assert proc.driver.event(event).status_code == 200


def add_pattern(proc: ServeProcess, channel: str, core: str) -> str:
    """`/partner crm pattern` with ``core`` as Slack sends it typed; the bot's reply text."""
    return reply_text(proc.driver.command(slack_escaped(f"crm pattern {PREFIX}{core}"),
                                          user=ALICE, channel=channel))


@pytest.mark.parametrize(("core", "adversarial"), ACCEPTED, ids=[c for c, _ in ACCEPTED])
def test_accepted_pattern_runs_in_linear_time_on_hostile_posts(served, core, adversarial):
    proc, emulator = served
    channel = fresh_channel(emulator)
    answer = add_pattern(proc, channel, core)
    assert "Added" in answer, answer
    assert len(adversarial) >= 9_990
    crm_post(proc, channel, ORDINARY)
    healthz_stays_fast(proc)
    crm_post(proc, channel, adversarial + "\n" + LAST_LINE)
    healthz_stays_fast(proc)

    def both_announced(calls) -> bool:
        texts = [str(c.args.get("text", "")) for c in calls
                 if c.method == "chat.postMessage" and c.args.get("channel") == channel]
        return any("Acme Corp" in t for t in texts) and any("Zeta Corp" in t for t in texts)

    # The long post was matched to its end: its last line moved Zeta Corp.
    emulator.wait_for(both_announced, timeout=15)
    healthz_stays_fast(proc)


@pytest.mark.parametrize(("core", "advice"), REFUSED, ids=[c for c, _ in REFUSED])
def test_pattern_re2_cannot_run_is_refused_with_advice(served, core, advice):
    proc, emulator = served
    channel = fresh_channel(emulator)
    answer = add_pattern(proc, channel, core)
    assert ":warning:" in answer and advice in answer, answer
    listed = reply_text(proc.driver.command("crm patterns", user=ALICE, channel=channel))
    assert core not in listed and slack_escaped(core) not in listed
    healthz_stays_fast(proc)
