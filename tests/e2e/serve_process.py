"""Run `python -m bot serve` as a real subprocess, the way an operator would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from bot.emulator import SlackDriver, SlackEmulator
from tests.timeshift.sitecustomize import SHIFT_VARIABLE

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5".replace("y", "1").replace("z", "2")
BOT_TOKEN = "xoxb-1234-5678-SECRETsecretSECRET"


def free_port() -> int:
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
    )
    env.update(extra)
    return env


class ServeProcess:
    """A `serve` subprocess on a free port; ``driver`` signs requests for it."""

    def __init__(self, emulator: SlackEmulator, db: Path, **extra_env: str) -> None:
        emulator.token = BOT_TOKEN
        self.port = free_port()
        self.env = serve_env(emulator, db, self.port, **extra_env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.driver = SlackDriver(self.url + "/slack/events", SIGNING_SECRET, emulator)

    def wait_ready(self, timeout: float = 20.0) -> ServeProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited early:\n{self.proc.stdout.read()}")
            try:
                if requests.get(self.url + "/healthz", timeout=0.5).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("serve did not become ready")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def terminate(self, timeout: float = 10.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def output(self) -> str:
        return self.proc.stdout.read() if self.proc.stdout else ""

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        self.driver.close()
