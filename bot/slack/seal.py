"""HMAC seals on what the bot hands Slack to give back: button values that name a channel,
and modal ``private_metadata``.

A click or a form submission comes back with whatever the payload says. Buttons in a
channel act on the channel of the message they sit on (the listeners read it from the
payload's container), but a Home-tab or reminder-DM button has to carry its channel in
its value, and a modal its channel in ``private_metadata``. Those are sealed with an
HMAC under a server key kept in the database (so every process and every restart agrees
on it), and a value or metadata whose seal doesn't match is refused before any listener
runs: nobody can point a click or a form at another channel by editing a payload.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from typing import Any

from bot.action_ids import base_action_id
from bot.store import Scope, Store

#: Buttons whose value names a channel when they are not on a channel's message.
SEALED_ACTIONS = frozenset({"item_done", "item_drop", "item_drop_agreed", "reminder_done", "reminder_snooze"})
#: Modals whose private_metadata names the channel they write to.
SEALED_VIEWS = frozenset({"record_item", "debrief"})

_KEY_SCOPE = Scope("_", "_seal")  # a pseudo-channel: planners skip scopes starting with "_"
_KEY_KIND = "seal-key"
_SEPARATOR = "~"
_MAC_CHARS = 22  # 132 bits of base64url


class Seal:
    """Signs and checks strings with the server key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def load(cls, store: Store) -> Seal:
        """The database's key, created (once, whoever comes first) on the first start."""
        doc = store.get(_KEY_SCOPE, _KEY_KIND, "v1")
        if doc is None:
            store.add_once(_KEY_SCOPE, _KEY_KIND, "v1", {"key": secrets.token_hex(32)})
            doc = store.get(_KEY_SCOPE, _KEY_KIND, "v1")
        assert doc is not None
        return cls(bytes.fromhex(doc["key"]))

    def _mac(self, text: str) -> str:
        digest = hmac.new(self._key, b"partner-coach seal v1\0" + text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_MAC_CHARS]

    def sign(self, text: str) -> str:
        """``text`` with its seal appended."""
        return f"{text}{_SEPARATOR}{self._mac(text)}"

    def open(self, sealed: Any) -> str | None:
        """The text of a sealed string, or None when it isn't one or the seal doesn't match."""
        if not isinstance(sealed, str):
            return None
        text, separator, mac = sealed.rpartition(_SEPARATOR)
        if not separator or not hmac.compare_digest(mac.encode(), self._mac(text).encode()):
            return None
        return text

    def seal_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Seal a rendered message or view in place (and return it): the values of
        :data:`SEALED_ACTIONS` buttons, and a view's ``private_metadata``."""
        for element in _elements(payload):
            sealed = base_action_id(element.get("action_id")) in SEALED_ACTIONS
            if sealed and isinstance(element.get("value"), str):
                element["value"] = self.sign(element["value"])
        if payload.get("private_metadata"):
            payload["private_metadata"] = self.sign(str(payload["private_metadata"]))
        return payload


def _elements(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict inside a Block Kit payload (blocks, accessories, action elements)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))
