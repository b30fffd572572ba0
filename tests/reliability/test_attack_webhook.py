"""The CRM webhook can't be replayed into, against a real `partner-coach serve`.

The signature covers a timestamp with the body (``v1:{timestamp}:{raw body}``): a captured
request re-sent later is refused, re-sent at once changes nothing, a re-signed retry of
the same event ``id`` changes nothing (even after a restart), and an update that
``occurred_at`` before the deal's last change is acknowledged but moves nothing back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.emulator import SlackEmulator
from bot.webhook import signed_headers
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.e2e.serve_process import ServeProcess
from tests.timeshift.sitecustomize import SHIFT_VARIABLE

SECRET = "crm-shared-secret-for-tests"


@pytest.fixture
def served(emulator, tmp_path) -> Iterator[ServeProcess]:
    proc = start(emulator, tmp_path / "db.json")
    yield proc
    proc.close()


def start(emulator: SlackEmulator, db: Path) -> ServeProcess:
    return ServeProcess(emulator, db, DEAL_WEBHOOK_SECRET=SECRET).wait_ready()


def body_of(**payload: object) -> bytes:
    return json.dumps({"channel": DEAL, **payload}).encode()


def post(proc: ServeProcess, body: bytes, headers: dict[str, str]) -> requests.Response:
    return requests.post(proc.url + "/webhooks/deals", data=body, headers=headers, timeout=10)


def send(proc: ServeProcess, **payload: object) -> requests.Response:
    body = body_of(**payload)
    return post(proc, body, signed_headers(SECRET, body))


def stage_of(proc: ServeProcess, deal: str) -> str | None:
    """The deal's stage as `/partner deal` lists it in the channel (None: no such deal)."""
    listed = reply_text(proc.driver.command("deal", user=ALICE, channel=DEAL))
    found = re.search(rf"\*{re.escape(deal)}\* — (\w+)", listed)
    return found.group(1).lower() if found else None


def channel_posts(emulator: SlackEmulator) -> int:
    return len(emulator.messages(DEAL))


def test_a_replayed_request_changes_nothing(served, emulator):
    proposal = body_of(deal="Acme", stage="proposal")
    captured = signed_headers(SECRET, proposal)
    assert post(served, proposal, captured).json()["changed"] is True
    assert send(served, deal="Acme", stage="negotiation").json()["changed"] is True
    posts = channel_posts(emulator)

    replay = post(served, proposal, captured)  # the captured request, byte for byte
    assert replay.status_code == 200
    assert replay.json() == {"ok": True, "duplicate": True, "changed": False}
    assert stage_of(served, "Acme") == "negotiation"
    assert channel_posts(emulator) == posts


def test_a_captured_request_re_sent_after_five_minutes_is_refused(served, emulator):
    body = body_of(deal="Initech", stage="signed")
    for skew in (-6 * 60, +6 * 60):  # captured long ago, or stamped ahead to be used later
        stale = post(served, body, signed_headers(SECRET, body, timestamp=int(time.time()) + skew))
        assert stale.status_code == 401 and stale.json()["error"] == "stale_timestamp"
    assert stage_of(served, "Initech") is None
    assert channel_posts(emulator) == 0


def test_missing_or_malformed_headers_are_refused(served, emulator):
    body = body_of(deal="Hooli", stage="signed")
    good = signed_headers(SECRET, body)
    cases = [
        ({"Content-Type": "application/json"}, "missing_timestamp"),  # unsigned
        ({**good, "X-Partner-Coach-Timestamp": ""}, "missing_timestamp"),
        ({k: v for k, v in good.items() if k != "X-Partner-Coach-Timestamp"}, "missing_timestamp"),
        ({k: v for k, v in good.items() if k != "X-Partner-Coach-Signature"}, "missing_signature"),
        ({**good, "X-Partner-Coach-Timestamp": "abc"}, "invalid_timestamp"),
        ({**good, "X-Partner-Coach-Timestamp": "9" * 40}, "invalid_timestamp"),
        ({**good, "X-Partner-Coach-Timestamp": "\u00b2" * 3}, "invalid_timestamp"),  # "²²²": a digit to str
    ]
    for headers, error in cases:
        response = post(served, body, headers)
        assert response.status_code == 401 and response.json()["error"] == error, (headers, error)
    assert stage_of(served, "Hooli") is None
    assert channel_posts(emulator) == 0


