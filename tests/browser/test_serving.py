"""The two servers as a participant's phone and an outsider see them.

One pair of servers serves the whole module. Its notebooks folder is a copy of the real one
plus decoys (a facilitator copy under a dot name, a Python file, a database file), so the
tests show that the served folder of links exposes none of them. When the machine has a
non-loopback address the participant server binds it, as ``codesign serve --lan`` does.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import ipaddress
import json
import os
import re
import shutil
import socket
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.server import StudioServer, default_notebooks_root

pytestmark = pytest.mark.browser

SECRET = "do-not-serve-7f3a"
REFUSED = {400, 403, 404, 405}


def lan_ipv4() -> str | None:
    """A non-loopback IPv4 address of this machine, or None."""
    import psutil

    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family != socket.AF_INET:
                continue
            ip = ipaddress.ip_address(address.address)
            if not ip.is_loopback and not ip.is_link_local:
                return address.address
    return None


def fetch(base: str, path: str, *, hops: int = 3, timeout: float = 90) -> tuple[int, str]:
    """GET ``path`` exactly as written (no client-side ``..`` clean-up), following redirects."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
    finally:
        conn.close()
    location = response.getheader("Location")
    if response.status in (301, 302, 303, 307, 308) and location and hops:
        target = urlsplit(urljoin(base + path, location))
        assert target.netloc == parts.netloc, f"redirect off the server: {location}"
        return fetch(
            base, target.path + (f"?{target.query}" if target.query else ""), hops=hops - 1
        )
    return response.status, body


@pytest.fixture(scope="module")
def notebooks_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("notebooks")
    for notebook in default_notebooks_root().glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    shutil.copy(root / "facilitator.ipynb", root / ".hidden.ipynb")
    (root / "secret.py").write_text(f"KEY = {SECRET!r}\n")
    (root / "studio.db").write_text(SECRET)
    return root


@pytest.fixture(scope="module")
def served(studio_server, demo_workshop, notebooks_root) -> StudioServer:
    server = studio_server(
        demo_workshop["db_url"],
        notebooks_root=notebooks_root,
        participant_host=lan_ipv4() or "127.0.0.1",
    )
    server.wait_pools()
    return server


def keep_local(context, base: str) -> list[str]:
    """Abort and record every request of ``context`` that is not for ``base``."""
    outside: list[str] = []

    def only_local(route):
        url = route.request.url
        if url.startswith((base + "/", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_local)
    return outside


def test_participant_page_is_a_phone_page(browser, phone, served, demo_workshop):
    context = browser.new_context(**phone)
    outside = keep_local(context, served.participant_base)
    try:
        page = context.new_page()
        page.goto(served.participant_url(demo_workshop["code"]))
        # The title comes from the store: the preheated kernel found CODESIGN_DB and, bound
        # to a LAN address, still received its request (VOILA_APP_IP).
        page.get_by_text(demo_workshop["title"]).first.wait_for(timeout=60_000)
        assert page.locator("main#codesign-main").get_attribute("data-template") == (
            "codesign-phone"
        )
        name = page.locator(".widget-text input").first
        name.wait_for()
        box = name.bounding_box()
        assert box is not None
        assert box["height"] >= 44
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= phone["viewport"]["width"]
        assert name.evaluate("e => getComputedStyle(e).fontSize") == "16px"
        button = page.locator(".widget-button").first
        assert button.bounding_box()["height"] >= 44
        assert outside == [], "requests left the machine"
    finally:
        context.close()


def test_facilitator_page_uses_projector_template(browser, served, demo_workshop):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside = keep_local(context, served.facilitator_base)
    try:
        page = context.new_page()
        page.goto(served.facilitator_url(demo_workshop["code"], demo_workshop["key"]))
        page.get_by_text(demo_workshop["title"]).first.wait_for(timeout=60_000)
        assert page.locator("main#codesign-main").get_attribute("data-template") == (
            "codesign-projector"
        )
        # The hub learns the participants' address from the server's environment.
        page.get_by_text(served.participant_base).first.wait_for(timeout=10_000)
        assert outside == [], "requests left the machine"
    finally:
        context.close()


def test_facilitator_listens_on_loopback_only(served):
    port = served.opts.facilitator_port
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    lan = lan_ipv4()
    if lan is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((lan, port), timeout=5).close()


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/facilitator.ipynb",
        "/voila/render/.hidden.ipynb",
        "/voila/render/%2ehidden.ipynb",
        "/voila/api/contents/facilitator.ipynb",
        "/voila/tree/.hidden.ipynb",
    ],
)
def test_participant_server_does_not_serve_other_notebooks(served, path):
    status, body = fetch(served.participant_base, path)
    assert status in REFUSED, body[:300]
    assert "facilitator_app" not in body


