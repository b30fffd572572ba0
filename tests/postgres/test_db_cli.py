"""`partner-coach db upgrade | import` and DATABASE_URL, against a real PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.config import ConfigError, Settings, database_url_from_env
from bot.store import Scope, TinyDBStore
from bot.store.migrations import current_revision, downgrade, head_revision, upgrade
from bot.store.postgres_store import DatabaseNotReady, PostgresStore, make_engine
from tests.postgres.support import postgres_for_tests

ENV = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "0123456789abcdef0123"}


@pytest.fixture
def empty_url():
    with postgres_for_tests().empty_schema() as url:
        yield url


def test_upgrade_creates_the_schema_and_is_idempotent(empty_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", empty_url)
    assert main(["db", "upgrade"]) == 0
    assert "upgraded from empty to revision" in capsys.readouterr().out
    engine = make_engine(empty_url, poolclass=sa.NullPool)
    assert current_revision(engine) == head_revision()
    engine.dispose()
    assert main(["db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out
    PostgresStore(empty_url).close()  # the store accepts the migrated schema


def test_an_older_schema_is_refused_until_upgraded_and_its_rows_survive(empty_url, monkeypatch, capsys):
    engine = make_engine(empty_url, poolclass=sa.NullPool)
    upgrade(engine, "0001")  # the first release's schema, with a record in it
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO documents (team_id, channel_id, kind, key, doc) "
                             "VALUES ('T1', 'C1', 'commitment', '1', '{\"what\": \"pilot\"}')"))
    with pytest.raises(DatabaseNotReady, match="at revision 0001, this release needs .*db upgrade"):
        PostgresStore(empty_url)
    monkeypatch.setenv("DATABASE_URL", empty_url)
    assert main(["db", "upgrade"]) == 0
    store = PostgresStore(empty_url)
    try:
        assert store.get(Scope("T1", "C1"), "commitment", "1") == {"what": "pilot"}
    finally:
        store.close()
    upgrade_to = current_revision(engine)
    downgrade(engine, "0001")  # and back, for a rollback
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT team_id FROM documents")).scalar() == "T1"
    assert upgrade_to == head_revision()
    engine.dispose()


def test_import_copies_a_tinydb_file_without_touching_it(empty_url, tmp_path, monkeypatch, capsys):
    path = tmp_path / "db.json"
    tiny = TinyDBStore(path)
    for i in range(30):
        tiny.put(Scope("T1", f"C{i % 3}"), "commitment", f"k{i}", {"i": i, "text": "give 🤝 <@U1>"})
    tiny.put(Scope("T2", "_team"), "settings", "tz", {"tz": "Asia/Tokyo"})
    tiny.delete(Scope("T1", "C0"), "commitment", "k0")
    tiny.close()
    before = path.read_bytes()
    monkeypatch.setenv("DATABASE_URL", empty_url)

    assert main(["db", "import", str(path)]) == 0
    assert "imported 30 records" in capsys.readouterr().out
    assert path.read_bytes() == before

    pg, again = PostgresStore(empty_url), TinyDBStore(path)
    try:
        # Imported channels have revisions: a running bot drops what it cached about them.
        assert all(pg.revision(scope) is not None for scope in again.scopes())
        assert set(pg.scopes()) == set(again.scopes())
        for scope in again.scopes():
            assert pg.find(scope, "commitment") == again.find(scope, "commitment")  # same order too
        assert pg.get(Scope("T2", "_team"), "settings", "tz") == {"tz": "Asia/Tokyo"}
        pg.put(Scope("T1", "C1"), "commitment", "k1", {"changed": True})
    finally:
        again.close()

    # A second import adds nothing and keeps what changed in PostgreSQL since.
    revision = pg.revision(Scope("T1", "C1"))
    assert main(["db", "import", str(path)]) == 0
    assert pg.revision(Scope("T1", "C1")) != revision
    assert "imported 0 records" in capsys.readouterr().out
    assert pg.get(Scope("T1", "C1"), "commitment", "k1") == {"changed": True}
    pg.close()


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["db", "upgrade"], {}, "DATABASE_URL is not set"),
        (["db", "upgrade"], {"DATABASE_URL": "mysql://u:pw@h/d"}, "DATABASE_URL is malformed"),
        (["db", "upgrade"], {"DATABASE_URL": "postgresql://u:hunter2@127.0.0.1:1/d"}, "not reachable"),
        (["db", "import", "/nonexistent/db.json"], {"DATABASE_URL": "postgresql://u@h/d"}, "is not a file"),
    ],
)
def test_errors_are_one_line_and_exit_2(argv, env, message, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "hunter2" not in err and "pw@" not in err


def test_db_help_texts(capsys):
    for argv in (["db", "--help"], ["db", "upgrade", "--help"], ["db", "import", "--help"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
        assert "DATABASE_URL" in capsys.readouterr().out


def test_database_url_setting_is_validated_and_normalised():
    assert database_url_from_env({}) is None
    assert database_url_from_env({"DATABASE_URL": "postgresql://u:p@h/d"}) == "postgresql+psycopg://u:p@h/d"
    assert database_url_from_env({"DATABASE_URL": "postgres://u:p@h/d"}) == "postgresql+psycopg://u:p@h/d"
    with pytest.raises(ConfigError, match="DATABASE_URL is malformed") as info:
        database_url_from_env({"DATABASE_URL": "sqlite:///secret-path"})
    assert "secret-path" not in str(info.value)
    settings = Settings.from_env({**ENV, "DATABASE_URL": "postgresql://u:p%40ss@h/d"})
    assert settings.database_url == "postgresql+psycopg://u:p%40ss@h/d"
    assert "p%40ss" in settings.secrets() and "p@ss" in settings.secrets()
    assert "p%40ss" not in repr(settings)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        Settings.from_env({**ENV, "DATABASE_URL": "mysql://x"})


def test_runtime_uses_postgres_when_database_url_is_set(monkeypatch, tmp_path):
    from bot.runtime import open_store

    db = postgres_for_tests()
    env = {**ENV, "DATABASE_URL": db.url, "PARTNER_COACH_DB": str(tmp_path / "x.json")}
    settings = Settings.from_env(env)
    store = open_store(settings)
    try:
        assert isinstance(store, PostgresStore)
        assert not (tmp_path / "x.json.lock").exists()  # no TinyDB process lock with PostgreSQL
    finally:
        store.close()
    tiny = open_store(Settings.from_env({**ENV, "PARTNER_COACH_DB": str(tmp_path / "y.json")}))
    assert isinstance(tiny, TinyDBStore)
    tiny.close()
