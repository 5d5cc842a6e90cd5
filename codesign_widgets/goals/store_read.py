"""Reading goal mapping from the store: goal cards someone may see, and a stage's settings.

Privacy is enforced in SQL: a private card's row never leaves the database for anyone but its
author. A card's theme is worked out from the facilitator's theming steps as it is read. The
writes are in :mod:`.goals_edit` (cards, services, themes, the dot budget) and the dots in
:mod:`.goals_votes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..core.errors import NotFound
from ..core.templates import load_template
from ..core.workshop import Participant
from ..store import schema as t
from ..store.entries import latest_entries
from .cards import DEFAULT_BUDGET, GoalCard, card_from_body
from .themes import ThemeEvent, effective_theme

__all__ = ["ACTIVITY", "KIND", "GoalSettings", "GoalsReadMixin"]

ACTIVITY = "goal_mapping"
KIND = "goal"


@dataclass(frozen=True)
class GoalSettings:
    """What the facilitator set for a goal-mapping stage."""

    budget: int
    services: tuple[str, ...]
    theme_events: tuple[ThemeEvent, ...]


_visibility = t.entry_revisions.c.body["visibility"].as_string()


class GoalsReadMixin:
    """Goal cards and a goal-mapping stage's settings, as someone may see them."""

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
