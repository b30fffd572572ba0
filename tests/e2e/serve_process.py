"""Run `python -m bot serve` as a real subprocess, the way an operator would."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from bot.emulator import SlackDriver, SlackEmulator
from tests.timeshift.sitecustomize import SHIFT_VARIABLE

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5".replace("y", "1").replace("z", "2")
BOT_TOKEN = "xoxb-1234-5678-SECRETsecretSECRET"


#: How long `serve` may take to start before a test fails. A start takes a second or two
#: alone; with twenty processes on two cores it took over 20 s (the bound before). A process
#: that exits is noticed at once (its output ends), so only a hung start waits this long.
STARTUP_SECONDS = 120.0


def unused_port() -> int:
    """A port nothing listens on right now, for a connection that must be refused.
    (Servers under test never get a port this way: they bind port 0 and report theirs.)"""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_env(emulator: SlackEmulator, db: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "PARTNER_COACH")) or k == SHIFT_VARIABLE}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=emulator.api_url,
        PARTNER_COACH_DB=str(db),
        PORT=str(port),
        PYTHONUNBUFFERED="1",
        PYTHONFAULTHANDLER="1",
    )
    env.update(extra)
    return env


# `serve` logs the port it bound; with PORT=0 that is the only way to know it.
SERVING = re.compile(r"serving HTTP on port (\d+)")


class BotProcess:
    """What a bot server subprocess (`serve` or gunicorn) offers a test: its URL, a driver that
    signs requests for it, a wait until /healthz answers, and a clean stop.

    Subclasses start ``proc``, set ``emulator`` and ``_driver = None``, and provide ``port`` and
    ``output()``.
    """

    name = "server"
    stop_timeout = 10.0
    proc: subprocess.Popen
    emulator: SlackEmulator
    _driver: SlackDriver | None

    @property
    def port(self) -> int:
        raise NotImplementedError

    def output(self) -> str:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def driver(self) -> SlackDriver:
        if self._driver is None:
            self._driver = SlackDriver(self.url + "/slack/events", SIGNING_SECRET, self.emulator)
        return self._driver

    def _wait_healthy(self, timeout: float) -> None:
        """Poll /healthz until it answers 200; fail with the process output if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"{self.name} exited early ({self.proc.returncode}):\n{self.output()}")
            try:
                if requests.get(self.url + "/healthz", timeout=0.5).status_code == 200:
                    return
            except requests.RequestException:  # refused, or queued while the worker boots
                pass
            time.sleep(0.05)
        raise AssertionError(f"{self.name} did not become ready:\n{self.output()}")

    def terminate(self, timeout: float | None = None) -> int:
        """SIGTERM and wait for the exit code (a graceful shutdown)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout or self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # faulthandler prints where each thread hangs
            self.proc.wait(timeout=10)
            raise AssertionError(f"{self.name} did not stop on SIGTERM:\n{self.output()}") from None

    def _close_driver(self) -> None:
        if self._driver is not None:
            self._driver.close()


class ServeProcess(BotProcess):
    """A `serve` subprocess on a port of its own choosing (PORT=0); ``driver`` signs requests for it.

    The port is read from the line `serve` logs once it listens, so no other process can
    take it in between (binding a free port, releasing it and hoping was racy).
    """

    name = "serve"

    def __init__(self, emulator: SlackEmulator, db: Path, **extra_env: str) -> None:
        emulator.token = BOT_TOKEN
        self.emulator = emulator
        self.env = serve_env(emulator, db, 0, **extra_env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._lines: list[str] = []
        self._port: int | None = None
        self._reported = threading.Event()
        self._reader = threading.Thread(target=self._read, name="serve-output", daemon=True)
        self._reader.start()
        self._driver: SlackDriver | None = None

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.append(line)
            if self._port is None and (found := SERVING.search(line)):
                self._port = int(found.group(1))
                self._reported.set()
        self._reported.set()  # the process ended: nobody waits for a port any more

    @property
    def port(self) -> int:
        """The port `serve` reported; waits for the report (up to :data:`STARTUP_SECONDS`)."""
        if not self._reported.wait(STARTUP_SECONDS) or self._port is None:
            raise AssertionError(f"serve reported no port:\n{self.output()}")
        return self._port

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> ServeProcess:
        self._reported.wait(timeout)
        self._wait_healthy(timeout)
        return self

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def output(self) -> str:
        """Everything `serve` printed so far (all of it once the process has ended)."""
        if self.proc.poll() is not None:
            self._reader.join(timeout=10)
        return "".join(self._lines)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        self._close_driver()
