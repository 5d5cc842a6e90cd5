"""Prototypes in the store: the scoring stage, prototypes and their revisions, decisions.

A prototype is never overwritten: an edit or a withdrawal is a new revision, and the latest
revision is what counts (:data:`LATEST_PROTOTYPE_REVISION`, used by rounds and scores too).
A decision (adopt, iterate, drop) is recorded with its reason; earlier ones stay in the file.
The topic for the live feed is ``scoring``.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..core.errors import NotFound
from ..core.templates import load_template
from ..store import schema as t
from ..store.engine import Database, changed
from ..store.workshops import workshop_state
from .model import Decision, Prototype, clean_decision, clean_prototype
from .store_rules import (
    ACTIVITY,
    LATEST_PROTOTYPE_REVISION,
    check_scoring_stage,
    last_round,
    prototype_row,
)

__all__ = ["Prototypes"]


class Prototypes:
    """Prototypes to score and what the group decided for each."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- stages --------------------------------------------------------------------------------
    def scoring_stage(self, workshop_id: int) -> str:
        """The key of the workshop's first prototype-scoring stage."""
        with self.db.read() as conn:
            template = load_template(workshop_state(conn, workshop_id).template)
        for stage in template.stages:
            if stage.activity == ACTIVITY:
                return stage.key
        msg = (
            f"The plan {template.name!r} has no prototype-scoring stage. Create the workshop "
            "from a plan that has one (such as the co-design day)."
        )
        raise NotFound(msg)

    # -- prototypes ----------------------------------------------------------------------------
    def add_prototype(
        self, workshop_id: int, stage: str, title: str, description: str = "", goals=()
    ) -> int:
        """Facilitator: add a prototype to score; returns its id."""
        body = clean_prototype(title, description, goals)
        with self.db.read() as conn:
            check_scoring_stage(conn, workshop_id, stage)
        now = time.time()
        with self.db.write() as conn:
            prototype_id = conn.execute(
                sa.insert(t.scoring_prototypes).values(
                    workshop_id=workshop_id, stage=stage, created_at=now
                )
            ).inserted_primary_key[0]
            conn.execute(
                sa.insert(t.scoring_prototype_revisions).values(
                    prototype_id=prototype_id, status="active", at=now, **body
                )
            )
            changed(conn, workshop_id, "scoring")
        return prototype_id

    def revise_prototype(
        self, workshop_id: int, prototype_id: int, title: str, description: str = "", goals=()
    ) -> None:
        """Facilitator: record a new version of a prototype (the old one is kept)."""
        body = clean_prototype(title, description, goals)
        with self.db.write() as conn:
            row = prototype_row(conn, workshop_id, prototype_id)
            conn.execute(
                sa.insert(t.scoring_prototype_revisions).values(
                    prototype_id=prototype_id, status=row.status, at=time.time(), **body
                )
            )
            changed(conn, workshop_id, "scoring")

    def withdraw_prototype(
        self, workshop_id: int, prototype_id: int, withdrawn: bool = True
    ) -> None:
        """Facilitator: withdraw a prototype (no more scores, out of results) or bring it back."""
        with self.db.write() as conn:
            row = prototype_row(conn, workshop_id, prototype_id)
            conn.execute(
                sa.insert(t.scoring_prototype_revisions).values(
                    prototype_id=prototype_id,
                    title=row.title,
                    description=row.description,
                    goals=row.goals,
                    status="withdrawn" if withdrawn else "active",
                    at=time.time(),
                )
            )
            changed(conn, workshop_id, "scoring")

    def prototypes(
        self, workshop_id: int, stage: str, *, include_withdrawn: bool = False
    ) -> list[Prototype]:
        """Prototypes of a stage as they stand now, in the order they were added."""
        query = (
            sa.select(t.scoring_prototypes, t.scoring_prototype_revisions)
            .select_from(t.scoring_prototypes)
            .join(
                t.scoring_prototype_revisions,
                t.scoring_prototype_revisions.c.id == LATEST_PROTOTYPE_REVISION,
            )
            .where(
                t.scoring_prototypes.c.workshop_id == workshop_id,
                t.scoring_prototypes.c.stage == stage,
            )
            .order_by(t.scoring_prototypes.c.id)
        )
        if not include_withdrawn:
            query = query.where(t.scoring_prototype_revisions.c.status == "active")
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [
            Prototype(
                id=r.prototype_id,
                title=r.title,
                description=r.description,
                goals=tuple(r.goals or ()),
                status=r.status,
                created_at=r.created_at,
                updated_at=r.at,
            )
            for r in rows
        ]

    # -- decisions -----------------------------------------------------------------------------
    def record_decision(
        self, workshop_id: int, stage: str, prototype_id: int, decision: str, reason: str
    ) -> None:
        """Facilitator: record what the group decided for a prototype (adopt, iterate, drop)."""
        decision, reason = clean_decision(decision, reason)
        with self.db.write() as conn:
            prototype = prototype_row(conn, workshop_id, prototype_id)
            if prototype.stage != stage:
                msg = "That prototype is not part of this stage."
                raise NotFound(msg)
            last = last_round(conn, workshop_id, stage)
            conn.execute(
                sa.insert(t.scoring_decisions).values(
                    workshop_id=workshop_id,
                    stage=stage,
                    prototype_id=prototype_id,
                    decision=decision,
                    reason=reason,
                    round_id=last[0].id if last else None,
                    at=time.time(),
                )
            )
            changed(conn, workshop_id, "scoring")

    def decisions(self, workshop_id: int, stage: str) -> dict[int, Decision]:
        """The latest decision per prototype (earlier ones stay in the file)."""
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(t.scoring_decisions, t.scoring_rounds.c.number)
                .outerjoin(
                    t.scoring_rounds, t.scoring_rounds.c.id == t.scoring_decisions.c.round_id
                )
                .where(
                    t.scoring_decisions.c.workshop_id == workshop_id,
                    t.scoring_decisions.c.stage == stage,
                )
                .order_by(t.scoring_decisions.c.id)
            ).all()
        return {
            r.prototype_id: Decision(r.prototype_id, r.decision, r.reason, r.number, r.at)
            for r in rows
        }
