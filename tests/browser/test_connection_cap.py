"""One address cannot starve the participant server of connections: past
``--max-connections-per-client`` (48) each new connection is answered 429 and closed, the
refusals are one log line with a count, and an honest phone on another address joins and
shares a line meanwhile.

Each "device" is a loopback source address (127.0.0.2, 127.0.0.3): the server sees them as
different clients, as it sees different phones on a LAN. The honest phone is a protocol phone
(``tests/protocol_phone.py``): the page's requests and its kernel websocket, from its address.
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest

from codesign_widgets.serving.connection_cap import DEFAULT_PER_CLIENT, REFUSED_LOG
from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.studio import Studio
from tests.protocol_phone import ProtocolPhone, join, run_apart

pytestmark = pytest.mark.browser

ATTACKER, HONEST, OTHER = "127.0.0.2", "127.0.0.3", "127.0.0.4"
EXTRA = 40  # connections tried past the cap


def connect(base: str, device: str) -> socket.socket:
    parts = urlsplit(base)
    return socket.create_connection(
        (parts.hostname, parts.port), timeout=30, source_address=(device, 0)
    )


def answer(sock: socket.socket, request: bytes) -> bytes:
    """Send ``request`` and read until the server closes the connection (or 30 s pass)."""
    sock.sendall(request)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def get(base: str, path: str = "/") -> bytes:
    host = urlsplit(base).netloc
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()


def upgrade(base: str) -> bytes:
    host = urlsplit(base).netloc
    return (
        f"GET /api/kernels/x/channels HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


@pytest.fixture(scope="module")
def workshop_db(tmp_path_factory) -> dict[str, str]:
    db_url = f"sqlite:///{tmp_path_factory.mktemp('cap') / 'studio.db'}"
    studio = Studio.open(db_url)
    try:
        workshop, _key = studio.workshops.create("Connections", "codesign_day")
        studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    finally:
        studio.close()
    return {"db_url": db_url, "code": workshop.code}


async def honest_phone_shares_a_line(base: str, code: str) -> tuple[float, list[str]]:
    phone = ProtocolPhone(base, "Honest", source=HONEST)
    start = time.monotonic()
    try:
        await phone.open(f"/voila/render/join.ipynb?code={code}")
        await join(phone, "Honest Hana")
        await phone.type_into("Your line", "Being heard")
        await phone.tap("Share")
        await phone.wait_for(lambda: any("Shared with" in n for n in phone.notices()), 60)
        return time.monotonic() - start, phone.errors
    finally:
        await phone.close()


def test_one_address_past_its_connection_cap_is_refused_and_others_join(studio_server, workshop_db):
    assert ServeOptions().max_connections_per_client == DEFAULT_PER_CLIENT == 48
    server = studio_server(
        workshop_db["db_url"],
        max_kernels_per_client=4,  # the per-device page limit stays on beside it
        idle_connection_timeout=600,  # the held connections stay open for the whole test
    )
    base = server.participant_base
    # The attacker holds the cap's worth of connections, sending nothing (slowloris).
    held = [connect(base, ATTACKER) for _ in range(DEFAULT_PER_CLIENT)]
    try:
        time.sleep(0.5)  # accepted and counted
        # Each further one, a page request or a websocket upgrade, gets a short 429.
        started = time.monotonic()
        answers = [
            answer(connect(base, ATTACKER), upgrade(base) if i % 4 == 0 else get(base))
            for i in range(EXTRA)
        ]
        refused_in = time.monotonic() - started
        assert {a.split(b"\r\n", 1)[0] for a in answers} == {b"HTTP/1.1 429 Too Many Requests"}
        assert all(b"Close other workshop tabs" in a for a in answers)
        assert refused_in < 20, refused_in  # answered at once, not after a timeout

        # Meanwhile another device is served, and an honest phone joins and shares a line.
        assert answer(connect(base, OTHER), get(base)).startswith(b"HTTP/1.1 302")
        took, errors = run_apart(honest_phone_shares_a_line(base, workshop_db["code"]))
        assert errors == []
        print(f"honest phone joined and shared a line in {took:.1f} s")
        studio = Studio.open(workshop_db["db_url"])
        try:
            workshop = studio.workshops.by_code(workshop_db["code"])
            lines = [e.body["text"] for e in studio.entries.find(workshop.id)]
        finally:
            studio.close()
        assert lines == ["Being heard"]
    finally:
        for sock in held:
            sock.close()
    # Its connections closed, the device is served again.
    deadline = time.monotonic() + 10
    while not answer(connect(base, ATTACKER), get(base)).startswith(b"HTTP/1.1 302"):
        assert time.monotonic() < deadline, "the closed connections were never given back"
        time.sleep(0.2)
    # The 40 refusals are one line in the facilitator's log (repeats are counted, not written).
    line = REFUSED_LOG.format(client=ATTACKER, cap=DEFAULT_PER_CLIENT)
    deadline = time.monotonic() + 15
    while line not in server.log_path("participant").read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.log_path("participant").read_text().count(line) == 1