@pytest.mark.parametrize(
    ("role", "path", "lands_on"),
    [
        ("participant", "/", "/voila/render/join.ipynb"),
        ("participant", "/?code=ABC234", "/voila/render/join.ipynb?code=ABC234"),
        ("participant", "/voila/tree", "/voila/render/join.ipynb"),
        ("participant", "/voila/tree/", "/voila/render/join.ipynb"),
        ("facilitator", "/", "/voila/render/facilitator.ipynb"),
    ],
)
def test_the_bare_address_opens_the_start_page_not_a_listing(served, role, path, lands_on):
    """A phone typing just the address gets the join page; no list of notebooks anywhere."""
    base = served.participant_base if role == "participant" else served.facilitator_base
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=90)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert response.status == 302
    assert response.getheader("Location") == lands_on


@pytest.mark.parametrize("path", ["/voila/tree/join.ipynb", "/voila/tree/sub/", "/voila/tree/.."])
def test_no_folder_listing(served, path):
    status, body = fetch(served.participant_base, path)
    assert status == 404, body[:300]
    assert "join.ipynb" not in body


@pytest.mark.parametrize("path", ["", "/", "/join.ipynb", "/join.ipynb?content=1"])
def test_no_contents_api_lists_or_describes_notebooks(served, path):
    """The contents API serves Voila's tree page, which the studio never shows: a phone
    learns nothing from it (it listed the participant notebooks)."""
    for base in (served.participant_base, served.facilitator_base):
        status, body = fetch(base, f"/voila/api/contents{path}")
        assert status == 404
        assert "join" not in body


def test_a_key_in_an_address_is_never_written_to_a_log(served, demo_workshop):
    """A hub address with its key, opened on the wrong server (a 404), used to put the key in
    the participant server's log."""
    key = demo_workshop["key"]
    fetch(served.participant_base, f"/voila/render/facilitator.ipynb?key={key}")
    fetch(served.facilitator_base, f"/voila/render/nothing.ipynb?key={key}")
    time.sleep(1)  # the log is written by the server process
    for role in ("participant", "facilitator"):
        assert key not in served.log_path(role).read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize(
    "path",
    [
        "/voila/files/join.ipynb",
        "/voila/files/secret.py",
        "/voila/files/studio.db",
        "/voila/files/../secret.py",
        "/voila/files/%2e%2e/secret.py",
        "/voila/files/..%2fsecret.py",
        "/voila/render/secret.py",
        "/voila/render/studio.db",
        "/voila/render/../secret.py",
        "/voila/render/%2e%2e%2fsecret.py",
        "/voila/render/join.ipynb/../secret.py",
        "/voila/render/%2fetc%2fpasswd",
        "/voila/static/../../secret.py",
        "/voila/static/..%2f..%2fapp.py",
        "/voila/templates/codesign-phone/static/../../../../../../etc/passwd",
        "/voila/templates/codesign-phone/static/..%2f..%2fconf.json",
        "/voila/templates/..%2f..%2f..%2fetc/static/passwd",
        "/voila/labextensions/..%2f..%2f..%2f..%2fetc/passwd",
    ],
)
def test_sources_and_traversal_are_refused(served, path):
    status, body = fetch(served.participant_base, path)
    # Voila's template-static handler answers a `..` path with 500 (a failed assert, not a
    # read): still a refusal, and the body holds no traceback.
    assert status in REFUSED or status == 500, body[:300]
    assert "Traceback" not in body
    assert SECRET not in body
    assert "root:x:" not in body


