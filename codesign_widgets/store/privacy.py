"""Privacy in the store: a participant leaves and takes everything back, the facilitator erases
a participant on request, and old workshops are purged.

Withdrawing uses the mechanisms each activity already has for one item (a ``withdrawn``
revision for entries, goal cards, stakeholders and ties; a dot taken back for each dot placed),
all in one transaction, plus a ``participant_events`` row "withdrew". From then on every read
that feeds a shared view, a result or an export leaves the person out (:func:`still_in`):
their scores, comments and ratings too, which have no withdrawal of their own.

Erasing is the one deliberate change in place: the display names and the free text the person
wrote are overwritten, then the file is vacuumed so the old bytes leave it (PostgreSQL: the
tables are rewritten; :meth:`Privacy.what_remains` says where copies remain). The audit row says
that it happened, who did it, when and how many rows, never what was erased.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.i18n import N_
from ..core.workshop import Participant, WorkshopState
from . import schema as t
from .engine import Database, changed
from .rules import has_withdrawn
from .withdrawal import scrub, withdraw_everything
from .workshops import workshop_state

__all__ = ["Privacy", "PurgeResult"]


@dataclass(frozen=True)
class PurgeResult:
    """What :meth:`Privacy.purge_workshops` removed: the workshops and rows per table."""

    workshops: tuple[WorkshopState, ...]
    rows: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _workshop_rows(workshop_ids: list[int]) -> list[tuple[sa.Table, sa.ColumnElement[bool]]]:
    """Every table's rows that belong to these workshops, children first.

    Found from the schema (a ``workshop_id`` column, or a required foreign key to a table
    that belongs), so a table added later is purged too; a test checks none is missed.
    """
    belongs: dict[sa.Table, sa.ColumnElement[bool]] = {}
    for table in t.metadata.sorted_tables:  # parents before children
        if table is t.workshops:
            belongs[table] = table.c.id.in_(workshop_ids)
        elif "workshop_id" in table.c:
            belongs[table] = table.c.workshop_id.in_(workshop_ids)
        else:
            # A required key first: a nullable one (e.g. an imported rating's rater) may be NULL.
            for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.nullable):
                parent = fk.column.table
                if parent in belongs:
                    belongs[table] = fk.parent.in_(sa.select(fk.column).where(belongs[parent]))
                    break
    return [(table, belongs[table]) for table in reversed(t.metadata.sorted_tables)
            if table in belongs]  # fmt: skip


class Privacy:
    """A participant leaves, the facilitator erases one on request, old workshops go."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading -----------------------------------------------------------------------------
    def has_withdrawn(self, participant_id: int) -> bool:
        """Whether this participant left the workshop (and took back what they added)."""
        with self.db.read() as conn:
            return has_withdrawn(conn, participant_id)

    def display_names_used(self, workshop_id: int) -> list[tuple[str, str]]:
        """(display name, pseudonym) for every name anyone in the workshop has used, earlier
        names and people who left included: what a pseudonymised export replaces in free text.
        """
        profiles = t.participant_profiles
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(profiles.c.display_name, t.participants.c.public_id)
                .join(t.participants, t.participants.c.id == profiles.c.participant_id)
                .where(t.participants.c.workshop_id == workshop_id)
                .where(profiles.c.display_name != "")
                .distinct()
            ).all()
        return [(r.display_name, r.public_id) for r in rows]

    def participant_events(self, workshop_id: int) -> list[dict]:
        """The audit of withdrawals and erasures: public id, kind, actor, counts, time."""
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(t.participant_events, t.participants.c.public_id)
                .join(t.participants, t.participants.c.id == t.participant_events.c.participant_id)
                .where(t.participant_events.c.workshop_id == workshop_id)
                .order_by(t.participant_events.c.id)
            ).all()
        return [
            {"participant": r.public_id, "kind": r.kind, "actor": r.actor, "detail": r.detail,
             "at": r.at}
            for r in rows
        ]  # fmt: skip

    # -- a participant leaves ----------------------------------------------------------------
    def withdraw_participant(self, participant: Participant) -> dict[str, int]:
        """The participant leaves and takes back everything they added, in every activity.

        One transaction: check-in lines, goal cards, stakeholders and ties get a ``withdrawn``
        revision, each dot is taken back, and their scores, comments and ratings leave every
        result. Their profile gets a new row with no name. Returns counts of what was withdrawn.
        """
        with self.db.write() as conn:
            if has_withdrawn(conn, participant.id):
                msg = N_("You have already left this workshop; nothing you added is shown.")
                raise NotAllowed(msg)
            return withdraw_everything(conn, participant.id, participant.workshop_id, "participant")

    # -- the facilitator erases a participant on request -----------------------------------
    def erase_participant(self, workshop_id: int, public_id: str) -> dict[str, int]:
        """Right to erasure: withdraw the participant (if they have not left yet) and overwrite,
        in place, their display names and every text they wrote; then vacuum the file.

        The one deliberate change in place in this store. An audit row records that an erasure
        happened (by the facilitator, when, how many rows), not what was erased. Returns counts.
        """
        public_id = str(public_id or "").strip().upper()
        with self.db.write() as conn:
            found = conn.execute(
                sa.select(t.participants.c.id).where(
                    t.participants.c.workshop_id == workshop_id,
                    t.participants.c.public_id == public_id,
                )
            ).all()
            if len(found) != 1:
                msg = (
                    f"No participant {public_id or '(empty)'} is in this workshop. Check the "
                    "P-code (it is in the export's participants table or on their page)."
                    if not found
                    else f"More than one participant has the code {public_id}; nothing was "
                    "erased. Erase them with the store's erase_participant per person."
                )
                raise NotFound(msg)
            participant_id = found[0].id
            counts: dict[str, int] = {"withdrawn": 0}
            if not has_withdrawn(conn, participant_id):
                withdraw_everything(conn, participant_id, workshop_id, "facilitator")
                counts["withdrawn"] = 1
            counts.update(scrub(conn, participant_id))
            conn.execute(
                sa.insert(t.participant_events).values(
                    workshop_id=workshop_id,
                    participant_id=participant_id,
                    kind="erased",
                    actor="facilitator",
                    detail={"rows": sum(v for k, v in counts.items() if k != "withdrawn")},
                    at=time.time(),
                )
            )
            changed(conn, workshop_id, "participants")
        self._vacuum()
        return counts

    def _vacuum(self) -> None:
        """Make the old bytes leave the database's files (:meth:`what_remains` says where
        copies can still be).

        SQLite: ``VACUUM`` rewrites the file, and the WAL is checkpointed and truncated.
        PostgreSQL: ``VACUUM FULL`` rewrites every table into new files and drops the old ones
        (a plain ``VACUUM`` only marks dead rows' space as free, leaving their bytes in the
        pages). It runs outside a transaction and locks each table for a moment.
        """
        url = self.db.url
        backend = url.get_backend_name()
        if backend == "postgresql":
            with self.db.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                for table in t.metadata.sorted_tables:
                    conn.exec_driver_sql(f"VACUUM (FULL, ANALYZE) {table.name}")
            return
        if backend != "sqlite" or url.database in (None, "", ":memory:"):
            return
        raw = self.db.engine.raw_connection()
        try:
            # Outside any transaction (VACUUM refuses one); the connection is in autocommit.
            raw.driver_connection.execute("VACUUM")
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()

    def what_remains(self) -> str:
        """After an erase or a purge, in plain words: what was done to the database's files
        and where copies of the old bytes can remain (a clause, to follow "in place; ")."""
        backend = self.db.url.get_backend_name()
        if backend == "sqlite":
            return "the file was compacted so the old bytes are gone"
        if backend == "postgresql":
            return (
                "PostgreSQL rewrote the tables (VACUUM FULL) so the old bytes are gone from "
                "its table files, but they remain in its write-ahead log until PostgreSQL "
                "recycles it (normally within a few checkpoints, minutes to an hour; longer "
                "with wal_keep_size, a replication slot or a WAL archive) and in every backup "
                "of the database for as long as that backup is kept"
            )
        return (
            "the database may keep the old bytes in its files until it reclaims the space; "
            "check its documentation"
        )

    # -- retention ---------------------------------------------------------------------------
    @staticmethod
    def _cutoff(older_than_days: float, now: float | None) -> float:
        if (
            isinstance(older_than_days, bool)
            or not isinstance(older_than_days, int | float)
            or not older_than_days >= 1
        ):
            msg = (
                f"Give an age of at least 1 day (got {older_than_days!r}): workshops created "
                "more than that many days ago are removed. Nothing was removed."
            )
            raise InvalidInput(msg)
        return (time.time() if now is None else now) - older_than_days * 86400

    def old_workshops(self, older_than_days: float, *, now: float | None = None):
        """Workshops created more than ``older_than_days`` days ago, oldest first."""
        cutoff = self._cutoff(older_than_days, now)
        with self.db.read() as conn:
            ids = (
                conn.execute(
                    sa.select(t.workshops.c.id)
                    .where(t.workshops.c.created_at < cutoff)
                    .order_by(t.workshops.c.created_at)
                )
                .scalars()
                .all()
            )
            return [workshop_state(conn, i) for i in ids]

    def purge_workshops(self, older_than_days: float, *, now: float | None = None) -> PurgeResult:
        """Delete every workshop created more than ``older_than_days`` days ago, with every row
        that belongs to it (one transaction), then vacuum the file. Refuses less than 1 day.
        """
        old = self.old_workshops(older_than_days, now=now)
        ids = [w.id for w in old]
        rows: dict[str, int] = {}
        if ids:
            with self.db.write() as conn:
                for table, condition in _workshop_rows(ids):
                    rows[table.name] = conn.execute(sa.delete(table).where(condition)).rowcount
                conn.execute(
                    sa.insert(t.purges).values(
                        older_than_days=float(older_than_days),
                        workshops=len(ids),
                        rows=sum(rows.values()),
                        at=time.time(),
                    )
                )
            self._vacuum()
        return PurgeResult(tuple(old), {k: v for k, v in rows.items() if v})
