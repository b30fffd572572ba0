"""The two small pieces everything trusts: the CRM webhook's signature and mrkdwn escaping.

Unit tests, so that every mutant of bot/webhook.py's signing and bot/messages.py's
escaping filters is caught quickly (docs/testing.md, mutation testing); the end-to-end
tests drive the same code over HTTP.
"""

from __future__ import annotations

import pytest
from markupsafe import Markup

from bot.messages import Raw, _channel, _finalize, _json_body, _plain, _user, mrkdwn_escape
from bot.webhook import MAX_SKEW_SECONDS, DealWebhook, sign, signed_headers

SECRET = "s3cret"
NOW = 1_700_000_000
BODY = b'{"deal":"Acme"}'
# HMAC-SHA256 of "v1:1700000000:" + BODY under SECRET, as any CRM computes it.
VECTOR = "v1=29c5015101638999a8c94b3d653f2928492c790b351fc8ad5c293af37456595b"


def headers(timestamp: object = NOW, signature: str | None = None) -> dict[str, str]:
    given = signature if signature is not None else sign(SECRET, str(timestamp), BODY)
    return {"x-partner-coach-timestamp": str(timestamp), "x-partner-coach-signature": given}


def verify(hdrs: dict[str, str], body: bytes = BODY, now: float = NOW) -> str | None:
    return DealWebhook(SECRET, services=None, now=lambda: now)._verify(body, hdrs)  # type: ignore[arg-type]


# --- signing ---------------------------------------------------------------------------------

def test_signature_is_hmac_sha256_of_version_timestamp_and_body():
    assert sign(SECRET, NOW, BODY) == VECTOR
    assert sign(SECRET, str(NOW), BODY) == VECTOR
    assert sign("other", NOW, BODY) != VECTOR and sign(SECRET, NOW + 1, BODY) != VECTOR
    assert sign(SECRET, NOW, BODY + b" ") != VECTOR


def test_signed_headers_are_what_a_crm_sends(monkeypatch):
    assert signed_headers(SECRET, BODY, NOW) == {
        "Content-Type": "application/json", "X-Partner-Coach-Timestamp": str(NOW),
        "X-Partner-Coach-Signature": VECTOR}
    monkeypatch.setattr("bot.webhook.time.time", lambda: NOW + 0.9)
    assert signed_headers(SECRET, BODY)["X-Partner-Coach-Timestamp"] == str(NOW)


def test_a_signed_fresh_request_is_accepted():
    assert verify(headers()) is None
    assert verify({**headers(), "x-partner-coach-signature": f"  {VECTOR} "}) is None
    assert verify({**headers(), "x-partner-coach-timestamp": f" {NOW} "}) is None


@pytest.mark.parametrize(("hdrs", "error"), [
    ({}, "missing_timestamp"),
    ({"x-partner-coach-timestamp": " ", "x-partner-coach-signature": VECTOR}, "missing_timestamp"),
    ({"x-partner-coach-timestamp": str(NOW)}, "missing_signature"),
    (headers(signature="  "), "missing_signature"),
    (headers(timestamp="17e8"), "invalid_timestamp"),
    (headers(timestamp="-1700000000"), "invalid_timestamp"),
    (headers(timestamp="1" * 13), "invalid_timestamp"),
    (headers(signature=VECTOR.replace("v1=2", "v1=3")), "invalid_signature"),
    (headers(signature=VECTOR.removeprefix("v1=")), "invalid_signature"),
    (headers(signature=sign("wrong", NOW, BODY)), "invalid_signature"),
])
def test_unsigned_or_malformed_requests_are_refused(hdrs, error):
    assert verify(hdrs) == error


def test_a_changed_body_breaks_the_signature():
    assert verify(headers(), body=BODY.replace(b"Acme", b"Evil")) == "invalid_signature"


@pytest.mark.parametrize(("skew", "error"), [
    (MAX_SKEW_SECONDS, None), (-MAX_SKEW_SECONDS, None),
    (MAX_SKEW_SECONDS + 1, "stale_timestamp"), (-MAX_SKEW_SECONDS - 1, "stale_timestamp"),
])
def test_timestamps_more_than_five_minutes_off_either_way_are_refused(skew, error):
    assert verify(headers(), now=NOW + skew) == error


def test_twelve_digit_timestamps_are_still_read():
    assert verify(headers(timestamp="0" * 2 + str(NOW))) is None  # 12 characters


# --- escaping --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "escaped"), [
    ("a & b", "a &amp; b"), ("<!channel>", "&lt;!channel&gt;"), ("&lt;", "&amp;lt;"),
    ("<@U0BOB>", "&lt;@U0BOB&gt;"), ("<http://x|y>", "&lt;http://x|y&gt;"), ("plain", "plain"),
    ("&&<<>>", "&amp;&amp;&lt;&lt;&gt;&gt;"),
])
def test_mrkdwn_escape(text, escaped):
    assert mrkdwn_escape(text) == escaped


