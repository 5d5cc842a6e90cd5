"""Workshops and their stages: create one, find it by code, check the facilitator's key,
move the room and open, lock, reveal or close stages (each an event, never overwritten).

The rules every part of the store shares about a workshop (:func:`workshop_state`,
:func:`template_of`) read inside the caller's transaction.
"""

from __future__ import annotations

import time
from dataclasses import fields

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.i18n import N_
from ..core.person_caps import MAX_CAP, PersonCaps
from ..core.templates import Template, load_template
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
from .engine import Database, changed
from .rules import PERSON_CAP_EVENT, person_caps_now

__all__ = ["Workshops", "record_stage_events", "template_of", "workshop_state"]


def workshop_state(conn: sa.Connection, workshop_id: int) -> WorkshopState:
    """The workshop read in the transaction ``conn``; :class:`NotFound` if it is gone."""
    row = conn.execute(sa.select(t.workshops).where(t.workshops.c.id == workshop_id)).first()
    if row is None:
        msg = N_("That workshop no longer exists. Ask the facilitator for the current link.")
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


def template_of(conn: sa.Connection, workshop_id: int) -> Template:
    """The plan of a workshop, read in the transaction ``conn``."""
    key = conn.execute(
        sa.select(t.workshops.c.template).where(t.workshops.c.id == workshop_id)
    ).scalar()
    if key is None:
        msg = N_("That workshop no longer exists. Ask the facilitator for the current link.")
        raise NotFound(msg)
    return load_template(key)


def record_stage_events(
    conn: sa.Connection,
    workshop_id: int,
    states: dict[str, StageState | str],
    current: str | None = None,
) -> None:
    """Record stage states, and the room's move to ``current`` if given, in the caller's
    transaction (stage keys already checked against the plan)."""
    rows = [
        {"kind": "stage_state", "stage": stage, "value": StageState(state).value}
        for stage, state in states.items()
    ]
    if current:
        rows.insert(0, {"kind": "current_stage", "stage": current, "value": ""})
    if not rows:
        return
    now = time.time()
    conn.execute(
        sa.insert(t.workshop_events),
        [{"workshop_id": workshop_id, "at": now, **row} for row in rows],
    )
    changed(conn, workshop_id, "stages")


