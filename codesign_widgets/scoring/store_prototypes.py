"""Prototypes in the store: the scoring stage, prototypes and their revisions, decisions.

A prototype is never overwritten: an edit or a withdrawal is a new revision, and the latest
revision is what counts (:data:`LATEST_PROTOTYPE_REVISION`, used by rounds and scores too).
A decision (adopt, iterate, drop) is recorded with its reason; earlier ones stay in the file.
Part of :class:`~codesign_widgets.scoring.store.ScoringMixin`; the topic for the live feed is
``scoring``.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..core.errors import NotAllowed, NotFound
from ..core.templates import load_template
from ..store import schema as t
from .model import Decision, Prototype, clean_decision, clean_prototype

__all__ = ["PrototypesMixin"]

ACTIVITY = "prototype_scoring"

_pr = t.scoring_prototype_revisions.alias("later_prototype_revisions")
#: The id of each prototype's latest revision (a correlated subquery to join on).
LATEST_PROTOTYPE_REVISION = (
    sa.select(sa.func.max(_pr.c.id))
    .where(_pr.c.prototype_id == t.scoring_prototypes.c.id)
    .scalar_subquery()
)


class PrototypesMixin:
    """Prototypes to score and what the group decided for each."""

    # -- stages --------------------------------------------------------------------------------
    def scoring_stage(self, workshop_id: int) -> str:
        """The key of the workshop's first prototype-scoring stage."""
        template = load_template(self.workshop_state(workshop_id).template)
        for stage in template.stages:
            if stage.activity == ACTIVITY:
                return stage.key
        msg = (
            f"The plan {template.name!r} has no prototype-scoring stage. Create the workshop "
            "from a plan that has one (such as the co-design day)."
        )
        raise NotFound(msg)

    def _check_scoring_stage(self, workshop_id: int, stage: str) -> None:
        plan_stage = load_template(self.workshop_state(workshop_id).template).stage(stage)
        if plan_stage.activity != ACTIVITY:
            msg = f"The stage {plan_stage.title!r} is not a prototype-scoring stage."
            raise NotAllowed(msg)

    # -- prototypes ----------------------------------------------------------------------------
    def add_prototype(
        self, workshop_id: int, stage: str, title: str, description: str = "", goals=()
    ) -> int:
        """Facilitator: add a prototype to score; returns its id."""
        body = clean_prototype(title, description, goals)
        self._check_scoring_stage(workshop_id, stage)
        now = time.time()
        with self._write() as conn:
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
            self._changed(conn, workshop_id, "scoring")
        return prototype_id

    def _prototype_row(self, conn: sa.Connection, workshop_id: int, prototype_id: object):
        if isinstance(prototype_id, bool) or not isinstance(prototype_id, int):
            msg = "That prototype is not in this workshop; choose one from the list."
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
            msg = "That prototype is not in this workshop; choose one from the list."
            raise NotFound(msg)
        return row

    def revise_prototype(
        self, workshop_id: int, prototype_id: int, title: str, description: str = "", goals=()
    ) -> None:
        """Facilitator: record a new version of a prototype (the old one is kept)."""
        body = clean_prototype(title, description, goals)
        with self._write() as conn:
            row = self._prototype_row(conn, workshop_id, prototype_id)
            conn.execute(
                sa.insert(t.scoring_prototype_revisions).values(
                    prototype_id=prototype_id, status=row.status, at=time.time(), **body
                )
            )
            self._changed(conn, workshop_id, "scoring")

    def withdraw_prototype(
        self, workshop_id: int, prototype_id: int, withdrawn: bool = True
    ) -> None:
        """Facilitator: withdraw a prototype (no more scores, out of results) or bring it back."""
        with self._write() as conn:
            row = self._prototype_row(conn, workshop_id, prototype_id)
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
            self._changed(conn, workshop_id, "scoring")

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
        with self._read() as conn:
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
        with self._write() as conn:
            prototype = self._prototype_row(conn, workshop_id, prototype_id)
            if prototype.stage != stage:
                msg = "That prototype is not part of this stage."
                raise NotFound(msg)
            last = self._last_round(conn, workshop_id, stage)
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
            self._changed(conn, workshop_id, "scoring")

    def decisions(self, workshop_id: int, stage: str) -> dict[int, Decision]:
        """The latest decision per prototype (earlier ones stay in the file)."""
        with self._read() as conn:
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
