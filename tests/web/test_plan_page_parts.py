"""The plan page's small parts, each on its edges: the form body it reads, whose origin it
trusts, the page a step is on, and the miss limiter's memory bound. Pure or nearly (no server)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest

from bot.clock import FakeClock
from bot.domain.ledger import Commitment
from bot.domain.mutual_plan import plan_view
from bot.web import plan_page
from bot.web.plan_page import (
    MAX_FORM_BYTES,
    STEPS_PER_PAGE,
    MissLimiter,
    _form,
    _same_origin,
    page_holding,
    page_of,
)

NOW = datetime(2026, 11, 23, 15, tzinfo=UTC)


def form(body: bytes, length: str | None = None, kind: str = "application/x-www-form-urlencoded"):
    environ = {"CONTENT_TYPE": kind, "wsgi.input": io.BytesIO(body)}
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    return _form(environ)


def test_a_form_reads_exactly_its_declared_length_and_nothing_when_none_is_declared():
    assert form(b"what=abcdef", length="6") == {"what": "a"}
    assert form(b"what=abcdef") == {}  # no Content-Length: the body isn't read at all
    assert form(b"", length="0") == {}  # an empty form is a form (its token check refuses it)


def test_a_form_of_exactly_the_limit_is_read_and_one_byte_more_is_refused():
    body = b"what=" + b"a" * (MAX_FORM_BYTES - 5)
    assert form(body, length=str(MAX_FORM_BYTES)) == {"what": "a" * (MAX_FORM_BYTES - 5)}
    assert form(body + b"a", length=str(MAX_FORM_BYTES + 1)) is None
    assert form(b"what=a", length="-1") is None and form(b"what=a", length="six") is None


def test_a_form_of_another_type_or_not_utf8_is_refused():
    assert form(b"what=a", length="6", kind="text/plain") is None
    assert form(b"what=\xff", length="6") is None


HOST = "coach.example:8443"


@pytest.mark.parametrize(("environ", "public_url", "trusted"), [
    ({"HTTP_ORIGIN": "https://coach.example:8443", "HTTP_HOST": HOST}, None, True),  # the Host it reached
    ({"HTTP_ORIGIN": "https://coach.example", "HTTP_HOST": "10.0.0.5:3000"}, "https://coach.example/", True),
    ({"HTTP_ORIGIN": "https://evil.example", "HTTP_HOST": HOST}, "https://coach.example", False),
    ({"HTTP_ORIGIN": "null", "HTTP_HOST": HOST}, None, True),  # Chromium under no-referrer: the token decides
    ({"HTTP_HOST": HOST}, None, True),  # curl, old browsers: the token decides
    ({"HTTP_ORIGIN": "file://", "HTTP_HOST": HOST}, None, False),  # an origin with no host is none of ours
    ({"HTTP_ORIGIN": "http://XXXX"}, None, False),  # no Host, no public address: nothing is ours
    ({"HTTP_ORIGIN": "https://coach.example:8443", "HTTP_HOST": HOST, "HTTP_SEC_FETCH_SITE": "cross-site"},
     None, False),
])
def test_whose_form_posts_are_trusted(environ, public_url, trusted):
    assert _same_origin(environ, public_url) is trusted


def step(number, side="get"):
    return Commitment(number=number, side=side, what=f"step {number}", owner="U0ALICE", created_by="U0ALICE",
                      created_at=NOW)


def test_the_page_of_a_step_counts_25_a_page_and_a_step_not_on_the_plan_is_on_the_first():
    assert [page_of(i) for i in (0, STEPS_PER_PAGE - 1, STEPS_PER_PAGE, 2 * STEPS_PER_PAGE)] == [1, 1, 2, 3]
    assert page_of(None) == 1
    view = plan_view([step(n) for n in range(1, 31)], date(2026, 11, 23))
    assert page_holding(view, 30) == 2 and page_holding(view, 1) == 1
    assert page_holding(view, 99) == 1


def test_the_limiter_forgets_the_client_it_heard_from_longest_ago_when_full(monkeypatch):
    monkeypatch.setattr(plan_page, "TRACKED_CLIENTS", 3)
    misses = MissLimiter(FakeClock(NOW), allowed=1)
    for client in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        misses.miss(client)
    assert [misses.blocked_for(c) > 0 for c in ("10.0.0.1", "10.0.0.2", "10.0.0.3")] == [True] * 3
    misses.miss("10.0.0.4")  # one more than it keeps: the oldest goes, the newest stays
    assert [misses.blocked_for(c) > 0 for c in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4")] == [
        False, True, True, True]
