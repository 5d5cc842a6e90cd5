"""Prototype scoring in the store: prototypes, criteria sets, sealed rounds, scores, decisions.

Sealed rounds are enforced here, in SQL: until a round is revealed, nobody (participant,
projector or export) can read other people's scores through this store. A participant reads
only their own scores; the facilitator reads counts. Every rule (the round is open, the
prototype is not withdrawn, the score is on the scale, the comment is not too long) is
checked inside the write transaction, so a crafted widget message meets the same refusal
as a click.

Topics for the live feed: ``scoring`` (prototypes, criteria, rounds, decisions: every page
redraws) and ``scores`` (a score was saved: only the hub's progress counts redraw).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import sqlalchemy as sa

from ..errors import InvalidInput, NotAllowed, NotFound
from ..scoring import (
    CriteriaSet,
    Decision,
    Prototype,
    Round,
    RoundState,
    ScoreRow,
    check_score,
    clean_comment,
    clean_decision,
    clean_prototype,
    criteria_set_from_dict,
    load_criteria_set,
)
from ..templates import load_template
from ..workshop import Participant
from . import schema as t
from .privacy import still_in

__all__ = ["ScoringMixin"]

ACTIVITY = "prototype_scoring"

_pr = t.scoring_prototype_revisions.alias("later_prototype_revisions")
_latest_prototype_revision = (
    sa.select(sa.func.max(_pr.c.id))
    .where(_pr.c.prototype_id == t.scoring_prototypes.c.id)
    .scalar_subquery()
)


class ScoringMixin:
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
                t.scoring_prototype_revisions.c.id == _latest_prototype_revision,
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
                t.scoring_prototype_revisions.c.id == _latest_prototype_revision,
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
        self._check_scoring_stage(workshop_id, stage)
        with self._write() as conn:
            last = self._last_round(conn, workshop_id, stage)
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
            self._changed(conn, workshop_id, "scoring")
        return criteria

    def criteria_for(self, workshop_id: int, stage: str) -> CriteriaSet | None:
        """The criteria set chosen for the stage, or None if none was chosen yet."""
        with self._read() as conn:
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
    @staticmethod
    def _round_state(conn: sa.Connection, round_id: int) -> RoundState:
        value = conn.execute(
            sa.select(t.scoring_round_events.c.state)
            .where(t.scoring_round_events.c.round_id == round_id)
            .order_by(t.scoring_round_events.c.id.desc())
            .limit(1)
        ).scalar()
        return RoundState(value or "open")

    def _last_round(self, conn: sa.Connection, workshop_id: int, stage: str):
        row = conn.execute(
            sa.select(t.scoring_rounds)
            .where(t.scoring_rounds.c.workshop_id == workshop_id, t.scoring_rounds.c.stage == stage)
            .order_by(t.scoring_rounds.c.number.desc())
            .limit(1)
        ).first()
        return None if row is None else (row, self._round_state(conn, row.id))

    def _round_event(self, conn: sa.Connection, workshop_id: int, round_id: int, state) -> None:
        conn.execute(
            sa.insert(t.scoring_round_events).values(
                round_id=round_id, state=RoundState(state).value, at=time.time()
            )
        )
        self._changed(conn, workshop_id, "scoring")

    def open_round(self, workshop_id: int, stage: str) -> int:
        """Facilitator: start the next round (round 1 first); returns its number."""
        self._check_scoring_stage(workshop_id, stage)
        with self._write() as conn:
            last = self._last_round(conn, workshop_id, stage)
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
                    t.scoring_prototype_revisions.c.id == _latest_prototype_revision,
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
        with self._write() as conn:
            last = self._last_round(conn, workshop_id, stage)
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
        with self._read() as conn:
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
            states = {r.id: self._round_state(conn, r.id) for r in rows}
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

    def _round_in(self, conn: sa.Connection, workshop_id: int, round_id: object):
        if isinstance(round_id, bool) or not isinstance(round_id, int):
            msg = "That scoring round is not in this workshop."
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
            msg = "That scoring round is not in this workshop."
            raise NotFound(msg)
        return row

    # -- scores --------------------------------------------------------------------------------
    def save_scores(
        self,
        participant: Participant,
        round_id: int,
        prototype_id: int,
        values: Mapping[str, object],
        comment: str | None = None,
    ) -> None:
        """Participant: save scores (criterion key to a point or "can't say") and a comment.

        One transaction: all of it is saved or, with a message, none of it. A later save
        for the same prototype and criterion replaces the earlier one in results; both stay
        in the file.
        """
        if not isinstance(values, Mapping) or len(values) > 50:
            msg = "Scores must be given per criterion."
            raise InvalidInput(msg)
        text = clean_comment(comment) if comment is not None else None
        with self._write() as conn:
            row = self._round_in(conn, participant.workshop_id, round_id)
            state = self._round_state(conn, row.id)
            if state is not RoundState.OPEN:
                msg = (
                    f"Round {row.number} is closed, so scores can no longer be changed; "
                    "this was not saved. Wait for the next round to score again."
                )
                raise NotAllowed(msg)
            prototype = self._prototype_row(conn, participant.workshop_id, prototype_id)
            if prototype.stage != row.stage:
                msg = "That prototype is not part of this round; choose one from the list."
                raise NotFound(msg)
            if prototype.status != "active":
                msg = (
                    f"The prototype {prototype.title!r} was withdrawn by the facilitator, so "
                    "it takes no more scores; this was not saved."
                )
                raise NotAllowed(msg)
            criteria = criteria_set_from_dict(row.body, key=row.body.get("key", "custom"))
            checked = {
                key: check_score(criteria.criterion(str(key)), value)
                for key, value in values.items()
            }
            self._check_still_in(conn, participant)
            perspective = self._perspective_now(conn, participant)
            now = time.time()
            if checked:
                conn.execute(
                    sa.insert(t.scores),
                    [
                        {
                            "round_id": row.id,
                            "participant_id": participant.id,
                            "perspective": perspective,
                            "prototype_id": prototype_id,
                            "criterion": key,
                            "value": value,
                            "at": now,
                        }
                        for key, value in checked.items()
                    ],
                )
            if text is not None:
                conn.execute(
                    sa.insert(t.scoring_comments).values(
                        round_id=row.id,
                        participant_id=participant.id,
                        perspective=perspective,
                        prototype_id=prototype_id,
                        text=text,
                        at=now,
                    )
                )
            self._changed(conn, participant.workshop_id, "scores")

    @staticmethod
    def _perspective_now(conn: sa.Connection, participant: Participant) -> str:
        row = conn.execute(
            sa.select(t.participants.c.workshop_id, t.participant_profiles.c.perspective)
            .join(
                t.participant_profiles,
                t.participant_profiles.c.participant_id == t.participants.c.id,
            )
            .where(t.participants.c.id == participant.id)
            .order_by(t.participant_profiles.c.id.desc())
            .limit(1)
        ).first()
        if row is None or row.workshop_id != participant.workshop_id:
            msg = "You are not a participant of this workshop; join with the code first."
            raise NotAllowed(msg)
        return row.perspective

    def my_scores(
        self, participant: Participant, round_id: int
    ) -> tuple[dict[tuple[int, str], int | None], dict[int, str]]:
        """The participant's own counted scores and comments in a round (nobody else's)."""
        with self._read() as conn:
            self._round_in(conn, participant.workshop_id, round_id)
            rows = conn.execute(
                sa.select(t.scores.c.prototype_id, t.scores.c.criterion, t.scores.c.value)
                .where(t.scores.c.round_id == round_id, t.scores.c.participant_id == participant.id)
                .order_by(t.scores.c.id)
            ).all()
            notes = conn.execute(
                sa.select(t.scoring_comments.c.prototype_id, t.scoring_comments.c.text)
                .where(
                    t.scoring_comments.c.round_id == round_id,
                    t.scoring_comments.c.participant_id == participant.id,
                )
                .order_by(t.scoring_comments.c.id)
            ).all()
        return ({(r.prototype_id, r.criterion): r.value for r in rows}, dict(notes))

    def round_progress(self, workshop_id: int, round_id: int) -> dict:
        """Counts only, safe before a reveal: who has scored how much, per perspective group."""
        groups = self._groups(workshop_id)
        with self._read() as conn:
            self._round_in(conn, workshop_id, round_id)
            rows = conn.execute(
                sa.select(
                    t.scores.c.participant_id,
                    sa.func.max(t.scores.c.perspective),
                    sa.func.count(sa.distinct(t.scores.c.prototype_id)),
                )
                .where(t.scores.c.round_id == round_id, still_in(t.scores.c.participant_id))
                .group_by(t.scores.c.participant_id)
            ).all()
        by_group: dict[str, int] = {}
        for _pid, perspective, _n in rows:
            group = groups.get(perspective, perspective)
            by_group[group] = by_group.get(group, 0) + 1
        return {
            "people": len(rows),
            "by_group": by_group,
            "prototypes_scored": sum(n for _p, _q, n in rows),
        }

    def _groups(self, workshop_id: int) -> dict[str, str]:
        """Perspective key to perspective group, from the workshop's plan."""
        template = load_template(self.workshop_state(workshop_id).template)
        return {p.key: p.group for p in template.perspectives}

    def _counted_rows(
        self,
        conn: sa.Connection,
        workshop_id: int,
        round_ids: list[int],
        include_withdrawn: bool,
        groups: dict[str, str],
    ) -> list[ScoreRow]:
        numbers = dict(
            conn.execute(
                sa.select(t.scoring_rounds.c.id, t.scoring_rounds.c.number).where(
                    t.scoring_rounds.c.id.in_(round_ids)
                )
            ).all()
        )
        status = {}
        if not include_withdrawn:
            status = dict(
                conn.execute(
                    sa.select(t.scoring_prototypes.c.id, t.scoring_prototype_revisions.c.status)
                    .select_from(t.scoring_prototypes)
                    .join(
                        t.scoring_prototype_revisions,
                        t.scoring_prototype_revisions.c.id == _latest_prototype_revision,
                    )
                    .where(t.scoring_prototypes.c.workshop_id == workshop_id)
                ).all()
            )
        rows = conn.execute(
            sa.select(
                t.scores.c.round_id,
                t.participants.c.public_id,
                t.scores.c.perspective,
                t.scores.c.prototype_id,
                t.scores.c.criterion,
                t.scores.c.value,
            )
            .join(t.participants, t.participants.c.id == t.scores.c.participant_id)
            .where(t.scores.c.round_id.in_(round_ids), still_in(t.scores.c.participant_id))
            .order_by(t.scores.c.id)
        ).all()
        latest: dict[tuple, ScoreRow] = {}
        for r in rows:
            if not include_withdrawn and status.get(r.prototype_id) != "active":
                continue
            # Rows come oldest first, so a later score replaces an earlier one.
            latest[(r.round_id, r.public_id, r.prototype_id, r.criterion)] = ScoreRow(
                round_number=numbers[r.round_id],
                participant=r.public_id,
                perspective=r.perspective,
                group=groups.get(r.perspective, r.perspective),
                prototype_id=r.prototype_id,
                criterion=r.criterion,
                value=r.value,
            )
        return list(latest.values())

    def revealed_scores(
        self, workshop_id: int, round_id: int, *, include_withdrawn: bool = False
    ) -> list[ScoreRow]:
        """Everyone's counted scores in a round, only once it is revealed.

        Withdrawn prototypes are left out unless asked for (an analyst may want them).
        """
        groups = self._groups(workshop_id)
        with self._read() as conn:
            row = self._round_in(conn, workshop_id, round_id)
            if self._round_state(conn, row.id) is not RoundState.REVEALED:
                msg = (
                    f"Round {row.number} is not revealed yet, so its scores stay sealed. "
                    "Close and reveal it to see the results."
                )
                raise NotAllowed(msg)
            return self._counted_rows(conn, workshop_id, [row.id], include_withdrawn, groups)

    def score_table(self, workshop_id: int, stage: str) -> list[ScoreRow]:
        """Analyst: the counted scores of every revealed round of a stage (sealed ones left out)."""
        revealed = [r.id for r in self.rounds(workshop_id, stage) if r.state is RoundState.REVEALED]
        groups = self._groups(workshop_id)
        with self._read() as conn:
            return self._counted_rows(conn, workshop_id, revealed, True, groups)

    def revealed_comments(self, workshop_id: int, round_id: int) -> list[tuple[int, str, str]]:
        """(prototype id, perspective, text) of each latest comment, once revealed."""
        with self._read() as conn:
            row = self._round_in(conn, workshop_id, round_id)
            if self._round_state(conn, row.id) is not RoundState.REVEALED:
                msg = f"Round {row.number} is not revealed yet, so its comments stay sealed."
                raise NotAllowed(msg)
            rows = conn.execute(
                sa.select(t.scoring_comments)
                .where(
                    t.scoring_comments.c.round_id == round_id,
                    still_in(t.scoring_comments.c.participant_id),
                )
                .order_by(t.scoring_comments.c.id)
            ).all()
        latest = {(r.participant_id, r.prototype_id): r for r in rows}
        return [(r.prototype_id, r.perspective, r.text) for r in latest.values() if r.text]

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
