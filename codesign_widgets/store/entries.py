"""Contributions (entries): added, revised, withdrawn and moderated, never deleted."""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.templates import load_template
from ..core.workshop import Entry, Participant, StageState, clean_text
from . import schema as t
from .privacy import still_in

__all__ = ["EntriesMixin"]

MAX_BODY_BYTES = 64_000

_er = t.entry_revisions.alias("later_revisions")
_pp = t.participant_profiles.alias("profiles_then")
_latest_revision = (
    sa.select(sa.func.max(_er.c.id)).where(_er.c.entry_id == t.entries.c.id).scalar_subquery()
)
_latest_moderation = (
    sa.select(t.moderation_events.c.hidden)
    .where(t.moderation_events.c.entry_id == t.entries.c.id)
    .order_by(t.moderation_events.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
# The author's perspective as it was when they wrote the entry, not after a later change.
_perspective_then = (
    sa.select(sa.func.max(_pp.c.id))
    .where(_pp.c.participant_id == t.entries.c.participant_id, _pp.c.at <= t.entries.c.created_at)
    .scalar_subquery()
)


def _clean_value(value: object) -> object:
    if isinstance(value, str):
        return clean_text(value, what="A field", max_length=MAX_BODY_BYTES, multiline=True)
    if isinstance(value, list):
        return [_clean_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_value(v) for k, v in value.items()}
    return value


def latest_entries(workshop_id: int) -> tuple[sa.Select, sa.ColumnElement]:
    """Each entry of the workshop with its latest revision, moderation state and the author's
    perspective at the time of writing, oldest first; people who left are never included.

    Returns the query and its ``hidden`` expression, for callers to filter on further.
    """
    hidden = sa.func.coalesce(_latest_moderation, False)
    query = (
        sa.select(
            t.entries,
            t.entry_revisions.c.body,
            t.entry_revisions.c.status,
            t.entry_revisions.c.at.label("updated_at"),
            hidden.label("hidden"),
            t.participants.c.public_id,
            t.participant_profiles.c.perspective,
        )
        .select_from(t.entries)
        .join(t.entry_revisions, t.entry_revisions.c.id == _latest_revision)
        .join(t.participants, t.participants.c.id == t.entries.c.participant_id)
        .join(t.participant_profiles, t.participant_profiles.c.id == _perspective_then)
        .where(t.entries.c.workshop_id == workshop_id, still_in(t.entries.c.participant_id))
        .order_by(t.entries.c.id)
    )
    return query, hidden


class EntriesMixin:
    def _check_open(self, conn: sa.Connection, participant: Participant, stage: str) -> None:
        # Checked inside the write transaction: a stage locked a moment ago wins.
        self._check_still_in(conn, participant)
        row = conn.execute(
            sa.select(t.workshop_events.c.value)
            .where(
                t.workshop_events.c.workshop_id == participant.workshop_id,
                t.workshop_events.c.kind == "stage_state",
                t.workshop_events.c.stage == stage,
            )
            .order_by(t.workshop_events.c.id.desc())
            .limit(1)
        ).first()
        state = StageState(row.value) if row else StageState.CLOSED
        if state is not StageState.OPEN:
            msg = {
                StageState.CLOSED: "This stage has not opened yet. Wait for the facilitator "
                "to open it; nothing was saved.",
                StageState.LOCKED: "This stage is locked, so changes are no longer taken. "
                "Tell the facilitator if something is missing.",
                StageState.REVEALED: "This stage is finished and its results are shown; "
                "changes are no longer taken.",
            }[state]
            raise NotAllowed(msg)

    @staticmethod
    def _check_still_in(conn: sa.Connection, participant: Participant) -> None:
        # A page left open after its person withdrew (or was erased) must not add anything.
        left = conn.execute(
            sa.select(t.participant_events.c.id).where(
                t.participant_events.c.participant_id == participant.id,
                t.participant_events.c.kind == "withdrew",
            )
        ).first()
        if left is not None:
            msg = (
                "You left this workshop and took back what you added, so nothing more can "
                "be saved as you. Join again with the code to take part."
            )
            raise NotAllowed(msg)

    @staticmethod
    def _check_body(body: dict) -> dict:
        if not isinstance(body, dict):
            msg = "A contribution must be a set of named fields."
            raise InvalidInput(msg)
        import json

        if len(json.dumps(body)) > MAX_BODY_BYTES:
            msg = "This contribution is too long to save; shorten it and try again."
            raise InvalidInput(msg)
        # Whoever calls the store, text is stored clean: no NUL, control or bidi-override
        # characters (the views clean it too, but the store is where the rule holds).
        return {key: _clean_value(value) for key, value in body.items()}

    def add_entry(
        self, participant: Participant, activity: str, kind: str, stage: str, body: dict
    ) -> int:
        """Save a participant's contribution in an open stage; returns the entry id."""
        body = self._check_body(body)
        workshop = self.workshop_state(participant.workshop_id)
        plan_stage = load_template(workshop.template).stage(stage)
        if plan_stage.activity != activity:
            msg = f"The stage {plan_stage.title!r} does not take {activity} contributions."
            raise NotAllowed(msg)
        now = time.time()
        with self._write() as conn:
            self._check_open(conn, participant, stage)
            entry_id = conn.execute(
                sa.insert(t.entries).values(
                    workshop_id=participant.workshop_id,
                    participant_id=participant.id,
                    activity=activity,
                    kind=kind,
                    stage=stage,
                    created_at=now,
                )
            ).inserted_primary_key[0]
            conn.execute(
                sa.insert(t.entry_revisions).values(
                    entry_id=entry_id, body=body, status="active", at=now
                )
            )
            self._changed(conn, participant.workshop_id, "entries")
        return entry_id

    def _own_entry(self, conn: sa.Connection, participant: Participant, entry_id: int) -> sa.Row:
        row = conn.execute(sa.select(t.entries).where(t.entries.c.id == entry_id)).first()
        if row is None or row.workshop_id != participant.workshop_id:
            msg = "That contribution is not in this workshop."
            raise NotFound(msg)
        if row.participant_id != participant.id:
            msg = "You can only change or withdraw your own contributions."
            raise NotAllowed(msg)
        return row

    def revise_entry(self, participant: Participant, entry_id: int, body: dict) -> None:
        """Record a new version of the participant's own entry; the old one is kept."""
        body = self._check_body(body)
        with self._write() as conn:
            row = self._own_entry(conn, participant, entry_id)
            self._check_open(conn, participant, row.stage)
            conn.execute(
                sa.insert(t.entry_revisions).values(
                    entry_id=entry_id, body=body, status="active", at=time.time()
                )
            )
            self._changed(conn, participant.workshop_id, "entries")

    def withdraw_entry(self, participant: Participant, entry_id: int) -> None:
        """Withdraw the participant's own entry: it leaves every shared view, the record stays.

        Withdrawing is allowed in any stage state: people may always take back their words.
        """
        with self._write() as conn:
            self._own_entry(conn, participant, entry_id)
            last = conn.execute(
                sa.select(t.entry_revisions.c.body)
                .where(t.entry_revisions.c.entry_id == entry_id)
                .order_by(t.entry_revisions.c.id.desc())
                .limit(1)
            ).scalar()
            conn.execute(
                sa.insert(t.entry_revisions).values(
                    entry_id=entry_id, body=last, status="withdrawn", at=time.time()
                )
            )
            self._changed(conn, participant.workshop_id, "entries")

    def set_hidden(self, workshop_id: int, entry_id: int, hidden: bool, reason: str = "") -> None:
        """Facilitator: hide an entry from shared views (or show it again); it is kept."""
        with self._write() as conn:
            row = conn.execute(
                sa.select(t.entries.c.workshop_id).where(t.entries.c.id == entry_id)
            ).first()
            if row is None or row.workshop_id != workshop_id:
                msg = "That contribution is not in this workshop."
                raise NotFound(msg)
            conn.execute(
                sa.insert(t.moderation_events).values(
                    entry_id=entry_id, hidden=bool(hidden), reason=str(reason)[:500], at=time.time()
                )
            )
            self._changed(conn, workshop_id, "entries")

    def entries(
        self,
        workshop_id: int,
        *,
        activity: str | None = None,
        participant_id: int | None = None,
        include_hidden: bool = False,
        include_withdrawn: bool = False,
    ) -> list[Entry]:
        """Entries with their latest revision, oldest first.

        By default only what a shared view may show: not withdrawn, not hidden. Entries of
        someone who left the workshop are never returned (the record stays in the file).
        """
        query, hidden = latest_entries(workshop_id)
        if activity is not None:
            query = query.where(t.entries.c.activity == activity)
        if participant_id is not None:
            query = query.where(t.entries.c.participant_id == participant_id)
        if not include_withdrawn:
            query = query.where(t.entry_revisions.c.status == "active")
        if not include_hidden:
            query = query.where(hidden.is_(False) | (hidden == 0))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [
            Entry(
                id=r.id,
                activity=r.activity,
                kind=r.kind,
                stage=r.stage,
                author_id=r.participant_id,
                author_public_id=r.public_id,
                perspective=r.perspective,
                body=r.body,
                status=r.status,
                hidden=bool(r.hidden),
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    def entry_history(self, entry_id: int) -> list[dict]:
        """Every recorded version of an entry, oldest first (edits and withdrawals included)."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.entry_revisions)
                .where(t.entry_revisions.c.entry_id == entry_id)
                .order_by(t.entry_revisions.c.id)
            ).all()
        return [{"body": r.body, "status": r.status, "at": r.at} for r in rows]
