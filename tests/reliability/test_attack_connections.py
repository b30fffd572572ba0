"""Idle and slow connections can't lock everyone out of `partner-coach serve`.

With waitress's defaults (100 connections, held 2 minutes) a hundred idle sockets made a
fresh `/healthz` time out. Here 300 idle and 200 slow-header connections are open at
once: `/healthz` and a signed `/partner list` still answer within a second, and the
server closes the slow ones once their request timeout is over, the idle ones once their
idle timeout is.
"""

from __future__ import annotations

import resource
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import ALICE, DEAL
from tests.e2e.serve_process import ServeProcess
from tests.timing import RESPONSIVE_SECONDS

IDLE, SLOW = 300, 200
REQUEST_TIMEOUT, IDLE_TIMEOUT = 2, 4


@pytest.fixture(autouse=True)
def enough_open_files() -> Iterator[None]:
    """This test process holds 500 sockets plus the emulator's: lift the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
    if wanted < 2 * (IDLE + SLOW):
        pytest.skip(f"the hard limit on open files ({hard}) is too low for {IDLE + SLOW} sockets")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture
def served(emulator, tmp_path) -> Iterator[ServeProcess]:
    proc = ServeProcess(
        emulator, tmp_path / "db.json",
        PARTNER_COACH_HTTP_REQUEST_TIMEOUT=str(REQUEST_TIMEOUT),
        PARTNER_COACH_HTTP_IDLE_TIMEOUT=str(IDLE_TIMEOUT),
    ).wait_ready()
    yield proc
    proc.close()


def open_sockets(port: int, n: int) -> list[socket.socket]:
    sockets = []
    for _ in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sockets.append(sock)
    return sockets


class Trickle:
    """Sends a request's headers one byte at a time (every 0.3 s) on each socket, never finishing."""

    HEAD = b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nX-Slow: "

    def __init__(self, sockets: list[socket.socket]) -> None:
        self.sockets = sockets
        self.stop = threading.Event()
        for sock in sockets:
            sock.sendall(self.HEAD)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.3):
            for sock in self.sockets:
                try:
                    sock.send(b"a")
                except OSError:
                    pass  # the server closed it: what the test expects, eventually


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes ``sock`` (EOF or reset) within ``within`` seconds."""
    sock.settimeout(within)
    try:
        while True:
            if sock.recv(4096) == b"":
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def timed(fn) -> tuple[float, requests.Response]:
    started = time.monotonic()
    response = fn()
    return time.monotonic() - started, response


def test_idle_and_slow_connections_do_not_lock_anyone_out(served):
    assert served.driver.command("give a pilot workspace", user=ALICE, channel=DEAL).status_code == 200
    idle = open_sockets(served.port, IDLE)
    slow = open_sockets(served.port, SLOW)
    trickle = Trickle(slow)
    try:
        opened = time.monotonic()
        elapsed, health = timed(lambda: requests.get(served.url + "/healthz",
                                                     timeout=RESPONSIVE_SECONDS))
        assert health.status_code == 200 and elapsed < RESPONSIVE_SECONDS
        elapsed, listed = timed(lambda: served.driver.command("list", user=ALICE, channel=DEAL,
                                                              timeout=RESPONSIVE_SECONDS))
        assert listed.status_code == 200 and elapsed < RESPONSIVE_SECONDS
        assert "a pilot workspace" in listed.text

        # Still trickling, the slow ones are closed once the request timeout is over...
        assert all(closed_by_server(sock, REQUEST_TIMEOUT + 3) for sock in slow)
        assert time.monotonic() - opened >= REQUEST_TIMEOUT - 0.5
        # ...and the idle ones once the idle timeout is.
        assert all(closed_by_server(sock, IDLE_TIMEOUT + 3) for sock in idle)
        assert time.monotonic() - opened >= IDLE_TIMEOUT - 0.5
    finally:
        trickle.stop.set()
        for sock in idle + slow:
            sock.close()
    assert requests.get(served.url + "/healthz", timeout=1).status_code == 200


def test_gunicorn_drops_clients_that_stall_or_stay_silent(emulator, tmp_path):
    """gthread reads requests on its 8 threads: without a read timeout, 12 clients stalled
    mid-headers would hold every thread for good; and it never closes a new connection
    that sends nothing. With the settings from bot/gunicorn_conf.py both are dropped, quietly."""
    from tests.e2e.gunicorn_process import GunicornProcess

    proc = GunicornProcess(emulator, tmp_path, PARTNER_COACH_HTTP_REQUEST_TIMEOUT=str(REQUEST_TIMEOUT),
                           PARTNER_COACH_HTTP_IDLE_TIMEOUT=str(IDLE_TIMEOUT),
                           PARTNER_COACH_HTTP_CONNECTION_LIMIT="100")
    try:
        proc.wait_healthy()
        silent = open_sockets(proc.port, 120)  # more than the worker's 100 connections
        stalled = open_sockets(proc.port, 12)
        for sock in stalled:
            sock.sendall(Trickle.HEAD)  # and then nothing
        assert all(closed_by_server(sock, 4 * REQUEST_TIMEOUT + 5) for sock in stalled)
        assert all(closed_by_server(sock, 2 * IDLE_TIMEOUT + 5) for sock in silent)
        assert requests.get(proc.url + "/healthz", timeout=5).status_code == 200
        assert proc.driver.command("list", user=ALICE, channel=DEAL).status_code == 200
        for sock in stalled + silent:
            sock.close()
        assert proc.terminate() == 0
        assert "Traceback" not in proc.output()
    finally:
        proc.close()
