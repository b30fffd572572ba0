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
  connection, so it sees its own uncommitted writes and commits them together;
* every write also gives its scope a new number in ``scope_revisions``, in the same
  transaction, so any process can cache what it derives from a scope and check it
  with :meth:`PostgresStore.revision` (one tiny read, or none inside a transaction);
  the store itself keeps what a transaction read or wrote for the next transaction
  that finds the scope at the revision the first one committed.

The table's ``seq`` column (a BIGSERIAL) gives ``find()`` the insertion order
the TinyDB store has; an upsert keeps a document's original position.

Round trips are what a request pays for here, so the store talks to psycopg directly:
a read outside a transaction is one autocommit statement; a transaction sends BEGIN,
the lock and the revision as one message, and queues writes whose result nobody waits
for until its next statement or its COMMIT (docs/performance.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg
import sqlalchemy as sa
from psycopg.types.json import Jsonb
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import PoolProxiedConnection

from bot.store.base import Doc, Scope, clone_doc, read_modify_write
from bot.store.lock import DatabaseLocked

metadata = sa.MetaData()
T = TypeVar("T")

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


#: One number per channel that changes whenever the channel's records are written
#: (migration 0003): see :meth:`PostgresStore.revision`.
scope_revisions = sa.Table(
    "scope_revisions",
    metadata,
    sa.Column("workspace", sa.Text, primary_key=True),
    sa.Column("channel_id", sa.Text, primary_key=True),
    sa.Column("revision", sa.BigInteger, nullable=False),
)

# The store's statements, written out once. Building SQLAlchemy expressions and finding
# their compiled form per call cost more CPU than PostgreSQL spent running them, so the
# store talks to psycopg directly (docs/performance.md).
_SCOPE = "workspace = %(w)s AND channel_id = %(c)s"
_GET = f"SELECT doc FROM documents WHERE {_SCOPE} AND kind = %(k)s AND key = %(key)s"
_FIND = f"SELECT doc FROM documents WHERE {_SCOPE} AND kind = %(k)s ORDER BY seq"
_RECORDS = f"SELECT kind, key, doc FROM documents WHERE {_SCOPE} ORDER BY seq"
_SCOPES = ("SELECT workspace, channel_id FROM documents {where} "
           "GROUP BY workspace, channel_id ORDER BY min(seq)")
_REVISION = f"SELECT revision FROM scope_revisions WHERE {_SCOPE}"
_INSERT = ("INSERT INTO documents (workspace, channel_id, kind, key, doc) "
           "VALUES (%(w)s, %(c)s, %(k)s, %(key)s, %(doc)s) ")
# DO UPDATE keeps the row, and so its seq: a replaced document keeps its place.
_PUT = _INSERT + "ON CONFLICT (workspace, channel_id, kind, key) DO UPDATE SET doc = EXCLUDED.doc"
# RETURNING says for sure whether this call inserted.
_ADD_ONCE = _INSERT + "ON CONFLICT DO NOTHING RETURNING seq"
_DELETE = f"DELETE FROM documents WHERE {_SCOPE} AND kind = %(k)s AND key = %(key)s"
_DELETE_OLDER = f"DELETE FROM documents WHERE {_SCOPE} AND kind = %(k)s AND doc ->> %(field)s < %(before)s"
# hashtext() collisions only make two scopes share a lock: slower, never wrong.
_LOCK = "SELECT pg_advisory_xact_lock(hashtext(%(key)s))"
# A statement of its own after the lock: under READ COMMITTED it then sees what the
# lock's previous holder committed. A block of new numbers is drawn now, used if we write.
_HELD = f"SELECT (SELECT revision FROM scope_revisions WHERE {_SCOPE}), nextval('scope_revision_seq')"
_BUMP = (
    "INSERT INTO scope_revisions (workspace, channel_id, revision) VALUES (%(w)s, %(c)s, %(r)s) "
    "ON CONFLICT (workspace, channel_id) DO UPDATE SET revision = EXCLUDED.revision"
)


def _scope(scope: Scope, **more: Any) -> dict[str, Any]:
    return {"w": scope.workspace, "c": scope.channel_id, **more}


def bump_revisions(conn: Connection, scopes: Iterable[Scope]) -> None:
    """Give ``scopes`` new revisions, for a writer outside the store (``db import``): call it
    in the transaction that wrote them, after taking their locks with :func:`lock_scopes`."""
    for scope in scopes:
        conn.exec_driver_sql(_BUMP.replace("%(r)s", "nextval('scope_revision_seq')"), _scope(scope))


def lock_scopes(conn: Connection, scopes: Iterable[Scope]) -> None:
    """Take the scopes' advisory locks in this transaction, as the store's writers do."""
    for scope in scopes:
        conn.exec_driver_sql(_LOCK, {"key": _lock_key(scope)})


def _lock_key(scope: Scope) -> str:
    return f"{scope.workspace}/{scope.channel_id}"


#: Scopes whose documents the store remembers between transactions, and the most
#: documents it remembers of one scope.
KNOWN_SCOPES = 1024
KNOWN_DOCS = 64
#: Revision numbers a transaction draws at once (the sequence's increment, migration 0003).
REVISION_BLOCK = 65_536


@dataclass
class _Held:
    """A scope whose lock the transaction holds."""

    current: int | None  # its revision when the lock was taken (None: never written since 0003)
    free: int  # the next unused number of the transaction's block for this scope
    left: int = REVISION_BLOCK  # how many the block has left
    latest: int | None = None  # its revision after this transaction's last write to it
    # Documents as they are now in this transaction ((kind, key) -> doc, None: absent):
    # what it read or wrote, plus what a transaction of this process left at ``current``.
    docs: dict[tuple[str, str], Doc | None] = field(default_factory=dict)

    @property
    def revision(self) -> int | None:
        return self.latest if self.latest is not None else self.current


class _Transaction:
    """One transaction on one pooled connection (in autocommit mode: BEGIN and COMMIT are
    sent as statements, each batched with other statements into one round trip).

    Writes whose result nobody waits for (``put``) are queued and sent with the next
    statement, or with the COMMIT: a give's transaction is three round trips.
    """

    def __init__(self, connection: psycopg.Connection,
                 known: Callable[[Scope, int | None], dict[tuple[str, str], Doc | None]]) -> None:
        self.connection = connection
        self._known = known
        # Client-side binding: several statements, parameters included, in one message.
        self.cursor = psycopg.ClientCursor(connection)
        self.held: dict[Scope, _Held] = {}
        self.queued: list[str] = []

    def statement(self, sql: str, params: dict[str, Any]) -> str:
        """``sql`` with its parameters quoted in (by psycopg, as literals)."""
        return self.cursor.mogrify(sql, params)

    def send(self, *statements: str) -> psycopg.ClientCursor:
        """The queued writes and ``statements`` in one round trip; the cursor is on the last result."""
        batch, self.queued = [*self.queued, *statements], []
        self.cursor.execute("; ".join(batch))
        while self.cursor.nextset():
            pass
        return self.cursor

    def hold(self, scope: Scope, *, begin: bool = False) -> _Held:
        """Take the scope's lock (once per transaction) and read its revision."""
        held = self.held.get(scope)
        if held is None:
            statements = ["BEGIN"] if begin else []
            statements += [self.statement(_LOCK, {"key": _lock_key(scope)}),
                           self.statement(_HELD, _scope(scope))]
            current, block = self.send(*statements).fetchone()  # type: ignore[misc]
            held = self.held[scope] = _Held(current, block, docs=self._known(scope, current))
        return held

    def wrote(self, scope: Scope) -> None:
        """Give the scope the next revision: every write changes it, as on TinyDB, so what
        is derived from the scope between two writes of one transaction is told apart."""
        held = self.held[scope]
        if not held.left:  # a transaction of 65,536 writes: draw another block
            row = self.send("SELECT nextval('scope_revision_seq')").fetchone()
            held.free, held.left = int(row[0]), REVISION_BLOCK  # type: ignore[index]
        held.latest, held.free, held.left = held.free, held.free + 1, held.left - 1

    def commit(self) -> None:
        bumps = [self.statement(_BUMP, _scope(scope, r=held.latest))
                 for scope, held in self.held.items() if held.latest is not None]
        self.send(*bumps, "COMMIT")


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
            # For the others on this database: the scheduler election's one connection and,
            # with the OAuth install, Bolt's installation look-ups.
            self._engine = make_engine(url_or_engine, pool_size=2, max_overflow=8)
        # The store's own pool (10 plus 10 overflow: a worker's 8 request threads, Bolt's
        # listener threads, the scheduler), without SQLAlchemy's ping before every checkout:
        # that ping was one more round trip per statement. A connection that died while
        # pooled is noticed on its first statement instead, and replaced (see _fresh).
        if isinstance(self._engine.pool, sa.NullPool):
            self._pool = make_engine(self._engine.url, pool_pre_ping=False, poolclass=sa.NullPool)
        else:
            self._pool = make_engine(self._engine.url, pool_pre_ping=False, max_overflow=10)
        # The transaction(scope) this thread is inside, if any.
        self._local = threading.local()
        # Scope -> (revision, documents): what transactions of this process read or wrote in
        # the scope, as of the revision they committed. A transaction that finds the scope
        # still at that revision when it takes the lock starts from these documents instead
        # of reading them again (a give's counter, a nudge log). Reads outside transactions
        # never use it: only the lock makes "still at that revision" stay true.
        self._known: OrderedDict[Scope, tuple[int, dict[tuple[str, str], Doc | None]]] = OrderedDict()
        self._known_lock = threading.Lock()
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

    def _fresh(self, first: Callable[[psycopg.Connection], T]) -> tuple[PoolProxiedConnection, T]:
        """A pooled connection and the result of ``first`` (its first round trip) on it.

        After PostgreSQL restarted, pooled connections are dead. The first statement on one
        fails, and nothing it sent can have taken effect (a read, or a transaction that never
        committed), so the pool is emptied and ``first`` runs once more on a new connection.
        """
        for attempt in range(2):
            pooled = self._pool.raw_connection()
            connection: psycopg.Connection = pooled.driver_connection  # type: ignore[assignment]
            connection.autocommit = True  # transactions are explicit BEGIN … COMMIT
            try:
                return pooled, first(connection)
            except psycopg.OperationalError:
                dead = connection.broken or connection.closed
                self._release(pooled)
                if not dead or attempt:
                    raise
                self._pool.dispose()
            except BaseException:
                self._release(pooled)
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _release(pooled: PoolProxiedConnection) -> None:
        connection: psycopg.Connection = pooled.driver_connection  # type: ignore[assignment]
        if connection.broken or connection.closed:
            pooled.invalidate()
        elif connection.pgconn.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            try:
                connection.rollback()
            except psycopg.Error:
                pooled.invalidate()
        pooled.close()

    def _known_at(self, scope: Scope, revision: int | None) -> dict[tuple[str, str], Doc | None]:
        """A copy of the documents known in ``scope`` at ``revision`` (empty if none are)."""
        with self._known_lock:
            known = self._known.get(scope)
            if known is None or revision is None or known[0] != revision:
                return {}
            self._known.move_to_end(scope)
            return dict(known[1])  # documents are never changed in place: copy the mapping only

    def _remember(self, tx: _Transaction) -> None:
        """After ``tx`` committed: what it knows of each scope it held, as of the revision the
        scope has now."""
        with self._known_lock:
            for scope, held in tx.held.items():
                if held.revision is None or not held.docs or len(held.docs) > KNOWN_DOCS:
                    self._known.pop(scope, None)
                    continue
                self._known[scope] = (held.revision, held.docs)
                self._known.move_to_end(scope)
            while len(self._known) > KNOWN_SCOPES:
                self._known.popitem(last=False)

    def _tx(self) -> _Transaction | None:
        return getattr(self._local, "tx", None)

    def _read(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Rows of one query: inside this thread's transaction (after its queued writes), else
        on its own in autocommit (one round trip, a statement psycopg prepares once)."""
        tx = self._tx()
        if tx is not None:
            return tx.send(tx.statement(sql, params)).fetchall()
        pooled, rows = self._fresh(lambda connection: connection.execute(sql, params).fetchall())
        self._release(pooled)
        return rows

    @contextmanager
    def _writing(self, scope: Scope) -> Iterator[_Transaction]:
        """This thread's transaction holding ``scope``; a transaction of its own if there is none."""
        tx = self._tx()
        if tx is not None:
            tx.hold(scope)
            yield tx
            return
        with self.transaction(scope):
            yield self._tx()  # type: ignore[misc]

    # -- Store -----------------------------------------------------------------

    def get(self, scope: Scope, kind: str, key: str) -> Doc | None:
        tx = self._tx()
        held = tx.held.get(scope) if tx is not None else None
        if held is None:
            rows = self._read(_GET, _scope(scope, k=kind, key=key))
            return rows[0][0] if rows else None
        if (kind, key) not in held.docs:
            rows = self._read(_GET, _scope(scope, k=kind, key=key))
            held.docs[(kind, key)] = rows[0][0] if rows else None
        doc = held.docs[(kind, key)]
        return clone_doc(doc) if doc is not None else None

    def find(
        self, scope: Scope, kind: str, where: Callable[[Doc], bool] | None = None
    ) -> list[Doc]:
        docs = [row[0] for row in self._read(_FIND, _scope(scope, k=kind))]
        return [d for d in docs if where is None or where(d)]

    def put(self, scope: Scope, kind: str, key: str, doc: Doc) -> None:
        with self._writing(scope) as tx:
            # Nobody waits for its result: it goes with the transaction's next round trip.
            tx.queued.append(tx.statement(_PUT, _scope(scope, k=kind, key=key, doc=Jsonb(doc))))
            tx.wrote(scope)
            tx.held[scope].docs[(kind, key)] = clone_doc(doc)

    def add_once(self, scope: Scope, kind: str, key: str, doc: Doc) -> bool:
        with self._writing(scope) as tx:
            inserted = tx.send(tx.statement(_ADD_ONCE, _scope(scope, k=kind, key=key, doc=Jsonb(doc))))
            if inserted.fetchone() is None:
                tx.held[scope].docs.pop((kind, key), None)  # there, as something we haven't read
                return False
            tx.wrote(scope)
            tx.held[scope].docs[(kind, key)] = clone_doc(doc)
            return True

    def note(self, scope: Scope, kind: str, key: str, doc: Doc) -> bool:
        insert = _ADD_ONCE.replace("RETURNING seq", "RETURNING 1")
        params = _scope(scope, k=kind, key=key, doc=Jsonb(doc))
        tx = self._tx()
        if tx is not None:  # inside a transaction: inserted with it, the scope's lock not needed
            return tx.send(tx.statement(insert, params)).fetchone() is not None

        def insert_once(connection: psycopg.Connection) -> bool:
            # One round trip; the commit doesn't wait for the WAL flush (see Store.note).
            cursor = psycopg.ClientCursor(connection)
            cursor.execute("; ".join(["BEGIN", "SET LOCAL synchronous_commit TO OFF",
                                      cursor.mogrify(insert, params), "COMMIT"]))
            inserted = False
            while True:  # BEGIN, SET and COMMIT return no rows; the INSERT one or none
                if cursor.description is not None:
                    inserted = cursor.fetchone() is not None or inserted
                if not cursor.nextset():
                    return inserted

        pooled, inserted = self._fresh(insert_once)
        self._release(pooled)
        return inserted

    def update(
        self, scope: Scope, kind: str, key: str, change: Callable[[Doc | None], Doc | None]
    ) -> Doc | None:
        # The scope lock (not FOR UPDATE) because the row may not exist yet.
        with self.transaction(scope):
            return read_modify_write(self, scope, kind, key, change)

    def delete(self, scope: Scope, kind: str, key: str) -> bool:
        return self._delete(scope, _DELETE, _scope(scope, k=kind, key=key), kind, key) > 0

    def delete_older(self, scope: Scope, kind: str, field: str, before: str) -> int:
        """Delete the ``kind`` documents whose ISO-8601 ``field`` sorts before ``before``
        (one statement: housekeeping such as old event ids); how many were deleted."""
        return self._delete(scope, _DELETE_OLDER, _scope(scope, k=kind, field=field, before=before), kind)

    def _delete(self, scope: Scope, sql: str, params: dict[str, Any], kind: str, key: str | None = None
                ) -> int:
        with self._writing(scope) as tx:
            deleted = tx.send(tx.statement(sql, params)).rowcount
            held = tx.held[scope]
            if deleted:
                tx.wrote(scope)
                if key is None:  # which ones went, only PostgreSQL knows: forget the kind
                    held.docs = {k: v for k, v in held.docs.items() if k[0] != kind}
            if key is not None:
                held.docs[(kind, key)] = None
            return deleted

    def scopes(self, workspace: str | None = None) -> Iterator[Scope]:
        # Oldest scope first, like the TinyDB store's shard order.
        if workspace is None:
            rows = self._read(_SCOPES.format(where=""), {})
        else:
            rows = self._read(_SCOPES.format(where="WHERE workspace = %(w)s"), {"w": workspace})
        for key, channel in rows:
            yield Scope(key, channel)

    def records(self, scope: Scope) -> list[tuple[str, str, Doc]]:
        return [(kind, key, doc) for kind, key, doc in self._read(_RECORDS, _scope(scope))]

    def revision(self, scope: Scope) -> int | None:
        """The scope's number in ``scope_revisions``, which every write to the scope changes
        in the same transaction, whichever process writes (None: nothing written since the
        table was added). Inside this thread's transaction holding the scope, the number its
        writes so far give it, without asking PostgreSQL: the lock keeps others out."""
        tx = self._tx()
        held = tx.held.get(scope) if tx is not None else None
        if held is not None:
            return held.revision
        rows = self._read(_REVISION, _scope(scope))
        return int(rows[0][0]) if rows else None

    @contextmanager
    def transaction(self, scope: Scope) -> Iterator[None]:
        """One database transaction holding the scope's advisory lock until commit.

        Nested calls on the same thread join the outer transaction (taking the
        inner scope's lock too); everything commits, or rolls back, together.
        """
        tx = self._tx()
        if tx is not None:
            tx.hold(scope)
            yield
            return

        def begin(connection: psycopg.Connection) -> _Transaction:
            tx = _Transaction(connection, self._known_at)
            tx.hold(scope, begin=True)  # BEGIN, the lock and the revision: one round trip
            return tx

        pooled, tx = self._fresh(begin)
        self._local.tx = tx
        try:
            yield
            tx.commit()  # the queued writes, the revisions and COMMIT: one round trip
            self._remember(tx)
        finally:
            self._local.tx = None
            self._release(pooled)  # rolls back whatever did not commit

    def close(self) -> None:
        self._pool.dispose()
        self._engine.dispose()
