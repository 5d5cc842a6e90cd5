"""Goal mapping in the store: goal cards, the facilitator's themes and services, dot votes.

Cards are entries (activity ``goal_mapping``, kind ``goal``), so edits and withdrawals are
revisions and nothing is lost. Privacy is enforced in SQL: a private card's row never leaves
the database for anyone but its author. Vote counts are returned only once the stage is
revealed. Every rule (stage open, ownership, the dot budget) is checked inside the write
transaction, so a crafted widget message meets the same refusal as a click.

:class:`GoalsMixin` is made of three parts: reading cards and settings
(:mod:`.goals_read`), writing cards, services, themes and the budget (:mod:`.goals_edit`),
and the dots (:mod:`.goals_votes`).
"""

from __future__ import annotations

from .store_edit import GoalsEditMixin
from .store_read import GoalSettings, GoalsReadMixin
from .store_votes import GoalsVotesMixin, VoteRecord

__all__ = ["GoalSettings", "GoalsMixin", "VoteRecord"]


class GoalsMixin(GoalsReadMixin, GoalsEditMixin, GoalsVotesMixin):
    """The store's goal mapping: reading cards and settings, and what participants and the
    facilitator write to it."""
