"""The rules every part of the store checks, as plain functions of the write transaction.

Checked inside the transaction that writes (``with db.write() as conn``), so a stage locked a
moment ago, or a participant who left a moment ago, wins over a click or a crafted message.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..core.errors import NotAllowed, NotFound
from ..core.i18n import N_
from ..core.person_caps import PersonCaps, person_caps
from ..core.workshop import Participant, StageState
from . import schema as t

__all__ = [
    "CAP_MESSAGES",
    "PERSON_CAP_EVENT",
    "check_open",
    "check_still_in",
    "check_under_cap",
    "has_withdrawn",
    "held_in_stage",
    "own_entry",
    "person_caps_now",
    "stage_state",
    "still_in",
    "withdrawn_participants",
]

#: Participants who left (withdrew); every shared read excludes their rows.
withdrawn_participants = sa.select(t.participant_events.c.participant_id).where(
    t.participant_events.c.kind == "withdrew"
)


def still_in(column: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """SQL condition: the participant in ``column`` has not withdrawn (NULL, the
    facilitator or an import, counts as in)."""
    return sa.or_(column.is_(None), column.not_in(withdrawn_participants))


def has_withdrawn(conn: sa.Connection, participant_id: int) -> bool:
    """Whether this participant left the workshop (and took back what they added)."""
    return (
        conn.execute(
            sa.select(t.participant_events.c.id)
            .where(
                t.participant_events.c.participant_id == participant_id,
                t.participant_events.c.kind == "withdrew",
            )
            .limit(1)
        ).first()
        is not None
    )


def check_still_in(conn: sa.Connection, participant: Participant) -> None:
    """Refuse anything from a page left open after its person withdrew (or was erased)."""
    if has_withdrawn(conn, participant.id):
        msg = N_(
            "You left this workshop and took back what you added, so nothing more can "
            "be saved as you. Join again with the code to take part."
        )
        raise NotAllowed(msg)


def stage_state(conn: sa.Connection, workshop_id: int, stage: str) -> StageState:
    """The stage's state as recorded last (``not_started`` before it was ever opened)."""
    row = conn.execute(
        sa.select(t.workshop_events.c.value)
        .where(
            t.workshop_events.c.workshop_id == workshop_id,
            t.workshop_events.c.kind == "stage_state",
            t.workshop_events.c.stage == stage,
        )
        .order_by(t.workshop_events.c.id.desc())
        .limit(1)
    ).first()
    return StageState(row.value) if row else StageState.NOT_STARTED


def check_open(conn: sa.Connection, participant: Participant, stage: str) -> None:
    """Refuse a participant's write unless they are still in and ``stage`` is open."""
    check_still_in(conn, participant)
    state = stage_state(conn, participant.workshop_id, stage)
    if state is not StageState.OPEN:
        msg = {
            StageState.NOT_STARTED: N_(
                "This stage has not opened yet. Wait for the facilitator "
                "to open it; nothing was saved."
            ),
            StageState.CLOSED: N_(
                "This stage is closed, so nothing was saved. Tell the "
                "facilitator if something is missing."
            ),
            StageState.LOCKED: N_(
                "This stage is locked, so changes are no longer taken. "
                "Tell the facilitator if something is missing."
            ),
            StageState.REVEALED: N_(
                "This stage is finished and its results are shown; changes are no longer taken."
            ),
        }[state]
        raise NotAllowed(msg)


def own_entry(conn: sa.Connection, participant: Participant, entry_id: int) -> sa.Row:
    """The entry ``entry_id`` if it is the participant's own, in their workshop."""
    row = conn.execute(sa.select(t.entries).where(t.entries.c.id == entry_id)).first()
    if row is None or row.workshop_id != participant.workshop_id:
        msg = N_("That contribution is not in this workshop.")
        raise NotFound(msg)
    if row.participant_id != participant.id:
        msg = N_("You can only change or withdraw your own contributions.")
        raise NotAllowed(msg)
    return row


#: What a person meets at each per-person cap (core.person_caps): what happened, what to do.
CAP_MESSAGES = {
    "checkin_lines": N_(
        "You have shared {n} lines in this stage, the most one person can. Withdraw one "
        "of yours to share another, or ask the facilitator."
    ),
    "goal_cards": N_(
        "You have added {n} goal cards in this stage, the most one person can. Withdraw "
        "one of yours to add another, or ask the facilitator."
    ),
    "stakeholders": N_(
        "You have added {n} stakeholders to this map, the most one person can. Withdraw "
        "one of yours to add another, or ask the facilitator."
    ),
    "ties": N_(
        "You have drawn {n} ties on this map, the most one person can. Withdraw one of "
        "yours to draw another, or ask the facilitator."
    ),
}


def held_in_stage(
    conn: sa.Connection,
    items: sa.Table,
    revisions: sa.Table,
    latest: sa.ScalarSelect,
    participant: Participant,
    stage: str,
    *where: sa.ColumnElement[bool],
) -> int:
    """How many ``items`` (entries, network items) the participant holds in ``stage``, each
    in its ``latest`` revision of ``revisions``: withdrawn ones left out, hidden and private
    ones counted; ``where`` narrows the kind."""
    query = (
        sa.select(sa.func.count())
        .select_from(items)
        .join(revisions, revisions.c.id == latest)
        .where(
            items.c.participant_id == participant.id,
            items.c.stage == stage,
            revisions.c.status != "withdrawn",
            *where,
        )
    )
    return int(conn.execute(query).scalar())


def check_under_cap(held: int, cap: tuple[str, int]) -> None:
    """Refuse one more contribution from a person who holds ``held`` of the kind ``cap``
    (its name and number) already. ``held`` is counted in the write transaction that would
    add it, so taps at the same moment cannot pass the cap together.

    >>> check_under_cap(2, ("ties", 3))
    >>> try:
    ...     check_under_cap(3, ("ties", 3))
    ... except NotAllowed as refused:
    ...     print(str(refused)[:40])
    You have drawn 3 ties on this map, the m
    """
    name, n = cap
    if held >= n:
        raise NotAllowed(CAP_MESSAGES[name], n=n)


#: The ``workshop_events`` kind of a facilitator's change to a per-person cap during the
#: workshop (``stage`` holds the cap's name, ``value`` the number).
PERSON_CAP_EVENT = "person_cap"


def person_caps_now(conn: sa.Connection, workshop_id: int, plan_caps: PersonCaps) -> PersonCaps:
    """The per-person caps in force: the plan's ``[per_person]``, then the facilitator's
    changes during the workshop in order, read in the transaction ``conn`` (the write
    transaction that checks a cap reads the caps it checks).
    """
    rows = conn.execute(
        sa.select(t.workshop_events.c.stage, t.workshop_events.c.value)
        .where(
            t.workshop_events.c.workshop_id == workshop_id,
            t.workshop_events.c.kind == PERSON_CAP_EVENT,
        )
        .order_by(t.workshop_events.c.id)
    ).all()
    changes = {name: int(value) for name, value in rows}
    if not changes:
        return plan_caps
    return person_caps({**vars(plan_caps), **changes}, "the workshop's cap changes")
