"""How many connections one address may hold open on the participant server at once.

A phone's page holds about 11 connections (six for its files and requests, the rest its
sockets); a script on the Wi-Fi can open a thousand and keep them, and the
server stops accepting anyone at its file limit. :class:`ConnectionCap` counts each client
address's open connections, HTTP and websocket alike (a websocket is an HTTP connection that
stayed open), and says when one more is over the cap; the server (``voila_main.py``) answers
that one with a short 429 and closes it, before any handler or kernel is involved.

This laptop's own browser (``127.0.0.1``, ``::1``) has no cap, as it has no per-device kernel
limit: a facilitator trying the workshop out opens many tabs.

Pure Python; a connection is anything with ``closed()`` (tornado's ``IOStream``).

>>> class Conn:
...     open = True
...     def closed(self):
...         return not self.open
>>> cap = ConnectionCap(2)
>>> first, second, third = Conn(), Conn(), Conn()
>>> cap.admit("192.168.1.20", first), cap.admit("192.168.1.20", second)
(True, True)
>>> cap.admit("192.168.1.20", third), cap.admit("192.168.1.21", third)
(False, True)
>>> first.open = False
>>> cap.admit("192.168.1.20", third)
True
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from .kernel_guard import LOCAL_BROWSER

__all__ = ["DEFAULT_PER_CLIENT", "REFUSED_LOG", "ConnectionCap", "refusal_response"]

#: Connections one address may hold at once by default. A phone's page holds about 11 (Chromium
#: measured: 6 for its files and requests, the rest its sockets; 4 tabs of one browser 14), so
#: 48 lets four phones share one address, as ``--max-kernels-per-client`` 4 does
#: (``benchmarks/bench_connections.py``).
DEFAULT_PER_CLIENT = 48
#: The server's log line for a refused connection (its repeats are counted, not written).
REFUSED_LOG = (
    "Refused connections from {client}: {cap} open from that address already "
    "(--max-connections-per-client)"
)
#: Seconds a refused client is asked to wait before trying again.
RETRY_AFTER = 10
_FORGET_EMPTY_ABOVE = 1000


class ConnectionCap:
    """Count open connections per client address; ``per_client`` 0 means no cap.

    >>> ConnectionCap(0).admit("10.0.0.9", object())
    True
    >>> ConnectionCap(1).admit("127.0.0.1", object())  # this laptop's browser
    True
    """

    def __init__(self, per_client: int, unlimited: Iterable[str] = LOCAL_BROWSER) -> None:
        self.per_client = int(per_client)
        self.unlimited = frozenset(unlimited)
        self._open: dict[str, weakref.WeakSet] = {}

    def admit(self, client: str, connection: object) -> bool:
        """Whether ``client`` may open ``connection``; if so it counts until it is closed."""
        if not self.per_client or client in self.unlimited:
            return True
        live = self._open.setdefault(client, weakref.WeakSet())
        for gone in [c for c in live if c.closed()]:
            live.discard(gone)
        if len(live) >= self.per_client:
            return False
        live.add(connection)
        if len(self._open) > _FORGET_EMPTY_ABOVE:  # many addresses came and went
            self._forget_closed()
        return True

    def open_count(self, client: str) -> int:
        """How many connections of ``client`` are open now.

        >>> ConnectionCap(3).open_count("10.0.0.9")
        0
        """
        return sum(1 for c in self._open.get(client, ()) if not c.closed())

    def _forget_closed(self) -> None:
        for client in list(self._open):
            if not self.open_count(client):
                del self._open[client]


def refusal_response() -> bytes:
    """The whole HTTP answer to a connection over the cap: 429, what to do, and closed.

    >>> refusal_response().split(b"\\r\\n")[0]
    b'HTTP/1.1 429 Too Many Requests'
    """
    body = (
        "This device has too many connections open to the workshop. Close other workshop "
        f"tabs on it, wait {RETRY_AFTER} seconds, then reload.\n"
    ).encode()
    head = (
        "HTTP/1.1 429 Too Many Requests\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Retry-After: {RETRY_AFTER}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body
