"""Wrong tries of something that can be guessed (a join code) slow down.

A join code is six letters and digits: typed by hand it is found in a few tries, but a script
trying 89 codes a second on one page would find a workshop. :class:`Backoff` lets the first
few wrong tries through at once (people mistype), then asks for a wait that doubles with each
further wrong try, up to a minute. Pure Python, one per page.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["Backoff"]


class Backoff:
    """The first ``free`` wrong tries are answered at once; after that each try must wait
    ``first`` seconds, doubling with every further wrong one, at most ``longest``.

    >>> now = [0.0]
    >>> tries = Backoff(free=2, first=2, clock=lambda: now[0])
    >>> tries.failed(); tries.failed(); tries.wait()
    0.0
    >>> tries.failed(); tries.wait()
    2.0
    >>> now[0] = 2.0; tries.failed(); tries.wait()
    4.0
    >>> tries.succeeded(); tries.wait()
    0.0
    """

    def __init__(
        self,
        free: int = 5,
        first: float = 2.0,
        longest: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.first, self.longest, self._clock = free, first, longest, clock
        self._wrong = 0
        self._until = 0.0

    def wait(self) -> float:
        """Seconds before the next try is taken (0.0: now)."""
        return max(0.0, self._until - self._clock())

    def failed(self) -> None:
        """A wrong try: the next one may have to wait."""
        self._wrong += 1
        if self._wrong > self.free:
            delay = min(self.longest, self.first * 2 ** (self._wrong - self.free - 1))
            self._until = self._clock() + delay

    def succeeded(self) -> None:
        """A right try: start again."""
        self._wrong, self._until = 0, 0.0
