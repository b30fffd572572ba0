"""Storage behind a small interface; TinyDB is the embedded default."""

from bot.store.base import Doc, Scope, Store
from bot.store.tinydb_store import TinyDBStore

__all__ = ["Doc", "Scope", "Store", "TinyDBStore"]
