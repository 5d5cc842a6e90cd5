"""Half-open connections (slowloris) are closed by the server, and an honest page still loads."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_half_open_connections_are_dropped_and_a_page_still_loads(studio_server, demo_workshop):
    server = studio_server(
        demo_workshop["db_url"], pool_size=0, idle_connection_timeout=2, body_timeout=2
    )
    parts = urlsplit(server.participant_base)
    slow = []
    for _ in range(100):
        sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
        sock.sendall(b"GET /voila/render/join.ipynb HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(sock)
    try:
        # An honest request meanwhile.
        honest = socket.create_connection((parts.hostname, parts.port), timeout=30)
        honest.sendall(b"GET /codesign/alive HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert honest.recv(64).startswith(b"HTTP/1.1 204")
        honest.close()
        time.sleep(4)
        closed = 0
        for sock in slow:
            sock.settimeout(5)
            try:
                closed += sock.recv(1024) == b""
            except ConnectionResetError:
                closed += 1
            except TimeoutError:  # still held open by the server
                pass
        assert closed == len(slow)
    finally:
        for sock in slow:
            sock.close()
