"""Run the bot under real gunicorn (`gunicorn -c python:bot.gunicorn_conf`) as a subprocess."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bot.emulator import SlackDriver, SlackEmulator
from tests.e2e.serve_process import BOT_TOKEN, STARTUP_SECONDS, BotProcess, serve_env

CONFIG = "python:bot.gunicorn_conf"
LISTENING = re.compile(r"Listening at: http://[^:]+:(\d+)")


def gunicorn_env(emulator: SlackEmulator, db: Path, port: int, **extra: str) -> dict[str, str]:
    """`serve`'s environment, without gunicorn settings inherited from the caller's shell."""
    emulator.token = BOT_TOKEN
    env = serve_env(emulator, db, port)
    for name in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    env.update(extra)
    return env


def gunicorn_command(*args: str, config: bool = True) -> list[str]:
    return [sys.executable, "-m", "gunicorn", *(["-c", CONFIG] if config else []), *args]


def run_gunicorn(env: dict[str, str], *args: str, cwd: Path, config: bool = True,
                 timeout: float = 30) -> subprocess.CompletedProcess:
    """Run gunicorn to the end (it should refuse to start)."""
    return subprocess.run(gunicorn_command(*args, config=config), env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


class GunicornProcess(BotProcess):
    """A gunicorn master on a free port; ``driver`` signs requests for it. Output goes to a file."""

    name = "gunicorn"
    stop_timeout = 30.0

    def __init__(self, emulator: SlackEmulator, workdir: Path, *args: str, config: bool = True,
                 **extra_env: str) -> None:
        # PORT=0: gunicorn binds any free port and logs it ("Listening at: http://0.0.0.0:N").
        self.env = gunicorn_env(emulator, workdir / "db.json", 0, **extra_env)
        self.log_path = workdir / f"gunicorn-{uuid.uuid4().hex[:8]}.log"
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen(gunicorn_command(*args, config=config), env=self.env,
                                         cwd=workdir, stdout=log, stderr=subprocess.STDOUT, text=True)
        self.emulator = emulator
        self._port: int | None = None
        self._driver: SlackDriver | None = None

    @property
    def port(self) -> int:
        """The port gunicorn reported it listens on (waits for the line as long as `serve`
        may take to start: a process that exits fails at once)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while self._port is None:
            if found := LISTENING.search(self.output()):
                self._port = int(found.group(1))
            elif self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gunicorn reported no port:\n{self.output()}")
            else:
                time.sleep(0.05)
        return self._port

    @property
    def pid(self) -> int:
        return self.proc.pid

    def workers(self) -> set[int]:
        """Pids of the master's live worker processes."""
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return set()
        return {int(p) for p in text.split()}

    def wait_healthy(self, timeout: float = 20.0) -> GunicornProcess:
        self._wait_healthy(timeout)
        return self

    def wait_exit(self, timeout: float = 30.0) -> int:
        return self.proc.wait(timeout=timeout)

    def output(self) -> str:
        return self.log_path.read_text()

    def close(self) -> None:
        if self.proc.poll() is None:
            workers = self.workers()
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
            for pid in workers:  # orphans notice the master is gone, but don't wait for that
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self._close_driver()
