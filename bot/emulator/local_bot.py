"""The real bot, served over real HTTP on a free local port, wired to the emulator.

Used by `partner-coach demo` and the end-to-end tests: the same runtime and
WSGI app as `serve`, with an injectable clock so time can be moved.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.emulator.slack_api import SlackEmulator
from bot.runtime import LISTENERS_FINISH_SECONDS, Runtime, build_runtime
from bot.server import EVENTS_PATH, serve_http

#: How long Bolt waits here for a listener to ack before answering 404 (Slack's 3 seconds
#: in ``serve``). The tests and the demo check what the bot answers, not how fast: on a
#: machine with ten processes a core, the first ``/partner list`` of a process (its
#: templates compiled on first use, 0.2 s of CPU) took over 3 s of wall time and Bolt
#: answered 404. A listener that never acks still fails, after this long. Acking in time is
#: measured where it is claimed: ``bench/ack_latency.py``, the ``serve`` subprocess tests,
#: and the responsiveness tests that time each answer themselves (``tests/timing.py``).
ACK_PATIENCE_SECONDS = 30


class LocalBot:
    """Start with :meth:`start`; ``driver`` then talks to it like Slack does."""

    def __init__(
        self,
        emulator: SlackEmulator,
        db_path: Path,
        clock: Clock | None = None,
        *,
        webhook_secret: str | None = None,
    ) -> None:
        self.emulator = emulator
        self.signing_secret = secrets.token_hex(16)
        self.settings = Settings(
            bot_token=emulator.token or "xoxb-local-demo",
            signing_secret=self.signing_secret,
            api_url=emulator.api_url,
            db_path=Path(db_path),
            port=0,
            deal_webhook_secret=webhook_secret,
            # Calendar fixtures are served from 127.0.0.1 over http.
            calendar_allow_private=True,
        )
        self.clock = clock
        self.runtime: Runtime | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def wait_for_acks(self, seconds: float) -> None:
        """How long Bolt waits for each listener to ack before trying the next that matches."""
        for listener in self.runtime.app._listeners:  # Bolt sets it per listener, no public setter
            listener.ack_timeout = seconds

    def start(self) -> LocalBot:
        """Build the runtime and serve it on 127.0.0.1."""
        from bot.emulator.driver import SlackDriver

        self.runtime = build_runtime(self.settings, self.clock)
        self.wait_for_acks(ACK_PATIENCE_SECONDS)
        self._server = serve_http(self.runtime.wsgi, port=0, host="127.0.0.1")
        if self.runtime.services.plans is not None and not self.settings.public_url:
            # Share links point here; the port is only known once the server is bound.
            self.runtime.services.plans.base_url = self.base_url
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="local-bot", daemon=True)
        self._thread.start()
        self.driver = SlackDriver(self.events_url, self.signing_secret, self.emulator)
        # Slack sends the bot's own posts back to it as `message` events; so does the emulator.
        self._echo_driver = SlackDriver(self.events_url, self.signing_secret, self.emulator)
        self._echo_lock = threading.Lock()
        self.echoed: list[dict[str, Any]] = []  # the bot's own posts, delivered back to it
        self.emulator.echo = self._echo
        return self

    def _echo(self, event: dict[str, Any]) -> None:
        with self._echo_lock:  # one requests.Session, used from the emulator's request threads
            self.echoed.append(event)
            self._echo_driver.event(event)

    def _serve(self) -> None:
        # Every socket operation stays on this thread: closing waitress's sockets from
        # another thread while it sits in select() fails with EBADF.
        from waitress import wasyncore

        server = self._server
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self._server.effective_port}"

    @property
    def events_url(self) -> str:
        """The Request URL Slack would be configured with."""
        return self.base_url + EVENTS_PATH

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until the bot has finished every listener, and each post it made, for the
        requests sent so far. Bolt acks first and works after, so a test asserting that
        something did *not* happen calls this first; raises AssertionError on timeout."""
        assert self.runtime is not None, "LocalBot is not started"
        if not self.runtime.wait_idle(timeout):
            raise AssertionError(f"the bot was still busy after {timeout}s")

    def stop(self) -> None:
        """Stop serving and release the database."""
        if self.emulator.echo == self._echo:
            self.emulator.echo = None
        self.driver.close()
        # Let acknowledged work finish while the bot still serves: a listener's post is
        # echoed back to the bot over HTTP, and with the server gone that echo would hang
        # until its connection is torn down (a second or so per test, in a suite of thousands).
        if self.runtime is not None:
            self.runtime.wait_idle(LISTENERS_FINISH_SECONDS)
        self._echo_driver.close()
        if self._thread is not None:
            self._stopping.set()
            self._thread.join(timeout=5)
        if self.runtime is not None:
            self.runtime.close()

    def __enter__(self) -> LocalBot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
