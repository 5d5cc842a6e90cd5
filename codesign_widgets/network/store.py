"""Stakeholder networks in the store: stakeholders, ties, influence ratings, merges, imports.

Every rule is checked inside the write transaction, against the map as it stands then: the
stage is open, the name is not already on the map (case and Unicode form ignored, merged names
included), a tie joins two different stakeholders that are still on the map (not withdrawn,
hidden or merged away) and is not drawn twice. A crafted widget message meets the same refusal
as a click. Nothing is overwritten: withdrawals and hides are revisions, merges are events.

:class:`NetworkMixin` is made of three parts: reading the map (:mod:`.network_read`), a
participant's writes with the rules they check (:mod:`.network_edit`), and the facilitator's
writes (:mod:`.network_facilitator`).
"""

from __future__ import annotations

from .store_edit import NetworkEditMixin
from .store_facilitator import NetworkFacilitatorMixin
from .store_read import ACTIVITY, NetworkReadMixin, ParticipantNetwork

__all__ = ["ACTIVITY", "NetworkMixin", "ParticipantNetwork"]


class NetworkMixin(NetworkReadMixin, NetworkEditMixin, NetworkFacilitatorMixin):
    """The store's stakeholder networks: reading a map, and what participants and the
    facilitator write to it."""
