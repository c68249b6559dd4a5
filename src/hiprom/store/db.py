"""Open the store: the database URL, the engine, migrations to the newest schema.

``open_store()`` uses, in order: the ``url`` argument, ``$HIPROM_DB``, or a
SQLite file in the user's data directory (created on first use). Any
SQLAlchemy URL works; tested on SQLite and PostgreSQL
(``postgresql+psycopg://user@host/db``, extra ``hiprom[postgres]``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hiprom.errors import StoreError

__all__ = ["Store", "default_url", "open_store", "sqlite_file"]

MIGRATIONS = Path(__file__).with_name("migrations")
# Alembic keeps its running context in module globals: one migration at a time per process, and
# each database URL is brought up to date once per process
_MIGRATE_LOCK = threading.Lock()
_MIGRATED: set[str] = set()


def default_url() -> str:
    """``$HIPROM_DB`` or ``sqlite:///<user data dir>/hiprom.sqlite3``."""
    if env := os.environ.get("HIPROM_DB"):
        return env
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('hiprom', appauthor=False)) / 'hiprom.sqlite3'}"


@dataclass(frozen=True)
class Store:
    """An open store: the engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error."""
        try:
            with self.sessions.begin() as session:
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(f"the store ({self.safe_url}) could not be written: {_reason(exc)}") from exc

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer (web app, workers)
    cursor.close()


def _sqlite_path(parsed) -> Path | None:
    """The file of a parsed SQLite URL (None: another database, or in memory)."""
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def sqlite_file(url: str | None = None) -> Path | None:
    """The file a store URL (default: :func:`default_url`) keeps its SQLite database in; None for
    another database, an in-memory one, or a malformed URL (:func:`open_store` says what is wrong)."""
    try:
        return _sqlite_path(make_url(url or default_url()))
    except ArgumentError:
        return None


def open_store(url: str | None = None) -> Store:
    """Connect and bring the schema up to date (Alembic ``upgrade head``).

    Raises
    ------
    StoreError
        The URL is malformed, the server is unreachable or the file cannot be
        created.
    """
    url = url or default_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} (e.g. sqlite:///path/hiprom.sqlite3)") from exc
    if (db_file := _sqlite_path(parsed)) is not None:
        try:
            db_file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store's folder for {parsed.database}: {exc}") from exc
    try:
        engine = create_engine(parsed)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use {parsed.render_as_string(hide_password=True)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(url, engine, sessionmaker(engine, expire_on_commit=False))
    try:
        _migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot open the store {store.safe_url}: {_reason(exc)}") from exc
    return store


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    key = engine.url.render_as_string(hide_password=False)
    with _MIGRATE_LOCK:
        if key in _MIGRATED and engine.url.database not in (None, "", ":memory:"):
            return
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        _MIGRATED.add(key)
