"""Fetching feeds: conditional GET, and every hostile answer ends in a clear code, never a hang."""

from __future__ import annotations

import pytest

from bot.calendar_fetch import FetchError, FetchPolicy, fetch_feed, is_public
from tests.calendar.feed_server import Route, fixture
from tests.refusals import shown

LOCAL = FetchPolicy.for_settings(allow_private=True)


def quick(**overrides) -> FetchPolicy:
    return FetchPolicy(allow_http=True, allow_address=lambda address: True, timeout=1.0, **overrides)


def fails(url: str, policy: FetchPolicy = LOCAL, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as raised:
        fetch_feed(url, policy=policy, **kwargs)
    assert url not in str(raised.value) and url not in shown(raised.value)  # the address is a secret
    return raised.value


def test_a_feed_is_read_then_not_downloaded_again_while_unchanged(feeds):
    url = feeds.serve("/alice.ics", Route(fixture("google_alice.ics")))
    first = fetch_feed(url, policy=LOCAL)
    assert first.body == fixture("google_alice.ics") and first.etag
    again = fetch_feed(url, etag=first.etag, policy=LOCAL)
    assert again.body is None
    assert feeds.hits["/alice.ics"][1]["if-none-match"] == first.etag


def test_an_html_sign_in_page_is_refused(feeds):
    url = feeds.serve("/login", Route(b"<html><body>Sign in</body></html>", content_type="text/html"))
    error = fails(url)
    assert error.code == "html" and "sign-in page" in shown(error)


def test_a_missing_feed_is_a_404_status(feeds):
    error = fails(feeds.url("/reset-by-owner.ics"))
    assert error.code == "not_found" and "404" in shown(error)


@pytest.mark.parametrize("send_length", [True, False])
def test_a_ten_megabyte_feed_is_cut_off_at_the_cap(feeds, send_length):
    huge = b"BEGIN:VCALENDAR\r\n" + b"X-FILLER:" + b"x" * (10 * 1024 * 1024) + b"\r\nEND:VCALENDAR\r\n"
    url = feeds.serve("/huge.ics", Route(huge, send_length=send_length))
    error = fails(url)
    assert error.code == "too_large" and "5 MB" in shown(error)


def test_a_server_dripping_bytes_hits_the_deadline(feeds):
    url = feeds.serve("/slow.ics", Route(fixture("google_alice.ics")[:400], drip_seconds=0.05))
    assert fails(url, quick()).code == "timeout"  # 400 bytes x 50 ms would take 20 s


def test_a_server_that_never_answers_hits_the_deadline(feeds):
    url = feeds.serve("/stall.ics", Route(fixture("google_alice.ics"), stall_seconds=5))
    assert fails(url, quick()).code == "timeout"


def test_plain_http_is_refused_by_default(feeds):
    url = feeds.serve("/alice.ics", Route(fixture("google_alice.ics")))
    assert fails(url, FetchPolicy()).code == "not_https"
    assert "/alice.ics" not in feeds.hits


def test_a_redirect_to_loopback_is_refused_when_loopback_is_not_allowed(feeds, outside):
    # The first hop is on 127.0.0.2, treated as public here; the redirect goes to 127.0.0.1.
    target = feeds.serve("/internal.ics", Route(fixture("google_alice.ics")))
    url = outside.serve("/hop", Route(status=302, location=target))
    policy = FetchPolicy(allow_http=True, allow_address=lambda address: address == "127.0.0.2")
    error = fails(url, policy)
    assert error.code == "blocked_address"
    assert "/hop" in outside.hits and "/internal.ics" not in feeds.hits


def test_a_redirect_passing_the_checks_is_followed(feeds):
    target = feeds.serve("/moved.ics", Route(fixture("google_alice.ics")))
    url = feeds.serve("/old.ics", Route(status=301, location="/moved.ics"))
    assert fetch_feed(url, policy=LOCAL).body == fixture("google_alice.ics")
    assert target.endswith("/moved.ics")


def test_a_redirect_loop_ends(feeds):
    url = feeds.serve("/loop", Route(status=302, location="/loop"))
    assert fails(url).code == "too_many_redirects"


def test_the_connection_goes_to_the_address_that_was_checked(feeds):
    # The name doesn't exist in DNS: the fetch can only work if it connects to the resolved,
    # checked address instead of resolving again (what DNS rebinding would exploit).
    feeds.serve("/alice.ics", Route(fixture("google_alice.ics")))
    checked = []

    def resolver(host, port):
        checked.append(host)
        return ["127.0.0.1"]

    url = f"http://calendar.invalid:{feeds.port}/alice.ics"
    result = fetch_feed(url, policy=LOCAL, resolver=resolver)
    assert result.body == fixture("google_alice.ics") and checked == ["calendar.invalid"]
    assert feeds.hits["/alice.ics"][0]["host"] == f"calendar.invalid:{feeds.port}"


def test_a_name_resolving_to_any_private_address_is_refused_before_connecting():
    error = fails("https://calendar.example/feed.ics", FetchPolicy(),
                  resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    assert error.code == "blocked_address"


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2606:4700:4700::1111", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("::1", False), ("fe80::1", False), ("fd00::1", False), ("::ffff:127.0.0.1", False), ("nonsense", False),
])
def test_public_addresses(address, public):
    assert is_public(address) is public


def test_a_redirect_to_an_unrequestable_address_is_refused_without_repeating_it(feeds):
    url = feeds.serve("/bad", Route(status=302, location="/x\x7fsecret-token y"))
    error = fails(url)
    assert error.code == "bad_address" and "secret-token" not in shown(error)
    assert error.__cause__ is None or "secret-token" not in str(error.__cause__)
