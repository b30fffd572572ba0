"""Per-channel preferences and the coaching rotation counters."""

from __future__ import annotations

import copy
from typing import Any

from bot.store import Scope, Store

SETTINGS = "settings"
ROTATION = "rotation"

DEFAULTS: dict[str, Any] = {
    "listen": "suggest",
    "checkin_days": [7, 30, 90],
    "digest": {"enabled": True, "weekday": 0, "time": "09:00", "tz": None},
    "crm_patterns": [],
    "tz": None,
}


class ChannelSettings:
    """Read and change one channel's settings; unknown keys fall back to defaults."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, scope: Scope) -> dict[str, Any]:
        """All settings of a channel, defaults filled in."""
        stored = self._store.get(scope, SETTINGS, "channel") or {}
        return {**copy.deepcopy(DEFAULTS), **stored}

    def set(self, scope: Scope, **changes: Any) -> dict[str, Any]:
        """Change some settings and return them all."""
        doc = self._store.update(scope, SETTINGS, "channel", lambda d: {**(d or {}), **changes})
        return {**copy.deepcopy(DEFAULTS), **(doc or {})}

    def next_variant(self, scope: Scope, situation: str) -> int:
        """A counter per situation, so a channel sees the phrasings in turn, not one forever."""
        doc = self._store.update(
            scope, ROTATION, situation, lambda d: {"n": (d or {"n": -1})["n"] + 1}
        )
        return int(doc["n"]) if doc else 0
