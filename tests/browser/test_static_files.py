"""Static files as a phone on slow Wi-Fi gets them: fetched once, kept, sent compressed.

Through the real participant server: the page points Voila's loader at versioned
addresses, which answer with year-long immutable caching and gzip made once; the page
preloads the files every participant page needs, and exactly those; a reload, and a reload
after a server restart, download no static file again.
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from codesign_widgets.serving.static_files import IMMUTABLE, PRELOAD_MANIFEST
from tests.browser.phone import NO_PRELOAD, front_end_files
from tests.protocol_phone import goal_workshop

pytestmark = pytest.mark.browser

VERSIONED = re.compile(r"/voila/v/([0-9a-f]{16})/")


@pytest.fixture(scope="module")
def workshop(tmp_path_factory) -> tuple[str, str]:
    db_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'studio.db'}"
    code, _workshop_id, _key = goal_workshop(db_url, "Static files")
    return db_url, code


@pytest.fixture(scope="module")
def served(studio_server, workshop):
    server = studio_server(workshop[0])
    server.wait_pools()
    return server


def get(base: str, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=90)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def opened(served, workshop) -> tuple[str, str]:
    """The join page's HTML and its session cookie, as a phone gets them."""
    url = urlsplit(served.participant_url(workshop[1]))
    response, body = get(served.participant_base, f"{url.path}?{url.query}")
    assert response.status == 200
    session = re.search(r"codesign_page=[^;]+", response.getheader("Set-Cookie")).group(0)
    return body.decode(), session


@pytest.fixture(scope="module")
def page(opened) -> str:
    return opened[0]


def config(page: str) -> dict:
    found = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S
    )
    return json.loads(found.group(1))


def installed(relative: str) -> Path:
    """The file a versioned address serves, where pip put it (this environment's share)."""
    share = Path(sys.prefix) / "share" / "jupyter"
    for candidate in (share / "voila" / "templates" / "base" / relative, share / relative):
        if candidate.is_file():
            return candidate
    raise AssertionError(f"{relative} is not installed under {share}")


def test_the_page_loads_voila_and_its_extensions_from_versioned_addresses(page):
    settings = config(page)
    static, extensions = settings["fullStaticUrl"], settings["fullLabextensionsUrl"]
    assert VERSIONED.search(static + "/")
    assert static.endswith("/static")
    assert extensions == static.removesuffix("static") + "labextensions"
    assert f'<script src="{static}/voila.js">' in page


