"""Goal mapping in the store: goal cards, the facilitator's themes and services, dot votes.

Cards are entries (activity ``goal_mapping``, kind ``goal``), so edits and withdrawals are
revisions and nothing is lost. Privacy is enforced in SQL: a private card's row never leaves
the database for anyone but its author. Vote counts are returned only once the stage is
revealed. Every rule (stage open, ownership, the dot budget) is checked inside the write
transaction, so a crafted widget message meets the same refusal as a click.
"""

from __future__ import annotations

from ..store.engine import Database
from ..store.entries import Entries
from .store_cards import GoalCards
from .store_votes import GoalVotes

__all__ = ["GoalStore"]


class GoalStore:
    """The goal-mapping part of the store: ``cards`` (:class:`GoalCards`: cards, settings,
    themes, services) and ``votes`` (:class:`GoalVotes`: dots)."""

    def __init__(self, db: Database, entries: Entries) -> None:
        self.cards = GoalCards(db, entries)
        self.votes = GoalVotes(db)