def test_finalize_escapes_values_for_mrkdwn_then_json():
    assert _finalize('say "<!here>" \\ & go\n') == r'say \"&lt;!here&gt;\" \\ &amp; go\n'
    assert isinstance(_finalize("x"), Raw)
    assert _finalize(Markup("<b>")) == "<b>"  # already safe (macro output, filters)
    assert _finalize(7) == "7" and _finalize(2.5) == "2.5" and _finalize(True) == "True"
    assert _finalize(None) == "None"
    assert _finalize(["<x>"]) == "['&lt;x&gt;']"


def test_json_body_is_the_inside_of_a_json_string():
    assert _json_body('a"b\\c\nd') == r'a\"b\\c\nd'
    assert _json_body("🤝 ש") == "🤝 ש"  # not \u-escaped


@pytest.mark.parametrize(("value", "shown"), [
    ("U0ALICE", "<@U0ALICE>"), ("W0GRID01", "<@W0GRID01>"), ("U12", "<@U12>"),
    ("U1", "U1"), ("u0alice", "u0alice"), ("U0ALICE>", "U0ALICE&gt;"), ("<!channel>", "&lt;!channel&gt;"),
    ("U" + "A" * 21, "U" + "A" * 21), ("x U0ALICE", "x U0ALICE"), ("", "someone"), (None, "someone"),
    ('a"b', r'a\"b'),
])
def test_user_mentions_only_real_ids(value, shown):
    assert _user(value) == shown and isinstance(_user(value), Raw)


@pytest.mark.parametrize(("value", "shown"), [
    ("C0DEAL", "<#C0DEAL>"), ("G0PRIV", "<#G0PRIV>"), ("D0DM", "<#D0DM>"), ("C12", "<#C12>"),
    ("C1", "C1"), ("#general", "#general"), ("C0DEAL|x", "C0DEAL|x"), ("<#C0X>", "&lt;#C0X&gt;"),
    ("", ""), (None, ""), ("C" + "A" * 21, "C" + "A" * 21), ('C"', r'C\"'),
])
def test_channel_links_only_real_ids(value, shown):
    assert _channel(value) == shown and isinstance(_channel(value), Raw)


def test_plain_text_is_json_escaped_only():
    assert _plain('<!channel> & "x"\n') == r'<!channel> & \"x\"\n'
    assert _plain(3) == "3" and isinstance(_plain("x"), Raw)


# --- the webhook end to end, in process --------------------------------------------------------

def test_a_signed_request_is_applied_once_and_its_replays_change_nothing(bot, emulator):
    from bot.store import Scope
    from tests.conftest import DEAL

    clock = {"now": float(NOW)}
    hook = DealWebhook(SECRET, bot.runtime.services, now=lambda: clock["now"])
    body = b'{"deal": "Acme", "stage": "negotiation", "channel": "%s"}' % DEAL.encode()
    signed = {"x-partner-coach-timestamp": str(NOW), "x-partner-coach-signature": sign(SECRET, NOW, body)}
    assert hook(body, signed) == (200, {"ok": True, "deal": "Acme", "stage": "negotiation", "changed": True})
    [deal] = bot.runtime.services.deals.all(Scope("T0001", DEAL))  # the token's own workspace
    assert deal.name == "Acme"
    clock["now"] += MAX_SKEW_SECONDS  # the same request, replayed as late as its timestamp allows
    assert hook(body, signed) == (200, {"ok": True, "duplicate": True, "changed": False})
    assert hook(body, {**signed, "x-partner-coach-signature": "v1=0"}) == (
        401, {"ok": False, "error": "invalid_signature"})
    bad = b'{"deal": "Acme"}'
    bad_headers = {"x-partner-coach-timestamp": str(NOW), "x-partner-coach-signature": sign(SECRET, NOW, bad)}
    assert hook(bad, bad_headers)[0] == 400
    assert hook(bad, bad_headers)[0] == 400  # refused, so not remembered: a fixed retry gets through
    assert len(emulator.messages(DEAL)) == 1


def test_button_values_are_compact_json_inside_a_json_string():
    from datetime import date

    from bot.messages import _as_json_string, _to_json

    value = {"deal": 'Acme "<b>" ש', "on": date(2026, 11, 23), "n": 1}
    inner = _as_json_string(value)
    assert isinstance(inner, Raw)
    assert inner == r'{\"deal\":\"Acme \\\"<b>\\\" ש\",\"on\":\"2026-11-23\",\"n\":1}'
    whole = _to_json(value)
    assert isinstance(whole, Raw)
    assert whole == '{"deal": "Acme \\"<b>\\" ש", "on": "2026-11-23", "n": 1}'


def test_a_request_that_crashed_while_applied_can_be_retried(bot):
    hook = DealWebhook(SECRET, bot.runtime.services, now=lambda: float(NOW))
    body = b'{"deal": "Acme", "stage": "negotiation", "channel": "C0DEAL"}'
    signed = {"x-partner-coach-timestamp": str(NOW), "x-partner-coach-signature": sign(SECRET, NOW, body)}
    handle = hook._handle
    hook._handle = lambda body: (_ for _ in ()).throw(OSError("disk full"))  # type: ignore[method-assign]
    with pytest.raises(OSError):
        hook(body, signed)
    hook._handle = handle  # type: ignore[method-assign]
    assert hook(body, signed)[1]["changed"] is True  # the same signed request, not a "duplicate"
