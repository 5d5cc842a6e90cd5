"""Scoring rounds in the store: the criteria chosen for a stage and each round's lifecycle.

A round opens with the stage's latest criteria set, then closes (sealed: no more scores),
may reopen, and is revealed; each move is an event, checked against the round's state inside
the write transaction. Rounds already held keep the criteria they were scored with. The topic
for the live feed is ``scoring``.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..core.errors import NotAllowed
from ..core.workshop import StageState
from ..store import schema as t
from ..store.engine import Database, changed
from ..store.workshops import record_stage_events, workshop_state
from .criteria import CriteriaSet, criteria_set_from_dict, load_criteria_set
from .model import Round, RoundState
from .store_rules import LATEST_PROTOTYPE_REVISION, check_scoring_stage, last_round, round_state

__all__ = ["Rounds"]


class Rounds:
    """The criteria a stage is scored on, and its rounds from open to revealed."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- criteria ------------------------------------------------------------------------------
    def set_criteria(
        self, workshop_id: int, stage: str, criteria: CriteriaSet | str
    ) -> CriteriaSet:
        """Facilitator: choose the criteria set (a template key or a custom set) for the stage.

        Refused while a round is open: people would be scoring against moving criteria.
        Rounds already held keep the set they were scored with.
        """
        if isinstance(criteria, str):
            criteria = load_criteria_set(criteria)
        # Round-trip through the checks: a set built in code obeys the same rules as TOML.
        criteria = criteria_set_from_dict(criteria.to_dict(), key=criteria.key)
        with self.db.read() as conn:
            check_scoring_stage(conn, workshop_id, stage)
        with self.db.write() as conn:
            last = last_round(conn, workshop_id, stage)
            if last is not None and last[1] is RoundState.OPEN:
                msg = (
                    f"Round {last[0].number} is open, so the criteria cannot change now. "
                    "Close the round first, then choose the criteria for the next one."
                )
                raise NotAllowed(msg)
            conn.execute(
                sa.insert(t.scoring_criteria_sets).values(
                    workshop_id=workshop_id, stage=stage, body=criteria.to_dict(), at=time.time()
                )
            )
            changed(conn, workshop_id, "scoring")
        return criteria

    def criteria_for(self, workshop_id: int, stage: str) -> CriteriaSet | None:
        """The criteria set chosen for the stage, or None if none was chosen yet."""
        with self.db.read() as conn:
            body = conn.execute(
                sa.select(t.scoring_criteria_sets.c.body)
                .where(
                    t.scoring_criteria_sets.c.workshop_id == workshop_id,
                    t.scoring_criteria_sets.c.stage == stage,
                )
                .order_by(t.scoring_criteria_sets.c.id.desc())
                .limit(1)
            ).scalar()
        return criteria_set_from_dict(body, key=body.get("key", "custom")) if body else None

    # -- rounds --------------------------------------------------------------------------------
    def _round_event(self, conn: sa.Connection, workshop_id: int, round_id: int, state) -> None:
        conn.execute(
            sa.insert(t.scoring_round_events).values(
                round_id=round_id, state=RoundState(state).value, at=time.time()
            )
        )
        changed(conn, workshop_id, "scoring")

    def open_round(self, workshop_id: int, stage: str) -> int:
        """Facilitator: start the next round (round 1 first); returns its number.

        The room moves to the stage and the stage opens in the same transaction if it was
        not already the open stage every phone is on."""
        with self.db.read() as conn:
            check_scoring_stage(conn, workshop_id, stage)
        with self.db.write() as conn:
            last = last_round(conn, workshop_id, stage)
            if last is not None and last[1] is RoundState.OPEN:
                msg = f"Round {last[0].number} is already open."
                raise NotAllowed(msg)
            if last is not None and last[1] is RoundState.CLOSED:
                msg = (
                    f"Round {last[0].number} is closed but not revealed yet. Reveal it (and "
                    "talk it through) before starting the next round, or reopen it."
                )
                raise NotAllowed(msg)
            criteria_id = conn.execute(
                sa.select(t.scoring_criteria_sets.c.id)
                .where(
                    t.scoring_criteria_sets.c.workshop_id == workshop_id,
                    t.scoring_criteria_sets.c.stage == stage,
                )
                .order_by(t.scoring_criteria_sets.c.id.desc())
                .limit(1)
            ).scalar()
            if criteria_id is None:
                msg = "Choose the criteria first: the group needs to know what they score on."
                raise NotAllowed(msg)
            active = conn.execute(
                sa.select(sa.func.count())
                .select_from(t.scoring_prototypes)
                .join(
                    t.scoring_prototype_revisions,
                    t.scoring_prototype_revisions.c.id == LATEST_PROTOTYPE_REVISION,
                )
                .where(
                    t.scoring_prototypes.c.workshop_id == workshop_id,
                    t.scoring_prototypes.c.stage == stage,
                    t.scoring_prototype_revisions.c.status == "active",
                )
            ).scalar()
            if not active:
                msg = "Add at least one prototype before opening a round."
                raise NotAllowed(msg)
            # A round is part of its stage: the room moves there and the stage opens with
            # it, so no phone shows "Not started" beside "Round 1: Open".
            room = workshop_state(conn, workshop_id)
            if room.current_stage != stage or room.state_of(stage) is not StageState.OPEN:
                record_stage_events(conn, workshop_id, {stage: StageState.OPEN}, stage)
            number = 1 if last is None else last[0].number + 1
            round_id = conn.execute(
                sa.insert(t.scoring_rounds).values(
                    workshop_id=workshop_id,
                    stage=stage,
                    number=number,
                    criteria_set_id=criteria_id,
                    opened_at=time.time(),
                )
            ).inserted_primary_key[0]
            self._round_event(conn, workshop_id, round_id, RoundState.OPEN)
        return number

    def _move_round(self, workshop_id: int, stage: str, allowed: dict, to: RoundState) -> int:
        with self.db.write() as conn:
            last = last_round(conn, workshop_id, stage)
            if last is None:
                msg = "No round has been opened yet. Open round 1 first."
                raise NotAllowed(msg)
            row, state = last
            if state not in allowed:
                msg = allowed.get(None, "That cannot be done now.").format(n=row.number)
                raise NotAllowed(msg + f" (Round {row.number}: {state.label}.)")
            self._round_event(conn, workshop_id, row.id, to)
        return row.number

    def close_round(self, workshop_id: int, stage: str) -> int:
        """Facilitator: seal the open round: no more scores or changes."""
        return self._move_round(
            workshop_id,
            stage,
            {RoundState.OPEN: 1, None: "Only an open round can be closed."},
            RoundState.CLOSED,
        )

    def reopen_round(self, workshop_id: int, stage: str) -> int:
        """Facilitator: reopen a closed round that has not been revealed."""
        return self._move_round(
            workshop_id,
            stage,
            {RoundState.CLOSED: 1, None: "Only a closed round that is not revealed can reopen."},
            RoundState.OPEN,
        )

    def reveal_round(self, workshop_id: int, stage: str) -> int:
        """Facilitator: show the closed round's results to everyone."""
        return self._move_round(
            workshop_id,
            stage,
            {RoundState.CLOSED: 1, None: "Close the round first, so the scores are final."},
            RoundState.REVEALED,
        )

    def rounds(self, workshop_id: int, stage: str) -> list[Round]:
        """Every round of the stage, first first, with its state and criteria set."""
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(t.scoring_rounds, t.scoring_criteria_sets.c.body)
                .join(
                    t.scoring_criteria_sets,
                    t.scoring_criteria_sets.c.id == t.scoring_rounds.c.criteria_set_id,
                )
                .where(
                    t.scoring_rounds.c.workshop_id == workshop_id,
                    t.scoring_rounds.c.stage == stage,
                )
                .order_by(t.scoring_rounds.c.number)
            ).all()
            states = {r.id: round_state(conn, r.id) for r in rows}
        return [
            Round(
                id=r.id,
                number=r.number,
                state=states[r.id],
                criteria=criteria_set_from_dict(r.body, key=r.body.get("key", "custom")),
                opened_at=r.opened_at,
            )
            for r in rows
        ]
