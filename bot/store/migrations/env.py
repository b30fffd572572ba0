"""Alembic environment: run migrations on the connection we are given (or one from the URL)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from bot.store.postgres_store import make_engine, metadata

# An arbitrary constant: two `db upgrade`s started at once (several dynos' release
# phase, say) queue here instead of both trying to create the table.
MIGRATION_LOCK = 7_202_611


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=False)
    with context.begin_transaction():
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "", poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():  # pragma: no cover - we never generate SQL scripts
    raise SystemExit("partner-coach migrations run online only: use `partner-coach db upgrade`.")
run_migrations_online()
