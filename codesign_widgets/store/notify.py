"""PostgreSQL's LISTEN/NOTIFY for the projector: a wake-up that carries a change id only.

Every write transaction on PostgreSQL ends by notifying its workshop's channel with the
newest change id it wrote (:func:`notify`); PostgreSQL delivers it when, and only if, the
transaction commits. A facilitator's live feed listens on one direct connection of its own
(:class:`ChangeListener`, outside the kernel's pool) and polls at once when woken, still
reading the changes through the gap-free ``changes`` feed: a notification is only a wake-up,
so one that is lost (the listening connection dropped, the server restarted) loses nothing,
the feed's slower fallback poll finds the change. The payload is a number, never a
participant's text. Participant kernels do not listen: they poll on their one connection.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

__all__ = ["ChangeListener", "channel", "notify"]


def channel(workshop_id: int) -> str:
    """The notification channel of one workshop.

    >>> channel(12)
    'codesign_changes_12'
    """
    return f"codesign_changes_{int(workshop_id)}"


def notify(conn: sa.Connection, workshop_id: int, change_id: int) -> None:
    """Inside the write transaction ``conn`` (PostgreSQL only): tell listeners, on commit,
    that the workshop's changes up to ``change_id`` exist. The payload is the id alone.

    >>> engine = sa.create_engine("sqlite://")
    >>> with engine.connect() as conn:
    ...     notify(conn, 1, 5)  # nothing to do on SQLite: nobody listens there
    """
    if conn.dialect.name != "postgresql":
        return
    conn.execute(sa.select(sa.func.pg_notify(channel(workshop_id), str(int(change_id)))))


class ChangeListener:
    """One direct PostgreSQL connection that LISTENs on workshops' channels (psycopg 3's
    asyncio connection, on the kernel's event loop; autocommit, no prepared statements, so it
    works through PgBouncer in session mode; in transaction mode notifications do not pass,
    and the feed's fallback poll carries on alone).

    >>> listener = ChangeListener(sa.make_url("postgresql://studio@localhost/workshops"))
    >>> listener.connected
    False
    """

    def __init__(self, url: sa.URL) -> None:
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn = None
        self._channels: set[str] = set()

    @property
    def connected(self) -> bool:
        """Whether the listening connection is open (as far as the client knows)."""
        return self._conn is not None and not self._conn.closed

    async def listen(self, workshop_ids: set[int]) -> None:
        """Connect if needed and LISTEN on the channel of each of ``workshop_ids``."""
        import psycopg
        from psycopg import sql

        if not self.connected:
            self._conn = await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, prepare_threshold=None
            )
            self._channels = set()
        for name in sorted({channel(w) for w in workshop_ids} - self._channels):
            await self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(name)))
            self._channels.add(name)

    async def wait(self, timeout: float) -> list[int]:
        """The change ids notified within ``timeout`` seconds (returns at the first one, with
        any that came together); ``[]`` when none came. Raises when the connection is lost."""
        ids = []
        async for note in self._conn.notifies(timeout=timeout, stop_after=1):
            if note.payload.isdigit():
                ids.append(int(note.payload))
        return ids

    async def close(self) -> None:
        """Close the listening connection (quietly: it may be broken already)."""
        conn, self._conn = self._conn, None
        self._channels = set()
        if conn is not None:
            with contextlib.suppress(Exception):  # a dead connection cannot close cleanly
                await conn.close()
