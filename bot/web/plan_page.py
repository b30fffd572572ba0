"""`/plans/<token>`: the partner's read-only page of the mutual plan, and its two forms.

Routes (anything else under /plans/ is a 404):

- ``GET  /plans/<token>``                 the page
- ``POST /plans/<token>/confirm/<n>``     co-sign item n (their side); 303 back to the page
- ``POST /plans/<token>/propose/<n>``     propose new wording/date for item n; 303 back

No login: the unguessable token is the key. So the token is never logged, never sent on
(Referrer-Policy), the page can't be framed, and every client IP that presents wrong
tokens is slowed to a stop (:class:`MissLimiter`). Forms carry a CSRF token derived from
the link and the server key, and must come from the page's own origin.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.clock import Clock
from bot.documents import render_html, stylesheet
from bot.domain.mutual_plan import LINK_LIFETIME, PlanView, csrf_ok, csrf_token, token_hash
from bot.domain.refusal import Refusal
from bot.domain.visible_text import without_hidden_controls
from bot.services.outcome import Message
from bot.services.plans import MutualPlans, WebResult
from bot.store import Scope

log = logging.getLogger(__name__)

PREFIX = "/plans/"
MAX_FORM_BYTES = 8 * 1024
# Wrong tokens one client IP may present per window before every /plans/ request from it
# is refused: plenty for a mistyped link, useless for guessing 2**256 possibilities.
MISSES_ALLOWED = 10
MISS_WINDOW = timedelta(minutes=15)
TRACKED_CLIENTS = 10_000

# Steps a side shows on one page of the plan: a long plan stays quick to load and to read on
# a phone (200 steps in one page were 186 kB), and each page still fits one deal's stage.
STEPS_PER_PAGE = 25
_PAGE_NUMBER = re.compile(r"^\d{1,4}$")

_ROUTE = re.compile(r"^/plans/(?P<token>[^/]+)(?:/(?P<action>confirm|propose)/(?P<number>\d{1,6}))?/?$")
NOTICES = {"confirmed", "already", "proposed"}

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
Poster = Callable[[Scope, str, Message], None]  # (scope, channel or user id, message)


def security_headers(style_source: str) -> list[tuple[str, str]]:
    """Headers on every /plans/ answer: nothing runs but our stylesheet, nothing frames or caches it."""
    policy = (f"default-src 'none'; style-src {style_source}; img-src data:; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'")
    return [
        ("Content-Security-Policy", policy),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
        ("X-Robots-Tag", "noindex, nofollow"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]


class MissLimiter:
    """Counts wrong tokens per client IP in a fixed window, on the injectable clock."""

    def __init__(self, clock: Clock, allowed: int = MISSES_ALLOWED, window: timedelta = MISS_WINDOW) -> None:
        self._clock, self._allowed, self._window = clock, allowed, window
        self._misses: OrderedDict[str, tuple[datetime, int]] = OrderedDict()
        self._lock = threading.Lock()

    def _current(self, client: str, now: datetime) -> tuple[datetime, int]:
        start, count = self._misses.get(client, (now, 0))
        return (now, 0) if now - start >= self._window else (start, count)

    def blocked_for(self, client: str) -> int:
        """Seconds until ``client`` may try again; 0 when it may now."""
        now = self._clock.now()
        with self._lock:
            start, count = self._current(client, now)
        if count < self._allowed:
            return 0
        return max(1, int((start + self._window - now).total_seconds()))

    def miss(self, client: str) -> None:
        """Count one wrong token from ``client``."""
        now = self._clock.now()
        with self._lock:
            start, count = self._current(client, now)
            self._misses[client] = (start, count + 1)
            self._misses.move_to_end(client)
            while len(self._misses) > TRACKED_CLIENTS:  # bounded memory under a spray of IPs
                self._misses.popitem(last=False)


class PlanPages:
    """The WSGI handler for everything under ``/plans/``."""

    def __init__(self, plans: MutualPlans, clock: Clock, post: Poster) -> None:
        self.plans = plans
        self.limiter = MissLimiter(clock)
        self._post = post
        self._css, self._style_source = stylesheet("plan_page")

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._handle(environ, start_response)
        except Exception:
            # Never log the path or the environ: they hold the token.
            log.exception("the plan page failed")
            return self._html(start_response, 500, "plan_missing", reason="error")

    def _handle(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        client = client_address(environ)
        wait = self.limiter.blocked_for(client)
        if wait:
            return self._html(start_response, 429, "plan_missing", reason="limited",
                              extra=[("Retry-After", str(wait))])
        match = _ROUTE.match(environ.get("PATH_INFO", ""))
        scope = self.plans.open(match["token"]) if match else None
        if match is None or scope is None:
            self.limiter.miss(client)
            return self._html(start_response, 404, "plan_missing", reason="missing")
        link = self.plans.link_state(scope)
        if link.state == "expired":
            # The real link, past its time: say so and how to get a fresh one; no form works.
            return self._html(start_response, 410, "plan_missing", reason="expired", day=link.day,
                              days=LINK_LIFETIME.days)
        token, action, method = match["token"], match["action"], environ.get("REQUEST_METHOD", "GET")
        if action is None:
            if method not in ("GET", "HEAD"):
                return self._html(start_response, 405, "plan_missing", reason="method",
                                  extra=[("Allow", "GET")])
            query = _query(environ)
            notice = query.get("notice", "")
            number = query.get("page", "1")
            return self._page(start_response, 200, token, scope, notice if notice in NOTICES else None,
                              link_until=link.day,
                              number=int(number) if _PAGE_NUMBER.match(number) else 1)
        if method != "POST":
            return self._html(start_response, 405, "plan_missing", reason="method", extra=[("Allow", "POST")])
        form = _form(environ)
        if form is None or not _same_origin(environ, self.plans.base_url) or not csrf_ok(
                self._key(), token_hash(token), form.get("csrf", "")):
            return self._html(start_response, 403, "plan_missing", reason="forbidden")
        number = int(match["number"])
        if action == "confirm":
            result = self.plans.confirm(scope, number)
        else:
            result = self.plans.propose(scope, number, form.get("what", ""), form.get("due_on", ""))
        return self._after(start_response, token, scope, number, result)

    def _after(self, start_response: StartResponse, token: str, scope: Scope, number: int,
               result: WebResult) -> Iterable[bytes]:
        if result.outcome == "not_found":
            return self._html(start_response, 404, "plan_missing", reason="item")
        if result.outcome == "refused":
            assert result.problem is not None  # every refusal says why
            return self._page(start_response, 400, token, scope, None, problem=(number, result.problem))
        if result.announce is not None:
            self._post(scope, scope.channel_id, result.announce)
        if result.direct is not None:
            self._post(scope, *result.direct)
        # Post/redirect/get: a reload doesn't resubmit, and the answer reads the same without JS.
        # Back to the page of the plan that holds the item, at the item.
        on_page = page_of(self.plans.step_index(scope, number))
        paged = f"&page={on_page}" if on_page > 1 else ""
        location = f"{PREFIX}{token}?notice={result.outcome}{paged}#item-{number}"
        start_response("303 See Other", [("Location", location), ("Content-Length", "0"),
                                         *security_headers(self._style_source)])
        return [b""]

    def _page(self, start_response: StartResponse, status: int, token: str, scope: Scope,
              notice: str | None, problem: tuple[int, Refusal] | None = None,
              link_until: date | None = None, number: int | None = None) -> Iterable[bytes]:
        page = self.plans.page(scope)
        pages = page_count(page.view)
        if number is None:  # a refused form: the page that holds the item, where its error shows
            number = page_holding(page.view, problem[0]) if problem else 1
        number = min(max(1, number), pages)
        return self._html(start_response, status, "plan_page", page=page, view=page.view, token=token,
                          csrf=csrf_token(self._key(), token_hash(token)), notice=notice, problem=problem,
                          link_until=link_until, number=number, pages=pages, per=STEPS_PER_PAGE,
                          start=(number - 1) * STEPS_PER_PAGE)

    def _key(self) -> bytes:
        assert self.plans.key is not None  # no key, no links: open() never found a scope
        return self.plans.key

    def _html(self, start_response: StartResponse, status: int, template: str,
              extra: list[tuple[str, str]] | None = None, **context: Any) -> Iterable[bytes]:
        body = render_html(template, css=self._css, **context).encode()
        reasons = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
                   405: "Method Not Allowed", 410: "Gone", 429: "Too Many Requests",
                   500: "Internal Server Error"}
        start_response(f"{status} {reasons[status]}", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
            *security_headers(self._style_source), *(extra or []),
        ])
        return [body]


def page_count(view: PlanView) -> int:
    """How many pages the plan takes, :data:`STEPS_PER_PAGE` steps a side each (at least one)."""
    longest = max(len(view.ours), len(view.theirs))
    return max(1, -(-longest // STEPS_PER_PAGE))


def page_holding(view: PlanView, number: int) -> int:
    """The page of the plan that shows item ``number`` (the first page when it isn't on it)."""
    for steps in (view.ours, view.theirs):
        numbers = [item.number for item in steps]
        if number in numbers:
            return page_of(numbers.index(number))
    return 1


def page_of(index: int | None) -> int:
    """The page that shows the step at ``index`` on its side (the first page for None)."""
    return 1 if index is None else index // STEPS_PER_PAGE + 1


def client_address(environ: Environ) -> str:
    """Whom to count wrong tokens against: the peer, or behind a proxy the client it names.

    Behind a reverse proxy every request comes from the proxy's address: counted as one
    client, anyone's ten wrong links would lock every partner out of their plan for 15
    minutes. A peer on a private or loopback address is taken for such a proxy, and the
    address it appended last to ``X-Forwarded-For`` (the one it saw, not one the client
    wrote) is the client. A peer on a public address is the client itself, whatever it says.
    """
    peer = str(environ.get("REMOTE_ADDR") or "unknown")
    forwarded = str(environ.get("HTTP_X_FORWARDED_FOR") or "")
    try:
        behind_proxy = ipaddress.ip_address(peer).is_private
    except ValueError:
        return peer
    last = forwarded.rpartition(",")[2].strip()[:64]
    return last if behind_proxy and last else peer


def _query(environ: Environ) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}


