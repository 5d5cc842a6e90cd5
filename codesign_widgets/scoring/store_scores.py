"""Scores in the store: saved while a round is open, sealed until it is revealed.

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

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.i18n import N_
from ..core.templates import load_template
from ..core.workshop import Participant
from ..store import schema as t
from ..store.engine import Database, changed
from ..store.rules import check_still_in, still_in
from ..store.workshops import workshop_state
from .criteria import criteria_set_from_dict
from .model import RoundState, ScoreRow, check_score, clean_comment
from .store_rules import LATEST_PROTOTYPE_REVISION, prototype_row, round_in, round_state

__all__ = ["Scores"]


class Scores:
    """Scores and comments: saved while a round is open, read back only once revealed."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
            msg = N_("Scores must be given per criterion.")
            raise InvalidInput(msg)
        text = clean_comment(comment) if comment is not None else None
        with self.db.write() as conn:
            row = _open_round(conn, participant.workshop_id, round_id)
            _check_prototype_takes_scores(conn, participant.workshop_id, prototype_id, row.stage)
            criteria = criteria_set_from_dict(row.body, key=row.body.get("key", "custom"))
            checked = {
                key: check_score(criteria.criterion(str(key)), value)
                for key, value in values.items()
            }
            check_still_in(conn, participant)
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
            changed(conn, participant.workshop_id, "scores")

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
            msg = N_("You are not a participant of this workshop; join with the code first.")
            raise NotAllowed(msg)
        return row.perspective

    def my_scores(
        self, participant: Participant, round_id: int
    ) -> tuple[dict[tuple[int, str], int | None], dict[int, str]]:
        """The participant's own counted scores and comments in a round (nobody else's)."""
        with self.db.read() as conn:
            round_in(conn, participant.workshop_id, round_id)
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
        with self.db.read() as conn:
            round_in(conn, workshop_id, round_id)
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
        with self.db.read() as conn:
            template = load_template(workshop_state(conn, workshop_id).template)
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
                        t.scoring_prototype_revisions.c.id == LATEST_PROTOTYPE_REVISION,
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
        with self.db.read() as conn:
            row = round_in(conn, workshop_id, round_id)
            if round_state(conn, row.id) is not RoundState.REVEALED:
                msg = (
                    f"Round {row.number} is not revealed yet, so its scores stay sealed. "
                    "Close and reveal it to see the results."
                )
                raise NotAllowed(msg)
            return self._counted_rows(conn, workshop_id, [row.id], include_withdrawn, groups)

    def score_table(self, workshop_id: int, stage: str) -> list[ScoreRow]:
        """Analyst: the counted scores of every revealed round of a stage (sealed ones left out)."""
        groups = self._groups(workshop_id)
        with self.db.read() as conn:
            revealed = [
                r.id
                for r in conn.execute(
                    sa.select(t.scoring_rounds.c.id)
                    .where(
                        t.scoring_rounds.c.workshop_id == workshop_id,
                        t.scoring_rounds.c.stage == stage,
                    )
                    .order_by(t.scoring_rounds.c.number)
                )
                if round_state(conn, r.id) is RoundState.REVEALED
            ]
            return self._counted_rows(conn, workshop_id, revealed, True, groups)

    def revealed_comments(self, workshop_id: int, round_id: int) -> list[tuple[int, str, str]]:
        """(prototype id, perspective, text) of each latest comment, once revealed."""
        with self.db.read() as conn:
            row = round_in(conn, workshop_id, round_id)
            if round_state(conn, row.id) is not RoundState.REVEALED:
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


def _open_round(conn: sa.Connection, workshop_id: int, round_id: object) -> sa.Row:
    """The round, if it is this workshop's and still open for scores."""
    row = round_in(conn, workshop_id, round_id)
    if round_state(conn, row.id) is not RoundState.OPEN:
        msg = N_(
            "Round {n} is closed, so scores can no longer be changed; "
            "this was not saved. Wait for the next round to score again."
        )
        raise NotAllowed(msg, n=row.number)
    return row


def _check_prototype_takes_scores(conn, workshop_id: int, prototype_id: object, stage: str):
    """The prototype belongs to the round's stage and was not withdrawn."""
    prototype = prototype_row(conn, workshop_id, prototype_id)
    if prototype.stage != stage:
        msg = N_("That prototype is not part of this round; choose one from the list.")
        raise NotFound(msg)
    if prototype.status != "active":
        msg = N_(
            "The prototype {title!r} was withdrawn by the facilitator, so "
            "it takes no more scores; this was not saved."
        )
        raise NotAllowed(msg, title=prototype.title)
