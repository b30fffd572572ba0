"""Fetching a calendar feed safely: the only module that opens connections to addresses users gave.

A calendar address comes from a user, so fetching it must not become a way into our own
network (server-side request forgery). Every hop, the first and each redirect:

* the scheme is https (http only with ``allow_private``, for tests and the demo);
* the host is resolved once here, every address it resolves to must be public (not
  private, loopback, link-local, shared, reserved or multicast), and the connection goes
  to that checked address (TLS still verifies the certificate against the host name), so a
  DNS answer that changes between check and connect (rebinding) can't redirect us;
* the whole fetch has one deadline, enforced by shutting the socket down when it passes,
  so a server dripping one byte a second can't hold a worker;
* the body is capped, and compression is refused (``Accept-Encoding: identity``).

The address itself never appears in an exception or a log line: it is a secret.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bot.domain.refusal import Refused

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "PartnerCoach/0.1 (+calendar feed reader)"

Resolver = Callable[[str, int], list[str]]


class FetchError(Refused):
    """The feed couldn't be read. ``code`` is for logs and the poller, the refusal for people.

    ``permanent``: retrying soon won't help (a 404, a sign-in page); the poller backs off harder.
    """

    def __init__(self, key: str, *, code: str, permanent: bool = False, **facts: object) -> None:
        super().__init__(key, **facts)
        self.code = code
        self.permanent = permanent


def is_public(address: str) -> bool:
    """True for an address on the public internet (an IPv4-mapped IPv6 is judged as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_unspecified or ip.is_reserved)


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one fetch."""

    allow_http: bool = False
    # Which resolved addresses may be connected to; PARTNER_COACH_CALENDAR_ALLOW_PRIVATE=1
    # (tests, the demo) allows any.
    allow_address: Callable[[str], bool] = is_public
    timeout: float = DEFAULT_TIMEOUT  # the whole fetch, every hop included
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = MAX_REDIRECTS

    @classmethod
    def for_settings(cls, allow_private: bool) -> FetchPolicy:
        """The policy `serve` uses: strict, unless private addresses are allowed (tests, demo)."""
        if allow_private:
            return cls(allow_http=True, allow_address=lambda address: True)
        return cls()


@dataclass(frozen=True)
class FetchResult:
    """A fetched feed; ``body`` is None when the server said it hasn't changed (304)."""

    body: bytes | None
    etag: str | None
    last_modified: str | None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (A and AAAA)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _Deadline:
    """Shuts a socket down when the fetch's time is up, whatever it is blocked in."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise FetchError("feed_timeout", code="timeout")
        return left

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.expired and sock is not None:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._sock is not None:
                _shutdown(self._sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address already checked, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    policy: FetchPolicy = FetchPolicy(),  # noqa: B008 - frozen, never mutated
    resolver: Resolver = system_resolver,
    tls: ssl.SSLContext | None = None,
) -> FetchResult:
    """GET the feed, following redirects through the same checks; raise :class:`FetchError`."""
    deadline = _Deadline(policy.timeout)
    try:
        current = url
        for _ in range(policy.max_redirects + 1):
            outcome = _hop(current, etag, last_modified, policy, resolver, tls, deadline)
            if isinstance(outcome, FetchResult):
                return outcome
            current = outcome
        raise FetchError("feed_redirect_loop", code="too_many_redirects")
    finally:
        deadline.cancel()


def _hop(url: str, etag: str | None, last_modified: str | None, policy: FetchPolicy, resolver: Resolver,
         tls: ssl.SSLContext | None, deadline: _Deadline) -> FetchResult | str:
    """One request: a result, or the next URL to follow."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise FetchError("feed_not_web", code="bad_address", permanent=True)
    if scheme == "http" and not policy.allow_http:
        raise FetchError("feed_not_https", code="not_https", permanent=True)
    host = parts.hostname
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError("feed_port", code="bad_address", permanent=True) from exc
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise FetchError("feed_dns", code="dns") from exc
    if not addresses:
        raise FetchError("feed_dns", code="dns")
    if not all(policy.allow_address(a) for a in addresses):
        raise FetchError("feed_private", code="blocked_address", permanent=True)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, text/plain;q=0.5, */*;q=0.1",
               "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    conn = _connect(scheme, host, port, addresses, tls, deadline)
    try:
        try:
            conn.request("GET", path, headers=headers)
            deadline.watch(conn.sock)
            response = conn.getresponse()
        except FetchError:
            raise
        except (ValueError, http.client.InvalidURL):  # a path http.client refuses (it holds the URL)
            raise FetchError("feed_unrequestable", code="bad_address", permanent=True) from None
        except (OSError, http.client.HTTPException) as exc:
            raise _network_error(exc, deadline) from exc
        return _read(url, response, conn, policy, deadline)
    finally:
        deadline.watch(None)
        conn.close()


def _connect(scheme: str, host: str, port: int, addresses: list[str], tls: ssl.SSLContext | None,
             deadline: _Deadline) -> http.client.HTTPConnection:
    last: Exception | None = None
    for address in addresses[:4]:
        timeout = deadline.remaining()
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = _PinnedHTTPSConnection(host, port, address, timeout, tls or ssl.create_default_context())
        else:
            conn = _PinnedHTTPConnection(host, port, address, timeout)
        try:
            conn.connect()
            deadline.watch(conn.sock)
            return conn
        except ssl.SSLError as exc:
            conn.close()
            raise FetchError("feed_tls", code="tls") from exc
        except OSError as exc:
            conn.close()
            last = exc
    assert last is not None
    raise _network_error(last, deadline) from last


def _network_error(exc: BaseException, deadline: _Deadline) -> FetchError:
    if deadline.expired or isinstance(exc, TimeoutError | socket.timeout):
        return FetchError("feed_timeout", code="timeout")
    return FetchError("feed_unreachable", code="network")


def _read(url: str, response: http.client.HTTPResponse, conn: http.client.HTTPConnection,
          policy: FetchPolicy, deadline: _Deadline) -> FetchResult | str:
    status = response.status
    if status in (301, 302, 303, 307, 308):
        location = response.getheader("Location")
        if not location:
            raise FetchError("feed_redirect_nowhere", code="http_error")
        return urljoin(url, location.strip())
    etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
    if status == 304:
        return FetchResult(None, etag, modified)
    if status in (404, 410):
        raise FetchError("feed_not_found", code="not_found", permanent=True)
    if status in (401, 403):
        raise FetchError("feed_forbidden", code="forbidden", permanent=True)
    if status != 200:
        raise FetchError("feed_http_status", code="http_error", status=status)
    content_type = (response.getheader("Content-Type") or "").lower()
    if "text/html" in content_type or "application/xhtml" in content_type:
        raise FetchError("feed_web_page", code="html", permanent=True)
    encoding = (response.getheader("Content-Encoding") or "identity").lower()
    if encoding not in ("identity", ""):
        raise FetchError("feed_compressed", code="encoding")
    length = response.getheader("Content-Length")
    if length and length.isdecimal() and int(length) > policy.max_bytes:
        raise _too_large(policy)
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if conn.sock is not None:
                conn.sock.settimeout(deadline.remaining())
            chunk = response.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > policy.max_bytes:
                raise _too_large(policy)
            chunks.append(chunk)
    except FetchError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _network_error(exc, deadline) from exc
    if deadline.expired:
        raise FetchError("feed_timeout", code="timeout")
    return FetchResult(b"".join(chunks), etag, modified)


def _too_large(policy: FetchPolicy) -> FetchError:
    return FetchError("feed_too_large", code="too_large", permanent=True,
                      megabytes=policy.max_bytes // (1024 * 1024))
