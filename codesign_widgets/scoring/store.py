"""Prototype scoring in the store: prototypes and decisions, criteria and rounds, scores.

Sealed rounds are enforced in SQL: until a round is revealed, nobody (participant, projector
or export) can read other people's scores through this store. Every rule (the round is open,
the prototype is not withdrawn, the score is on the scale) is checked inside the write
transaction (:mod:`.store_rules`), so a crafted widget message meets the same refusal as a
click.
"""

from __future__ import annotations

from ..store.engine import Database
from .store_prototypes import Prototypes
from .store_rounds import Rounds
from .store_scores import Scores

__all__ = ["ScoringStore"]


class ScoringStore:
    """The prototype-scoring part of the store: ``prototypes`` (:class:`Prototypes`: the
    scoring stage, prototypes, decisions), ``rounds`` (:class:`Rounds`: criteria and the
    rounds' lifecycle) and ``scores`` (:class:`Scores`: scores, comments, revealed results)."""

    def __init__(self, db: Database) -> None:
        self.prototypes = Prototypes(db)
        self.rounds = Rounds(db)
        self.scores = Scores(db)
