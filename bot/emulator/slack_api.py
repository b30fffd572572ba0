"""A small, in-process emulator of the Slack Web API.

Point ``slack_sdk.WebClient(base_url=emulator.api_url)`` at a running :class:`SlackEmulator`
and the bot talks to it as it would to ``https://slack.com/api/``: same verbs, same body
encodings, same ``{"ok": ..., "error": ...}`` envelopes.  Every request is recorded as a
:class:`Call` so tests (and the ``demo`` command) can inspect what the bot did.

Only the methods Partner Coach uses are implemented (as ``_api_<method_with_underscores>``);
anything else answers ``unknown_method`` so a missing emulation is loud, not silently "ok".
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.emulator.block_kit import message_problems, view_problems
from bot.emulator.block_kit_structure import response_problems

# Arguments that arrive as JSON-encoded strings when slack_sdk uses a form body.
JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "user_auth_blocks"})
_CONTENT = ("text", "blocks", "attachments")
_JSON_TYPE = "application/json; charset=utf-8"
TRIGGER_SECONDS = 3.0  # a trigger_id opens one modal, within 3 seconds of the click
RESPONSE_URL_USES = 5  # a response_url takes 5 posts ...
RESPONSE_URL_SECONDS = 30 * 60  # ... within 30 minutes

Args = dict[str, Any]
Reply = tuple[int, str, bytes, dict[str, str]]  # status, content type, body, extra headers


@dataclass(frozen=True)
class Call:
    """One request the emulator received.  ``args`` never holds the token; ``status`` is
    the HTTP status sent back (429/500 for injected failures) so attempts can be counted."""

    method: str
    args: dict[str, Any]
    at: float
    response: dict[str, Any]
    status: int = 200
    token: str | None = None  # the token the caller sent (to tell workspaces' bots apart)


@dataclass
class _Failure:
    error: str | None
    status: int
    retry_after: int | None
    delay: float
    remaining: int


class Hold:
    """One call held by :meth:`SlackEmulator.hold_next`: the test sees it arrive, then lets it go.

    With ``record`` the call takes effect (a posted message is stored and recorded) and only
    its answer waits; without, the request waits and is then dropped unseen (the connection
    closes with no answer), as if it never reached Slack.
    """

    def __init__(self, method: str, record: bool, timeout: float) -> None:
        self.method, self.record, self.timeout = method, record, timeout
        self.arrived = threading.Event()  # the call reached the emulator (and took effect, if record)
        self._released = threading.Event()

    def wait_arrived(self, timeout: float = 10.0) -> bool:
        """True once the held call has arrived."""
        return self.arrived.wait(timeout)

    def release(self) -> None:
        """Let the held call go: its answer is sent, or (not ``record``) the connection dropped."""
        self._released.set()

    def _hold(self) -> None:
        self.arrived.set()
        self._released.wait(self.timeout)  # never forever: a forgotten hold answers eventually


class _SlackError(Exception):
    """Raised by ``_api_*`` handlers to answer ``{"ok": false, "error": <error>}``; ``messages``
    become ``response_metadata.messages``, as Slack explains a refused payload."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []


def _check_message(args: Args) -> None:
    """Refuse text and blocks Slack would refuse (bot.emulator.block_kit)."""
    problem = message_problems(args)
    if problem is not None:
        raise _SlackError(*problem)


def _check_view(view: Any) -> None:
    problems = view_problems(view)
    if problems:
        raise _SlackError("invalid_arguments", problems)


def _conversation_id(channel: Any) -> Any:
    """Reading a conversation takes its id: unlike chat.postMessage, a user id is refused."""
    if isinstance(channel, str) and channel[:1] in ("U", "W"):
        raise _SlackError("channel_not_found")
    return channel


def dm_channel_id(user_id: str) -> str:
    """Return the deterministic DM channel id for a user, e.g. ``U_ALICE -> D_ALICE``."""
    return "D" + user_id[1:]


def default_user_name(user_id: str) -> str:
    """Derive a Slack-style handle from a test user id, e.g. ``U_ALICE -> alice``."""
    return re.sub(r"^[UW]_?", "", user_id).lower() or user_id.lower()


def _as_bool(value: Any) -> bool:
    # Form bodies carry booleans as "1"/"0" (slack_sdk) or "true"/"false" (hand-written).
    return value in (True, 1, "1", "true")


def _ts_key(ts: Any, error: str = "invalid_ts") -> Decimal:
    # Decimal, not float: "1700000000.000100" has 16 significant digits, at float's limit.
    try:
        return Decimal(str(ts))
    except InvalidOperation:
        raise _SlackError(error) from None


def _parse_body(content_type: str, body: bytes) -> Args:
    """Parse a JSON or form body into a dict; raise ValueError when malformed."""
    text = body.decode("utf-8")
    if not text.strip():
        return {}  # slack_sdk sends e.g. auth.test as an empty body with a JSON content type
    if "json" not in content_type.lower():
        return dict(parse_qsl(text, keep_blank_values=True))
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("JSON body must be an object")
    return data


