"""Contributions (entries): added, revised, withdrawn and moderated, never deleted.

Check-in lines and goal cards are entries; :func:`latest_entries` is the one query for the
latest revision of each, which goal mapping reads too.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.i18n import N_
from ..core.templates import load_template
from ..core.workshop import Entry, Participant, clean_text
from . import schema as t
from .engine import Database, changed
from .rules import (
    check_open,
    check_under_cap,
    held_in_stage,
    own_entry,
    person_caps_now,
    still_in,
)
from .workshops import workshop_state

__all__ = ["MAX_BODY_BYTES", "Entries", "clean_body", "latest_entries"]

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
    hidden = sa.func.coalesce(_latest_moderation, sa.false())
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


def clean_body(body: dict) -> dict:
    """A contribution's fields checked (a dict, not too long) and their text cleaned."""
    if not isinstance(body, dict):
        msg = N_("A contribution must be a set of named fields.")
        raise InvalidInput(msg)
    import json

    if len(json.dumps(body)) > MAX_BODY_BYTES:
        msg = N_("This contribution is too long to save; shorten it and try again.")
        raise InvalidInput(msg)
    # Whoever calls the store, text is stored clean: no NUL, control or bidi-override
    # characters (the views clean it too, but the store is where the rule holds).
    return {key: _clean_value(value) for key, value in body.items()}


class Entries:
    """Check-in lines and other entries: what participants add, and the facilitator's hides."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self, participant: Participant, activity: str, kind: str, stage: str, body: dict
    ) -> int:
        """Save a participant's contribution in an open stage; returns the entry id.

        Refused when the stage is not open, or the person already holds as many of its
        entries as the plan lets one person (``[per_person]``, core.person_caps)."""
        body = clean_body(body)
        with self.db.read() as conn:
            workshop = workshop_state(conn, participant.workshop_id)
        plan = load_template(workshop.template)
        plan_stage = plan.stage(stage)
        if plan_stage.activity != activity:
            msg = f"The stage {plan_stage.title!r} does not take {activity} contributions."
            raise NotAllowed(msg)
        now = time.time()
        with self.db.write() as conn:
            check_open(conn, participant, stage)
            # The caps in force now (the facilitator may change them during the workshop).
            caps = person_caps_now(conn, participant.workshop_id, plan.per_person)
            cap = caps.for_activity(activity)
            if cap is not None:
                held = held_in_stage(
                    conn, t.entries, t.entry_revisions, _latest_revision, participant, stage,
                    t.entries.c.activity == activity, t.entries.c.kind == kind,
                )  # fmt: skip
                check_under_cap(held, cap)
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
            changed(conn, participant.workshop_id, "entries")
        return entry_id

    def revise(self, participant: Participant, entry_id: int, body: dict) -> None:
        """Record a new version of the participant's own entry; the old one is kept."""
        body = clean_body(body)
        with self.db.write() as conn:
            row = own_entry(conn, participant, entry_id)
            check_open(conn, participant, row.stage)
            conn.execute(
                sa.insert(t.entry_revisions).values(
                    entry_id=entry_id, body=body, status="active", at=time.time()
                )
            )
            changed(conn, participant.workshop_id, "entries")

    def withdraw(self, participant: Participant, entry_id: int) -> None:
        """Withdraw the participant's own entry: it leaves every shared view, the record stays.

        Withdrawing is allowed in any stage state: people may always take back their words.
        """
        with self.db.write() as conn:
            own_entry(conn, participant, entry_id)
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
            changed(conn, participant.workshop_id, "entries")

    def set_hidden(self, workshop_id: int, entry_id: int, hidden: bool, reason: str = "") -> None:
        """Facilitator: hide an entry from shared views (or show it again); it is kept."""
        with self.db.write() as conn:
            row = conn.execute(
                sa.select(t.entries.c.workshop_id).where(t.entries.c.id == entry_id)
            ).first()
            if row is None or row.workshop_id != workshop_id:
                msg = N_("That contribution is not in this workshop.")
                raise NotFound(msg)
            conn.execute(
                sa.insert(t.moderation_events).values(
                    entry_id=entry_id, hidden=bool(hidden), reason=str(reason)[:500], at=time.time()
                )
            )
            changed(conn, workshop_id, "entries")

    def find(
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
            query = query.where(hidden.is_(False))
        with self.db.read() as conn:
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

    def history(self, entry_id: int) -> list[dict]:
        """Every recorded version of an entry, oldest first (edits and withdrawals included)."""
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(t.entry_revisions)
                .where(t.entry_revisions.c.entry_id == entry_id)
                .order_by(t.entry_revisions.c.id)
            ).all()
        return [{"body": r.body, "status": r.status, "at": r.at} for r in rows]