def test_wrong_signatures_are_refused(served, emulator):
    body = body_of(deal="Umbrella", stage="signed")
    now = int(time.time())
    captured = signed_headers(SECRET, body, timestamp=now - 60)
    body_only = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()  # the old scheme
    cases = [
        signed_headers("not-the-secret", body),
        # a captured signature with a fresh timestamp: the timestamp is part of what is signed
        {**captured, "X-Partner-Coach-Timestamp": str(now)},
        # a captured signature over another body
        {**signed_headers(SECRET, body_of(deal="Umbrella", stage="lost"))},
        {**captured, "X-Partner-Coach-Signature": body_only},
        {**captured, "X-Partner-Coach-Signature": "sha256=" + body_only},
        {**captured, "X-Partner-Coach-Signature": "v1=" + "0" * 64},
    ]
    for headers in cases:
        response = post(served, body, headers)
        assert response.status_code == 401 and response.json()["error"] == "invalid_signature"
    assert stage_of(served, "Umbrella") is None
    assert channel_posts(emulator) == 0


def test_an_out_of_order_delivery_is_acknowledged_and_changes_nothing(served, emulator):
    later = send(served, deal="Globex", stage="negotiation", occurred_at="2026-03-02T10:05:00Z")
    assert later.json()["changed"] is True
    posts = channel_posts(emulator)

    earlier = send(served, deal="Globex", stage="proposal", occurred_at="2026-03-02T10:00:00+00:00")
    assert earlier.status_code == 200
    assert earlier.json()["changed"] is False and earlier.json()["stale"] is True
    assert stage_of(served, "Globex") == "negotiation"
    assert channel_posts(emulator) == posts

    newer = send(served, deal="Globex", stage="signed", occurred_at="2026-03-02T11:05:00+01:00")
    assert newer.json()["changed"] is True  # 10:05 UTC is not older than 10:05 UTC
    assert stage_of(served, "Globex") == "signed"


def test_a_re_signed_retry_of_the_same_event_id_changes_nothing_even_after_a_restart(
    emulator, tmp_path
):
    proc = start(emulator, tmp_path / "db.json")
    try:
        assert send(proc, deal="Soylent", stage="signed", id="evt_001").json()["changed"] is True
        assert send(proc, deal="Soylent", stage="lost", id="evt_002").json()["changed"] is True
        retry = send(proc, deal="Soylent", stage="signed", id="evt_001")  # new timestamp, new signature
        assert retry.status_code == 200 and retry.json()["duplicate"] is True
        assert proc.terminate() == 0
    finally:
        proc.close()
    proc = start(emulator, tmp_path / "db.json")
    try:
        again = send(proc, deal="Soylent", stage="signed", id="evt_001")
        assert again.status_code == 200 and again.json()["duplicate"] is True
        assert stage_of(proc, "Soylent") == "lost"
        signed_posts = [m for m in emulator.messages(DEAL) if "Soylent" in json.dumps(m)]
        assert len(signed_posts) == 2  # one for signed, one for lost
    finally:
        proc.close()


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"occurred_at": "yesterday"}, "invalid_occurred_at"),
        ({"occurred_at": "2026-03-02T10:00:00"}, "invalid_occurred_at"),  # no time zone
        ({"occurred_at": 1700000000}, "invalid_occurred_at"),
        ({"id": ""}, "invalid_id"),
        ({"id": "x" * 201}, "invalid_id"),
        ({"id": {"nested": 1}}, "invalid_id"),
        ({"id": True}, "invalid_id"),
    ],
)
def test_malformed_id_or_occurred_at_is_refused(served, emulator, extra, error):
    response = send(served, deal="Vandelay", stage="signed", **extra)
    assert response.status_code == 400 and response.json()["error"] == error
    assert stage_of(served, "Vandelay") is None


def test_the_curl_example_in_the_docs_works_as_pasted(served, emulator):
    """docs/webhooks.md's shell example, run as written with the placeholders filled in."""
    import shutil
    import subprocess

    if not (shutil.which("curl") and shutil.which("openssl")):
        pytest.skip("curl and openssl are needed to run the documented example")
    doc = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    script = re.search(r"```sh\n(DEAL_WEBHOOK_SECRET=.*?)```", doc, re.S).group(1)
    script = (script.replace("'the value the bot has'", f"'{SECRET}'")
              .replace("https://YOUR-HOST", served.url).replace("C0123456789", DEAL))
    if os.environ.get(SHIFT_VARIABLE):
        # Under the time-shift run the shell's `date` still reads the real clock while the
        # bot's is moved ahead; the example's timestamp must come from the bot's clock.
        script = script.replace("$(date +%s)", str(int(time.time())))
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["changed"] is True
    assert stage_of(served, "Acme Corp") == "negotiation"
