"""The workshop file: opening it, its schema version, transactions and the change feed.

SQLite by default (one file in the user's data folder), PostgreSQL (psycopg 3) with a
``postgresql://`` URL. Every write is one transaction (:meth:`Database.write`) that takes the
write lock up front (SQLite ``BEGIN IMMEDIATE``; PostgreSQL an advisory transaction lock);
the parts of the store check their rules (stage open, ownership) inside it and record what
they changed with :func:`changed`, so other kernels' live feeds notice it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from ..core.errors import StoreUnavailable
from . import schema as t
from .notify import ChangeListener, notify

__all__ = ["DB_ENV", "Database", "changed", "db_url", "default_db_url"]

DB_ENV = "CODESIGN_DB"
BUSY_TIMEOUT_MS = 5000
# The key of the PostgreSQL advisory lock every write transaction takes first ("cdsg").
WRITE_LOCK = 0x63647367
WRITE_WAIT_S = 10  # how long a PostgreSQL write waits for that lock before "busy, try again"


def db_url(value: str) -> str:
    """A database named by a person: a SQLAlchemy URL as given, a file path as SQLite.

    >>> db_url("postgresql://studio@localhost/workshops")
    'postgresql://studio@localhost/workshops'
    >>> db_url("/data/falls.db")
    'sqlite:////data/falls.db'
    """
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def default_db_url() -> str:
    """``$CODESIGN_DB`` if set (a URL, or a file path meaning SQLite: :func:`db_url`), else
    ``studio.db`` in the per-user data folder."""
    value = os.environ.get(DB_ENV, "").strip()
    if value:
        return db_url(value)
    import platformdirs  # only the CLI and analysts get here

    folder = Path(platformdirs.user_data_dir("codesign-studio", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'studio.db'}"


def _sqlite_path(url: sa.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database.removeprefix("file:"))


def _explain_postgres(text: str, where: str) -> str | None:
    if "does not exist" in text and "database" in text:
        return (
            f"There is no database at {where}: create it (`createdb NAME`, empty: the studio "
            "makes its tables) or check the database name in --db."
        )
    if "authentication failed" in text or "no password supplied" in text:
        return (
            f"PostgreSQL refused the login for {where}: check the user and password in the "
            "--db URL (or ~/.pgpass) and try again."
        )
    if "connection failed" in text or "could not connect" in text or "connection refused" in text:
        return (
            f"The PostgreSQL server for {where} cannot be reached: check that it is running "
            "and the host and port in --db, then try again; nothing was changed."
        )
    return None


def _explain(exc: Exception, where: str) -> StoreUnavailable:
    text = str(exc).lower()
    postgres = _explain_postgres(text, where) if where.startswith("postgresql") else None
    if postgres:
        msg = postgres
    elif "readonly" in text or "read-only" in text:
        msg = (
            f"The workshop file {where} is read-only, so nothing can be saved. Make it "
            "writable (or copy it to a folder you can write to) and start again."
        )
    elif any(word in text for word in ("locked", "busy", "timed out", "lock timeout")):
        msg = (
            f"The workshop file {where} is busy: another program is holding it. Close that "
            "program (or wait a moment) and try again; this action was not saved."
        )
    elif "not a database" in text or "malformed" in text:
        msg = (
            f"{where} is not a workshop file (or it is damaged). Check the --db path; "
            "if it was a workshop file, restore it from your backup."
        )
    elif "unable to open" in text:
        msg = (
            f"The workshop file {where} cannot be opened: check that its folder exists "
            "and that you may write to it."
        )
    else:
        msg = f"The workshop file {where} could not be used ({exc}). Nothing was changed."
    return StoreUnavailable(msg)


def _driver_missing(url: sa.URL) -> StoreUnavailable:
    backend = url.get_backend_name()
    if backend == "postgresql":
        msg = (
            "The PostgreSQL driver is not installed: run `pip install "
            "'codesign-widgets[postgres]'` (or `conda install -c conda-forge psycopg`) and "
            "start again."
        )
    else:
        msg = (
            f"The database driver for {url.drivername} is not installed: install it (see "
            "SQLAlchemy's list of dialects) or use a sqlite:/// or postgresql:// URL."
        )
    return StoreUnavailable(msg)


def _postgres_engine(url: sa.URL) -> sa.Engine:
    """PostgreSQL through psycopg 3: one connection per kernel, PgBouncer-safe, and every
    write transaction serialised by an advisory lock (see :data:`WRITE_LOCK`)."""
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    # Each kernel is one user: one connection, never more (a kernel does one thing at a time;
    # the live feed polls between cells). PgBouncer in transaction mode hands a server
    # connection to another client between transactions, so no server-side prepared
    # statements (prepare_threshold=None) and no session state is relied on.
    connect_args = {"prepare_threshold": None} if url.drivername.endswith("+psycopg") else {}
    try:
        engine = sa.create_engine(
            url,
            pool_size=1,
            max_overflow=0,
            pool_timeout=30,
            pool_pre_ping=True,
            connect_args=connect_args,
        )
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        raise _driver_missing(url) from exc

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised via every PostgreSQL test
        if conn.get_execution_options().get("codesign_write", False):
            # Like SQLite's BEGIN IMMEDIATE: one writer at a time, so every rule checked
            # inside a write holds until it commits, and changes commit in id order (the
            # live feed never sees a later change before an earlier one).
            # A writer that holds the lock and hangs makes the others give up after
            # WRITE_WAIT_S with "busy, try again", like SQLite's busy timeout.
            conn.exec_driver_sql(
                f"SET LOCAL lock_timeout = '{WRITE_WAIT_S}s'; "
                f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"
            )

    return engine


def make_engine(url: sa.URL) -> sa.Engine:
    """An engine for ``url``: on SQLite, WAL, a busy timeout and ``BEGIN IMMEDIATE`` for
    writes; on PostgreSQL, psycopg 3 with one connection and an advisory write lock."""
    if url.get_backend_name() == "postgresql":
        return _postgres_engine(url)
    if url.get_backend_name() != "sqlite":
        try:
            return sa.create_engine(url, pool_size=1, max_overflow=0, pool_pre_ping=True)
        except (ImportError, sa.exc.NoSuchModuleError) as exc:
            raise _driver_missing(url) from exc
    timeout_ms = BUSY_TIMEOUT_MS
    engine = sa.create_engine(url, connect_args={"timeout": timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised via every test
        # pysqlite's own BEGIN handling is off so we can emit BEGIN IMMEDIATE for writes.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        with contextlib.suppress(Exception):  # a read-only file cannot switch to WAL
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised via every test
        write = conn.get_execution_options().get("codesign_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def changed(conn: sa.Connection, workshop_id: int, *topics: str) -> None:
    """Record, inside the write transaction ``conn``, that ``topics`` of a workshop changed:
    the live feed of every kernel reads these rows. On PostgreSQL the transaction also
    notifies the workshop's channel with the newest change id (:mod:`.notify`)."""
    now = time.time()
    rows = [{"workshop_id": workshop_id, "topic": topic, "at": now} for topic in topics]
    if conn.dialect.name != "postgresql":
        conn.execute(sa.insert(t.changes), rows)
        return
    # PostgreSQL: also wake the listening projectors, on commit, with the newest id only.
    ids = conn.execute(sa.insert(t.changes).values(rows).returning(t.changes.c.id)).scalars()
    notify(conn, workshop_id, max(ids))


