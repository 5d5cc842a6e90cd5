"""Many page loads from one client: kernels are capped, abandoned tabs given back, and the
server stays usable for the others.

Each "device" is a loopback source address (127.0.0.2, 127.0.0.3...): the server sees them
as different clients, as it sees different phones on a LAN. Page loads are plain HTTP GETs
that never open the kernel's websocket, which is what a script hammering the link does.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from urllib.parse import urlsplit

import pytest

from codesign_widgets.serving.kernel_guard import RefusalWatcher
from codesign_widgets.serving.server import StudioServer

pytestmark = pytest.mark.browser

KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


def get(
    base: str, path: str, device: str = "127.0.0.1", headers: dict[str, str] | None = None
) -> tuple[int, str, dict[str, str]]:
    """``GET path`` from the loopback address ``device``: status, body and headers."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=120, source_address=(device, 0)
    )
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, body, dict(response.getheaders())
    finally:
        conn.close()


def open_page(
    server: StudioServer,
    code: str,
    device: str,
    notebook: str = "join.ipynb",
    accept_language: str = "en-GB,en;q=0.9",
) -> tuple[int, str | None, str]:
    """Load a participant page from ``device``: status, its kernel id (when served), body."""
    url = urlsplit(server.participant_url(code, notebook))
    status, body, headers = get(
        server.participant_base,
        f"{url.path}?{url.query}",
        device,
        {"Accept-Language": accept_language},
    )
    found = KERNEL_ID.search(body)
    if found:
        # Only the page session that opened a kernel may ask about it.
        SESSIONS[found.group(1)] = headers.get("Set-Cookie", "").split(";", 1)[0]
    return status, found.group(1) if found else None, body


#: The page session cookie of each kernel a test opened.
SESSIONS: dict[str, str] = {}


def kernel_exists(server: StudioServer, kernel_id: str) -> bool:
    parts = urlsplit(server.participant_base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", f"/api/kernels/{kernel_id}", headers={"Cookie": SESSIONS[kernel_id]})
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert response.status in (200, 404), response.status
    return response.status == 200


def start_capped(studio_server, db_url: str, max_kernels: int, grace: int) -> StudioServer:
    """A server allowing 2 pages per device; activity pages start a kernel each time."""
    server = studio_server(
        db_url,
        activity_pool_size=0,
        max_kernels=max_kernels,
        max_kernels_per_client=2,
        abandoned_page_grace=grace,
    )
    server.wait_pools()
    return server


@pytest.fixture(scope="module")
def capped(studio_server, demo_workshop) -> StudioServer:
    # Tabs are never counted as abandoned here (grace of 10 minutes).
    return start_capped(studio_server, demo_workshop["db_url"], max_kernels=4, grace=600)


def test_limits_per_device_and_in_all_and_others_keep_working(capped, demo_workshop):
    code = demo_workshop["code"]
    # One page takes a preheated kernel, the other (no pool for activities here) starts one.
    first = [
        open_page(capped, code, "127.0.0.2"),
        open_page(capped, code, "127.0.0.2", "goal_mapping.ipynb"),
    ]
    assert [status for status, _k, _b in first] == [200, 200]

    status, kernel, body = open_page(capped, code, "127.0.0.2")
    assert (status, kernel) == (429, None)
    assert "too many studio pages open" in body
    assert "Close the other workshop tabs" in body

    # A script keeps reloading from that device while another phone joins: every extra
    # load is refused at once, and the other phone gets its page.
    refused: list[int] = []

    def hammer() -> None:
        for _ in range(40):
            refused.append(open_page(capped, code, "127.0.0.2")[0])

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    other = open_page(capped, code, "127.0.0.3")
    for thread in threads:
        thread.join()
    assert other[0] == 200
    assert other[1]
    assert set(refused) == {429}
    assert len(refused) == 160

    # The refused loads started no kernel: the first two are still the device's own.
    assert all(kernel_exists(capped, k) for _s, k, _b in first)

    # Four pages in all: one more device gets in, the next is asked to wait.
    assert open_page(capped, code, "127.0.0.4")[0] == 200
    status, kernel, body = open_page(capped, code, "127.0.0.5")
    assert (status, kernel) == (503, None)
    assert "The workshop is full right now" in body
    # A Welsh phone is told in Welsh (the workshop is not known yet: its browser's language).
    status, kernel, body = open_page(capped, code, "127.0.0.6", accept_language="cy,en;q=0.5")
    assert (status, kernel) == (503, None)
    assert body.startswith("<!doctype html><html lang='cy' dir='ltr'>")
    assert "Mae&#x27;r gweithdy&#x27;n llawn ar hyn o bryd" in body
    assert "full" not in body

    # The facilitator's terminal is told about both kinds of refusal, with what to do. The log
    # is written by the studio from the server's output: the last line may take a moment.
    deadline = time.monotonic() + 15
    while True:
        advice = RefusalWatcher(4, 2).read(capped.log_path("participant").read_text())
        if len(advice) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(advice) == 2
    assert any("a higher --max-kernels" in a for a in advice)
    assert any("--max-kernels-per-client 0" in a for a in advice)

    # A tab that closes sends Voila's shutdown call (with its cookie); its place is free again.
    parts = urlsplit(capped.participant_base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        closing = first[0][1]
        conn.request(
            "POST", f"/voila/api/shutdown/{closing}", headers={"Cookie": SESSIONS[closing]}
        )
        conn.getresponse().read()
    finally:
        conn.close()
    deadline = time.monotonic() + 30
    while kernel_exists(capped, first[0][1]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert open_page(capped, code, "127.0.0.5")[0] == 200


def test_abandoned_tabs_of_a_device_are_given_back(studio_server, demo_workshop):
    """A phone that reloads again and again is never locked out: its tabs that never
    connected are shut down, oldest first, once they are older than the grace."""
    server = start_capped(studio_server, demo_workshop["db_url"], max_kernels=10, grace=1)
    code = demo_workshop["code"]
    kernels = []
    for _ in range(2):
        status, kernel, _body = open_page(server, code, "127.0.0.7")
        assert status == 200
        kernels.append(kernel)
    time.sleep(1.5)
    status, third, _body = open_page(server, code, "127.0.0.7")
    assert status == 200
    assert third not in kernels
    assert not kernel_exists(server, kernels[0])  # the oldest abandoned tab went
    assert kernel_exists(server, kernels[1])
    assert kernel_exists(server, third)
