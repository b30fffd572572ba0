"""`partner-coach db upgrade | import`: the PostgreSQL schema and moving data off TinyDB.

Both read only ``DATABASE_URL`` (no Slack tokens needed) and report any problem
as one line on stderr with exit code 2, never showing the database password.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

EXIT_ERROR = 2


class DbCommandError(Exception):
    """A problem worth one line to the operator."""


def add_db_parser(sub: argparse._SubParsersAction) -> None:
    """Register `db` with its `upgrade` and `import` subcommands."""
    db = sub.add_parser(
        "db",
        help="PostgreSQL: create/migrate the schema, import a TinyDB file (needs DATABASE_URL)",
        description=(
            "Manage the PostgreSQL database named by DATABASE_URL (postgresql://user:password@host/db). "
            "Run `db upgrade` before the first `serve` and after every release; `db import` moves "
            "the data of a TinyDB file (PARTNER_COACH_DB) into PostgreSQL."
        ),
    )
    db_sub = db.add_subparsers(dest="db_command", metavar="{upgrade,import}")
    upgrade = db_sub.add_parser(
        "upgrade",
        help="create or migrate the schema to the newest version (safe to repeat)",
        description=(
            "Apply every pending Alembic migration to DATABASE_URL. Idempotent, and safe to run from "
            "several machines at once (they take turns on an advisory lock)."
        ),
    )
    upgrade.set_defaults(func=_upgrade)
    imp = db_sub.add_parser(
        "import",
        help="copy every record of a TinyDB file into PostgreSQL (idempotent)",
        description=(
            "Copy every record of a TinyDB database file into DATABASE_URL, running `db upgrade` "
            "first. The file is only read, never changed. Records already in PostgreSQL (same "
            "workspace, channel, kind and key) are kept as they are, so running it twice is harmless. "
            "Stop the bot that writes the file first, or the import is a snapshot of a moving target."
        ),
    )
    imp.add_argument("tinydb_file", type=Path, help="the TinyDB file, e.g. ./data/partner-coach.json")
    imp.set_defaults(func=_import)
    db.set_defaults(func=lambda args: _usage(db))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_ERROR


def run(args: argparse.Namespace) -> int:
    """Run a `db` subcommand; problems become one line and exit 2."""
    import sqlalchemy as sa

    try:
        return int(args.func(args))
    except DbCommandError as exc:
        print(f"partner-coach: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except sa.exc.DBAPIError as exc:
        # e.g. the role may not create tables: PostgreSQL's own first line says which and why.
        reason = str(exc.orig or exc).strip().splitlines()[0]
        print(f"partner-coach: the database refused: {reason}", file=sys.stderr)
        return EXIT_ERROR


def _engine():
    import sqlalchemy as sa

    from bot.config import ConfigError, database_url_from_env
    from bot.store.postgres_store import make_engine, unreachable

    try:
        url = database_url_from_env()
    except ConfigError as exc:
        raise DbCommandError(str(exc)) from None
    if url is None:
        raise DbCommandError(
            "DATABASE_URL is not set: give the PostgreSQL database as "
            "postgresql://user:password@host:5432/dbname."
        )
    engine = make_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        raise DbCommandError(unreachable(engine, exc)) from None
    return engine


def _upgrade(args: argparse.Namespace) -> int:
    from bot.store.migrations import current_revision, upgrade

    engine = _engine()
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
        # The multi-workspace install's tables (slack-sdk's installation and OAuth state stores).
        from bot.slack.oauth import create_tables

        create_tables(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"database schema is up to date (revision {after})")
    else:
        print(f"database schema upgraded from {before or 'empty'} to revision {after}")
    return 0


def read_tinydb_file(path: Path) -> dict[str, dict[str, dict[str, dict]]]:
    """Every shard of a TinyDB journal file, read through a copy so the file is never touched.

    Reusing :class:`bot.store.journal.Journal` keeps the reading rules (torn last
    line skipped, deletions replayed) identical to the bot's; only it compacts
    what it loads, hence the copy.
    """
    from bot.store.journal import Journal

    if not path.is_file():
        raise DbCommandError(f"{path} is not a file: give the TinyDB file, e.g. ./data/partner-coach.json.")
    with tempfile.TemporaryDirectory(prefix="partner-coach-import-") as tmp:
        copy = Path(tmp) / "copy.json"
        shutil.copyfile(path, copy)
        journal = Journal(copy)
        try:
            return journal.load()
        finally:
            journal.close()


def _rows(shards: dict[str, dict[str, dict[str, dict]]]) -> Iterator[dict]:
    for shard, kinds in shards.items():
        team, _, channel = shard.partition("/")
        for kind, docs in kinds.items():
            # Journal order is insertion order, so the new seq values keep find()'s order.
            for key, doc in docs.items():
                yield {"workspace": team, "channel_id": channel, "kind": kind, "key": str(key), "doc": doc}


def import_shards(engine, shards: dict[str, dict[str, dict[str, dict]]]) -> tuple[int, int]:
    """Insert every document not already present, one transaction per channel;
    (inserted, already there). A run that stops halfway is finished by running it again."""
    from sqlalchemy.dialects.postgresql import insert

    from bot.store import Scope
    from bot.store.postgres_store import bump_revisions, documents, lock_scopes

    by_scope: dict[Scope, list[dict]] = {}
    for row in _rows(shards):
        by_scope.setdefault(Scope(row["workspace"], row["channel_id"]), []).append(row)
    inserted = total = 0
    for scope, rows in by_scope.items():
        total += len(rows)
        with engine.begin() as conn:
            # Like the store's writers: hold the channel while writing it and give it a new
            # revision, so running bots drop what they derived from it before. (One channel
            # per transaction: a lock per channel in one transaction would run out of
            # PostgreSQL's lock table on a big workspace.)
            lock_scopes(conn, [scope])
            for start in range(0, len(rows), 1000):
                batch = rows[start : start + 1000]
                stmt = insert(documents).values(batch).on_conflict_do_nothing().returning(documents.c.seq)
                inserted += len(conn.execute(stmt).all())
            bump_revisions(conn, [scope])
    return inserted, total - inserted


def _import(args: argparse.Namespace) -> int:
    from bot.store.migrations import upgrade

    shards = read_tinydb_file(args.tinydb_file)
    engine = _engine()
    try:
        upgrade(engine)
        inserted, present = import_shards(engine, shards)
    finally:
        engine.dispose()
    print(
        f"imported {inserted} records from {args.tinydb_file} ({len(shards)} channels); "
        f"{present} were already in PostgreSQL and were left as they are"
    )
    return 0
