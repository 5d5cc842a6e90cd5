"""A phone whose page lost its kernel is told so and gets back in with one tap."""

from __future__ import annotations

import re
import urllib.request

import pytest

from .phone import join

pytestmark = pytest.mark.browser


def shut_down(base: str, kernel_id: str) -> None:
    """What culling does to the kernel of a phone that slept too long."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"{base}/api/kernels/{kernel_id}", method="DELETE")
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


def test_a_page_whose_kernel_is_gone_offers_a_reload_that_brings_the_person_back(
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
        shut_down(server.participant_base, kernel_id)

        reload = banner.get_by_role("button", name="Reload")
        reload.wait_for(timeout=60_000)
        assert "lost its connection" in banner.inner_text()
        assert banner.get_attribute("role") == "alert"  # read out by screen readers

        reload.click()
        page.get_by_text("Rosa · Lived experience").wait_for(timeout=60_000)
        assert page.locator("#codesign-connection").count() == 0
    finally:
        context.close()