def _normalize(args: Mapping[str, Any]) -> Args:
    """Drop nulls and decode JSON-string structured fields, so recordings are uniform."""
    out: Args = {}
    for key, value in args.items():
        if key in JSON_FIELDS and isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                value = json.loads(value)
            except ValueError:
                pass  # keep it as sent; the handler rejects it if it matters
        if value is not None:
            out[key] = value
    return out


def _paginate(items: list[Any], args: Args) -> tuple[list[Any], str]:
    """Slice by Slack-style ``cursor``/``limit`` (default 100); return (page, next_cursor)."""
    try:
        limit = min(int(args.get("limit") or 0) or 100, 1000)  # 0 means "default"
    except ValueError:
        raise _SlackError("invalid_limit") from None
    if limit < 0:
        raise _SlackError("invalid_limit")
    start = 0
    if args.get("cursor"):
        try:  # binascii.Error and UnicodeDecodeError are ValueErrors too
            kind, _, offset = base64.urlsafe_b64decode(str(args["cursor"])).decode().partition(":")
            start = int(offset)
            if kind != "offset" or start < 0:
                raise ValueError(kind)
        except ValueError:
            raise _SlackError("invalid_cursor") from None
    end = start + limit
    # Opaque base64 like Slack's own cursors, so callers can't depend on their structure.
    next_cursor = base64.urlsafe_b64encode(f"offset:{end}".encode()).decode()
    return items[start:end], next_cursor if end < len(items) else ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a request sleeping on an injected `delay` must not block stop()
    emulator: SlackEmulator


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            reply = self.server.emulator._dispatch(self.path, self.headers, body)
        except Exception:
            # An emulator bug must be a loud 500, not a dropped connection that the
            # bot's connection-retry handler would quietly paper over.
            traceback.print_exc()
            reply = 500, "text/plain", b"emulator_error", {}
        if reply is None:  # a held call dropped (hold_next(record=False)): no answer at all
            self.close_connection = True
            return
        status, content_type, payload, extra = reply
        try:
            self.send_response(status)
            for name, value in {"Content-Type": content_type, **extra}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except ConnectionError:
            self.close_connection = True  # the caller is gone (e.g. killed during a held call)

    do_GET = do_POST = _handle

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep test and demo output clean; the Call records are the log