class Workshops:
    """The workshops in the file and their stages."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, title: str, template: str) -> tuple[WorkshopState, str]:
        """Create a workshop; returns it and the facilitator key (shown once, stored hashed)."""
        title = clean_text(title, what="The workshop title", max_length=MAX_TITLE, required=True)
        plan = load_template(template)
        key = new_facilitator_key()
        key_hash = hash_key(key)
        now = time.time()
        with self.db.write() as conn:
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
            changed(conn, workshop_id, "workshops")
        return self.state(workshop_id), key

    def all(self) -> list[WorkshopState]:
        """Every workshop in the file, newest first."""
        with self.db.read() as conn:
            ids = (
                conn.execute(sa.select(t.workshops.c.id).order_by(t.workshops.c.created_at.desc()))
                .scalars()
                .all()
            )
        return [self.state(i) for i in ids]

    def by_code(self, code: str) -> WorkshopState:
        """The workshop with this join code (typed any case, with or without spaces)."""
        clean = normalise_join_code(code or "")
        with self.db.read() as conn:
            workshop_id = conn.execute(
                sa.select(t.workshops.c.id).where(t.workshops.c.code == clean)
            ).scalar()
        if workshop_id is None:
            shown = clean or "(empty)"
            msg = N_(
                "No workshop has the code {code}. Check the code on the big screen and "
                "type it again, or ask the facilitator."
            )
            raise NotFound(msg, code=shown)
        return self.state(workshop_id)

    def check_facilitator(self, code: str, key: str) -> WorkshopState:
        """The workshop if ``key`` is its facilitator key; :class:`NotAllowed` otherwise."""
        workshop = self.by_code(code)
        with self.db.read() as conn:
            stored = conn.execute(
                sa.select(t.workshops.c.key_hash).where(t.workshops.c.id == workshop.id)
            ).scalar()
        if not verify_key(key or "", stored):
            msg = N_(
                "That facilitator key does not match this workshop. Open the facilitator "
                "link that `codesign serve` printed, or the key you saved when you created it."
            )
            raise NotAllowed(msg)
        return workshop

    def state(self, workshop_id: int) -> WorkshopState:
        """The workshop as it stands: its stages' states, the current stage, the timer."""
        with self.db.read() as conn:
            return workshop_state(conn, workshop_id)

    def _event(self, workshop_id: int, kind: str, stage: str, value: str = "") -> None:
        template = load_template(self.state(workshop_id).template)
        template.stage(stage)  # NotFound for an unknown stage
        with self.db.write() as conn:
            conn.execute(
                sa.insert(t.workshop_events).values(
                    workshop_id=workshop_id, kind=kind, stage=stage, value=value, at=time.time()
                )
            )
            changed(conn, workshop_id, "stages")

    def person_caps(self, workshop_id: int) -> PersonCaps:
        """The per-person caps in force: the plan's, with the facilitator's changes."""
        with self.db.read() as conn:
            plan = template_of(conn, workshop_id)
            return person_caps_now(conn, workshop_id, plan.per_person)

    def set_person_cap(self, workshop_id: int, name: str, value: int) -> PersonCaps:
        """Facilitator: raise or lower one per-person cap for the rest of the workshop
        (``goal_cards``, ``checkin_lines``, ``stakeholders`` or ``ties``; 1 to 1000).

        Recorded as an event, never overwritten: what people hold beyond a lowered cap is
        kept; they can add more only once they are under it. Returns the caps now in force.
        """
        names = [f.name for f in fields(PersonCaps)]
        if name not in names:
            msg = f"There is no per-person cap called {name!r}; use one of {', '.join(names)}."
            raise InvalidInput(msg)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CAP:
            msg = f"A per-person cap is a whole number from 1 to {MAX_CAP}, not {value!r}."
            raise InvalidInput(msg)
        with self.db.write() as conn:
            plan = template_of(conn, workshop_id)
            conn.execute(
                sa.insert(t.workshop_events).values(
                    workshop_id=workshop_id,
                    kind=PERSON_CAP_EVENT,
                    stage=name,
                    value=str(value),
                    at=time.time(),
                )
            )
            changed(conn, workshop_id, "stages")
            return person_caps_now(conn, workshop_id, plan.per_person)

    def set_stage_state(self, workshop_id: int, stage: str, state: StageState | str) -> None:
        """Facilitator: open, lock, reveal or close a stage (recorded, never overwritten)."""
        self._event(workshop_id, "stage_state", stage, StageState(state).value)

    def set_stages(
        self,
        workshop_id: int,
        states: dict[str, StageState | str],
        current: str | None = None,
    ) -> None:
        """Facilitator: set several stages' states, and move the room to ``current`` if
        given, in one transaction: phones see the room move and the stage open together."""
        template = load_template(self.state(workshop_id).template)
        for stage in [*states, *([current] if current else [])]:
            template.stage(stage)  # NotFound for an unknown stage
        with self.db.write() as conn:
            record_stage_events(conn, workshop_id, states, current)

    def set_current_stage(self, workshop_id: int, stage: str) -> None:
        """Facilitator: move the room to ``stage``; participant pages follow."""
        self._event(workshop_id, "current_stage", stage)

    def start_timer(self, workshop_id: int, stage: str, seconds: float) -> None:
        """Facilitator: a timer of ``seconds`` for the stage, shown on the hub and phones."""
        if not 0 < seconds <= 6 * 3600:
            msg = N_("Set the timer between 1 second and 6 hours.")
            raise InvalidInput(msg)
        self._event(workshop_id, "timer", stage, repr(time.time() + seconds))

    def stop_timer(self, workshop_id: int, stage: str) -> None:
        """Facilitator: stop the stage's timer."""
        self._event(workshop_id, "timer", stage, "")
