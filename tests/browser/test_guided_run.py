"""A first-time facilitator plays the whole workshop from the hub's primary button alone.

After each step, both phones show the stage the room is on and its state, in the same
words the hub uses; no step needs the manual stage controls.
"""

from __future__ import annotations

import re

import pytest

from codesign_widgets.core.templates import load_template
from codesign_widgets.studio import Studio

from .phone import join

pytestmark = pytest.mark.browser

NEXT = ".codesign-next-step:visible"


def test_the_whole_workshop_from_the_primary_button(browser, studio_server, demo_workshop, phone):
    server = studio_server(demo_workshop["db_url"])
    code, key = demo_workshop["code"], demo_workshop["key"]
    hub_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    hub = hub_ctx.new_page()
    hub.goto(server.facilitator_url(code, key))
    hub.get_by_text("3 joined").wait_for(timeout=60_000)
    phones = [browser.new_context(**phone) for _ in range(2)]
    pages = [ctx.new_page() for ctx in phones]
    join(pages[0], server.participant_url(code), "Will", "Lived experience")
    join(pages[1], server.participant_url(code), "May", "Provider")
    for page in pages:
        page.get_by_text("Welcome and check-in").first.wait_for(timeout=30_000)

    studio = Studio.open(demo_workshop["db_url"], create=False)
    plan = load_template(studio.workshops.by_code(code).template)
    taken = []
    button = hub.locator(NEXT)
    while True:
        label = button.inner_text().strip()
        if label == "Workshop finished":
            break
        assert len(taken) < 30, taken
        button.click()
        hub.wait_for_function(
            """(before) => {
                const b = [...document.querySelectorAll('.codesign-next-step')]
                    .find((e) => e.offsetParent !== null);
                return b && b.innerText.trim() !== before;
            }""",
            arg=label,
            timeout=10_000,
        )
        assert "Done" in hub.locator(".codesign-notice").first.inner_text(), label
        taken.append(label)
        now = studio.workshops.by_code(code)
        stage = plan.stage(now.current_stage)
        state = now.state_of(stage.key)
        for page in pages:
            view = page.locator(".codesign-participant")
            view.get_by_text(stage.title).first.wait_for(timeout=5_000)
            view.get_by_text(re.compile("^" + re.escape(state.label))).first.wait_for(timeout=5_000)
    studio.close()
    assert any(t.startswith("Open on every phone: What matters") for t in taken)
    assert "Open scoring round 1" in taken
    assert any(t.startswith("Reveal round 1") for t in taken)
    assert taken[-1].startswith("Lock (no more changes): Check-out")
    for ctx in [hub_ctx, *phones]:
        ctx.close()
