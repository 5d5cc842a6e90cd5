"""Dot votes in the store: placing and taking back dots, and the counts once revealed.

Vote counts are returned only once the stage is revealed; before that, only how many dots
are on the board. The stage, the target and the dot budget are checked inside the write
transaction, so a crafted widget message meets the same refusal as a click.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.i18n import N_
from ..core.workshop import Participant, StageState
from ..store import schema as t
from ..store.engine import Database, changed
from ..store.rules import check_open, stage_state, still_in
from ..store.workshops import template_of
from .store_read import ACTIVITY, read_goal_cards, read_settings, theme_events
from .themes import merge_map, resolve_theme

__all__ = ["GoalVotes", "VoteRecord"]

TARGET_KINDS = ("card", "theme")


@dataclass(frozen=True)
class VoteRecord:
    """One dot placed (``delta`` 1) or taken back (-1); only handed out once revealed."""

    target_kind: str
    target: str
    participant_public_id: str
    perspective: str
    group: str
    delta: int
    at: float


class GoalVotes:
    """Dots on shared cards and themes: a participant's, and the revealed counts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def vote(
        self, participant: Participant, stage: str, target_kind: str, target: str, delta: int = 1
    ) -> None:
        """Place a dot (``delta=1``) on a shared card or a theme, or take one back (-1).

        Refused when the stage is not open, the target is not a visible shared card or a
        current theme, the budget is spent, or there is no dot of this person to take back.
        """
        if target_kind not in TARGET_KINDS or delta not in (1, -1):
            msg = N_("A dot goes on a shared card or a theme, one at a time.")
            raise InvalidInput(msg)
        target = str(target)[:200]
        with self.db.write() as conn:
            check_open(conn, participant, stage)
            target = _target_on_the_wall(conn, participant.workshop_id, stage, target_kind, target)
            _check_dots_left(conn, participant, stage, target_kind, target, delta)
            perspective = conn.execute(
                sa.select(t.participant_profiles.c.perspective)
                .where(t.participant_profiles.c.participant_id == participant.id)
                .order_by(t.participant_profiles.c.id.desc())
                .limit(1)
            ).scalar()
            conn.execute(
                sa.insert(t.votes).values(
                    workshop_id=participant.workshop_id,
                    stage=stage,
                    participant_id=participant.id,
                    perspective=perspective or participant.perspective,
                    target_kind=target_kind,
                    target=target,
                    delta=delta,
                    at=time.time(),
                )
            )
            changed(conn, participant.workshop_id, "votes")

    def my_votes(self, participant: Participant, stage: str) -> dict[tuple[str, str], int]:
        """The participant's own dots per (kind, target): theirs to see at any time."""
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(t.votes.c.target_kind, t.votes.c.target, sa.func.sum(t.votes.c.delta))
                .where(
                    t.votes.c.workshop_id == participant.workshop_id,
                    t.votes.c.stage == stage,
                    t.votes.c.participant_id == participant.id,
                )
                .group_by(t.votes.c.target_kind, t.votes.c.target)
            ).all()
        return {(k, target): int(n) for k, target, n in rows if n}

    def votes_placed(self, workshop_id: int, stage: str) -> int:
        """How many dots are on the board now: safe to show before results are revealed."""
        with self.db.read() as conn:
            total = conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(t.votes.c.delta), 0)).where(
                    t.votes.c.workshop_id == workshop_id,
                    t.votes.c.stage == stage,
                    still_in(t.votes.c.participant_id),
                )
            ).scalar()
        return int(total)

    def vote_records(self, workshop_id: int, stage: str) -> list[VoteRecord]:
        """Every dot event of a stage, theme names merged; empty until the stage is revealed."""
        with self.db.read() as conn:
            if stage_state(conn, workshop_id, stage) is not StageState.REVEALED:
                return []
            template = template_of(conn, workshop_id)
            merged = merge_map(theme_events(conn, workshop_id, stage))
            rows = conn.execute(
                sa.select(t.votes, t.participants.c.public_id)
                .join(t.participants, t.participants.c.id == t.votes.c.participant_id)
                .where(
                    t.votes.c.workshop_id == workshop_id,
                    t.votes.c.stage == stage,
                    still_in(t.votes.c.participant_id),
                )
                .order_by(t.votes.c.id)
            ).all()
        groups = {p.key: p.group for p in template.perspectives}
        records = []
        for r in rows:
            target = resolve_theme(r.target, merged) if r.target_kind == "theme" else r.target
            records.append(
                VoteRecord(
                    target_kind=r.target_kind,
                    target=target,
                    participant_public_id=r.public_id,
                    perspective=r.perspective,
                    group=groups.get(r.perspective, r.perspective),
                    delta=r.delta,
                    at=r.at,
                )
            )
        return records

    def revealed_totals(self, workshop_id: int, stage: str) -> dict[tuple[str, str], int]:
        """Net dots per (kind, target) once revealed, with no voter in it (for any page)."""
        totals: dict[tuple[str, str], int] = {}
        for record in self.vote_records(workshop_id, stage):
            key = (record.target_kind, record.target)
            totals[key] = totals.get(key, 0) + record.delta
        return {key: n for key, n in totals.items() if n}


def _target_on_the_wall(conn, workshop_id: int, stage: str, target_kind: str, target: str) -> str:
    """The card's id, or the theme as the wall spells it, if the wall shows it now."""
    if template_of(conn, workshop_id).stage(stage).activity != ACTIVITY:
        msg = N_("Dots can only be placed in a goal-mapping stage.")
        raise NotAllowed(msg)
    cards = read_goal_cards(conn, workshop_id, stage, None)
    if target_kind == "card":
        if target not in {str(c.id) for c in cards}:
            msg = N_(
                "That card is no longer on the wall (withdrawn, hidden or private), "
                "so it cannot take a dot. Your dots are unchanged."
            )
            raise NotFound(msg)
        return target
    themes = {c.theme.casefold(): c.theme for c in cards if c.theme}
    if target.casefold() not in themes:
        msg = N_("There is no theme called that on the wall now. Your dots are unchanged.")
        raise NotFound(msg)
    return themes[target.casefold()]


def _check_dots_left(conn, participant, stage: str, target_kind: str, target: str, delta: int):
    """A dot placed needs one left in the budget; a dot taken back needs one there."""
    mine = sa.select(sa.func.coalesce(sa.func.sum(t.votes.c.delta), 0)).where(
        t.votes.c.workshop_id == participant.workshop_id,
        t.votes.c.stage == stage,
        t.votes.c.participant_id == participant.id,
    )
    if delta == 1:
        budget = read_settings(conn, participant.workshop_id, stage).budget
        if int(conn.execute(mine).scalar()) >= budget:
            msg = N_(
                "You have used all {n} of your dots. Take a dot back from "
                "something else first if you want to move it."
            )
            raise NotAllowed(msg, n=budget)
        return
    here = mine.where(t.votes.c.target_kind == target_kind, t.votes.c.target == target)
    if int(conn.execute(here).scalar()) <= 0:
        msg = N_("You have no dot there to take back.")
        raise InvalidInput(msg)
