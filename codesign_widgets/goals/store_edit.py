"""Writing goal mapping in the store: a participant's goal cards, and the facilitator's dot
budget, services and themes.

Cards are entries, so edits and withdrawals are revisions and nothing is lost. The
facilitator's steps are goal events, read back in :mod:`.goals_read`. Every rule is checked
inside the write transaction, so a crafted widget message meets the same refusal as a click.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.workshop import Participant
from ..store import schema as t
from .cards import MAX_BUDGET, clean_card, clean_service, clean_theme
from .store_read import ACTIVITY, KIND

__all__ = ["GoalsEditMixin"]


class GoalsEditMixin:
    """A participant's goal cards, and the facilitator's budget, services and themes."""

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
