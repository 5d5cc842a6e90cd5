"""Goal cards in the store: the cards someone may see, a participant's cards, and the
facilitator's dot budget, services and themes.

Cards are entries, so edits and withdrawals are revisions and nothing is lost. The
facilitator's steps are goal events, read back in :mod:`.store_read`. Every rule is checked
inside the write transaction, so a crafted widget message meets the same refusal as a click.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.i18n import N_
from ..core.workshop import Participant
from ..store import schema as t
from ..store.engine import Database, changed
from ..store.entries import Entries
from ..store.rules import check_open, own_entry
from ..store.workshops import template_of
from .cards import MAX_BUDGET, GoalCard, clean_card, clean_service, clean_theme
from .store_read import (
    ACTIVITY,
    KIND,
    GoalSettings,
    WallWindow,
    read_goal_cards,
    read_settings,
    read_wall_window,
)

__all__ = ["GoalCards"]


class GoalCards:
    """Goal cards as someone may see them, a participant's cards, and the facilitator's
    budget, services and themes. Cards are saved and withdrawn as ``entries``."""

    def __init__(self, db: Database, entries: Entries) -> None:
        self.db = db
        self.entries = entries

    # -- reading -------------------------------------------------------------------------------
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
        with self.db.read() as conn:
            return read_goal_cards(
                conn,
                workshop_id,
                stage,
                viewer.id if viewer else None,
                include_hidden=include_hidden,
                include_withdrawn=include_withdrawn,
            )

    def my_goal_cards(self, participant: Participant, stage: str | None = None) -> list[GoalCard]:
        """The participant's own cards, private and shared (withdrawn ones left out).

        Read by author in SQL: a phone redraws its own list for every card the room adds,
        and the room's cards are not its business."""
        with self.db.read() as conn:
            return read_goal_cards(
                conn,
                participant.workshop_id,
                stage,
                participant.id,
                include_hidden=True,
                own_only=True,
            )

    def wall_window(self, workshop_id: int, stage: str, held: list[int]) -> WallWindow:
        """A held wall's cards as they are now and its counts (:class:`.WallWindow`), read
        without the rest of the room's cards."""
        with self.db.read() as conn:
            return read_wall_window(conn, workshop_id, stage, held)

    def goal_settings(self, workshop_id: int, stage: str) -> GoalSettings:
        """The dot budget, the service list (template's plus added) and theming steps."""
        with self.db.read() as conn:
            return read_settings(conn, workshop_id, stage)

    # -- participant actions -------------------------------------------------------------------
    def add_goal_card(self, participant: Participant, stage: str, card: dict) -> int:
        """Save a new goal card in an open goal-mapping stage; returns its id."""
        body = clean_card(card)
        return self.entries.add(participant, ACTIVITY, KIND, stage, body)

    def revise_goal_card(self, participant: Participant, card_id: int, card: dict) -> None:
        """Record a new version of the participant's own card; earlier versions are kept."""
        body = clean_card(card)
        with self.db.write() as conn:
            row = own_entry(conn, participant, card_id)
            if (row.activity, row.kind) != (ACTIVITY, KIND):
                msg = N_("That is not a goal card, so it cannot be edited here.")
                raise NotAllowed(msg)
            check_open(conn, participant, row.stage)
            conn.execute(
                sa.insert(t.entry_revisions).values(
                    entry_id=card_id, body=body, status="active", at=time.time()
                )
            )
            changed(conn, participant.workshop_id, "entries")

    def withdraw_goal_card(self, participant: Participant, card_id: int) -> None:
        """Take back one's own card (kept on record as withdrawn), in any stage state."""
        self.entries.withdraw(participant, card_id)

    # -- facilitator ---------------------------------------------------------------------------
    def _goal_event(
        self, workshop_id: int, stage: str, kind: str, target: str = "", value: str = ""
    ) -> None:
        with self.db.write() as conn:
            template = template_of(conn, workshop_id)
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
            changed(conn, workshop_id, "goals")

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
        with self.db.read() as conn:
            shared = {c.id for c in read_goal_cards(conn, workshop_id, stage, None)}
        if card_id not in shared:
            msg = N_("That card is not on the wall (private, hidden or withdrawn); pick another.")
            raise NotFound(msg)
        self._goal_event(workshop_id, stage, "assign", target=str(card_id), value=theme)

    def merge_themes(self, workshop_id: int, stage: str, source: str, into: str) -> None:
        """Facilitator: every card and dot of theme ``source`` joins theme ``into``."""
        source = clean_theme(source, required=True)
        into = clean_theme(into, required=True)
        if source.casefold() == into.casefold():
            msg = N_("Choose two different themes to merge.")
            raise InvalidInput(msg)
        self._goal_event(workshop_id, stage, "merge", target=source, value=into)
