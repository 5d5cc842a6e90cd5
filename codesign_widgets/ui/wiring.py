"""How a facilitator's hub wires its parts: what they act on and how they report back.

A hub (the room's, or an activity's) builds its tabs and controls as child objects. Each is
given one :class:`HubWiring` and reads nothing from the hub: it calls the store, says what
happened in the notice, and asks for a redraw through ``on_change``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..studio import Studio
    from .common import Notice

__all__ = ["HubWiring"]


@dataclass(frozen=True)
class HubWiring:
    """What a part of a hub is built with.

    ``studio``: the workshop file and its parts (they check every rule); ``workshop_id`` and
    ``stage_key`` (empty for a part about the whole workshop): what the part acts on;
    ``notice``: where it says what happened; ``on_change(topics)``: asks the hub to read
    ``topics`` again and redraw, after every action.

    >>> calls = []
    >>> wiring = HubWiring(None, 1, None, calls.append, stage_key="goals")
    >>> wiring.on_change({"goals"})
    >>> calls
    [{'goals'}]
    """

    studio: Studio
    workshop_id: int
    notice: Notice
    on_change: Callable[[set[str]], None]
    stage_key: str = ""
