"""The live feed: tells the views in this kernel what other kernels just committed.

One poller per kernel and database, an asyncio task on the kernel's own event loop. On
SQLite it asks ``PRAGMA data_version`` on a connection of its own (cheap; it changes only
when some other connection commits) and reads the new rows of ``changes`` only then. On
PostgreSQL it reads the rows of ``changes`` after the last one it saw (an index range scan,
usually empty) through the kernel's one pooled connection. Ids skipped below the cursor are
asked for again for a while, so a change that commits out of id order is still delivered.
Views subscribe to a workshop and the topics they show, and are called only when one of those
changed.

A facilitator's feed (``listen=True``: the hub and its projector pages) on PostgreSQL also
LISTENs for the workshops it shows on one direct connection and polls as soon as a write
notifies it; the notification carries a change id only and is just a wake-up, so the changes
are still read through the gap-free feed, and its poll carries on every
:data:`LISTEN_FALLBACK` seconds in case one is lost. If the listening connection drops, the
feed polls every ``interval`` again and reconnects every ``reconnect_wait`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .studio import Studio


__all__ = ["Feed"]

log = logging.getLogger(__name__)

Callback = Callable[[set[str]], None]
GAP_WAIT = 30.0  # seconds a skipped change id is looked for again (a slow commit, a rollback)
MAX_GAPS = 1000
LISTEN_FALLBACK = 1.0  # seconds between polls of a listening feed (a lost notification)
LISTEN_REFRESH = 1.0  # how soon a listening feed LISTENs on a newly subscribed workshop
RECONNECT_WAIT = 2.0  # seconds between tries to open the listening connection again
_FEEDS: dict[str, Feed] = {}


class Feed:
    """Change notifications for one workshop file. Use :meth:`Feed.for_studio`, not the
    constructor, so that re-running a notebook cell reuses the running poller instead of
    adding one."""

    def __init__(
        self,
        studio: Studio,
        interval: float = 0.1,
        *,
        listen: bool = False,
        fallback: float = LISTEN_FALLBACK,
    ) -> None:
        self.studio = studio
        self.interval = interval
        self.fallback = fallback
        self.listen = listen
        self.reconnect_wait = RECONNECT_WAIT
        self._last_id = studio.db.last_change_id()
        self._gaps: dict[int, float] = {}  # change id not seen yet -> when it was first missed
        self._subscribers: list[tuple[int, frozenset[str], Callable[[], Callback | None]]] = []
        self._task: asyncio.Task | None = None
        self._conn = None
        self._data_version: int | None = None
        self._listen_task: asyncio.Task | None = None
        self._wake: asyncio.Event | None = None
        self.polls = 0
        self.listening = False  # a LISTEN connection is up (PostgreSQL, listen=True)
        self.notified = 0  # notifications received

    @classmethod
    def for_studio(
        cls, studio: Studio, *, start: bool = True, listen: bool = False, interval: float = 0.1
    ) -> Feed:
        """The kernel's one feed for ``studio``'s database, started; ``listen=True`` (the
        facilitator's pages) makes it LISTEN for notifications on PostgreSQL; ``interval``:
        seconds between polls, for a feed made now.

        >>> Feed.for_studio.__name__
        'for_studio'
        """
        key = studio.db.url.render_as_string(hide_password=False)
        feed = _FEEDS.get(key)
        if feed is None:
            feed = _FEEDS[key] = cls(studio, interval, listen=listen)
        elif listen and not feed.listen:
            feed.listen = True
            if feed.running:
                feed._start_listening(asyncio.get_event_loop())
        if start:
            feed.start()
        return feed

    # -- subscribing -----------------------------------------------------------------------
    def subscribe(
        self, workshop_id: int, topics: Iterable[str], callback: Callback
    ) -> Callable[[], None]:
        """Call ``callback(changed_topics)`` when one of ``topics`` changes in the workshop.

        Bound methods are held weakly, so a view that is thrown away stops being called.
        Returns a function that unsubscribes.
        """
        # A plain function is held strongly; a bound method weakly.
        ref: Callable[[], Callback | None] = (
            weakref.WeakMethod(callback) if hasattr(callback, "__func__") else lambda: callback
        )
        entry = (workshop_id, frozenset(topics), ref)
        self._subscribers.append(entry)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(entry)

        return unsubscribe

    # -- polling -------------------------------------------------------------------------------
    def _sqlite_changed(self) -> bool:
        if self.studio.db.url.get_backend_name() != "sqlite":
            return True
        if self._conn is None:
            # A raw connection in autocommit, held for the kernel's life: data_version is per
            # connection, and a connection left inside a transaction would see no new commits.
            self._conn = self.studio.db.engine.raw_connection()
        cursor = self._conn.cursor()
        try:
            version = cursor.execute("PRAGMA data_version").fetchone()[0]
        finally:
            cursor.close()
        changed = version != self._data_version
        self._data_version = version
        return changed

    def poll_once(self) -> dict[int, set[str]]:
        """Check for new changes and notify subscribers; returns what changed per workshop."""
        self.polls += 1
        if not self._sqlite_changed():
            return {}
        rows = self.studio.db.changes_since(self._last_id, also=self._gaps)
        self._note_gaps(rows)
        if not rows:
            return {}
        changed: dict[int, set[str]] = {}
        for _id, workshop_id, topic in rows:
            changed.setdefault(workshop_id, set()).add(topic)
        for workshop_id, topics, ref in list(self._subscribers):
            callback = ref()
            if callback is None:
                with contextlib.suppress(ValueError):
                    self._subscribers.remove((workshop_id, topics, ref))
                continue
            hit = changed.get(workshop_id, set()) & topics
            if hit:
                try:
                    callback(hit)
                except Exception:  # a broken view must not stop everyone else's updates
                    log.exception("A live view failed to update")
        return changed

    def _note_gaps(self, rows: list[tuple[int, int, str]]) -> None:
        """Move the cursor past ``rows`` and remember ids skipped below it.

        Ids are handed out when a change is written, not when it commits: a write that took
        id 10 may commit after one that took id 11. Writes take the write lock first, so
        through the store they commit in id order; should one ever commit late anyway (or a
        transaction roll back, leaving its id unused) the skipped id is asked for again on
        every poll for :data:`GAP_WAIT` seconds, so a late change is still delivered.
        """
        now = time.monotonic()
        seen = {row[0] for row in rows}
        for change_id in seen & self._gaps.keys():
            del self._gaps[change_id]
        newest = max(seen, default=self._last_id)
        if newest > self._last_id:
            for change_id in range(self._last_id + 1, min(newest, self._last_id + MAX_GAPS)):
                if change_id not in seen:
                    self._gaps[change_id] = now
            self._last_id = newest
        for change_id, since in list(self._gaps.items()):
            if now - since > GAP_WAIT:
                del self._gaps[change_id]

    async def _run(self) -> None:
        while True:
            try:
                self.poll_once()
            except Exception:  # the file may be busy for a moment; try again next tick
                log.exception("Live feed poll failed")
            await self._pause()

    async def _pause(self) -> None:
        """Until the next poll: ``interval``; while listening, until a notification comes or
        ``fallback`` seconds pass (a notification during a poll makes the next come at once)."""
        if self._wake is None:
            await asyncio.sleep(self.interval)
            return
        wait = self.fallback if self.listening else self.interval
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), wait)
        self._wake.clear()

    def _workshops(self) -> set[int]:
        return {workshop_id for workshop_id, _topics, _ref in self._subscribers}

    async def _listen(self) -> None:
        """Keep a LISTEN connection for the subscribed workshops; wake the poll on each
        notification. Any failure: close it, poll at ``interval`` meanwhile, try again."""
        listener = self.studio.db.listener()
        lost = False
        try:
            while True:
                try:
                    await listener.listen(self._workshops())
                    if lost:
                        log.info("Live feed listening again")
                        lost = False
                        self._wake.set()  # read what was written while it was away
                    self.listening = True
                    ids = await listener.wait(LISTEN_REFRESH)
                    if ids:
                        self.notified += len(ids)
                        self._wake.set()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a dropped connection, a server restart
                    if not lost:
                        log.warning(
                            "Live feed stopped listening (%s); polling every %.1f s until "
                            "it is back",
                            type(exc).__name__,
                            self.interval,
                        )
                    lost = True
                    self.listening = False
                    self._wake.set()
                    await listener.close()
                    await asyncio.sleep(self.reconnect_wait)
        finally:
            self.listening = False
            await listener.close()

    def _start_listening(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.studio.db.listener() is None or self._listen_task is not None:
            return  # SQLite: nothing to listen to, data_version is already cheap
        self._wake = asyncio.Event()
        self._listen_task = loop.create_task(self._listen())

    def start(self) -> bool:
        """Start polling on the running event loop (the kernel's); False if there is none."""
        if self.running:
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                return False
            if not loop.is_running():
                return False
        if self.listen:
            self._start_listening(loop)
        self._task = loop.create_task(self._run())
        return True

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._listen_task is not None:
            self._listen_task.cancel()
            self._listen_task = None
            self._wake = None
            self.listening = False
        if self._conn is not None:
            self._conn.close()
            self._conn = None
