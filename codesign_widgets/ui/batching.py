"""Redraw in batches: a burst of live changes becomes one redraw every ``interval`` seconds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["PHONE_LIVE_EVERY", "Batcher"]

#: Seconds between a phone's redraws for other people's work. Thirty phones each redrawing
#: for every card the room adds kept two cores busy; what others add can wait two seconds on
#: a phone (the projector shows it at once), while the person's own actions redraw at once.
PHONE_LIVE_EVERY = 2.0


class Batcher:
    """Call ``redraw(topics)`` now, or once ``interval`` after the last call with every topic
    that came in meanwhile. Without a running event loop (tests, nbval) it redraws at once."""

    def __init__(self, redraw: Callable[[set[str]], None], interval: float = 0.3) -> None:
        self.redraw, self.interval = redraw, interval
        self._last = 0.0
        self._pending: asyncio.Handle | None = None
        self._topics: set[str] = set()

    def __call__(self, topics: set[str]) -> None:
        wait = self.interval - (time.monotonic() - self._last)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if wait <= 0 or loop is None:
            self._run(set(topics))
            return
        self._topics |= topics
        if self._pending is None:
            self._pending = loop.call_later(wait, self._flush)

    def _flush(self) -> None:
        topics, self._topics, self._pending = self._topics, set(), None
        self._run(topics)

    def _run(self, topics: set[str]) -> None:
        self._last = time.monotonic()
        self.redraw(topics)

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