@pytest.mark.parametrize(
    "relative",
    [
        "static/voila.js",
        "labextensions/@jupyter-widgets/jupyterlab-manager/package.json",
    ],
)
def test_versioned_files_are_kept_for_a_year_and_sent_gzipped_once_made(served, page, relative):
    """What a versioned address serves never changes: phones keep it, and never ask again."""
    prefix = config(page)["fullStaticUrl"].removesuffix("static")
    on_disk = installed(relative).read_bytes()
    response, body = get(served.participant_base, prefix + relative, **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == IMMUTABLE
    assert response.getheader("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.getheader("Vary")
    assert gzip.decompress(body) == on_disk
    # Made at level 9 once, not at tornado's level 6 per request: never larger.
    assert len(body) <= len(gzip.compress(on_disk, 6))
    # A client that takes no gzip gets the file itself.
    response, body = get(served.participant_base, prefix + relative)
    assert response.getheader("Content-Encoding") is None
    assert body == on_disk


def test_webpack_chunks_of_extensions_are_served_under_the_version(served, page):
    settings = config(page)
    manager = next(
        e
        for e in settings["federated_extensions"]
        if e["name"] == "@jupyter-widgets/jupyterlab-manager"
    )
    address = f"{settings['fullLabextensionsUrl']}/{manager['name']}/{manager['load']}"
    response, body = get(served.participant_base, address, **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == IMMUTABLE
    assert b"jupyter" in gzip.decompress(body)


def test_another_versions_address_is_answered_but_not_kept(served, page):
    """A page from before an upgrade still loads; today's file is not cached under its name."""
    static = config(page)["fullStaticUrl"]
    stale = VERSIONED.sub("/voila/v/0000000000000000/", static + "/") + "voila.js"
    response, _body = get(served.participant_base, stale)
    assert response.status == 200
    assert response.getheader("Cache-Control") == "no-cache"


@pytest.mark.parametrize(
    "path",
    ["/voila/v/0123/static/voila.js", "/voila/v/0123456789abcdef/static/../../../../etc/passwd"],
)
def test_versioned_addresses_serve_nothing_else(served, path):
    response, _body = get(served.participant_base, path)
    assert response.status in (403, 404)


@pytest.mark.parametrize("kind", ["static/voila.js", "labextensions/anywidget/package.json"])
def test_versioned_addresses_answer_only_this_servers_host_names(served, page, kind):
    """DNS rebinding: a page of another site whose name now points here gets nothing."""
    address = config(page)["fullStaticUrl"].removesuffix("static") + kind
    assert get(served.participant_base, address)[0].status == 200
    assert get(served.participant_base, address, Host="evil.example")[0].status == 403


def test_template_files_named_by_their_content_are_kept(served, page):
    """The template's script and stylesheet carry ``?v=<content hash>``; the fonts the
    script's styles name are named by their content hash."""
    script = re.search(r'src="(/voila/templates/[^"]+/voila-style\.js\?v=[0-9a-f]+)"', page)
    stylesheet = re.search(r'href="(/voila/templates/[^"]+/index\.css\?v=[0-9a-f]+)"', page)
    assert script, "the page links the template's script by content hash"
    assert stylesheet, "the page links the template's stylesheet by content hash"
    for address in (stylesheet.group(1), script.group(1)):
        response, body = get(served.participant_base, address, **{"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.getheader("Cache-Control") == IMMUTABLE
        assert response.getheader("Content-Encoding") == "gzip"
    font = re.search(r"[0-9a-f]{20}\.woff2", gzip.decompress(body).decode())
    assert font, "voila-style.js names its fonts by content hash"
    folder = script.group(1).rsplit("/", 1)[0]
    response, _body = get(served.participant_base, f"{folder}/{font.group(0)}")
    assert response.status == 200
    assert response.getheader("Cache-Control") == IMMUTABLE
    # Without ?v= and without a hashed name, a file is not kept for good.
    response, _body = get(served.participant_base, script.group(1).split("?")[0])
    assert response.status == 200
    assert response.getheader("Cache-Control") != IMMUTABLE


def test_kernel_messages_are_compressed(served, opened):
    """The page's first message (every widget's state, 88 KB on the join page) is deflated."""
    from websockets.sync.client import connect

    page, session = opened
    kernel_id = config(page)["kernelId"]
    ws_url = served.participant_base.replace("http", "ws", 1)
    channels = f"{ws_url}/api/kernels/{kernel_id}/channels"
    with connect(channels, open_timeout=90, additional_headers={"Cookie": session}) as ws:
        assert "permessage-deflate" in ws.response.headers.get("Sec-WebSocket-Extensions", "")


STATIC = ("/voila/v/", "/voila/static/", "/voila/labextensions/", "/voila/templates/")


def open_page(page, url: str) -> None:
    page.goto(url, timeout=120_000)
    page.get_by_label("Your name (shown to the group)").wait_for(timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)


def test_a_phone_downloads_static_files_once_across_reloads_and_restarts(
    browser, phone, served, workshop
):
    """First visit: the whole front end. A reload, and a reload after the server restarted
    (same files, same version): not one static file again, not even a 304 question."""
    context = browser.new_context(**phone)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        responses: dict[str, str] = {}
        from_cache: set[str] = set()

        def received(event: dict) -> None:
            response = event["response"]
            path = urlsplit(response["url"]).path
            if path.startswith(STATIC):
                responses[event["requestId"]] = f"{response['status']} {path}"

        def downloaded() -> list[str]:
            """Static responses that came over the network since the last call."""
            fetched = [line for rid, line in responses.items() if rid not in from_cache]
            responses.clear()
            return fetched

        cdp.on("Network.responseReceived", received)
        cdp.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))
        cdp.send("Network.enable")
        url = served.participant_url(workshop[1])

        open_page(page, url)
        first = downloaded()
        assert len(first) > 50, "the first visit downloads Voila's front end"
        assert all(line.startswith("200 ") for line in first)

        page.reload(timeout=120_000)
        page.get_by_label("Your name (shown to the group)").wait_for(timeout=120_000)
        page.wait_for_load_state("networkidle", timeout=120_000)
        assert downloaded() == [], "a reload fetched static files again"

        served.stop()
        served.start()
        served.wait_pools()
        open_page(page, url)
        assert downloaded() == [], "after a restart the phone fetched static files again"
    finally:
        context.close()


def test_the_page_preloads_every_listed_file_from_the_start(page):
    """One wave of requests from the page's head instead of four waves of round trips."""
    listed = json.loads(PRELOAD_MANIFEST.read_text(encoding="utf-8"))["files"]
    prefix = config(page)["fullStaticUrl"].removesuffix("static")
    head = page.split("</head>", 1)[0]
    links = re.findall(r'<link rel="preload" as="script" href="([^"]+)">', head)
    assert links == [prefix + name.replace("&", "&amp;") for name in listed]


def test_the_preload_list_is_what_a_participant_page_fetches(
    browser, phone, studio_server, workshop, monkeypatch
):
    """Served without preloads, the join page asks for exactly the listed files: none is
    preloaded in vain, none is missing. After an upgrade of Voila or the widget packages,
    run `python tools/preload_manifest.py` to list the new files."""
    monkeypatch.setenv(*next(iter(NO_PRELOAD.items())))
    server = studio_server(workshop[0])
    server.wait_pools()
    monkeypatch.undo()
    listed = json.loads(PRELOAD_MANIFEST.read_text(encoding="utf-8"))["files"]
    context = browser.new_context(**phone)
    try:
        fetched = front_end_files(context.new_page(), server.participant_url(workshop[1]))
    finally:
        context.close()
        server.stop()
    advice = "run `python tools/preload_manifest.py` after upgrading Voila or ipywidgets"
    assert sorted(set(fetched) - set(listed)) == [], f"not preloaded: {advice}"
    assert sorted(set(listed) - set(fetched)) == [], f"preloaded in vain: {advice}"
