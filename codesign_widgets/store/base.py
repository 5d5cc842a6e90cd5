"""The workshop file: the only module that speaks SQL.

SQLite by default (one file in the user's data folder), any SQLAlchemy URL otherwise.
Every write is one transaction that takes the write lock up front, checks the rules
(stage open, ownership) inside that transaction, and records a row in ``changes`` so
other kernels' live feeds notice it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from ..core.errors import InvalidInput, NotAllowed, NotFound, StoreUnavailable
from ..core.templates import load_template
from ..core.workshop import (
    MAX_TITLE,
    StageState,
    WorkshopState,
    clean_text,
    hash_key,
    new_facilitator_key,
    new_join_code,
    normalise_join_code,
    verify_key,
)
from . import schema as t

__all__ = ["DB_ENV", "StoreBase", "default_db_url"]

DB_ENV = "CODESIGN_DB"
BUSY_TIMEOUT_MS = 5000


def default_db_url() -> str:
    """``$CODESIGN_DB`` if set, else ``studio.db`` in the per-user data folder."""
    if os.environ.get(DB_ENV):
        return os.environ[DB_ENV]
    import platformdirs  # only the CLI and analysts get here

    folder = Path(platformdirs.user_data_dir("codesign-studio", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'studio.db'}"


def _sqlite_path(url: sa.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database.removeprefix("file:"))


def _explain(exc: Exception, where: str) -> StoreUnavailable:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        msg = (
            f"The workshop file {where} is read-only, so nothing can be saved. Make it "
            "writable (or copy it to a folder you can write to) and start again."
        )
    elif "locked" in text or "busy" in text:
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


class StoreBase:
    """Opening, transactions, workshops and stages; see :class:`codesign_widgets.store.Store`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.url = engine.url
        path = _sqlite_path(engine.url)
        self.where = str(path) if path else engine.url.render_as_string(hide_password=True)

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, create: bool = True) -> StoreBase:
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
        engine = cls._engine(url_obj)
        store = cls(engine)
        store._prepare(create=create)
        return store

    @staticmethod
    def _engine(url: sa.URL) -> sa.Engine:
        if url.get_backend_name() != "sqlite":
            # Each kernel is one user: a tiny pool keeps a busy workshop within server limits.
            return sa.create_engine(url, pool_size=1, max_overflow=2, pool_pre_ping=True)
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
                with self._write() as conn:
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
        with self._write() as conn:
            conn.execute(sa.select(sa.func.count()).select_from(t.schema_info))

    def schema_version(self) -> int:
        with self._read() as conn:
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
        store = cls(cls._engine(url_obj))
        old = store.schema_version()
        with store._write() as conn:
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
    def _read(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.OperationalError as exc:
            raise _explain(exc, self.where) from exc

    @contextlib.contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(codesign_write=True)
                with conn.begin():
                    yield conn
        except (sa.exc.OperationalError, sa.exc.DatabaseError) as exc:
            raise _explain(exc, self.where) from exc

    @staticmethod
    def _changed(conn: sa.Connection, workshop_id: int, *topics: str) -> None:
        now = time.time()
        conn.execute(
            sa.insert(t.changes),
            [{"workshop_id": workshop_id, "topic": topic, "at": now} for topic in topics],
        )

    def close(self) -> None:
        self.engine.dispose()

    # -- workshops ---------------------------------------------------------------------------
    def create_workshop(self, title: str, template: str) -> tuple[WorkshopState, str]:
        """Create a workshop; returns it and the facilitator key (shown once, stored hashed)."""
        title = clean_text(title, what="The workshop title", max_length=MAX_TITLE, required=True)
        plan = load_template(template)
        key = new_facilitator_key()
        key_hash = hash_key(key)
        now = time.time()
        with self._write() as conn:
            for _ in range(20):
                code = new_join_code()
                taken = conn.execute(
                    sa.select(t.workshops.c.id).where(t.workshops.c.code == code)
                ).first()
                if not taken:
                    break
            workshop_id = conn.execute(
                sa.insert(t.workshops).values(
                    code=code,
                    title=title,
                    template=template,
                    key_hash=key_hash,
                    created_at=now,
                )
            ).inserted_primary_key[0]
            conn.execute(
                sa.insert(t.workshop_events).values(
                    workshop_id=workshop_id,
                    kind="current_stage",
                    stage=plan.stages[0].key,
                    value="",
                    at=now,
                )
            )
            self._changed(conn, workshop_id, "workshops")
        return self.workshop_state(workshop_id), key

    def workshops(self) -> list[WorkshopState]:
        with self._read() as conn:
            ids = (
                conn.execute(sa.select(t.workshops.c.id).order_by(t.workshops.c.created_at.desc()))
                .scalars()
                .all()
            )
        return [self.workshop_state(i) for i in ids]

    def workshop_by_code(self, code: str) -> WorkshopState:
        clean = normalise_join_code(code or "")
        with self._read() as conn:
            workshop_id = conn.execute(
                sa.select(t.workshops.c.id).where(t.workshops.c.code == clean)
            ).scalar()
        if workshop_id is None:
            shown = clean or "(empty)"
            msg = (
                f"No workshop has the code {shown}. Check the code on the big screen and "
                "type it again, or ask the facilitator."
            )
            raise NotFound(msg)
        return self.workshop_state(workshop_id)

    def check_facilitator(self, code: str, key: str) -> WorkshopState:
        """The workshop if ``key`` is its facilitator key; :class:`NotAllowed` otherwise."""
        workshop = self.workshop_by_code(code)
        with self._read() as conn:
            stored = conn.execute(
                sa.select(t.workshops.c.key_hash).where(t.workshops.c.id == workshop.id)
            ).scalar()
        if not verify_key(key or "", stored):
            msg = (
                "That facilitator key does not match this workshop. Open the facilitator "
                "link that `codesign serve` printed, or the key you saved when you created it."
            )
            raise NotAllowed(msg)
        return workshop

    def workshop_state(self, workshop_id: int) -> WorkshopState:
        with self._read() as conn:
            row = conn.execute(
                sa.select(t.workshops).where(t.workshops.c.id == workshop_id)
            ).first()
            if row is None:
                msg = "That workshop no longer exists. Ask the facilitator for the current link."
                raise NotFound(msg)
            events = conn.execute(
                sa.select(t.workshop_events)
                .where(t.workshop_events.c.workshop_id == workshop_id)
                .order_by(t.workshop_events.c.id)
            ).all()
        current, states, timer_end, timer_stage = "", {}, None, None
        for ev in events:
            if ev.kind == "current_stage":
                current = ev.stage
            elif ev.kind == "stage_state":
                states[ev.stage] = StageState(ev.value)
            elif ev.kind == "timer":
                timer_end = float(ev.value) if ev.value else None
                timer_stage = ev.stage if ev.value else None
        return WorkshopState(
            id=row.id,
            code=row.code,
            title=row.title,
            template=row.template,
            created_at=row.created_at,
            current_stage=current,
            stage_states=states,
            timer_ends_at=timer_end,
            timer_stage=timer_stage,
        )

    def _event(self, workshop_id: int, kind: str, stage: str, value: str = "") -> None:
        workshop = self.workshop_state(workshop_id)
        load_template(workshop.template).stage(stage)  # NotFound for an unknown stage
        with self._write() as conn:
            conn.execute(
                sa.insert(t.workshop_events).values(
                    workshop_id=workshop_id, kind=kind, stage=stage, value=value, at=time.time()
                )
            )
            self._changed(conn, workshop_id, "stages")

    def set_stage_state(self, workshop_id: int, stage: str, state: StageState | str) -> None:
        """Facilitator: open, lock, reveal or close a stage (recorded, never overwritten)."""
        self._event(workshop_id, "stage_state", stage, StageState(state).value)

    def set_current_stage(self, workshop_id: int, stage: str) -> None:
        """Facilitator: move the room to ``stage``; participant pages follow."""
        self._event(workshop_id, "current_stage", stage)

    def start_timer(self, workshop_id: int, stage: str, seconds: float) -> None:
        if not 0 < seconds <= 6 * 3600:
            msg = "Set the timer between 1 second and 6 hours."
            raise InvalidInput(msg)
        self._event(workshop_id, "timer", stage, repr(time.time() + seconds))

    def stop_timer(self, workshop_id: int, stage: str) -> None:
        self._event(workshop_id, "timer", stage, "")

    # -- change feed -------------------------------------------------------------------------
    def last_change_id(self) -> int:
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.max(t.changes.c.id))).scalar() or 0)

    def changes_since(self, change_id: int) -> list[tuple[int, int, str]]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.changes.c.id, t.changes.c.workshop_id, t.changes.c.topic)
                .where(t.changes.c.id > change_id)
                .order_by(t.changes.c.id)
            ).all()
        return [tuple(r) for r in rows]
