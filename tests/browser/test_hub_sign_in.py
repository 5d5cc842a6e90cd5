"""The facilitator server starts nothing for a browser that is not signed in, nor for a page
of another origin; the hub link signs in once and the key never shows in an address."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from codesign_widgets.serving.processes import free_port

pytestmark = pytest.mark.browser

DESK = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def server(studio_server, demo_workshop):
    return studio_server(demo_workshop["db_url"], pool_size=0)


def hub_page(server) -> str:
    return f"{server.facilitator_base}/voila/render/facilitator.ipynb"


def settle(server, seconds: float = 3.0) -> int:
    """The facilitator server's kernel count once things had time to start."""
    time.sleep(seconds)
    return server.kernel_count("facilitator")


@pytest.fixture
def attacker_site(server) -> Iterator[str]:
    """A page on another loopback port that fetches, frames and links the hub's address."""
    target = hub_page(server)
    html = f"""<!doctype html><html><body>
    <iframe src="{target}" width="400" height="300"></iframe>
    <img src="{target}?img=1">
    <script>
      fetch("{target}?fetch=1", {{mode: "no-cors", credentials: "include"}});
      fetch("{server.facilitator_base}/voila/render/goal_mapping.ipynb?code=X",
            {{mode: "no-cors", credentials: "include"}});
    </script>
    </body></html>""".encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args) -> None:
            return None

    site = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{site.server_address[1]}/"
    site.shutdown()


def test_a_browser_not_signed_in_gets_a_sign_in_page_and_no_kernel(browser, server):
    before = server.kernel_count("facilitator")
    context = browser.new_context(**DESK)
    try:
        page = context.new_page()
        response = page.goto(hub_page(server))
        assert response.status == 403
        assert "Sign in to the facilitator hub" in page.inner_text("body")
        assert "codesign serve" in page.inner_text("body")
        assert settle(server) == before
    finally:
        context.close()


def test_the_hub_link_signs_in_once_and_leaves_a_clean_address(browser, server, demo_workshop):
    code, key = demo_workshop["code"], demo_workshop["key"]
    link = server.facilitator_url(code)
    assert key not in link
    context = browser.new_context(**DESK)
    other = browser.new_context(**DESK)
    try:
        page = context.new_page()
        page.goto(link)
        page.get_by_text(f"Join code: {code}").wait_for(timeout=60_000)
        parts = urlsplit(page.url)
        assert parts.path == "/voila/render/facilitator.ipynb"
        assert parse_qs(parts.query) == {"code": [code]}  # no token, no key
        cookie = next(c for c in context.cookies() if c["name"] == "codesign_hub")
        assert cookie["httpOnly"]
        assert cookie["sameSite"] == "Strict"
        assert key not in cookie["value"]
        assert "codesign_hub" not in page.evaluate("document.cookie")

        # Reloading keeps the workshop: no code or key to type again.
        page.reload()
        page.get_by_text(f"Join code: {code}").wait_for(timeout=60_000)
        assert page.get_by_label("Facilitator key").count() == 0

        # The used link is useless, in this browser or any other.
        again = other.new_page()
        response = again.goto(link)
        assert response.status == 403
        assert "used already" in again.inner_text("body")
        assert again.get_by_text(f"Join code: {code}").count() == 0
    finally:
        context.close()
        other.close()


def test_a_page_of_another_origin_starts_no_hub_kernel(
    browser, server, demo_workshop, attacker_site
):
    """The facilitator is signed in; a page on another port (another origin, same laptop)
    fetches, frames and embeds the hub's address: the facilitator server starts nothing."""
    context = browser.new_context(**DESK)
    try:
        hub = context.new_page()
        hub.goto(server.facilitator_url(demo_workshop["code"]))
        hub.get_by_text(f"Join code: {demo_workshop['code']}").wait_for(timeout=60_000)
        before = settle(server)
        evil = context.new_page()
        evil.goto(attacker_site)
        evil.wait_for_load_state("load")
        after = settle(server, 5.0)
        assert after == before
        frame_text = evil.frames[1].inner_text("body") if len(evil.frames) > 1 else ""
        assert "Join code" not in frame_text
        log = server.log_path("facilitator").read_text(errors="replace")
        assert "Refused a page requested from a frame or a script" in log
        assert demo_workshop["key"] not in log
    finally:
        context.close()


def test_opening_a_workshop_with_its_key_is_remembered_by_this_browser(
    browser, server, demo_workshop
):
    """Signed in without a workshop, the facilitator types code and key once; a reload of
    the hub then keeps that workshop, and the key appears in no address."""
    code, key = demo_workshop["code"], demo_workshop["key"]
    context = browser.new_context(**DESK)
    try:
        page = context.new_page()
        page.goto(server.facilitator_url())
        page.get_by_role("button", name="Open workshop").wait_for(timeout=60_000)
        page.get_by_label("Join code").fill(code)
        page.get_by_label("Facilitator key").fill(key)
        page.get_by_role("button", name="Open workshop").click()
        page.get_by_text(f"Join code: {code}").wait_for(timeout=30_000)
        page.wait_for_url(f"**/facilitator.ipynb?code={code}", timeout=10_000)
        assert key not in page.url
        page.reload()
        page.get_by_text(f"Join code: {code}").wait_for(timeout=60_000)
        # Its activity links open the activity's facilitator page in this browser.
        goal = page.locator("a.codesign-activity-link").first.get_attribute("href")
        assert key not in goal
        activity = context.new_page()
        activity.goto(goal)
        activity.wait_for_selector(".jupyter-widgets", timeout=60_000)
        assert "opens from the hub" not in activity.inner_text("body")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/logout", "/login", "/codesign/sign-out"])
def test_sign_in_routes_answer_plainly_never_with_a_traceback(server, path):
    import http.client

    for base in (server.facilitator_base, server.participant_base):
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        assert response.status == 302, (base, path, response.status)
        assert "Traceback" not in body
