"""HEAD requests answered without a body, as HTTP requires (RFC 9110, section 9.3.2).

waitress sends whatever the application returns, so a HEAD of `/healthz` or of a plan
page carried the page: on a kept-alive connection (a load balancer's health check, a link
checker) those bytes were then read as the start of the next response. gunicorn drops
them itself; under waitress this wrapper does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def without_head_bodies(app: Wsgi) -> Wsgi:
    """``app``, with the body of every response to a HEAD request left out (headers kept)."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return body
        try:
            for _ in body:  # run it to the end: a lazy app calls start_response on the way
                pass
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        return []

    return wrapped
