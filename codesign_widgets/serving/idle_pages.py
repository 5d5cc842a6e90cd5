"""Which participant pages nobody is looking at, so a full workshop makes room with them first.

A kernel with an open socket is never culled by jupyter_server, so a few devices keeping
pages open (forgotten tabs, a phone in a pocket, someone filling the workshop on purpose)
could hold every place. Each page's heartbeat (``codesign-connection.js``, every few
seconds and at once when the page is hidden or shown) tells the server whether the page is
visible and whether its person touched it since the last beat. A page is **idle** when for
``idle_after`` seconds nobody acted on it and it was either hidden or silent (a locked
phone runs no script). When the workshop is full, idle pages are shut down to make room,
first those of the device holding the most pages; the person comes back as themselves when
they open the page again (their cookie, the restore of ``room/identity.py``).

Pure Python: the server (``voila_main.py``, ``session_routes.py``) reports and asks.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_IDLE_AFTER", "PAGE_ACTIVITY", "PageActivity"]

#: The tornado setting holding the participant server's :class:`PageActivity`.
PAGE_ACTIVITY = "codesign_page_activity"

#: Seconds with no action, hidden or silent, before a page counts as idle.
DEFAULT_IDLE_AFTER = 300.0


@dataclass
class _Seen:
    beat: float
    acted: float
    hidden_since: float | None = None


class PageActivity:
    """What the pages' heartbeats said, per kernel.

    >>> now = [0.0]
    >>> pages = PageActivity(idle_after=60, clock=lambda: now[0])
    >>> pages.report("k1", visible=False, acted=False)
    >>> now[0] = 30.0; pages.idle("k1", since=0.0)
    False
    >>> now[0] = 61.0; pages.idle("k1", since=0.0)
    True
    >>> pages.report("k1", visible=True, acted=False); pages.idle("k1", since=0.0)
    False
    """

    def __init__(
        self, idle_after: float = DEFAULT_IDLE_AFTER, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.idle_after = idle_after
        self._clock = clock
        self._seen: dict[str, _Seen] = {}

    def report(self, kernel_id: str, visible: bool, acted: bool) -> None:
        """A heartbeat of ``kernel_id``'s page: visible or hidden, touched since the last one."""
        now = self._clock()
        seen = self._seen.get(kernel_id)
        if seen is None:
            seen = self._seen[kernel_id] = _Seen(beat=now, acted=now)
        seen.beat = now
        if acted:
            seen.acted = now
        if visible:
            seen.hidden_since = None
        elif seen.hidden_since is None:
            seen.hidden_since = now

    def forget_gone(self, live: Iterable[str]) -> None:
        """Drop what was heard from kernels the server no longer runs."""
        live = set(live)
        for kernel_id in [k for k in self._seen if k not in live]:
            del self._seen[kernel_id]

    def idle(self, kernel_id: str, since: float) -> bool:
        """Whether ``kernel_id``'s page (its kernel handed out at ``since``) is idle: nobody
        acted on it for ``idle_after`` seconds, and it was hidden or sent no heartbeat."""
        if self.idle_after <= 0:
            return False
        now, limit = self._clock(), self.idle_after
        seen = self._seen.get(kernel_id) or _Seen(beat=since, acted=since)
        quiet = now - max(seen.acted, since) >= limit
        hidden = seen.hidden_since is not None and now - seen.hidden_since >= limit
        silent = now - max(seen.beat, since) >= limit
        return quiet and (hidden or silent)

    def make_room(
        self,
        holders: Mapping[str, tuple[str, float]],
        abandoned: Callable[[str], bool] = lambda _k: False,
    ) -> list[str]:
        """Kernels to shut down, in order, when the workshop is full.

        ``holders`` maps each kernel to its device and the time it was handed out;
        ``abandoned(kernel)`` says whether no page is connected to it any more. Idle and
        abandoned pages only, first from the device holding the most pages, then the
        longest quiet: one person with one page loses it last.

        >>> pages = PageActivity(idle_after=10, clock=lambda: 100.0)
        >>> holders = {"a1": ("A", 0.0), "a2": ("A", 5.0), "b1": ("B", 0.0), "c1": ("C", 99.0)}
        >>> pages.make_room(holders)
        ['a1', 'a2', 'b1']
        """
        per_device = Counter(device for device, _since in holders.values())
        candidates = [
            (-per_device[device], self._quiet_since(k, since), k)
            for k, (device, since) in holders.items()
            if abandoned(k) or self.idle(k, since)
        ]
        return [k for *_key, k in sorted(candidates)]

    def _quiet_since(self, kernel_id: str, since: float) -> float:
        seen = self._seen.get(kernel_id)
        return max(seen.acted, since) if seen else since
