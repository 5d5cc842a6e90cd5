"""A phone whose page lost its connection is told so, is paused meanwhile, and comes back
as the same person by itself."""

from __future__ import annotations

import re
import time
import urllib.request

import pytest

from .phone import join, kept_cookie

pytestmark = pytest.mark.browser


def page_cookies(context) -> str:
    """The page's cookies as its browser sends them (HttpOnly ones included)."""
    return "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())


def shut_down(base: str, kernel_id: str, cookies: str) -> None:
    """What culling does to the kernel of a phone that slept too long (asked by its owner:
    nobody else may)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        f"{base}/api/kernels/{kernel_id}", method="DELETE", headers={"Cookie": cookies}
    )
    with opener.open(request, timeout=60) as response:
        assert response.status == 204


@pytest.fixture(scope="module")
def server(studio_server, demo_workshop):
    return studio_server(demo_workshop["db_url"])


#: Runs before the page's scripts: keeps every socket the page opens, so a test can drop one,
#: and records every state the banner showed (a reconnection can be quicker than a poll).
KEEP_SOCKETS = """
(() => {
  window.__bannerStates = [];
  new MutationObserver(() => {
    const banner = document.getElementById("codesign-connection");
    if (banner && !banner.hidden) window.__bannerStates.push(banner.dataset.state);
  }).observe(document, {subtree: true, childList: true, attributes: true});
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = function (url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    window.__sockets.push(ws);
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""


def test_a_dropped_connection_is_shown_while_it_lasts(browser, phone, server, demo_workshop):
    """Wi-Fi drops for a moment: the banner says so, and goes once Jupyter reconnects."""
    context = browser.new_context(**phone)
    context.add_init_script(KEEP_SOCKETS)
    try:
        page = context.new_page()
        join(page, server.participant_url(demo_workshop["code"]), "Sam", "Provider")
        page.get_by_text("You're in, Sam.").wait_for(timeout=60_000)
        page.evaluate("window.__sockets.forEach((ws) => ws.close())")
        page.wait_for_function("window.__bannerStates.includes('reconnecting')", timeout=10_000)
        assert "Trying again" in page.locator("#codesign-connection p").text_content()
        page.locator("#codesign-connection").wait_for(state="hidden", timeout=60_000)
        # Reconnected: the page works again.
        page.get_by_label("Your line").fill("Back again")
        page.get_by_role("button", name="Share").click()
        page.get_by_text("Back again").first.wait_for(timeout=30_000)
    finally:
        context.close()


def test_a_page_whose_kernel_is_gone_comes_back_as_the_same_person_by_itself(
    browser, phone, server, demo_workshop
):
    context = browser.new_context(**phone)
    try:
        page = context.new_page()
        join(page, server.participant_url(demo_workshop["code"]), "Rosa", "Lived experience")
        page.get_by_text("You're in, Rosa.").wait_for(timeout=60_000)
        banner = page.locator("#codesign-connection")
        assert banner.count() == 0 or banner.is_hidden()

        kernel_id = re.search(r'"kernelId": "([0-9a-f-]{36})"', page.content()).group(1)
        shut_down(server.participant_base, kernel_id, page_cookies(context))

        # No tap: the page reloads itself and the new kernel knows Rosa.
        page.get_by_text("Welcome back, Rosa").wait_for(timeout=60_000)
        page.get_by_text("Rosa · Lived experience").wait_for(timeout=30_000)
        assert page.locator("#codesign-connection").count() == 0
    finally:
        context.close()


def test_a_phone_that_typed_the_code_is_welcomed_back_after_a_reload(
    browser, phone, server, demo_workshop
):
    """The address carries the join code after joining (never the token); the token rides
    in an HttpOnly cookie that page script cannot read."""
    context = browser.new_context(**phone)
    try:
        page = context.new_page()
        page.goto(f"{server.participant_base}/voila/render/join.ipynb")
        page.get_by_label("Join code").fill(demo_workshop["code"].lower())
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Join").wait_for(timeout=60_000)
        page.get_by_label("Your name (shown to the group)").fill("Will")
        page.get_by_label(re.compile("^Provider")).check()
        page.get_by_label("I agree").check()
        page.get_by_role("button", name="Join").click()
        page.get_by_text("You're in, Will.").wait_for(timeout=60_000)
        page.wait_for_function(
            "document.cookie === '' || !document.cookie.includes('codesign_')", timeout=5_000
        )
        code = demo_workshop["code"]
        page.wait_for_url(re.compile(rf"[?&]code={code}"), timeout=10_000)
        kept = kept_cookie(context, f"codesign_{code}")
        assert kept["httpOnly"]
        assert kept["sameSite"] == "Strict"
        assert kept["value"] not in page.url
        assert 0 < kept["expires"] - time.time() <= 24 * 3600  # the workshop's day
        assert "codesign_" not in page.evaluate("document.cookie")

        page.reload()
        page.get_by_text("Welcome back, Will").wait_for(timeout=60_000)
        assert "Join a workshop" not in page.inner_text("body")
    finally:
        context.close()


def test_not_will_clears_this_device_but_will_keeps_his_phone(
    browser, phone, server, demo_workshop
):
    code = demo_workshop["code"]
    own_phone = browser.new_context(**phone)
    tablet = browser.new_context(**phone)
    try:
        mine = own_phone.new_page()
        join(mine, server.participant_url(code), "Alice", "Lived experience")
        mine.get_by_text("You're in, Alice.").wait_for(timeout=60_000)
        # The same person on a shared tablet (her cookie copied there, as if she joined on it).
        tablet.add_cookies([kept_cookie(own_phone, f"codesign_{code}")])
        shared = tablet.new_page()
        shared.goto(server.participant_url(code))
        shared.get_by_text("Welcome back, Alice").wait_for(timeout=60_000)
        shared.get_by_role("button", name="Start as someone else").click()
        shared.get_by_role("button", name="Join").wait_for(timeout=30_000)
        shared.wait_for_function("true")
        deadline = time.monotonic() + 10
        while any(c["name"] == f"codesign_{code}" for c in tablet.cookies()):
            assert time.monotonic() < deadline, "the tablet still keeps Alice's token"
            time.sleep(0.2)
        shared.reload()
        shared.get_by_role("button", name="Join").wait_for(timeout=60_000)
        assert "Welcome back" not in shared.inner_text("body")
        mine.reload()
        mine.get_by_text("Welcome back, Alice").wait_for(timeout=60_000)
    finally:
        own_phone.close()
        tablet.close()


def test_a_stalled_connection_pauses_the_page_within_10_s(browser, phone, server, demo_workshop):
    """No socket closes (the Wi-Fi just stops answering): the heartbeat notices, the page is
    inert meanwhile (taps are refused, not queued), and it resumes when the network is back."""
    context = browser.new_context(**phone)
    try:
        page = context.new_page()
        join(page, server.participant_url(demo_workshop["code"]), "Sam", "Provider")
        page.get_by_text("You're in, Sam.").wait_for(timeout=60_000)
        # Requests to the server hang instead of failing, as on a stalled Wi-Fi.
        heartbeat = re.compile(r"/codesign/alive(\?|$)")  # with the page's state, or without
        context.route(heartbeat, lambda route: None)
        started = time.monotonic()
        page.locator("#codesign-connection").wait_for(state="visible", timeout=12_000)
        assert time.monotonic() - started < 10.5
        assert page.evaluate("document.getElementById('codesign-main').inert")
        context.unroute(heartbeat)
        page.locator("#codesign-connection").wait_for(state="hidden", timeout=15_000)
        assert not page.evaluate("document.getElementById('codesign-main').inert")
    finally:
        context.close()


def test_after_a_restart_the_phone_and_the_hub_come_back_by_themselves(
    browser, phone, demo_workshop, tmp_path
):
    """The laptop's studio is stopped and started again on the same ports: nobody taps
    anything, and both pages are back as the same person and the same workshop."""
    from codesign_widgets.serving.options import ServeOptions
    from codesign_widgets.serving.processes import free_port
    from codesign_widgets.serving.server import StudioServer

    code = demo_workshop["code"]
    opts = ServeOptions(
        db_url=demo_workshop["db_url"],
        participant_port=free_port(),
        facilitator_port=free_port(),
        pool_size=1,
        activity_pool_size=0,
        max_kernels_per_client=0,
    )
    first = StudioServer(opts, work_dir=tmp_path / "first", state_dir=tmp_path / "state")
    first.start()
    phone_ctx = browser.new_context(**phone)
    hub_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    second = None
    try:
        page = phone_ctx.new_page()
        join(page, first.participant_url(code), "Nasrin", "Lived experience")
        page.get_by_text("You're in, Nasrin.").wait_for(timeout=60_000)
        hub = hub_ctx.new_page()
        hub.goto(first.facilitator_url(code))
        hub.get_by_text(f"Join code: {code}").wait_for(timeout=60_000)

        hub.evaluate("window.__beforeRestart = true")
        first.stop()
        page.locator("#codesign-connection").wait_for(state="visible", timeout=15_000)
        assert page.evaluate("document.getElementById('codesign-main').inert")
        second = StudioServer(opts, work_dir=tmp_path / "second", state_dir=tmp_path / "state")
        second.start()

        page.get_by_text("Welcome back, Nasrin").wait_for(timeout=90_000)
        hub.wait_for_function("window.__beforeRestart === undefined", timeout=90_000)
        hub.get_by_text(f"Join code: {code}").wait_for(timeout=90_000)
        assert "Sign in" not in hub.inner_text("body")
        assert "Nasrin" in hub.inner_text("body")
    finally:
        phone_ctx.close()
        hub_ctx.close()
        first.stop()
        if second is not None:
            second.stop()


def reloads_counted(page) -> list[int]:
    return page.evaluate(
        "Object.keys(sessionStorage).filter((k) => k.startsWith('codesign-reloads:'))"
        ".map((k) => JSON.parse(sessionStorage.getItem(k)).length)"
    )


def first_load_changed(edit, loads: list[str]):
    """A route handler: the page's first load is answered with ``edit(html)``, every later
    load as the server sent it; ``loads`` collects the addresses loaded."""

    def handler(route) -> None:
        loads.append(route.request.url)
        if len(loads) > 1:
            route.continue_()
            return
        response = route.fetch()
        route.fulfill(response=response, body=edit(response.text()))

    return handler


def without_the_display(page: str) -> str:
    return re.sub(
        r'<script type="application/vnd\.voila\.cell-output\+json">\s*\{"data": '
        r'\{"application/vnd\.jupyter\.widget-view\+json".*?</script>',
        "",
        page,
        flags=re.DOTALL,
    )


def with_an_unknown_widget(page: str) -> str:
    unknown = '"model_id": "' + "0" * 32 + '"'
    body, n = re.subn(r'"model_id": "[0-9a-f]+"', unknown, page)
    assert n >= 1
    return body


def test_a_page_whose_display_was_lost_says_so_and_loads_again(
    browser, phone, server, demo_workshop
):
    """What a join wave did to 2-3 pages in 10: the page arrived without its widget's display
    (nbclient gave up waiting for it). The page notices and loads itself again."""
    context = browser.new_context(**phone)
    context.add_init_script(KEEP_SOCKETS)
    loads: list[str] = []
    try:
        context.route("**/voila/render/join.ipynb*", first_load_changed(without_the_display, loads))
        page = context.new_page()
        page.goto(server.participant_url(demo_workshop["code"]))
        page.get_by_role("button", name="Join").wait_for(timeout=60_000)
        assert len(loads) == 2
        # The page reloaded itself once (it counts, so it never reloads in a loop).
        assert reloads_counted(page) == [1]
    finally:
        context.close()


def test_a_page_asking_for_a_widget_its_kernel_lacks_loads_again(
    browser, phone, server, demo_workshop
):
    """A busy laptop left pages on "Loading widget..." or "Error displaying widget: model not
    found" where the join form should be (the front end asked for a widget its kernel did not
    hold), for good: the page had an element, so it did not count as empty. Here the page's
    first copy names a widget no kernel holds; the page loads itself again."""
    context = browser.new_context(**phone)
    context.add_init_script(KEEP_SOCKETS)
    loads: list[str] = []
    try:
        context.route(
            "**/voila/render/join.ipynb*", first_load_changed(with_an_unknown_widget, loads)
        )
        page = context.new_page()
        page.goto(server.participant_url(demo_workshop["code"]))
        page.get_by_role("button", name="Join").wait_for(timeout=120_000)
        assert len(loads) == 2
        assert reloads_counted(page) == [1]
    finally:
        context.close()


def test_a_page_showing_error_displaying_widget_loads_again(browser, phone, server, demo_workshop):
    """The other form of the same failure: Voila's renderer writes "Error displaying widget:
    model not found" in place of the widget when the page's widgets were restored already."""
    context = browser.new_context(**phone)
    context.add_init_script(KEEP_SOCKETS)
    try:
        page = context.new_page()
        page.goto(server.participant_url(demo_workshop["code"]))
        page.get_by_role("button", name="Join").wait_for(timeout=60_000)
        with page.expect_navigation(timeout=30_000):
            page.evaluate(
                """() => {
                    const node = document.createElement("div");
                    node.className = "jupyter-widgets";
                    node.textContent = "Error displaying widget: model not found";
                    document.getElementById("codesign-main").appendChild(node);
                }"""
            )
        page.get_by_role("button", name="Join").wait_for(timeout=60_000)
        assert reloads_counted(page) == [1]
    finally:
        context.close()