def _form(environ: Environ) -> dict[str, str] | None:
    """A small urlencoded form body, or None (wrong type, too big, not UTF-8)."""
    if not str(environ.get("CONTENT_TYPE", "")).startswith("application/x-www-form-urlencoded"):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 <= length <= MAX_FORM_BYTES:
        return None
    try:
        text = environ["wsgi.input"].read(length).decode("utf-8")
    except UnicodeDecodeError:
        return None
    # NUL is no text anyone typed, and PostgreSQL can't store it in a JSON value; the other
    # control characters and direction overrides only hide or reorder text (visible_text).
    return {k: without_hidden_controls(v[0]) for k, v in parse_qs(text, keep_blank_values=True).items()}


def _same_origin(environ: Environ, public_url: str | None) -> bool:
    """A form post another site made a browser send is refused outright.

    Browsers say where a request comes from in ``Sec-Fetch-Site`` and ``Origin``. Under
    ``Referrer-Policy: no-referrer`` Chromium sends ``Origin: null`` even for our own
    forms, so "null" (like no header at all, from curl or an old browser) leaves the
    decision to the CSRF token, which must match in every case.
    """
    if environ.get("HTTP_SEC_FETCH_SITE") == "cross-site":
        return False
    origin = environ.get("HTTP_ORIGIN")
    if not origin or origin == "null":
        return True
    ours = {environ.get("HTTP_HOST", ""), urlsplit(public_url or "").netloc} - {""}
    return urlsplit(origin).netloc in ours
