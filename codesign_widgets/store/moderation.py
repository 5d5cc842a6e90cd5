"""The facilitator's moderation of a person: hide everything they added, and show it again.

It uses what each activity already has for one item, all in one transaction: a moderation
event ``hidden`` for each check-in line and goal card, a ``hidden`` revision for each
stakeholder and tie. Nothing is deleted: the hidden items stay in the file and in the exports
(marked hidden), and a ``participant_events`` row records the step with the ids it hid.

"Show their contributions again" undoes exactly what the person-wide hides hid since the last
undo: an item the facilitator had hidden by hand before stays hidden, and one its author
withdrew meanwhile stays withdrawn. What the person adds after a hide is shown (the plan's
per-person caps bound how much); hiding everything again hides that too.

>>> from codesign_widgets.studio import Studio
>>> studio = Studio.open("sqlite://")
>>> workshop, _key = studio.workshops.create("Walk", "codesign_day")
>>> ann, _token = studio.people.join(workshop.id, "Ann", "lived_experience", consent=True)
>>> studio.workshops.set_stage_state(workshop.id, "welcome", "open")
>>> _line = studio.entries.add(ann, "checkin", "note", "welcome", {"text": "Hello"})
>>> studio.moderation.hide_everything(workshop.id, ann.id)
{'entries': 1, 'network_items': 0}
>>> studio.entries.find(workshop.id), studio.moderation.hidden_people(workshop.id) == {ann.id}
([], True)
>>> studio.moderation.show_everything(workshop.id, ann.id)
{'entries': 1, 'network_items': 0}
>>> [e.body["text"] for e in studio.entries.find(workshop.id)]
['Hello']
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..core.errors import NotAllowed, NotFound
from . import schema as t
from .engine import Database, changed

__all__ = ["HIDE_REASON", "Moderation"]

#: The reason recorded with each line and card a person-wide hide hid.
HIDE_REASON = "Hidden with everything from this person"
#: ``participant_events`` kinds of the two steps.
HID, SHOWED = "hid_all", "showed_all"

_er = t.entry_revisions.alias("moderation_entry_revisions")
_latest_entry_revision = (
    sa.select(sa.func.max(_er.c.id)).where(_er.c.entry_id == t.entries.c.id).scalar_subquery()
)
_me = t.moderation_events.alias("later_moderation_events")
_entry_hidden = sa.func.coalesce(
    sa.select(_me.c.hidden)
    .where(_me.c.entry_id == t.entries.c.id)
    .order_by(_me.c.id.desc())
    .limit(1)
    .scalar_subquery(),
    sa.false(),
)
_nr = t.network_revisions.alias("moderation_network_revisions")
_latest_network_revision = (
    sa.select(sa.func.max(_nr.c.id)).where(_nr.c.item_id == t.network_items.c.id).scalar_subquery()
)


class Moderation:
    """Hide everything one person added in a workshop, show it again, and who is hidden."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def hidden_people(self, workshop_id: int) -> set[int]:
        """Ids of the people whose last person-wide step was "hide everything"."""
        with self.db.read() as conn:
            rows = _steps(conn, t.participant_events.c.workshop_id == workshop_id)
        last = {r.participant_id: r.kind for r in rows}
        return {pid for pid, kind in last.items() if kind == HID}

    def hide_everything(self, workshop_id: int, participant_id: int) -> dict[str, int]:
        """Facilitator: take every line, card, stakeholder and tie the person added in this
        workshop off every shared view, in one transaction; all are kept. Returns counts."""
        with self.db.write() as conn:
            _check_in_workshop(conn, workshop_id, participant_id)
            now = time.time()
            entries = conn.execute(
                sa.select(t.entries.c.id)
                .select_from(t.entries)
                .join(t.entry_revisions, t.entry_revisions.c.id == _latest_entry_revision)
                .where(
                    t.entries.c.participant_id == participant_id,
                    t.entry_revisions.c.status != "withdrawn",
                    _entry_hidden.is_(False),
                )
            ).scalars().all()  # fmt: skip
            if entries:
                conn.execute(
                    sa.insert(t.moderation_events),
                    [{"entry_id": e, "hidden": True, "reason": HIDE_REASON, "at": now}
                     for e in entries],
                )  # fmt: skip
            items = _set_network_status(conn, participant_id, "active", "hidden", None, now)
            detail = {"entries": list(entries), "network_items": items}
            _record(conn, workshop_id, participant_id, HID, detail, now)
        return {"entries": len(entries), "network_items": len(items)}

    def show_everything(self, workshop_id: int, participant_id: int) -> dict[str, int]:
        """Facilitator: undo "hide everything" for this person: what those steps hid and is
        still hidden is shown again, in one transaction. Returns counts."""
        with self.db.write() as conn:
            _check_in_workshop(conn, workshop_id, participant_id)
            steps = _steps(conn, t.participant_events.c.participant_id == participant_id)
            since: list[dict] = []  # what the hides since the last undo hid
            for step in steps:
                if step.kind == HID:
                    since.append(step.detail)
                else:
                    since = []
            if not since:
                msg = (
                    "Nothing of theirs was hidden with 'Hide everything from this person', so "
                    "nothing changed. Show single lines or cards again where they are listed."
                )
                raise NotAllowed(msg)
            now = time.time()
            entry_ids = sorted({e for d in since for e in d.get("entries", [])})
            entries = conn.execute(
                sa.select(t.entries.c.id).where(
                    t.entries.c.id.in_(entry_ids), _entry_hidden.is_(True)
                )
            ).scalars().all()  # fmt: skip
            if entries:
                conn.execute(
                    sa.insert(t.moderation_events),
                    [{"entry_id": e, "hidden": False, "reason": "", "at": now} for e in entries],
                )
            item_ids = sorted({i for d in since for i in d.get("network_items", [])})
            items = _set_network_status(conn, participant_id, "hidden", "active", item_ids, now)
            detail = {"entries": list(entries), "network_items": items}
            _record(conn, workshop_id, participant_id, SHOWED, detail, now)
        return {"entries": len(entries), "network_items": len(items)}


