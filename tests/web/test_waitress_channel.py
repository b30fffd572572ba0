"""`serve`'s event loop waits while a request thread sends its response, instead of
polling the socket over and over (bot.web.waitress_channel).

The request thread is made slow at the exact moment waitress's loop used to spin: while
it holds the channel's outbuf lock, sending. The loop's turns in that time are counted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bot.server import serve_http
from bot.web.waitress_channel import SendingThreadChannel

SEND_STALL_SECONDS = 0.2


class StallingChannel(SendingThreadChannel):
    """Counts the loop's writability checks; a request thread's send stalls, lock held."""

    checks = 0

    def writable(self) -> bool:
        type(self).checks += 1
        return super().writable()

    def _flush_some(self, do_close: bool = True) -> bool:
        if threading.current_thread() is not threading.main_thread() and self.requests:
            # Descheduled mid-send, while the loop is awake (on a busy server, other
            # connections wake it all the time; here the trigger does).
            self.server.pull_trigger()
            time.sleep(SEND_STALL_SECONDS)
        return super()._flush_some(do_close=do_close)


def hello(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = b'{"ok": true}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def server() -> Iterator[str]:
    """`serve`'s waitress server on a free port, its loop in a thread (not the main one:
    the stall above tells the request threads from the loop by that)."""
    srv = serve_http(hello, port=0, host="127.0.0.1")
    srv.channel_class = StallingChannel
    loop = threading.Thread(target=srv.run, daemon=True)
    loop.start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}/"
    finally:
        srv.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        srv.close()
        loop.join(timeout=5)


def test_serve_uses_the_channel_that_waits_for_the_sending_thread() -> None:
    srv = serve_http(hello, port=0, host="127.0.0.1")
    try:
        assert issubclass(srv.channel_class, SendingThreadChannel)
    finally:
        srv.close()


def test_the_loop_does_not_spin_while_a_request_thread_sends(server: str) -> None:
    with requests.Session() as session:
        assert session.get(server, timeout=10).json() == {"ok": True}  # connected, warm
        StallingChannel.checks = 0
        began = time.monotonic()
        answer = session.get(server, timeout=10)
        took = time.monotonic() - began
    assert answer.status_code == 200 and answer.json() == {"ok": True}
    assert took >= SEND_STALL_SECONDS  # the stall happened, inside this request
    # A handful of turns (the request arriving, the trigger at its end); waitress's own
    # channel turned thousands of times in those 200 ms.
    assert StallingChannel.checks < 20, StallingChannel.checks


def test_a_response_the_socket_could_not_take_at_once_is_still_sent_whole() -> None:
    """Bytes the request thread couldn't send are the loop's again once it lets go."""
    big = b"x" * (8 * 1024 * 1024)

    def large(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Length", str(len(big)))])
        return [big[: len(big) // 2], big[len(big) // 2:]]

    srv = serve_http(large, port=0, host="127.0.0.1")
    loop = threading.Thread(target=srv.run, daemon=True)
    loop.start()
    try:
        answer = requests.get(f"http://127.0.0.1:{srv.effective_port}/", timeout=30, stream=True)
        time.sleep(0.3)  # a slow reader: the socket's buffer fills before it reads
        assert answer.content == big
    finally:
        srv.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        srv.close()
        loop.join(timeout=5)
