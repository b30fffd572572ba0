"""Refusals: which error text a person sees, named by a key, and the facts it needs.

The words live in ``prompts/_errors.j2``, one macro per key; code says only which one and
with what (an item number, a limit, what the person typed), so wording is edited in one
place and every fact is escaped by the template that shows it, like any other value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Refusal", "Refused"]


@dataclass(frozen=True)
class Refusal:
    """An error text to show: ``key`` names a macro in ``prompts/_errors.j2``, ``facts`` are its arguments."""

    key: str
    facts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The refusal as a stored document or job keeps it (facts must be JSON values)."""
        return {"key": self.key, "facts": dict(self.facts)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Refusal:
        """The refusal :meth:`to_json` stored."""
        return cls(data["key"], dict(data.get("facts") or {}))


class Refused(ValueError):
    """Input a person gave that we refuse; carries a :class:`Refusal`, never a sentence.

    ``str(exc)`` is the key and facts, for logs; the person sees the rendered macro.
    """

    def __init__(self, key: str, **facts: Any) -> None:
        super().__init__(key, facts)
        self.refusal = Refusal(key, facts)

    @property
    def key(self) -> str:
        """The macro in ``prompts/_errors.j2`` that says what went wrong."""
        return self.refusal.key

    @property
    def facts(self) -> dict[str, Any]:
        """The values the macro shows (escaped by the template)."""
        return self.refusal.facts

    def __str__(self) -> str:
        return f"{self.key} {self.facts!r}" if self.facts else self.key
