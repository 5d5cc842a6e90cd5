"""Goal mapping in the store: goal cards, the facilitator's themes and services, dot votes.

Cards are entries (activity ``goal_mapping``, kind ``goal``), so edits and withdrawals are
revisions and nothing is lost. Privacy is enforced in SQL: a private card's row never leaves
the database for anyone but its author. Vote counts are returned only once the stage is
revealed. Every rule (stage open, ownership, the dot budget) is checked inside the write
transaction, so a crafted widget message meets the same refusal as a click.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from ..errors import InvalidInput, NotAllowed, NotFound
from ..goals import (
    DEFAULT_BUDGET,
    MAX_BUDGET,
    GoalCard,
    ThemeEvent,
    card_from_body,
    clean_card,
    clean_service,
    clean_theme,
    effective_theme,
    merge_map,
    resolve_theme,
)
from ..templates import load_template
from ..workshop import Participant, StageState
from . import schema as t
from .entries import latest_entries
from .privacy import still_in

__all__ = ["GoalSettings", "GoalsMixin", "VoteRecord"]

ACTIVITY = "goal_mapping"
KIND = "goal"
TARGET_KINDS = ("card", "theme")


@dataclass(frozen=True)
class GoalSettings:
    """What the facilitator set for a goal-mapping stage."""

    budget: int
    services: tuple[str, ...]
    theme_events: tuple[ThemeEvent, ...]


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


_visibility = t.entry_revisions.c.body["visibility"].as_string()


class GoalsMixin:
    # -- reading -----------------------------------------------------------------------------
    def _goal_query(self, workshop_id: int, stage: str | None, viewer_id: int | None):
        query, hidden = latest_entries(workshop_id)
        query = query.where(t.entries.c.activity == ACTIVITY, t.entries.c.kind == KIND)
        if stage is not None:
            query = query.where(t.entries.c.stage == stage)
        # Privacy in SQL: someone else's private card is never read into this kernel.
        shared = _visibility == "shared"
        if viewer_id is None:
            query = query.where(shared)
        else:
            query = query.where(shared | (t.entries.c.participant_id == viewer_id))
        return query, hidden

    def _theme_events(self, conn: sa.Connection, workshop_id: int, stage: str | None):
        query = (
            sa.select(t.goal_events)
            .where(
                t.goal_events.c.workshop_id == workshop_id,
                t.goal_events.c.kind.in_(("assign", "merge")),
            )
            .order_by(t.goal_events.c.id)
        )
        if stage is not None:
            query = query.where(t.goal_events.c.stage == stage)
        return tuple(ThemeEvent(r.kind, r.target, r.value) for r in conn.execute(query))

    def _goal_cards(
        self,
        conn: sa.Connection,
        workshop_id: int,
        stage: str | None,
        viewer_id: int | None,
        *,
        include_hidden: bool = False,
        include_withdrawn: bool = False,
    ) -> list[GoalCard]:
        query, hidden = self._goal_query(workshop_id, stage, viewer_id)
        if not include_withdrawn:
            query = query.where(t.entry_revisions.c.status == "active")
        if not include_hidden:
            query = query.where(hidden.is_(False) | (hidden == 0))
        rows = conn.execute(query).all()
        events = self._theme_events(conn, workshop_id, stage)
        template = self._template_of(conn, workshop_id)
        groups = {p.key: p.group for p in template.perspectives}
        cards = []
        for r in rows:
            own = str(r.body.get("theme", ""))
            cards.append(
                card_from_body(
                    r.body,
                    id=r.id,
                    author_id=r.participant_id,
                    author_public_id=r.public_id,
                    perspective=r.perspective,
                    group=groups.get(r.perspective, r.perspective),
                    theme=effective_theme(r.id, own, events),
                    hidden=bool(r.hidden),
                    status=r.status,
                    created_at=r.created_at,
                    updated_at=r.updated_at,
                )
            )
        return cards

    @staticmethod
    def _template_of(conn: sa.Connection, workshop_id: int):
        key = conn.execute(
            sa.select(t.workshops.c.template).where(t.workshops.c.id == workshop_id)
        ).scalar()
        if key is None:
            msg = "That workshop no longer exists. Ask the facilitator for the current link."
            raise NotFound(msg)
        return load_template(key)

    def goal_cards(
        self,
        workshop_id: int,
        stage: str | None = None,
        *,
        viewer: Participant | None = None,
        include_hidden: bool = False,
        include_withdrawn: bool = False,
    ) -> list[GoalCard]:
        """Goal cards someone may see: shared ones, plus ``viewer``'s own private ones.

        Without a viewer (the projector, the analyst) private cards are never returned.
        Hidden and withdrawn cards only when asked for (moderation, the record).
        """
        with self._read() as conn:
            return self._goal_cards(
                conn,
                workshop_id,
                stage,
                viewer.id if viewer else None,
                include_hidden=include_hidden,
                include_withdrawn=include_withdrawn,
            )

    def my_goal_cards(self, participant: Participant, stage: str | None = None) -> list[GoalCard]:
        """The participant's own cards, private and shared (withdrawn ones left out)."""
        cards = self.goal_cards(
            participant.workshop_id, stage, viewer=participant, include_hidden=True
        )
        return [c for c in cards if c.author_id == participant.id]

    def goal_settings(self, workshop_id: int, stage: str) -> GoalSettings:
        """The dot budget, the service list (template's plus added) and theming steps."""
        with self._read() as conn:
            return self._settings(conn, workshop_id, stage)

    def _settings(self, conn: sa.Connection, workshop_id: int, stage: str) -> GoalSettings:
        template = self._template_of(conn, workshop_id)
        rows = conn.execute(
            sa.select(t.goal_events)
            .where(t.goal_events.c.workshop_id == workshop_id)
            .order_by(t.goal_events.c.id)
        ).all()
        budget = DEFAULT_BUDGET
        services = list(template.services)
        known = {s.casefold() for s in services}
        for r in rows:
            if r.kind == "budget" and r.stage == stage:
                budget = int(r.value)
            elif r.kind == "service" and r.value.casefold() not in known:
                services.append(r.value)
                known.add(r.value.casefold())
        events = tuple(
            ThemeEvent(r.kind, r.target, r.value)
            for r in rows
            if r.kind in ("assign", "merge") and r.stage == stage
        )
        return GoalSettings(budget=budget, services=tuple(services), theme_events=events)

    # -- participant actions -------------------------------------------------------------------
    def add_goal_card(self, participant: Participant, stage: str, card: dict) -> int:
        """Save a new goal card in an open goal-mapping stage; returns its id."""
        body = clean_card(card)
        return self.add_entry(participant, ACTIVITY, KIND, stage, body)

    def revise_goal_card(self, participant: Participant, card_id: int, card: dict) -> None:
        """Record a new version of the participant's own card; earlier versions are kept."""
        body = clean_card(card)
        with self._write() as conn:
            row = self._own_entry(conn, participant, card_id)
            if (row.activity, row.kind) != (ACTIVITY, KIND):
                msg = "That is not a goal card, so it cannot be edited here."
                raise NotAllowed(msg)
            self._check_open(conn, participant, row.stage)
            conn.execute(
                sa.insert(t.entry_revisions).values(
                    entry_id=card_id, body=body, status="active", at=time.time()
                )
            )
            self._changed(conn, participant.workshop_id, "entries")

    def withdraw_goal_card(self, participant: Participant, card_id: int) -> None:
        """Take back one's own card (kept on record as withdrawn), in any stage state."""
        self.withdraw_entry(participant, card_id)

    def vote(
        self, participant: Participant, stage: str, target_kind: str, target: str, delta: int = 1
    ) -> None:
        """Place a dot (``delta=1``) on a shared card or a theme, or take one back (-1).

        Refused when the stage is not open, the target is not a visible shared card or a
        current theme, the budget is spent, or there is no dot of this person to take back.
        """
        if target_kind not in TARGET_KINDS or delta not in (1, -1):
            msg = "A dot goes on a shared card or a theme, one at a time."
            raise InvalidInput(msg)
        target = str(target)[:200]
        with self._write() as conn:
            self._check_open(conn, participant, stage)
            template = self._template_of(conn, participant.workshop_id)
            if template.stage(stage).activity != ACTIVITY:
                msg = "Dots can only be placed in a goal-mapping stage."
                raise NotAllowed(msg)
            cards = self._goal_cards(conn, participant.workshop_id, stage, None)
            if target_kind == "card":
                if target not in {str(c.id) for c in cards}:
                    msg = (
                        "That card is no longer on the wall (withdrawn, hidden or private), "
                        "so it cannot take a dot. Your dots are unchanged."
                    )
                    raise NotFound(msg)
            else:
                themes = {c.theme.casefold(): c.theme for c in cards if c.theme}
                if target.casefold() not in themes:
                    msg = "There is no theme called that on the wall now. Your dots are unchanged."
                    raise NotFound(msg)
                target = themes[target.casefold()]
            mine = sa.select(sa.func.coalesce(sa.func.sum(t.votes.c.delta), 0)).where(
                t.votes.c.workshop_id == participant.workshop_id,
                t.votes.c.stage == stage,
                t.votes.c.participant_id == participant.id,
            )
            if delta == 1:
                budget = self._settings(conn, participant.workshop_id, stage).budget
                used = int(conn.execute(mine).scalar())
                if used >= budget:
                    msg = (
                        f"You have used all {budget} of your dots. Take a dot back from "
                        "something else first if you want to move it."
                    )
                    raise NotAllowed(msg)
            else:
                here = int(
                    conn.execute(
                        mine.where(t.votes.c.target_kind == target_kind, t.votes.c.target == target)
                    ).scalar()
                )
                if here <= 0:
                    msg = "You have no dot there to take back."
                    raise InvalidInput(msg)
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
            self._changed(conn, participant.workshop_id, "votes")

    def my_votes(self, participant: Participant, stage: str) -> dict[tuple[str, str], int]:
        """The participant's own dots per (kind, target): theirs to see at any time."""
        with self._read() as conn:
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

    # -- facilitator ---------------------------------------------------------------------------
    def _goal_event(
        self, workshop_id: int, stage: str, kind: str, target: str = "", value: str = ""
    ) -> None:
        with self._write() as conn:
            template = self._template_of(conn, workshop_id)
            if template.stage(stage).activity != ACTIVITY:
                msg = f"{template.stage(stage).title!r} is not a goal-mapping stage."
                raise NotAllowed(msg)
            conn.execute(
                sa.insert(t.goal_events).values(
                    workshop_id=workshop_id,
                    stage=stage,
                    kind=kind,
                    target=target,
                    value=value,
                    at=time.time(),
                )
            )
            self._changed(conn, workshop_id, "goals")

    def set_dot_budget(self, workshop_id: int, stage: str, dots: int) -> None:
        """Facilitator: how many dots each participant may place in this stage."""
        if isinstance(dots, bool) or not isinstance(dots, int) or not 1 <= dots <= MAX_BUDGET:
            msg = f"Give each person between 1 and {MAX_BUDGET} dots."
            raise InvalidInput(msg)
        self._goal_event(workshop_id, stage, "budget", value=str(dots))

    def add_service(self, workshop_id: int, stage: str, name: str) -> str:
        """Facilitator: add a local service to the list participants choose from."""
        name = clean_service(name)
        self._goal_event(workshop_id, stage, "service", value=name)
        return name

    def assign_theme(self, workshop_id: int, stage: str, card_id: int, theme: str) -> None:
        """Facilitator: put a shared card under a theme (empty: back to the author's own)."""
        theme = clean_theme(theme)
        with self._read() as conn:
            shared = {c.id for c in self._goal_cards(conn, workshop_id, stage, None)}
        if card_id not in shared:
            msg = "That card is not on the wall (private, hidden or withdrawn); pick another."
            raise NotFound(msg)
        self._goal_event(workshop_id, stage, "assign", target=str(card_id), value=theme)

    def merge_themes(self, workshop_id: int, stage: str, source: str, into: str) -> None:
        """Facilitator: every card and dot of theme ``source`` joins theme ``into``."""
        source = clean_theme(source, required=True)
        into = clean_theme(into, required=True)
        if source.casefold() == into.casefold():
            msg = "Choose two different themes to merge."
            raise InvalidInput(msg)
        self._goal_event(workshop_id, stage, "merge", target=source, value=into)

    def votes_placed(self, workshop_id: int, stage: str) -> int:
        """How many dots are on the board now: safe to show before results are revealed."""
        with self._read() as conn:
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
        with self._read() as conn:
            state = conn.execute(
                sa.select(t.workshop_events.c.value)
                .where(
                    t.workshop_events.c.workshop_id == workshop_id,
                    t.workshop_events.c.kind == "stage_state",
                    t.workshop_events.c.stage == stage,
                )
                .order_by(t.workshop_events.c.id.desc())
                .limit(1)
            ).scalar()
            if state != StageState.REVEALED.value:
                return []
            template = self._template_of(conn, workshop_id)
            merged = merge_map(self._theme_events(conn, workshop_id, stage))
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
