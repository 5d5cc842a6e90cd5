"""The composition root: one object that holds the workshop file and every activity's part.

>>> store = Store.open("sqlite://")  # doctest: +SKIP
"""

from __future__ import annotations

from .goals.store import GoalsMixin
from .network.store import NetworkMixin
from .scoring.store import ScoringMixin
from .store.base import StoreBase
from .store.entries import EntriesMixin
from .store.people import ParticipantsMixin
from .store.privacy import PrivacyMixin

__all__ = ["Store"]


class Store(
    PrivacyMixin,
    NetworkMixin,
    ScoringMixin,
    GoalsMixin,
    EntriesMixin,
    ParticipantsMixin,
    StoreBase,
):
    """A workshop database: workshops, stages, participants and their contributions.

    Open with :meth:`Store.open`. Safe to use from many kernels (processes) at once: every
    write is one ``BEGIN IMMEDIATE`` transaction and records what it changed for the live feed.
    """