def status_with_host(base: str, path: str, host: str) -> int:
    """The status of ``GET path`` sent to ``base`` with a ``Host`` header of our choosing."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=90)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.mark.parametrize("role", ["participant", "facilitator"])
def test_a_foreign_host_header_is_refused(served, demo_workshop, role):
    """DNS rebinding: a page of evil.example resolved to this server sends its own Host."""
    base = served.participant_base if role == "participant" else served.facilitator_base
    page = (
        f"/voila/render/join.ipynb?code={demo_workshop['code']}"
        if role == "participant"
        else "/voila/render/facilitator.ipynb"
    )
    port = urlsplit(base).port
    kernel = "/api/kernels/00000000-0000-4000-8000-000000000000"
    # Voila's static files come from handlers outside jupyter_server's check: ours added it.
    static = ("/voila/static/voila.js", "/voila/templates/codesign-base/static/voila.js")
    # A preheated kernel's request info: only the participant server preheats (has the route).
    query = ("/voila/query/00000000-0000-4000-8000-000000000000",) if role == "participant" else ()
    for path in (page, "/", "/voila/api/contents/", kernel, f"{kernel}/channels", *query, *static):
        for host in (
            "evil.example",
            f"evil.example:{port}",
            f"{served.opts.participant_host}.evil",
        ):
            assert status_with_host(base, path, host) == 403, (path, host)
    # The address the server is reached at still works (the LAN one, when it binds one).
    assert status_with_host(base, static[0], urlsplit(base).netloc) == 200
    assert status_with_host(base, static[0], f"localhost:{port}") == 200
    for path in static:
        assert status_with_host(base, path, urlsplit(base).netloc) == 200, path
    if role == "facilitator" and served.opts.participant_host != "127.0.0.1":
        # The facilitator's loopback server answers no LAN name either.
        lan = f"{served.opts.participant_host}:{port}"
        assert status_with_host(base, static[0], lan) == 403


def test_url_cannot_override_template_or_theme(served, demo_workshop):
    # Such a request skips the pool (a cold kernel: a few seconds) but renders our template.
    status, body = fetch(
        served.participant_base,
        f"/voila/render/join.ipynb?code={demo_workshop['code']}&template=reveal&theme=dark",
    )
    assert status == 200
    assert 'data-template="codesign-phone"' in body
    assert "theme-dark" not in body
    assert "reveal" not in body.lower()
    # strip_sources: the page carries outputs, never the notebook's code.
    assert "participant_app(" not in body


@pytest.mark.parametrize("path", ["/voila/static/voila.js", "/voila/render/join.ipynb"])
def test_pages_and_scripts_go_out_gzipped(served, path):
    """About 5 MB of JavaScript per phone: compressed, 30 phones share a quarter of it."""
    parts = urlsplit(served.participant_base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=90)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body)


def test_role_environments(tmp_path):
    """What each server's kernels are told; request variables are never inherited."""
    server = StudioServer(
        ServeOptions(db_url="sqlite:///x.db", participant_host="192.0.2.5"), work_dir=tmp_path
    )
    base = {
        "PATH": "/bin",
        "QUERY_STRING": "code=STALE",
        "HTTP_COOKIE": "p=1",
        "VOILA_PREHEAT": "x",
    }
    envs = server.role_envs(base)
    for env in envs.values():
        assert env["CODESIGN_DB"] == "sqlite:///x.db"
        assert not {"QUERY_STRING", "HTTP_COOKIE", "VOILA_PREHEAT"} & env.keys()
        assert Path(env["JUPYTER_PATH"].split(os.pathsep)[0], "voila", "templates").is_dir()
    assert envs["participant"]["CODESIGN_ROLE"] == "participant"
    assert envs["participant"]["VOILA_APP_IP"] == "192.0.2.5"
    assert "CODESIGN_FACILITATOR_URL" not in envs["participant"]
    assert envs["facilitator"]["CODESIGN_ROLE"] == "facilitator"
    assert envs["facilitator"]["CODESIGN_PARTICIPANT_URL"] == (
        "http://192.0.2.5:8866/codesign/enter"
    )


@contextlib.contextmanager
def kernel_socket(served, code: str):
    """A participant page's kernel websocket, opened with the page's own session cookie, as
    its front end would; the kernel has answered ``kernel_info`` when it is handed over."""
    from websockets.sync.client import connect

    url = urlsplit(served.participant_url(code))
    parts = urlsplit(served.participant_base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=90)
    conn.request("GET", f"{url.path}?{url.query}")
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    assert response.status == 200
    # The page's own session: its kernel answers nobody else (test_kernel_ownership.py).
    session = re.search(r"codesign_page=[^;]+", response.getheader("Set-Cookie")).group(0)
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]{36})"', body).group(1)
    ws_url = served.participant_base.replace("http", "ws", 1)
    # The handshake waits for the kernel to answer (jupyter_server nudges it): on two busy
    # cores that can take longer than the client's default 10 s.
    channels = f"{ws_url}/api/kernels/{kernel_id}/channels"
    with connect(
        channels, max_size=None, open_timeout=90, additional_headers={"Cookie": session}
    ) as ws:
        ws.send(json.dumps(_message("kernel_info_request")))
        while json.loads(ws.recv(timeout=60))["msg_type"] != "kernel_info_reply":
            pass
        yield ws


