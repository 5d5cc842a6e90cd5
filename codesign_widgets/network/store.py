"""Stakeholder networks in the store: stakeholders, ties, influence ratings, merges, imports.

Every rule is checked inside the write transaction, against the map as it stands then: the
stage is open, the name is not already on the map (case and Unicode form ignored, merged names
included), a tie joins two different stakeholders that are still on the map (not withdrawn,
hidden or merged away) and is not drawn twice. A crafted widget message meets the same refusal
as a click. Nothing is overwritten: withdrawals and hides are revisions, merges are events.
"""

from __future__ import annotations

from ..store.engine import Database
from .store_edit import NetworkEdits
from .store_facilitator import NetworkFacilitator
from .store_read import NetworkMaps

__all__ = ["NetworkStore"]


class NetworkStore:
    """The stakeholder-network part of the store: ``maps`` (:class:`NetworkMaps`: settings,
    the map, what a participant sees), ``edits`` (:class:`NetworkEdits`: a participant's
    stakeholders, ratings and ties) and ``facilitator`` (:class:`NetworkFacilitator`: tie
    types, merges, hides, imports)."""

    def __init__(self, db: Database) -> None:
        self.maps = NetworkMaps(db)
        self.edits = NetworkEdits(db)
        self.facilitator = NetworkFacilitator(db, self.maps)