def _steps(conn: sa.Connection, where: sa.ColumnElement[bool]) -> list[sa.Row]:
    """The person-wide hides and undos matching ``where``, oldest first."""
    events = t.participant_events
    return conn.execute(
        sa.select(events.c.participant_id, events.c.kind, events.c.detail)
        .where(where, events.c.kind.in_((HID, SHOWED)))
        .order_by(events.c.id)
    ).all()


def _check_in_workshop(conn: sa.Connection, workshop_id: int, participant_id: int) -> None:
    found = conn.execute(
        sa.select(t.participants.c.workshop_id).where(t.participants.c.id == participant_id)
    ).scalar()
    if found != workshop_id:
        msg = "That person is not in this workshop. Choose someone from the list."
        raise NotFound(msg)


def _set_network_status(conn, participant_id, old: str, new: str, only, now) -> list[int]:
    """A ``new`` revision for each of the person's stakeholders and ties now in ``old``
    (only those in ``only``, unless None); their ids."""
    query = (
        sa.select(t.network_items.c.id, t.network_revisions.c.body)
        .select_from(t.network_items)
        .join(t.network_revisions, t.network_revisions.c.id == _latest_network_revision)
        .where(
            t.network_items.c.participant_id == participant_id,
            t.network_revisions.c.status == old,
        )
    )
    if only is not None:
        query = query.where(t.network_items.c.id.in_(only))
    items = conn.execute(query).all()
    if items:
        conn.execute(
            sa.insert(t.network_revisions),
            [{"item_id": i.id, "body": i.body, "status": new, "actor": "facilitator", "at": now}
             for i in items],
        )  # fmt: skip
    return [i.id for i in items]


def _record(conn, workshop_id: int, participant_id: int, kind: str, detail: dict, now) -> None:
    conn.execute(
        sa.insert(t.participant_events).values(
            workshop_id=workshop_id,
            participant_id=participant_id,
            kind=kind,
            actor="facilitator",
            detail=detail,
            at=now,
        )
    )
    changed(conn, workshop_id, "participants", "entries", "network")