class SlackEmulator:
    """A local Slack Web API serving ``/api/<method>`` and response URLs on 127.0.0.1."""

    def __init__(
        self,
        token: str | None = "xoxb-test",
        team_id: str = "T0001",
        team: str = "Acme Sales",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
    ) -> None:
        """Configure the workspace; ``token=None`` accepts any token, or none."""
        self.token, self.team_id, self.team = token, team_id, team
        self.enterprise_id: str | None = None  # set: the workspace is part of an Enterprise Grid org
        self.bot_user_id, self.bot_id, self.app_id = bot_user_id, bot_id, "A0001"
        self.domain = re.sub(r"[^a-z0-9]+", "-", team.lower()).strip("-") or "workspace"
        # One re-entrant lock guards all state; the condition lets wait_for sleep until a call.
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._users: dict[str, Args] = {}
        self._channels: dict[str, Args] = {}
        self._history: dict[str, list[Args]] = {}  # channel id -> messages, oldest first
        self._views: dict[str, Args] = {}  # insertion order = most recently written last
        self._homes: dict[str, str] = {}  # user id -> published Home view id
        self._failures: dict[str, list[_Failure]] = {}
        self._holds: dict[str, list[Hold]] = {}
        self._files: dict[str, Args] = {}  # file id -> upload (files.uploadV2's three steps)
        # OAuth install: code -> (team id, bot token[, enterprise id]) that oauth.v2.access
        # hands out; a team id of None with an enterprise id is an org-wide Grid install.
        self.oauth_codes: dict[str, tuple[str | None, str] | tuple[str | None, str, str]] = {}
        self._last_ts = 0
        # Issued trigger ids and response URLs: monotonic time issued (and uses so far).
        self._triggers: dict[str, float | None] = {}  # None once used
        self._response_urls: dict[str, list[float]] = {}  # [issued at, uses]
        self._time_offset = 0.0  # advance(): ages triggers and response URLs without sleeping
        # Set (e.g. by LocalBot): the bot's own posts come back to it as `message` events.
        self.echo: Callable[[Args], Any] | None = None
        self._tls = threading.local()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.add_user(bot_user_id, name="partner-coach", real_name="Partner Coach", is_bot=True)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> SlackEmulator:
        """Serve on a free port of 127.0.0.1 in a daemon thread; idempotent."""
        if self._server is None:
            self._server = _Server(("127.0.0.1", 0), _Handler)
            self._server.emulator = self
            # A short poll interval keeps stop() fast: shutdown() waits for one poll.
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(0.05,), name="slack-emulator", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port; safe to call twice."""
        server, self._server = self._server, None
        with self._lock:
            holds = [h for queue in self._holds.values() for h in queue]
            self._holds.clear()
        for hold in holds:
            hold.release()
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running emulator."""
        if self._server is None:
            raise RuntimeError("SlackEmulator is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The value for ``WebClient(base_url=...)``, trailing slash included."""
        return self.base_url + "/api/"

    # ------------------------------------------------------------ configuration

    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        tz: str = "America/New_York",
        real_name: str | None = None,
        is_bot: bool = False,
        team_id: str | None = None,
        email: str | None = None,
        guest: bool = False,
    ) -> Args:
        """Register (or replace) a user answered by ``users.info`` (and, with an ``email``,
        ``users.lookupByEmail``); return the user object. ``team_id`` other than the
        emulator's own makes a Slack Connect guest; ``guest`` a (multi-channel) guest
        account of the emulator's own workspace."""
        name = name or default_user_name(user_id)
        real_name = real_name or name.replace(".", " ").title()
        try:
            now = datetime.now(ZoneInfo(tz))
            offset = int(now.utcoffset().total_seconds())  # type: ignore[union-attr]
            label = now.tzname() or tz
        except (ZoneInfoNotFoundError, ValueError, OSError):  # Slack sends any string: so may a test
            offset, label = 0, tz
        user = {
            "id": user_id,
            "team_id": team_id or self.team_id,
            "name": name,
            "real_name": real_name,
            "deleted": False,
            "tz": tz,
            "tz_label": label,
            "tz_offset": offset,
            "is_bot": is_bot,
            "is_restricted": guest,
            "is_ultra_restricted": False,
            "profile": {"real_name": real_name, "display_name": name,
                        **({"email": email} if email else {})},
        }
        with self._lock:
            self._users[user_id] = user
            return copy.deepcopy(user)

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: Iterable[str] = (),
        is_member: bool = True,
        is_archived: bool = False,
        is_private: bool = False,
        is_ext_shared: bool = False,
    ) -> Args:
        """Register (or replace, keeping history) a channel; ``is_member`` is the bot's.

        ``members`` is what conversations.members returns, verbatim (the bot is not added
        implicitly), and what users.conversations searches.
        """
        channel = {
            "id": channel_id,
            "name": name,
            "members": list(members),
            "is_member": is_member,
            "is_archived": is_archived,
            "is_private": is_private,
            "is_ext_shared": is_ext_shared,  # shared with another organisation (Slack Connect)
        }
        with self._lock:
            self._channels[channel_id] = channel
            return self._channel_object(channel)

    def add_message(
        self, channel: str, text: str = "", *, user: str, ts: str | None = None, **fields: Any
    ) -> Args:
        """Put someone else's message into a channel's history (not recorded as a Call)."""
        with self._lock:
            message = {"type": "message", "user": user, "text": text, "ts": ts or self._next_ts()}
            message.update({k: v for k, v in fields.items() if v is not None})
            history = self._history.setdefault(self._channel_key(channel), [])
            history.append(message)
            history.sort(key=lambda m: _ts_key(m["ts"]))
            return copy.deepcopy(message)

    def next_ts(self) -> str:
        """Allocate a message ``ts``: wall-clock based like Slack's, unique and increasing."""
        with self._lock:
            return self._next_ts()

    def get_user(self, user_id: str) -> Args | None:
        """Return a copy of a configured user, or None."""
        with self._lock:
            return copy.deepcopy(self._users.get(user_id))

    def get_channel(self, channel_id: str) -> Args | None:
        """Return the conversations.info object of a configured channel, or None."""
        with self._lock:
            channel = self._channels.get(channel_id)
            return self._channel_object(channel) if channel else None

    def find_message(self, channel: str, ts: str) -> Args | None:
        """Return a copy of a stored message (posted by the bot or seeded), or None."""
        with self._lock:
            return copy.deepcopy(self._find(self._channel_key(channel), ts))

    def find_view(self, view_id: str | None = None, callback_id: str | None = None) -> Args | None:
        """Return the most recently written view matching ``view_id`` and/or ``callback_id``."""
        with self._lock:
            for view in reversed(self._views.values()):
                if view_id in (None, view["id"]) and callback_id in (None, view["callback_id"]):
                    return copy.deepcopy(view)
        return None

    def home_view(self, user_id: str) -> Args | None:
        """Return the Home tab view last published for ``user_id``, or None."""
        with self._lock:
            view_id = self._homes.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def new_response_url(self) -> str:
        """Return a fresh response URL; POSTs to it are recorded as ``response_url`` calls.

        Like Slack's, it takes :data:`RESPONSE_URL_USES` posts within 30 minutes.
        """
        url = f"{self.base_url}/response/{uuid.uuid4()}"
        with self._lock:
            self._response_urls[url] = [self._monotonic(), 0]
        return url

    def new_trigger_id(self) -> str:
        """Issue a trigger id, as Slack does with each click: it opens one view within 3 s."""
        trigger = f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"
        with self._lock:
            self._triggers[trigger] = self._monotonic()
        return trigger

    def advance(self, seconds: float) -> None:
        """Age every trigger id and response URL by ``seconds`` (the emulator's own clock:
        monotonic, apart from the bot's injectable one)."""
        with self._lock:
            self._time_offset += seconds

    def add_view(self, view: Args) -> Args:
        """Register a view a Slack client holds (the driver's made-up modals) so that
        views.update can find it by id; returns the stored copy."""
        with self._lock:
            return self._store_view(view, view.get("id"))["view"]

    def _monotonic(self) -> float:
        return time.monotonic() + self._time_offset

    def _use_trigger(self, trigger: Any) -> None:
        issued = self._triggers.get(trigger, "unknown") if isinstance(trigger, str) else "unknown"
        if issued == "unknown":
            raise _SlackError("invalid_trigger_id")
        if issued is None or self._monotonic() - issued > TRIGGER_SECONDS:
            raise _SlackError("expired_trigger_id")
        self._triggers[trigger] = None

    def fail_next(
        self,
        method: str,
        error: str | None = "ratelimited",
        *,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail, after earlier injections.

        ``ratelimited`` answers HTTP 429 with ``Retry-After`` (default 1), which is what
        slack_sdk's RateLimitErrorRetryHandler reacts to.  A 5xx ``status`` answers a
        non-JSON text body, as Slack's edge does; any other error is JSON ``ok: false``
        with ``status``.  ``delay`` sleeps before answering; with ``error=None`` the call
        then succeeds normally, which is how to provoke client timeouts.  ``method`` may
        be ``"response_url"``.
        """
        if error == "ratelimited" and status == 200:
            status = 429
        with self._lock:
            self._failures.setdefault(method, []).append(
                _Failure(error, status, retry_after, delay, times)
            )

    def hold_next(self, method: str, *, record: bool = True, timeout: float = 60.0) -> Hold:
        """Hold the next call to ``method`` (after earlier holds) until ``release()``.

        ``record=True``: the call is handled and recorded at once (a message is posted) and
        only the answer waits, as when Slack took a post but its reply never reached the
        caller. ``record=False``: nothing happens, and on release the connection is dropped
        without an answer or a recording. ``hold.wait_arrived()`` tells when the call is in
        flight, e.g. to kill the caller at that very moment.
        """
        hold = Hold(method, record, timeout)
        with self._lock:
            self._holds.setdefault(method, []).append(hold)
        return hold

    # ---------------------------------------------------------------- recordings

    @property
    def calls(self) -> list[Call]:
        """A copy of all recorded calls, oldest first."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls to one method, failed attempts included."""
        return [c for c in self.calls if c.method == method]

    def messages(self, channel: str | None = None) -> list[Args]:
        """Args of successful chat.postMessage calls; ``channel`` matches the id the bot
        sent or where the message landed (``U_X`` and ``D_X`` both find a DM)."""
        return [c.args for c in self._ok_calls("chat.postMessage", channel)]

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[Args]:
        """Args of successful chat.postEphemeral calls, optionally filtered."""
        calls = self._ok_calls("chat.postEphemeral", channel)
        return [c.args for c in calls if user in (None, c.args.get("user"))]

    def responses(self, url: str | None = None) -> list[Args]:
        """Payloads successfully POSTed to response URLs, optionally to one URL."""
        calls = self._ok_calls("response_url", None)
        return [c.args for c in calls if url in (None, c.response["response_url"])]

    def wait_for(
        self, predicate: Callable[[list[Call]], bool] | str, timeout: float = 5.0
    ) -> list[Call]:
        """Block until ``predicate(calls)`` is true and return the calls.

        A string means "at least one call to that method".  On timeout raise AssertionError
        listing what was recorded, so a failing test shows what the bot did instead.
        """
        if isinstance(predicate, str):
            method, description = predicate, f"a call to {predicate}"
            predicate = lambda calls: any(c.method == method for c in calls)  # noqa: E731
        else:
            description = getattr(predicate, "__name__", "predicate")
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(list(self._calls)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {description}; " + self._summary()
                    )
                self._changed.wait(remaining)
            return list(self._calls)

    def wait_for_count(self, method: str, n: int, timeout: float = 5.0) -> list[Call]:
        """Block until ``n`` calls to ``method`` were recorded; return the calls to it."""

        def enough(calls: list[Call]) -> bool:
            return sum(c.method == method for c in calls) >= n

        enough.__name__ = f"{n} call(s) to {method}"
        return [c for c in self.wait_for(enough, timeout) if c.method == method]

    def reset(self) -> None:
        """Forget recorded calls; configuration, history and pending failures stay."""
        with self._lock:
            self._calls.clear()

    def _ok_calls(self, method: str, channel: str | None) -> list[Call]:
        # A DM is found by the user id or the DM id, whichever the bot posted to.
        wanted = None if channel is None else self._channel_key(channel)
        return [
            c
            for c in self.calls
            if c.method == method
            and c.response.get("ok")
            and (wanted is None or wanted in (self._channel_key(str(c.args.get("channel") or "")),
                                              c.response.get("channel")))
        ]

    def _summary(self) -> str:
        calls = self.calls
        lines = [f"{len(calls)} call(s) recorded (last 20 shown):"]
        for c in calls[-20:]:
            outcome = "ok" if c.response.get("ok") else c.response.get("error")
            lines.append(f"  {c.method} [{c.status} {outcome}] {json.dumps(c.args)[:160]}")
        return "\n".join(lines)

    def _record(
        self, method: str, args: Args, response: Args, status: int = 200, token: str | None = None
    ) -> None:
        with self._changed:
            call = Call(method, copy.deepcopy(args), time.time(), copy.deepcopy(response), status,
                        token)
            self._calls.append(call)
            self._changed.notify_all()

    # ---------------------------------------------------------------------- HTTP

    def _dispatch(self, path: str, headers: Mapping[str, str], body: bytes) -> Reply | None:
        url = urlsplit(path)
        if url.path.startswith("/upload/"):  # raw file bytes, not a form: before any parsing
            return self._upload(url.path[len("/upload/"):], body)
        try:
            parsed = _parse_body(headers.get("Content-Type") or "", body)
            args, bad_body = _normalize({**dict(parse_qsl(url.query)), **parsed}), False
        except ValueError:  # malformed JSON or UTF-8
            args, bad_body = {}, True
        if url.path.startswith("/api/"):
            method = url.path[len("/api/") :].strip("/")
            with self._lock:
                queue = self._holds.get(method)
                hold = queue.pop(0) if queue else None
            if hold is not None and not hold.record:
                hold._hold()
                return None  # dropped: the handler closes the connection without answering
            reply = self._api(method, args, headers, bad_body)
            if hold is not None:
                hold._hold()
            return reply
        if url.path.startswith("/response/"):
            return self._response_url(self.base_url + url.path, args, bad_body)
        return 404, "text/plain", b"not found", {}

    def _api(self, method: str, args: Args, headers: Mapping[str, str], bad_body: bool) -> Reply:
        bearer = (headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        token = args.pop("token", None) or bearer or None
        if (injected := self._injected(method, args)) is not None:
            return injected
        # Real method names never contain "_", so "chat_postMessage" must not reach a handler.
        handler = None if "_" in method else getattr(self, "_api_" + method.replace(".", "_"), None)
        self._tls.echoes = []
        with self._lock:
            try:
                if bad_body:
                    raise _SlackError("invalid_json")
                if self.token is not None and token != self.token:
                    raise _SlackError("not_authed" if token is None else "invalid_auth")
                if handler is None:
                    raise _SlackError("unknown_method")
                response = {"ok": True, **handler(args)}
            except _SlackError as exc:
                response = {"ok": False, "error": exc.error}
                if exc.messages:
                    response["response_metadata"] = {"messages": exc.messages}
            self._record(method, args, response, token=token)  # under the lock: order matches state changes
        echoes, self._tls.echoes = self._tls.echoes, []
        if self.echo is not None:
            # Before answering, so the event reaches the bot while the post's listener still
            # runs: a test waiting for the bot to go idle waits for the echo's handling too.
            for event in echoes:
                self.echo(event)
        return 200, _JSON_TYPE, json.dumps(response).encode(), {}

    def _response_url(self, url: str, payload: Args, bad_body: bool) -> Reply:
        if (injected := self._injected("response_url", payload)) is not None:
            return injected
        # Slack answers response URLs with a plain-text "ok", or an error word and a 400
        # (404 for a URL that is used up or expired).
        with self._lock:
            issued = self._response_urls.get(url)
            status, error = 200, ""
            if issued is None:
                status, error = 404, "invalid_url"
            elif self._monotonic() - issued[0] > RESPONSE_URL_SECONDS:
                status, error = 404, "expired_url"
            elif issued[1] >= RESPONSE_URL_USES:
                status, error = 404, "used_url"
            else:
                issued[1] += 1
        if not error and bad_body:
            status, error = 400, "invalid_payload"
        if not error and not any(payload.get(k) for k in (*_CONTENT, "delete_original")):
            status, error = 400, "no_text"
        if not error and (problem := message_problems(payload)) is not None:
            status, error = 400, problem[0]
        if not error and response_problems(payload):
            status, error = 400, "invalid_payload"
        response = {"ok": not error, "response_url": url, **({"error": error} if error else {})}
        self._record("response_url", payload, response, status)
        return status, "text/html", (error or "ok").encode(), {}

    def _injected(self, method: str, args: Args) -> Reply | None:
        with self._lock:
            queue = self._failures.get(method)
            if not queue:
                return None
            failure = queue[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                queue.pop(0)
        if failure.delay:
            time.sleep(failure.delay)  # outside the lock, so other requests keep flowing
        if failure.error is None:
            return None
        body = {"ok": False, "error": failure.error}
        headers = {}
        if failure.status == 429 or failure.retry_after is not None:
            headers["Retry-After"] = str(1 if failure.retry_after is None else failure.retry_after)
        self._record(method, args, body, failure.status)
        if failure.status >= 500:
            return failure.status, "text/plain", f"{failure.error}".encode(), headers
        return failure.status, _JSON_TYPE, json.dumps(body).encode(), headers

    def _upload(self, file_id: str, body: bytes) -> Reply:
        """Step 2 of files.uploadV2: the bytes POSTed to the URL files.getUploadURLExternal gave."""
        with self._lock:
            upload = self._files.get(file_id)
            if upload is None or upload["content"] is not None:
                self._record("file_upload", {"file_id": file_id}, {"ok": False}, 404)
                return 404, "text/plain", b"not found", {}
            upload["content"] = body
            self._record("file_upload", {"file_id": file_id, "bytes": len(body)}, {"ok": True})
        return 200, "text/plain", f"OK - {len(body)}".encode(), {}

    def uploaded_files(self, channel: str | None = None) -> list[Args]:
        """Files shared by files.completeUploadExternal: name, title, channel, text content."""
        with self._lock:
            return [
                {**{k: f[k] for k in ("id", "name", "title", "channel")},
                 "content": (f["content"] or b"").decode("utf-8", "replace")}
                for f in self._files.values()
                if f["channel"] is not None and channel in (None, f["channel"])
            ]

    # ------------------------------------------------------------- state helpers

    def _next_ts(self) -> str:
        micros = max(time.time_ns() // 1000, self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    @staticmethod
    def _channel_key(channel: str) -> str:
        # Posting to a user id lands in the DM with that user, as on Slack.
        return dm_channel_id(channel) if channel[:1] in ("U", "W") else channel

    @staticmethod
    def _channel_object(ch: Args) -> Args:
        return {
            "id": ch["id"],
            "name": ch["name"],
            "is_channel": not ch["is_private"],
            "is_group": ch["is_private"],
            "is_im": False,
            "is_private": ch["is_private"],
            "is_archived": ch["is_archived"],
            "is_member": ch["is_member"],
            "num_members": len(ch["members"]),
            "is_ext_shared": ch.get("is_ext_shared", False),
            "is_shared": ch.get("is_ext_shared", False),
        }

    def _known_channel(self, channel_id: Any) -> Args:
        channel = self._channels.get(channel_id) if isinstance(channel_id, str) else None
        # Slack hides private channels from a bot that is not in them.
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            raise _SlackError("channel_not_found")
        return channel

    def _target(self, channel_id: Any, *, post: bool = False) -> str:
        """Resolve a channel the bot reads (or, with ``post``, writes) to its history key."""
        if isinstance(channel_id, str) and channel_id[:1] in ("U", "W", "D"):
            return self._channel_key(channel_id)  # DMs are always allowed
        channel = self._known_channel(channel_id)
        if post and channel["is_archived"]:
            raise _SlackError("is_archived")
        if not channel["is_member"]:
            raise _SlackError("not_in_channel")
        return channel_id

    def _find(self, channel: str, ts: Any) -> Args | None:
        return next((m for m in self._history.get(channel, []) if m["ts"] == ts), None)

    def _find_own(self, args: Args, error: str) -> tuple[str, Args]:
        channel = self._target(args.get("channel"), post=True)
        message = self._find(channel, args.get("ts"))
        if message is None:
            raise _SlackError("message_not_found")
        if message.get("bot_id") != self.bot_id:
            raise _SlackError(error)  # bots may only edit/delete their own messages
        return channel, message

    def _store_view(self, view: Any, view_id: str | None = None) -> Args:
        if not isinstance(view, dict):
            raise _SlackError("invalid_arguments")
        view_id = view_id or "V" + uuid.uuid4().hex[:10].upper()
        stored = {
            "type": "modal",
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            **copy.deepcopy(view),
            "id": view_id,
            "team_id": self.team_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
            "root_view_id": self._views.get(view_id, {}).get("root_view_id", view_id),
            "previous_view_id": None,
        }
        self._views.pop(view_id, None)  # re-insert so the latest write sorts last
        self._views[view_id] = stored
        return {"view": copy.deepcopy(stored)}

    # ------------------------------------------------------------ API methods

    def _api_auth_test(self, args: Args) -> Args:
        return {
            "url": f"https://{self.domain}.slack.com/",
            "team": self.team,
            "user": self._users[self.bot_user_id]["name"],
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
        }

    def _api_oauth_v2_access(self, args: Args) -> Args:
        """The OAuth install's code exchange: a code from ``oauth_codes`` for its bot token."""
        grant = self.oauth_codes.pop(str(args.get("code") or ""), None)
        if grant is None:
            raise _SlackError("invalid_code")
        team_id, token, *enterprise = grant
        enterprise_id = enterprise[0] if enterprise else None
        return {
            "app_id": self.app_id, "authed_user": {"id": "U0INSTALLER"}, "scope": "commands",
            "token_type": "bot", "access_token": token, "bot_user_id": self.bot_user_id,
            "team": {"id": team_id, "name": team_id} if team_id else None,
            "enterprise": {"id": enterprise_id, "name": enterprise_id} if enterprise_id else None,
            "is_enterprise_install": bool(enterprise_id) and team_id is None,
        }

    def _api_chat_postMessage(self, args: Args) -> Args:
        channel = self._target(args.get("channel"), post=True)
        if not any(args.get(k) for k in _CONTENT):
            raise _SlackError("no_text")
        _check_message(args)
        message = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": args.get("text", ""),
            "blocks": args.get("blocks", []),
            "ts": self._next_ts(),
        }
        message.update({k: args[k] for k in ("attachments", "metadata", "thread_ts") if k in args})
        if "thread_ts" in args:
            message["reply_broadcast"] = _as_bool(args.get("reply_broadcast"))
        self._history.setdefault(channel, []).append(message)
        # Slack sends the bot's own post back to it as a `message` event (Bolt drops it by
        # bot_id); the request handler delivers it before answering (see _api).
        self._tls.echoes = [*getattr(self._tls, "echoes", []),
                            {**copy.deepcopy(message), "channel": channel, "event_ts": message["ts"],
                             "channel_type": "im" if channel.startswith("D") else "channel"}]
        return {"channel": channel, "ts": message["ts"], "message": copy.deepcopy(message)}

    def _api_chat_postEphemeral(self, args: Args) -> Args:
        self._target(args.get("channel"), post=True)
        members = self._channels.get(args["channel"], {}).get("members")
        # Only enforce membership when the test configured members for the channel.
        if not args.get("user") or (members and args["user"] not in members):
            raise _SlackError("user_not_in_channel")
        if not any(args.get(k) for k in _CONTENT):
            raise _SlackError("no_text")
        _check_message(args)
        return {"message_ts": self._next_ts()}

    def _api_chat_update(self, args: Args) -> Args:
        channel, message = self._find_own(args, "cant_update_message")
        _check_message(args)
        message.update({k: args[k] for k in (*_CONTENT, "metadata") if k in args})
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "channel": channel,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(message),
        }

    def _api_chat_delete(self, args: Args) -> Args:
        channel, message = self._find_own(args, "cant_delete_message")
        self._history[channel].remove(message)
        return {"channel": channel, "ts": message["ts"]}

    def _api_chat_getPermalink(self, args: Args) -> Args:
        channel = self._target(args.get("channel"))
        message = self._find(channel, args.get("message_ts"))
        if message is None:
            raise _SlackError("message_not_found")
        path = f"archives/{channel}/p{message['ts'].replace('.', '')}"
        return {"channel": channel, "permalink": f"https://{self.domain}.slack.com/{path}"}

    def _api_views_open(self, args: Args) -> Args:
        if not args.get("trigger_id"):
            raise _SlackError("invalid_arguments")
        _check_view(args.get("view"))
        self._use_trigger(args["trigger_id"])
        return self._store_view(args.get("view"))

    _api_views_push = _api_views_open

    def _api_views_update(self, args: Args) -> Args:
        external = args.get("external_id")
        by_external = (
            v["id"] for v in self._views.values() if external and v["external_id"] == external
        )
        view_id = args.get("view_id") or next(by_external, None)
        if not view_id:
            raise _SlackError("not_found" if external else "invalid_arguments")
        if view_id not in self._views:  # the driver registers the views it makes up (add_view)
            raise _SlackError("not_found")
        _check_view(args.get("view"))
        return self._store_view(args.get("view"), view_id)

    def _api_views_publish(self, args: Args) -> Args:
        user_id, view = args.get("user_id"), args.get("view")
        if not user_id or not isinstance(view, dict):
            raise _SlackError("invalid_arguments")
        _check_view(view)
        response = self._store_view({**view, "type": "home"}, self._homes.get(user_id))
        self._homes[user_id] = response["view"]["id"]  # a user's Home tab keeps its view id
        return response

    def _api_files_getUploadURLExternal(self, args: Args) -> Args:
        """Step 1 of files.uploadV2: a file id and the URL to POST its bytes to."""
        try:
            length = int(args.get("length") or -1)
        except ValueError:
            length = -1
        if not args.get("filename") or length < 0:
            raise _SlackError("invalid_arguments")
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        self._files[file_id] = {"id": file_id, "name": str(args["filename"]), "length": length,
                                "title": None, "content": None, "channel": None}
        return {"file_id": file_id, "upload_url": f"{self.base_url}/upload/{file_id}"}

    def _api_files_completeUploadExternal(self, args: Args) -> Args:
        """Step 3 of files.uploadV2: name the uploaded files and share them in a channel."""
        try:
            files = json.loads(str(args.get("files") or ""))
        except ValueError:
            raise _SlackError("invalid_arguments") from None
        if not isinstance(files, list) or not files:
            raise _SlackError("invalid_arguments")
        uploads = []
        for entry in files:
            upload = self._files.get(str((entry or {}).get("id")))
            if upload is None or upload["content"] is None or upload["channel"] is not None:
                raise _SlackError("file_not_found")
            if len(upload["content"]) != upload["length"]:
                raise _SlackError("file_size_mismatch")
            uploads.append((upload, entry.get("title") or upload["name"]))
        channel = args.get("channel_id")
        target = self._target(channel, post=True) if channel else None
        for upload, title in uploads:
            upload.update(title=title, channel=target)
        if target is not None:
            message = {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id,
                       "text": args.get("initial_comment", ""), "ts": self._next_ts(),
                       "files": [{"id": u["id"], "name": u["name"], "title": u["title"]} for u, _ in uploads]}
            self._history.setdefault(target, []).append(message)
        return {"files": [{"id": u["id"], "title": u["title"], "name": u["name"]} for u, _ in uploads]}

    def _api_users_info(self, args: Args) -> Args:
        if args.get("user") not in self._users:
            raise _SlackError("user_not_found")
        return {"user": copy.deepcopy(self._users[args["user"]])}

    def _api_users_lookupByEmail(self, args: Args) -> Args:
        wanted = str(args.get("email") or "").strip().lower()
        if not wanted:
            raise _SlackError("invalid_arguments")
        for user in self._users.values():
            if str(user["profile"].get("email") or "").lower() == wanted:
                return {"user": copy.deepcopy(user)}
        raise _SlackError("users_not_found")

    def _api_conversations_info(self, args: Args) -> Args:
        channel_id = args.get("channel")
        if isinstance(channel_id, str) and channel_id.startswith("D"):  # e.g. app_home_opened
            return {"channel": {"id": channel_id, "is_im": True, "user": "U" + channel_id[1:]}}
        return {"channel": self._channel_object(self._known_channel(channel_id))}

    def _api_conversations_members(self, args: Args) -> Args:
        page, cursor = _paginate(self._known_channel(args.get("channel"))["members"], args)
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def _api_users_conversations(self, args: Args) -> Args:
        user = args.get("user") or self.bot_user_id
        types = str(args.get("types") or "public_channel").split(",")  # Slack's default
        found = [
            self._channel_object(ch)
            for ch in self._channels.values()
            if (user in ch["members"] or (user == self.bot_user_id and ch["is_member"]))
            and ("private_channel" if ch["is_private"] else "public_channel") in types
            and not (ch["is_archived"] and _as_bool(args.get("exclude_archived")))
        ]
        page, cursor = _paginate(found, args)
        return {"channels": page, "response_metadata": {"next_cursor": cursor}}

    def _api_conversations_open(self, args: Args) -> Args:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if len(users) != 1:
            raise _SlackError("users_list_not_supplied" if not users else "not_implemented")
        if users[0] not in self._users:
            raise _SlackError("user_not_found")
        return {"channel": {"id": dm_channel_id(users[0])}}

    def _api_conversations_history(self, args: Args) -> Args:
        channel = self._target(_conversation_id(args.get("channel")))
        oldest = _ts_key(args.get("oldest") or 0, "invalid_ts_oldest")
        latest = _ts_key(args.get("latest") or "9999999999", "invalid_ts_latest")
        inclusive = _as_bool(args.get("inclusive"))
        messages = []
        for message in reversed(self._history.get(channel, [])):  # newest first
            ts = _ts_key(message["ts"])
            in_range = oldest <= ts <= latest if inclusive else oldest < ts < latest
            # Thread replies only show up in history when broadcast to the channel.
            reply = message.get("thread_ts", message["ts"]) != message["ts"]
            if in_range and (not reply or message.get("reply_broadcast")):
                messages.append(copy.deepcopy(message))
                if not _as_bool(args.get("include_all_metadata")):
                    messages[-1].pop("metadata", None)  # Slack only returns it when asked
        page, cursor = _paginate(messages, args)
        return {
            "messages": page,
            "has_more": bool(cursor),
            "pin_count": 0,
            "response_metadata": {"next_cursor": cursor},
        }

    def _api_conversations_replies(self, args: Args) -> Args:
        """A thread: its parent first, then the replies, oldest first (unlike history)."""
        channel = self._target(_conversation_id(args.get("channel")))
        parent_ts = args.get("ts")
        if not parent_ts:
            raise _SlackError("invalid_arguments")
        parent = self._find(channel, parent_ts)
        if parent is None:
            raise _SlackError("thread_not_found")
        oldest = _ts_key(args.get("oldest") or 0, "invalid_ts_oldest")
        latest = _ts_key(args.get("latest") or "9999999999", "invalid_ts_latest")
        inclusive = _as_bool(args.get("inclusive"))
        thread = [parent] + [m for m in self._history.get(channel, [])
                             if m.get("thread_ts") == parent_ts and m["ts"] != parent_ts]
        messages = []
        for message in thread:
            ts = _ts_key(message["ts"])
            if message is parent or (oldest <= ts <= latest if inclusive else oldest < ts < latest):
                messages.append(copy.deepcopy(message))
                if not _as_bool(args.get("include_all_metadata")):
                    messages[-1].pop("metadata", None)
        page, cursor = _paginate(messages, args)
        return {"messages": page, "has_more": bool(cursor), "response_metadata": {"next_cursor": cursor}}

    def _api_conversations_join(self, args: Args) -> Args:
        channel = self._known_channel(args.get("channel"))
        if channel["is_archived"]:
            raise _SlackError("is_archived")
        if channel["is_private"]:
            raise _SlackError("method_not_supported_for_channel_type")
        response: Args = {"warning": "already_in_channel"} if channel["is_member"] else {}
        channel["is_member"] = True
        return {**response, "channel": self._channel_object(channel)}

    def _api_reactions_add(self, args: Args) -> Args:
        message = self._find(self._target(args.get("channel"), post=True), args.get("timestamp"))
        if message is None:
            raise _SlackError("message_not_found")
        if not args.get("name"):
            raise _SlackError("invalid_name")
        reactions = message.setdefault("reactions", [])
        reaction = next((r for r in reactions if r["name"] == args["name"]), None)
        if reaction is None:
            reaction = {"name": args["name"], "users": [], "count": 0}
            reactions.append(reaction)
        if self.bot_user_id in reaction["users"]:
            raise _SlackError("already_reacted")
        reaction["users"].append(self.bot_user_id)
        reaction["count"] += 1
        return {}
