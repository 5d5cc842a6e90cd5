"""A full workshop makes room with pages nobody looks at; their person comes back on reload.

Two phones fill a workshop of two. Bea puts her phone away (the page is hidden), Ann keeps
reading hers. A third page load gets Bea's place, not Ann's; when Bea looks at her phone
again it reloads by itself and she is welcomed back, in the place of the third page, which
never sent a heartbeat (a script, or a locked phone) and so counts as unseen.
"""

from __future__ import annotations

import re
import time

import pytest

from .phone import join
from .test_resource_limits import open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')
# Longer than three heartbeats, so a late beat on a busy machine never looks like silence.
IDLE_AFTER = 8
SET_VISIBILITY = """(state) => {
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => state});
  Object.defineProperty(document, "hidden", {configurable: true, get: () => state === "hidden"});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


@pytest.fixture(scope="module")
def server(studio_server, demo_workshop):
    server = studio_server(
        demo_workshop["db_url"],
        max_kernels=2,
        idle_page_timeout=IDLE_AFTER,
        # Tabs that never connect are not given back for being abandoned here: only idleness.
        abandoned_page_grace=600,
    )
    server.wait_pools()
    return server


def test_idle_pages_make_room_and_their_person_comes_back(browser, server, demo_workshop, phone):
    url = server.participant_url(demo_workshop["code"])
    contexts = [browser.new_context(**phone) for _ in range(2)]
    ann, bea = (ctx.new_page() for ctx in contexts)
    join(ann, url, "Ann", "Lived experience")
    ann.get_by_text("You're in, Ann.").wait_for(timeout=60_000)
    join(bea, url, "Bea", "Provider")
    bea.get_by_text("You're in, Bea.").wait_for(timeout=60_000)
    ann_kernel = KERNEL_ID.search(ann.content()).group(1)
    bea_kernel = KERNEL_ID.search(bea.content()).group(1)

    # Full: a third page is refused while both are in use.
    status, _kernel, _body = open_page(server, demo_workshop["code"], "127.0.0.1")
    assert status == 503

    bea.evaluate(SET_VISIBILITY, "hidden")  # Bea puts her phone away
    time.sleep(IDLE_AFTER + 3)  # Ann's page keeps beating, visible
    status, third, _body = open_page(server, demo_workshop["code"], "127.0.0.1")
    assert status == 200  # Bea's idle page made room, not Ann's
    assert third not in (ann_kernel, bea_kernel)
    lines = server.log_path("participant").read_text().splitlines()
    culled = [line for line in lines if "Shut down an idle page's kernel" in line]
    assert len(culled) == 1
    assert bea_kernel not in culled[0]  # logged without ids

    # Ann did not notice anything: same kernel, and her page still answers a tap.
    assert KERNEL_ID.search(ann.content()).group(1) == ann_kernel
    assert ann.locator("#codesign-connection:visible").count() == 0

    # Bea looks at her phone again: her page reloads by itself, and she is herself again.
    # The third page never sends a heartbeat: after the timeout it is the idle one.
    time.sleep(IDLE_AFTER + 2)
    bea.evaluate(SET_VISIBILITY, "visible")
    bea.get_by_text("Welcome back, Bea.").wait_for(timeout=90_000)
    assert KERNEL_ID.search(bea.content()).group(1) != bea_kernel
    assert KERNEL_ID.search(ann.content()).group(1) == ann_kernel
    ann.get_by_text("You're in, Ann.").wait_for(timeout=5_000)
    for ctx in contexts:
        ctx.close()