def test_participant_websocket_refuses_oversized_messages(served, demo_workshop):
    """A crafted 100 KB comm message (a huge "name") never reaches the participant's kernel:
    phones send at most 64 KB (a 2,000-character answer is a few KB)."""
    from websockets.exceptions import ConnectionClosed

    with kernel_socket(served, demo_workshop["code"]) as ws:
        ws.send(json.dumps(_message("comm_msg", {"data": {"x": "A" * 100_000}})))
        with pytest.raises(ConnectionClosed) as closed:
            _drain(ws)
    assert closed.value.rcvd.code == 1009  # "message too big"


def test_a_page_flooding_its_kernel_is_cut_off(served, demo_workshop):
    """1,000 messages at once (the probe's 959 a second took 1.7 of 2 cores): the socket is
    closed as a policy violation long before the kernel sees them all."""
    from websockets.exceptions import ConnectionClosed

    with kernel_socket(served, demo_workshop["code"]) as ws, pytest.raises(ConnectionClosed) as c:
        _flood(ws, 1_000)
    assert c.value.rcvd.code == 1008


def _flood(ws, count: int) -> None:
    for _ in range(count):
        ws.send(json.dumps(_message("comm_info_request")))
    _drain(ws)


def test_the_whole_widget_state_is_sent_once_per_connection(served, demo_workshop):
    """The widget manager asks for every widget's state once when it loads; asking again
    and again without reading (a 22-second backlog for everyone) gets no second answer."""
    with kernel_socket(served, demo_workshop["code"]) as ws:
        comm_id = uuid.uuid4().hex
        opened = {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}}
        # As the widget manager opens it: its protocol version in the metadata.
        ws.send(json.dumps({**_message("comm_open", opened), "metadata": {"version": "1.0.0"}}))
        ask = {"comm_id": comm_id, "data": {"method": "request_states"}}
        for _ in range(3):
            ws.send(json.dumps(_message("comm_msg", ask)))
        answers, deadline = 0, time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            except TimeoutError:
                break
            data = msg.get("content", {}).get("data") or {}
            answers += msg["msg_type"] == "comm_msg" and data.get("method") == "update_states"
        assert answers == 1


#: Requests that would run code or read the kernel's insides, with the channel they use.
CODE_RUNNING = [
    ("execute_request", "shell"),
    ("inspect_request", "shell"),
    ("complete_request", "shell"),
    ("history_request", "shell"),
    ("is_complete_request", "shell"),
    ("debug_request", "control"),
]


def test_a_page_cannot_run_code_or_look_into_its_kernel(served, demo_workshop, tmp_path):
    """Every code-running or inspecting request a page could send is dropped: none is
    answered and the code never runs, while the same socket still gets its kernel's answer
    to an allowed request. (Voila drops them by default; this keeps it so.)"""
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').write('ran')"
    contents = {
        "execute_request": {"code": code, "silent": False, "store_history": True},
        "inspect_request": {"code": "os", "cursor_pos": 2, "detail_level": 1},
        "complete_request": {"code": "import o", "cursor_pos": 8},
        "history_request": {"hist_access_type": "tail", "n": 10, "output": True, "raw": True},
        "is_complete_request": {"code": code},
        "debug_request": {"type": "request", "seq": 1, "command": "initialize", "arguments": {}},
    }
    with kernel_socket(served, demo_workshop["code"]) as ws:
        for msg_type, channel in CODE_RUNNING:
            ws.send(json.dumps({**_message(msg_type, contents[msg_type]), "channel": channel}))
        # An allowed request sent after them is answered: the socket and kernel are alive.
        ws.send(json.dumps(_message("kernel_info_request")))
        replies, deadline = [], time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            except TimeoutError:
                break
            replies.append(msg["msg_type"])
            parent = msg.get("parent_header", {}).get("msg_type", "")
            assert parent not in contents, (parent, msg["msg_type"])
    assert "kernel_info_reply" in replies
    forbidden = {f"{name.removesuffix('_request')}_reply" for name, _channel in CODE_RUNNING}
    assert not forbidden & set(replies), replies
    assert "execute_input" not in replies
    assert not marker.exists()


def _drain(ws) -> None:
    # iopub chatter may still arrive before the close; a silent server times out instead.
    while True:
        ws.recv(timeout=60)


def _message(msg_type: str, content: dict | None = None) -> dict:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "test",
        "session": uuid.uuid4().hex,
        "version": "5.3",
    }
    return {
        "header": header,
        "parent_header": {},
        "metadata": {},
        "content": content or {},
        "channel": "shell",
        "buffers": [],
    }
