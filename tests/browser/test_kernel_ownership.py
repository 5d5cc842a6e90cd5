"""A stranger on the same Wi-Fi who learnt a phone's kernel id cannot use that kernel.

The victim is a real page in Chromium that joined the workshop. The attacker is another
client: plain HTTP and websockets, with no cookie or with a page session of its own.
"""

from __future__ import annotations

import http.client
import re
import time
from urllib.parse import urlsplit

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from .conftest import PHONE
from .phone import join

pytestmark = pytest.mark.browser

KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


def request(base: str, method: str, path: str, cookie: str = "") -> tuple[int, dict[str, str]]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        conn.close()


def ws_status(base: str, path: str, cookie: str = "") -> int:
    """The HTTP status a websocket upgrade to ``path`` gets (101 when it opens)."""
    url = base.replace("http://", "ws://") + path
    try:
        with connect(url, additional_headers={"Cookie": cookie} if cookie else {}, open_timeout=30):
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


@pytest.fixture(scope="module")
def server(studio_server, demo_workshop):
    return studio_server(demo_workshop["db_url"])


@pytest.fixture(scope="module")
def victim(browser, server, demo_workshop):
    """Rosa's phone, joined; yields (page, kernel id, her cookies)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    join(page, server.participant_url(demo_workshop["code"]), "Rosa", "Lived experience")
    page.get_by_text("You're in, Rosa.").wait_for(timeout=60_000)
    kernel_id = KERNEL_ID.search(page.content()).group(1)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    yield page, kernel_id, cookies
    context.close()


@pytest.fixture(scope="module")
def stranger_cookie(server) -> str:
    """A page session of the attacker's own (it loaded a page of the workshop itself)."""
    status, headers = request(server.participant_base, "GET", "/voila/render/join.ipynb")
    assert status == 200
    found = re.search(r"codesign_page=([^;]+)", headers.get("Set-Cookie", ""))
    return f"codesign_page={found.group(1)}"


@pytest.mark.parametrize("as_who", ["no cookie", "own session"])
def test_another_client_cannot_reach_a_phones_kernel(server, victim, stranger_cookie, as_who):
    page, kernel_id, _cookies = victim
    cookie = stranger_cookie if as_who == "own session" else ""
    base = server.participant_base
    assert ws_status(base, f"/api/kernels/{kernel_id}/channels", cookie) == 403
    assert request(base, "GET", f"/api/kernels/{kernel_id}", cookie)[0] == 403
    assert request(base, "DELETE", f"/api/kernels/{kernel_id}", cookie)[0] == 403
    # A non-browser POST to Voila's shutdown route, with no Origin at all.
    assert request(base, "POST", f"/voila/api/shutdown/{kernel_id}", cookie)[0] == 403
    # The request-info socket carries the page's cookies: only the kernel itself may open it.
    assert ws_status(base, f"/voila/query/{kernel_id}", cookie) == 403
    # No listing of kernels at all.
    assert request(base, "GET", "/api/kernels", cookie)[0] in (403, 404, 405)
    assert request(base, "GET", "/api/sessions", cookie)[0] in (403, 404, 405)

    # Rosa's page still works: her kernel is alive and still hers.
    page.get_by_label("Your line").fill(f"Still mine ({as_who})")
    page.get_by_role("button", name="Share").click()
    page.get_by_text(f"Still mine ({as_who})").first.wait_for(timeout=30_000)


def test_the_owner_reaches_her_kernel_and_refusals_are_logged_without_ids(
    server, victim, demo_workshop
):
    _page, kernel_id, cookies = victim
    base = server.participant_base
    assert request(base, "GET", f"/api/kernels/{kernel_id}", cookies)[0] == 200
    assert ws_status(base, f"/api/kernels/{kernel_id}/channels", cookies) == 101
    time.sleep(0.5)
    log = server.log_path("participant").read_text(errors="replace")
    assert "Refused a kernel connection" in log
    assert "Refused a kernel shutdown" in log
    refusals = [line for line in log.splitlines() if "Refused" in line or " 403 " in line]
    assert refusals
    assert not [line for line in refusals if re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", line)]
    name = f"codesign_{demo_workshop['code']}="
    token = next(c[len(name) :] for c in cookies.split("; ") if c.startswith(name))
    assert token not in log


def kernel_rss(kernel_id: str) -> int:
    import psutil

    for proc in psutil.process_iter(["cmdline"]):
        if any(kernel_id in part for part in proc.info["cmdline"] or []):
            return proc.memory_info().rss
    raise AssertionError("kernel process not found")


def test_a_page_cannot_make_its_kernel_build_widgets(server, victim, demo_workshop):
    """The probe's attack: comm_open for jupyter.widget models from a page's own session (the
    probe sent 900 KB each; a phone's message is now capped at 64 KB, so 60 KB each here). They
    are dropped before the kernel; the honest phone carries on."""
    import json
    import uuid

    page, _kernel, _cookies = victim
    status, headers = request(server.participant_base, "GET", "/voila/render/join.ipynb")
    assert status == 200
    cookie = re.search(r"codesign_page=[^;]+", headers["Set-Cookie"]).group(0)
    parts = urlsplit(server.participant_base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=90)
    conn.request("GET", "/voila/render/join.ipynb", headers={"Cookie": cookie})
    body = conn.getresponse().read().decode()
    conn.close()
    kernel_id = KERNEL_ID.search(body).group(1)
    before = kernel_rss(kernel_id)
    url = server.participant_base.replace("http://", "ws://")
    with connect(
        f"{url}/api/kernels/{kernel_id}/channels",
        additional_headers={"Cookie": cookie},
        open_timeout=60,
        max_size=None,
    ) as ws:
        for _ in range(150):
            state = {
                "_model_name": "TextModel",
                "_model_module": "@jupyter-widgets/controls",
                "_model_module_version": "2.0.0",
                "value": "A" * 60_000,
            }
            header = {"msg_id": uuid.uuid4().hex, "msg_type": "comm_open", "session": "x"}
            header |= {"username": "x", "version": "5.3"}
            ws.send(
                json.dumps(
                    {
                        "header": header,
                        "parent_header": {},
                        "metadata": {},
                        "channel": "shell",
                        "content": {
                            "comm_id": uuid.uuid4().hex,
                            "target_name": "jupyter.widget",
                            "data": {"state": state, "buffer_paths": []},
                        },
                    }
                )
            )
        time.sleep(3)
    grew = kernel_rss(kernel_id) - before
    print(f"attacked kernel grew {grew / 2**20:.1f} MB after 150 x 60 KB comm_open")
    assert grew < 5 * 2**20  # 150 widgets of 60 KB would hold 9 MB of text alone
    page.get_by_label("Your line").fill("Unaffected")
    page.get_by_role("button", name="Share").click()
    page.get_by_text("Unaffected").first.wait_for(timeout=30_000)
    log = server.log_path("participant").read_text(errors="replace")
    assert log.count("Refused a page's request to create a widget") < 10  # counted, not repeated
