"""The scale-out store: every document in one PostgreSQL table.

Chosen when ``DATABASE_URL`` is set. Unlike the TinyDB store, several processes
(web workers on several machines) may share one database, so everything that
must be atomic is made atomic *in PostgreSQL*, not in this process:

* every write takes a per-scope transaction-level advisory lock
  (``pg_advisory_xact_lock(hashtext(workspace/channel))``) before touching rows, so
  :meth:`PostgresStore.transaction` really holds the scope exclusively against
  writers in other processes, and ``update()`` (read, change, write) cannot
  lose a concurrent update — not even when the row does not exist yet, which a
  plain ``SELECT … FOR UPDATE`` could not lock;
* reads are plain MVCC reads and take no lock;
* inside ``transaction(scope)`` every call on the same thread uses the same
  connection, so it sees its own uncommitted writes and commits them together.

The table's ``seq`` column (a BIGSERIAL) gives ``find()`` the insertion order
the TinyDB store has; an upsert keeps a document's original position.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.engine import Connection, Engine

from bot.store.base import Doc, Scope, read_modify_write
from bot.store.lock import DatabaseLocked

metadata = sa.MetaData()

#: The single table; the Alembic revision creates exactly this.
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True),
    sa.Column("channel_id", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("doc", JSONB, nullable=False),
    sa.Column("seq", sa.BigInteger, sa.Identity(always=False), nullable=False),
)


class DatabaseNotReady(DatabaseLocked):
    """PostgreSQL is unreachable or its schema is missing.

    A subclass of :class:`DatabaseLocked` on purpose: ``serve`` already turns
    that into one line on stderr and exit code 2, which is what a missing
    migration or a wrong ``DATABASE_URL`` deserves too.
    """


def normalise_url(url: str) -> str:
    """Make ``postgresql://`` (and Heroku's ``postgres://``) use the psycopg 3 driver.

    SQLAlchemy's bare ``postgresql://`` means psycopg2, which we do not install.
    """
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError("expected a postgresql:// URL")


def safe_url(url: str | sa.URL) -> str:
    """The URL with its password masked, for messages."""
    return sa.make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | sa.URL, **options: Any) -> Engine:
    """An engine sized for one bot process (web threads + scheduler + Bolt's worker pool)."""
    if isinstance(url, str):
        url = normalise_url(url)
    settings: dict[str, Any] = {
        "pool_size": 10,
        "max_overflow": 20,
        # Connections die when PostgreSQL restarts or a proxy drops idle ones;
        # checking on checkout turns that into a reconnect instead of a failed request.
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": 10},
    }
    settings.update(options)
    if settings.get("poolclass") is sa.NullPool:
        # One-shot engines (migrations, imports, tests) keep no pool to size.
        settings.pop("pool_size")
        settings.pop("max_overflow")
    return sa.create_engine(url, **settings)


def _scope_lock(conn: Connection, scope: Scope) -> None:
    # hashtext() collisions only make two scopes share a lock: slower, never wrong.
    conn.execute(
        sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
        {"k": f"{scope.workspace}/{scope.channel_id}"},
    )


def _where(scope: Scope, kind: str, key: str | None = None) -> list[sa.ColumnElement[bool]]:
    clauses = [
        documents.c.workspace == scope.workspace,
        documents.c.channel_id == scope.channel_id,
        documents.c.kind == kind,
    ]
    if key is not None:
        clauses.append(documents.c.key == key)
    return clauses


def unreachable(engine: Engine, exc: sa.exc.OperationalError) -> str:
    """One line saying the database can't be reached and why (never the password)."""
    reason = str(exc.orig or exc).strip().splitlines()[0]
    return (f"DATABASE_URL {safe_url(engine.url)} is not reachable ({reason}); check the URL and "
            "that PostgreSQL is running.")


class PostgresStore:
    """:class:`bot.store.base.Store` on PostgreSQL; safe to share between threads and processes."""

    def __init__(self, url_or_engine: str | sa.URL | Engine, *, check_schema: bool = True) -> None:
        if isinstance(url_or_engine, Engine):
            self._engine = url_or_engine
        else:
            self._engine = make_engine(url_or_engine)
        # The connection of the transaction(scope) this thread is inside, if any.
        self._local = threading.local()
        if check_schema:
            self._check_schema()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (shared with other database-backed parts of the bot)."""
        return self._engine

    def _check_schema(self) -> None:
        where = safe_url(self._engine.url)
        try:
            with self._engine.connect() as conn:
                found = conn.execute(sa.text("SELECT to_regclass('documents')")).scalar()
        except sa.exc.OperationalError as exc:
            raise DatabaseNotReady(unreachable(self._engine, exc)) from None
        if found is None:
            raise DatabaseNotReady(
                f"DATABASE_URL {where} has no partner-coach schema yet: run `partner-coach db upgrade`."
            )
        # An older schema would fail on the first query (a renamed column), a newer one may
        # mean this is an old release rolled back onto a migrated database.
        from bot.store import migrations

        at, expected = migrations.current_revision(self._engine), migrations.head_revision()
        if at != expected:
            raise DatabaseNotReady(
                f"DATABASE_URL {where} has the partner-coach schema at revision {at}, this release "
                f"needs {expected}: run `partner-coach db upgrade` (with this release)."
            )

    # -- connections -----------------------------------------------------------

    @contextmanager
    def _conn(self, scope: Scope | None = None) -> Iterator[Connection]:
        """A connection in a transaction: this thread's open one, or a new one committed at the end.

        With ``scope``, the scope's advisory lock is taken first (re-entrant within a session).
        """
        current: Connection | None = getattr(self._local, "conn", None)
        if current is not None:
            if scope is not None and scope not in self._local.locked:
                # The lock lasts until the transaction ends: take it once, not per statement
                # (a give used to spend three of its eight round trips re-taking it).
                _scope_lock(current, scope)
                self._local.locked.add(scope)
            yield current
            return
        with self._engine.begin() as conn:
            if scope is not None:
                _scope_lock(conn, scope)
            yield conn

    # -- Store -----------------------------------------------------------------

    def get(self, scope: Scope, kind: str, key: str) -> Doc | None:
        with self._conn() as conn:
            doc = conn.execute(sa.select(documents.c.doc).where(*_where(scope, kind, key))).scalar()
        return doc

    def find(
        self, scope: Scope, kind: str, where: Callable[[Doc], bool] | None = None
    ) -> list[Doc]:
        with self._conn() as conn:
            docs = list(
                conn.execute(
                    sa.select(documents.c.doc).where(*_where(scope, kind)).order_by(documents.c.seq)
                ).scalars()
            )
        return [d for d in docs if where is None or where(d)]

    def put(self, scope: Scope, kind: str, key: str, doc: Doc) -> None:
        stmt = insert(documents).values(
            workspace=scope.workspace, channel_id=scope.channel_id, kind=kind, key=key, doc=doc
        )
        # DO UPDATE keeps the row, and so its seq: a replaced document keeps its place.
        stmt = stmt.on_conflict_do_update(
            index_elements=[documents.c.workspace, documents.c.channel_id, documents.c.kind, documents.c.key],
            set_={"doc": stmt.excluded.doc},
        )
        with self._conn(scope) as conn:
            conn.execute(stmt)

    def add_once(self, scope: Scope, kind: str, key: str, doc: Doc) -> bool:
        stmt = (
            insert(documents)
            .values(workspace=scope.workspace, channel_id=scope.channel_id, kind=kind, key=key, doc=doc)
            .on_conflict_do_nothing()
            # RETURNING says for sure whether this call inserted (rowcount is not reliable here).
            .returning(documents.c.seq)
        )
        with self._conn(scope) as conn:
            return conn.execute(stmt).scalar() is not None

    def update(
        self, scope: Scope, kind: str, key: str, change: Callable[[Doc | None], Doc | None]
    ) -> Doc | None:
        # The scope lock (not FOR UPDATE) because the row may not exist yet.
        with self.transaction(scope):
            return read_modify_write(self, scope, kind, key, change)

    def delete(self, scope: Scope, kind: str, key: str) -> bool:
        with self._conn(scope) as conn:
            return conn.execute(sa.delete(documents).where(*_where(scope, kind, key))).rowcount > 0

    def delete_older(self, scope: Scope, kind: str, field: str, before: str) -> int:
        """Delete the ``kind`` documents whose ISO-8601 ``field`` sorts before ``before``
        (one statement: housekeeping such as old event ids); how many were deleted."""
        stmt = sa.delete(documents).where(
            *_where(scope, kind), documents.c.doc[field].astext < before
        )
        with self._conn(scope) as conn:
            return conn.execute(stmt).rowcount

    def scopes(self, workspace: str | None = None) -> Iterator[Scope]:
        stmt = sa.select(documents.c.workspace, documents.c.channel_id).group_by(
            documents.c.workspace, documents.c.channel_id
        )
        if workspace is not None:
            stmt = stmt.where(documents.c.workspace == workspace)
        # Oldest scope first, like the TinyDB store's shard order.
        stmt = stmt.order_by(sa.func.min(documents.c.seq))
        with self._conn() as conn:
            rows = conn.execute(stmt).all()
        for key, channel in rows:
            yield Scope(key, channel)

    def records(self, scope: Scope) -> list[tuple[str, str, Doc]]:
        stmt = sa.select(documents.c.kind, documents.c.key, documents.c.doc).where(
            documents.c.workspace == scope.workspace, documents.c.channel_id == scope.channel_id,
        ).order_by(documents.c.seq)
        with self._conn() as conn:
            return [(kind, key, doc) for kind, key, doc in conn.execute(stmt).all()]

    def revision(self, scope: Scope) -> None:
        """Always None: other processes write to the same database, so nothing is cached."""
        return None

    @contextmanager
    def transaction(self, scope: Scope) -> Iterator[None]:
        """One database transaction holding the scope's advisory lock until commit.

        Nested calls on the same thread join the outer transaction (taking the
        inner scope's lock too); everything commits, or rolls back, together.
        """
        if getattr(self._local, "conn", None) is not None:
            with self._conn(scope):
                yield
            return
        with self._engine.begin() as conn:
            _scope_lock(conn, scope)
            self._local.conn, self._local.locked = conn, {scope}
            try:
                yield
            finally:
                self._local.conn, self._local.locked = None, set()

    def close(self) -> None:
        self._engine.dispose()
