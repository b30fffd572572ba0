"""Hand Bolt a request the server has already read, verified and parsed.

Bolt's WSGI adapter reads the body again, rebuilds the headers and parses the body a
second time (docs/performance.md). The server has done all three before it looks at a
request (it must, to refuse unsigned or malformed ones), so it builds the
:class:`~slack_bolt.request.BoltRequest` from what it has and sends Bolt's answer back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.request.internals import build_context


def bolt_request(text: str, payload: dict[str, Any], query: str, headers: dict[str, str]) -> BoltRequest:
    """A BoltRequest for a raw body ``text`` already parsed into ``payload``.

    Bolt parses a body given to its constructor; given an empty one it parses nothing, and
    the raw body, the parsed body and the context built from it are then set as Bolt's own
    constructor would set them.
    """
    request = BoltRequest(body="", query=query, headers=headers)
    request.raw_body = text
    request.body = payload
    request.context = build_context(BoltContext({}), payload)
    return request


def dispatch(app: App, request: BoltRequest, start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Run ``request`` through the Bolt app and answer it as Bolt's WSGI adapter would."""
    response: BoltResponse = app.dispatch(request)
    body = response.body.encode("utf-8")
    status = HTTPStatus(response.status)
    headers = [(key, value) for key, values in response.headers.items()
               if key.lower() != "content-length" for value in values]
    headers.append(("content-length", str(len(body))))
    start_response(f"{status.value} {status.phrase}", headers)
    return [body]
