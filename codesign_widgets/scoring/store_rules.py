"""The rules of prototype scoring in a transaction: which stage scores, which prototype and
round a message may name, and a round's state; plain functions of the connection that the
prototypes, rounds and scores parts check inside their write transactions.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..core.errors import NotAllowed, NotFound
from ..core.i18n import N_
from ..store import schema as t
from ..store.workshops import template_of
from .model import RoundState

__all__ = [
    "ACTIVITY",
    "LATEST_PROTOTYPE_REVISION",
    "check_scoring_stage",
    "last_round",
    "prototype_row",
    "round_in",
    "round_state",
]

ACTIVITY = "prototype_scoring"

_pr = t.scoring_prototype_revisions.alias("later_prototype_revisions")
#: The id of each prototype's latest revision (a correlated subquery to join on).
LATEST_PROTOTYPE_REVISION = (
    sa.select(sa.func.max(_pr.c.id))
    .where(_pr.c.prototype_id == t.scoring_prototypes.c.id)
    .scalar_subquery()
)


def check_scoring_stage(conn: sa.Connection, workshop_id: int, stage: str) -> None:
    """Refuse unless ``stage`` is a prototype-scoring stage of the workshop's plan."""
    plan_stage = template_of(conn, workshop_id).stage(stage)
    if plan_stage.activity != ACTIVITY:
        msg = f"The stage {plan_stage.title!r} is not a prototype-scoring stage."
        raise NotAllowed(msg)


def prototype_row(conn: sa.Connection, workshop_id: int, prototype_id: object) -> sa.Row:
    """The prototype in its latest revision, if it is one of this workshop's."""
    if isinstance(prototype_id, bool) or not isinstance(prototype_id, int):
        msg = N_("That prototype is not in this workshop; choose one from the list.")
        raise NotFound(msg)
    row = conn.execute(
        sa.select(
            t.scoring_prototypes.c.workshop_id,
            t.scoring_prototypes.c.stage,
            t.scoring_prototype_revisions,
        )
        .select_from(t.scoring_prototypes)
        .join(
            t.scoring_prototype_revisions,
            t.scoring_prototype_revisions.c.id == LATEST_PROTOTYPE_REVISION,
        )
        .where(t.scoring_prototypes.c.id == prototype_id)
    ).first()
    if row is None or row.workshop_id != workshop_id:
        msg = N_("That prototype is not in this workshop; choose one from the list.")
        raise NotFound(msg)
    return row


def round_state(conn: sa.Connection, round_id: int) -> RoundState:
    """The round's state as its last event left it."""
    value = conn.execute(
        sa.select(t.scoring_round_events.c.state)
        .where(t.scoring_round_events.c.round_id == round_id)
        .order_by(t.scoring_round_events.c.id.desc())
        .limit(1)
    ).scalar()
    return RoundState(value or "open")


def last_round(
    conn: sa.Connection, workshop_id: int, stage: str
) -> tuple[sa.Row, RoundState] | None:
    """The stage's latest round and its state, or None before round 1."""
    row = conn.execute(
        sa.select(t.scoring_rounds)
        .where(t.scoring_rounds.c.workshop_id == workshop_id, t.scoring_rounds.c.stage == stage)
        .order_by(t.scoring_rounds.c.number.desc())
        .limit(1)
    ).first()
    return None if row is None else (row, round_state(conn, row.id))


def round_in(conn: sa.Connection, workshop_id: int, round_id: object) -> sa.Row:
    """The round with its criteria set, if it is one of this workshop's."""
    if isinstance(round_id, bool) or not isinstance(round_id, int):
        msg = N_("That scoring round is not in this workshop.")
        raise NotFound(msg)
    row = conn.execute(
        sa.select(t.scoring_rounds, t.scoring_criteria_sets.c.body)
        .join(
            t.scoring_criteria_sets,
            t.scoring_criteria_sets.c.id == t.scoring_rounds.c.criteria_set_id,
        )
        .where(t.scoring_rounds.c.id == round_id)
    ).first()
    if row is None or row.workshop_id != workshop_id:
        msg = N_("That scoring round is not in this workshop.")
        raise NotFound(msg)
    return row
