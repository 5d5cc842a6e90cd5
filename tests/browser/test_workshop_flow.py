"""A facilitator and two phones run the start of a workshop against one `codesign serve`."""

from __future__ import annotations

import re
import time

import pytest

from codesign_widgets.studio import Studio

from .phone import join

pytestmark = pytest.mark.browser

WIDGET = ".jupyter-widgets"


def test_two_participants_join_and_follow_the_facilitator(
    browser, studio_server, demo_workshop, phone
):
    server = studio_server(demo_workshop["db_url"])
    code, key = demo_workshop["code"], demo_workshop["key"]
    hub_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    hub = hub_ctx.new_page()
    hub.goto(server.facilitator_url(code, key))
    hub.get_by_text("3 joined").wait_for(timeout=60_000)  # the demo's invented people

    phones = [browser.new_context(**phone) for _ in range(2)]
    pages = [ctx.new_page() for ctx in phones]
    join(pages[0], server.participant_url(code), "Ann <b>", "Lived experience")
    join(pages[1], server.participant_url(code), "Bob", "Provider")
    for page in pages:
        page.get_by_text("Welcome and check-in").wait_for(timeout=30_000)

    started = time.monotonic()
    hub.get_by_text("5 joined").wait_for(timeout=5_000)
    assert time.monotonic() - started < 5
    people = hub.locator(".codesign-hub").inner_text()
    assert "Ann <b>" in people
    assert "Lived experience: 2" in people
    assert "Provider: 2" in people

    # A line shared from a phone reaches the projector's wall.
    pages[0].get_by_label("Your line").fill("Being <i>listened</i> to")
    pages[0].get_by_role("button", name="Share").click()
    hub.get_by_text("Being <i>listened</i> to").first.wait_for(timeout=5_000)

    # The facilitator locks the stage: both phones follow within a second or so.
    hub.get_by_role("tab", name="Run the workshop").click()
    hub.get_by_role("button", name=re.compile(r"(^|\s)Lock$")).click()
    for page in pages:
        page.get_by_text("Locked: no more changes").wait_for(timeout=5_000)
    # Moving the room to another stage reaches both phones too.
    hub.get_by_label("Stage").select_option(label="Who is involved")
    hub.get_by_role("button", name="Move the room here").click()
    for page in pages:
        page.get_by_text("Who is involved").wait_for(timeout=5_000)

    # A reload comes back as the same participant without retyping.
    pages[1].reload()
    pages[1].get_by_text("Welcome back, Bob").wait_for(timeout=60_000)
    studio = Studio.open(demo_workshop["db_url"], create=False)
    workshop = studio.workshops.by_code(code)
    assert len(studio.people.participants(workshop.id)) == 5
    assert workshop.current_stage == "network"
    for ctx in [hub_ctx, *phones]:
        ctx.close()