class Database:
    """The workshop file: open it with :meth:`open`, read and write in transactions.

    Safe to use from many kernels (processes) at once: every write is one transaction that
    takes the write lock first (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
    PostgreSQL), so writes happen one at a time and the rules checked inside them hold.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.url = engine.url
        path = _sqlite_path(engine.url)
        self.where = str(path) if path else engine.url.render_as_string(hide_password=True)

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, create: bool = True) -> Database:
        """Open (and with ``create``, make) the workshop database at ``url``."""
        url_obj = sa.make_url(url or default_db_url())
        path = _sqlite_path(url_obj)
        if path is not None:
            if not path.exists() and not create:
                msg = (
                    f"There is no workshop file at {path}. Start the studio with "
                    "`codesign serve` (it creates one), or pass the right --db path."
                )
                raise StoreUnavailable(msg)
            if create:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise _explain(exc, str(path)) from exc
        db = cls(make_engine(url_obj))
        db._prepare(create=create)
        return db

    def _prepare(self, *, create: bool) -> None:
        try:
            inspector = sa.inspect(self.engine)
            has_schema = inspector.has_table("schema_info")
            if not has_schema:
                if inspector.get_table_names():
                    msg = (
                        f"{self.where} holds other data, not a workshop file. "
                        "Pass a new or existing workshop file with --db."
                    )
                    raise StoreUnavailable(msg)
                if not create:
                    msg = f"{self.where} is empty. Create a workshop with `codesign serve`."
                    raise StoreUnavailable(msg)
                with self.write() as conn:
                    t.metadata.create_all(conn)
                    conn.execute(
                        sa.insert(t.schema_info).values(
                            version=t.SCHEMA_VERSION, upgraded_at=time.time()
                        )
                    )
            version = self.schema_version()
        except sa.exc.SQLAlchemyError as exc:
            raise _explain(exc, self.where) from exc
        if version < t.SCHEMA_VERSION:
            msg = (
                f"{self.where} was made by an older version of the studio (file version "
                f"{version}, this version reads {t.SCHEMA_VERSION}). Run `codesign upgrade "
                f"--db {self.where}`: it keeps a backup and brings the file up to date."
            )
            raise StoreUnavailable(msg)
        if version > t.SCHEMA_VERSION:
            msg = (
                f"{self.where} was made by a newer version of the studio (file version "
                f"{version}). Upgrade codesign-widgets to open it; the file is unchanged."
            )
            raise StoreUnavailable(msg)

    def check_writable(self) -> None:
        """Raise :class:`StoreUnavailable` now if writes would fail later (read-only, locked)."""
        with self.write() as conn:
            conn.execute(sa.select(sa.func.count()).select_from(t.schema_info))

    def schema_version(self) -> int:
        """The file's schema version (see :mod:`.schema` for the migrations)."""
        with self.read() as conn:
            return int(conn.execute(sa.select(sa.func.max(t.schema_info.c.version))).scalar())

    @classmethod
    def upgrade(cls, url: str) -> tuple[int, int, Path | None]:
        """Bring an older workshop file up to date; returns (old, new, backup path)."""
        url_obj = sa.make_url(url)
        path = _sqlite_path(url_obj)
        backup = None
        if path is not None:
            if not path.exists():
                msg = f"There is no workshop file at {path}; check the --db path."
                raise StoreUnavailable(msg)
            backup = path.with_name(
                f"{path.stem}.backup-{time.strftime('%Y%m%d-%H%M%S')}{path.suffix}"
            )
            shutil.copy2(path, backup)
        db = cls(make_engine(url_obj))
        old = db.schema_version()
        with db.write() as conn:
            for version in range(old, t.SCHEMA_VERSION):
                t.MIGRATIONS[version](conn)
            if old != t.SCHEMA_VERSION:
                conn.execute(
                    sa.insert(t.schema_info).values(
                        version=t.SCHEMA_VERSION, upgraded_at=time.time()
                    )
                )
        return old, t.SCHEMA_VERSION, backup

    # -- transactions ----------------------------------------------------------------------
    @contextlib.contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A read transaction."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except (sa.exc.OperationalError, sa.exc.TimeoutError) as exc:
            raise _explain(exc, self.where) from exc

    @contextlib.contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A write transaction: the write lock is taken at its start (SQLite), so rules
        checked inside it hold until it commits."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(codesign_write=True)
                with conn.begin():
                    yield conn
        except (sa.exc.OperationalError, sa.exc.DatabaseError, sa.exc.TimeoutError) as exc:
            raise _explain(exc, self.where) from exc

    def close(self) -> None:
        """Give back the file's connections (the kernel is going away)."""
        self.engine.dispose()

    # -- change feed -------------------------------------------------------------------------
    def listener(self) -> ChangeListener | None:
        """A LISTEN connection for a projector's live feed (PostgreSQL), else None."""
        return ChangeListener(self.url) if self.url.get_backend_name() == "postgresql" else None

    def last_change_id(self) -> int:
        """The newest change's id: where a live feed starts."""
        with self.read() as conn:
            return int(conn.execute(sa.select(sa.func.max(t.changes.c.id))).scalar() or 0)

    def changes_since(self, change_id: int, also: Iterable[int] = ()) -> list[tuple[int, int, str]]:
        """(id, workshop id, topic) of every change after ``change_id``, and of those with an
        id in ``also`` (ids the feed has not seen yet below it), oldest first."""
        after = t.changes.c.id > change_id
        also = sorted(also)
        with self.read() as conn:
            rows = conn.execute(
                sa.select(t.changes.c.id, t.changes.c.workshop_id, t.changes.c.topic)
                .where(sa.or_(after, t.changes.c.id.in_(also)) if also else after)
                .order_by(t.changes.c.id)
            ).all()
        return [tuple(r) for r in rows]
