"""Alembic migrations for the PostgreSQL store, configured in code (no alembic.ini, no cwd).

Run them with ``partner-coach db upgrade``; :func:`upgrade` is the same thing from Python.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

HERE = Path(__file__).resolve().parent


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config pointing at this package; with a connection, migrations run on it."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(HERE / "versions"))
    if url is not None:
        # ConfigParser interpolation: a literal % in a password must be doubled.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest)."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (for rolling a release back)."""
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def head_revision() -> str | None:
    """The newest revision this code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at (None before the first upgrade)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
