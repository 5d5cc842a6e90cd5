"""The workshop store: the only package that speaks SQL.

>>> store = Store.open("sqlite://")  # doctest: +SKIP
"""

from __future__ import annotations

from .base import DB_ENV, StoreBase, default_db_url
from .entries import EntriesMixin
from .goals import GoalsMixin
from .network import NetworkMixin
from .people import ParticipantsMixin
from .privacy import PrivacyMixin, PurgeResult
from .scoring import ScoringMixin

__all__ = ["DB_ENV", "PurgeResult", "Store", "default_db_url"]


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
