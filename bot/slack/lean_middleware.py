"""Bolt global middleware without Bolt's per-call keyword-argument building.

``app.middleware(func)`` wraps ``func`` in Bolt's ``CustomMiddleware``, which builds
every argument a listener could ask for (``say``, ``respond``, ``complete``, ``fail``,
the payload views…) on every request, then passes the few ``func`` names. With three
global middlewares that was about a tenth of the CPU of a `/partner give`
(docs/performance.md). :class:`LeanMiddleware` reads the argument names once and
builds only those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_bolt.util.utils import get_arg_names_of_callable

# The names a lean middleware may take, each read from the request only when asked for.
_ARGUMENTS: dict[str, Callable[[BoltRequest], Any]] = {
    "body": lambda req: req.body,
    "context": lambda req: req.context,
    "client": lambda req: req.context.client,
    "respond": lambda req: req.context.respond,
    "req": lambda req: req,
}


class LeanMiddleware(Middleware):
    """A global middleware function taking some of ``body``, ``context``, ``client``,
    ``respond``, ``req`` and ``next``, as Bolt would pass them."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        names = get_arg_names_of_callable(func)
        unknown = set(names) - set(_ARGUMENTS) - {"next"}
        if unknown:
            raise TypeError(f"{func.__name__} asks for {sorted(unknown)}, which LeanMiddleware doesn't pass")
        self._readers = [(name, _ARGUMENTS[name]) for name in names if name != "next"]
        self._wants_next = "next" in names

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002 - Bolt's name
        kwargs = {name: read(req) for name, read in self._readers}
        if self._wants_next:
            kwargs["next"] = next
        return self.func(**kwargs)

    @property
    def name(self) -> str:
        return f"LeanMiddleware({self.func.__name__})"
