"""Stored XSS: hostile text typed on a phone runs no script on any page that shows it.

One phone joins with a hostile display name and types hostile text (payloads, a NUL, a bidi
override, each field at its longest) into a check-in line, a shared goal card and a
stakeholder name. The room is moved between stages through the store to save time. The hub,
the goal wall, the network map and a second phone show that text; every page records
dialogs and any write to ``window.__pwned``, and none may happen. The text must still be
there, as literal text.
"""

from __future__ import annotations

import re

import pytest

from codesign_widgets.core.workshop import MAX_DISPLAY_NAME, MAX_NOTE, StageState
from codesign_widgets.studio import Studio

from ..hostile import near_limit

pytestmark = pytest.mark.browser

NAME = near_limit(MAX_DISPLAY_NAME)  # '<img src=x onerror="window.__pwned=1"><s'
NOTE = near_limit(MAX_NOTE, '<a href="javascript:window.__pwned=1">tap</a>')
GOAL = near_limit(500, "<svg onload=window.__pwned=1>")
MATTERS = '"><iframe src=javascript:window.__pwned=1>\u200b\x00 and =HYPERLINK("x")'
STAKEHOLDER = near_limit(80, "<img src=y onerror=window.__pwned=1>")

# Runs before any page script: a payload that sets window.__pwned is recorded, not lost.
WATCH = """
(() => {
  window.__pwnedWrites = [];
  Object.defineProperty(window, '__pwned', {
    configurable: false,
    get() { return undefined; },
    set(v) { window.__pwnedWrites.push(String(v)); },
  });
})();
"""


def open_page(browser, url: str, dialogs: list[str], **options):
    context = browser.new_context(**options)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    page.goto(url)
    return page


def join_as(page, name: str, perspective: str) -> None:
    """Fill the widget join form and join (the page shows the form first)."""
    page.get_by_role("button", name="Join").wait_for(timeout=60_000)
    page.get_by_label("Your name (shown to the group)").fill(name)
    page.get_by_label(re.compile("^" + perspective)).check()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Join").click()


def move_room(db_url: str, code: str, stage: str) -> None:
    studio = Studio.open(db_url, create=False)
    try:
        workshop = studio.workshops.by_code(code)
        studio.workshops.set_stage_state(workshop.id, stage, StageState.OPEN)
        studio.workshops.set_current_stage(workshop.id, stage)
    finally:
        studio.close()


def test_hostile_text_runs_no_script_anywhere(browser, studio_server, demo_workshop, phone):
    db_url, code, key = demo_workshop["db_url"], demo_workshop["code"], demo_workshop["key"]
    server = studio_server(db_url)
    move_room(db_url, code, "welcome")
    dialogs: list[str] = []
    desk = {"viewport": {"width": 1280, "height": 900}}
    hub = open_page(browser, server.facilitator_url(code, key), dialogs, **desk)
    hub.get_by_text(demo_workshop["title"]).first.wait_for(timeout=90_000)

    ann = open_page(browser, server.participant_url(code), dialogs, **phone)
    ann.get_by_role("button", name="Join").wait_for(timeout=60_000)
    ann.get_by_label("Your name (shown to the group)").fill(NAME)
    ann.get_by_label(re.compile("^Lived experience")).check()
    ann.get_by_label("I agree").check()
    ann.get_by_role("button", name="Join").click()
    ann.get_by_label("Your line").fill(NOTE)
    ann.get_by_role("button", name="Share").click()
    ann.get_by_text("Shared with the group.").wait_for(timeout=30_000)
    # The projector's wall shows the line as text, the hub's people list the name.
    hub.get_by_text('<a href="javascript:window.__pwned=1">tap</a>').first.wait_for(timeout=10_000)
    hub.get_by_text('<img src=x onerror="window.__pwned=1"><s').first.wait_for(timeout=10_000)

    move_room(db_url, code, "goals")
    ann.get_by_role("button", name="Add card").wait_for(timeout=30_000)
    ann.get_by_label("What matters to me (or to the person I support)").fill(MATTERS)
    ann.get_by_label("The goal, in their own words").fill(GOAL)
    ann.get_by_label("The group (shown on the big screen)").check()
    ann.get_by_role("button", name="Add card").click()
    ann.get_by_text("Card shared with the group.").wait_for(timeout=30_000)
    goal_url = server.facilitator_url(code, key, notebook="goal_mapping.ipynb")
    goals = open_page(browser, goal_url, dialogs, **desk)
    goals.get_by_text("<svg onload=window.__pwned=1>").first.wait_for(timeout=90_000)

    move_room(db_url, code, "network")
    ann.get_by_role("button", name="Add stakeholder").wait_for(timeout=30_000)
    ann.get_by_label("Name", exact=True).fill(STAKEHOLDER)
    ann.get_by_label("Kind", exact=True).select_option(index=0)
    ann.get_by_role("button", name="Add stakeholder").click()
    ann.get_by_text("Added to the map.").wait_for(timeout=30_000)
    network_url = server.facilitator_url(code, key, notebook="stakeholder_network.ipynb")
    network = open_page(browser, network_url, dialogs, **desk)
    # The map's text alternative (for screen readers, visually hidden) names it as text.
    network.get_by_text("<img src=y onerror=window.__pwned=1>").first.wait_for(
        state="attached", timeout=90_000
    )

    bob = open_page(browser, server.participant_url(code), dialogs, **phone)
    join_as(bob, "Bob", "Provider")
    bob.get_by_role("button", name="Add stakeholder").wait_for(timeout=30_000)
    # Bob's tie form offers the hostile name as an option's text.
    options = bob.get_by_label("From", exact=True).locator("option").all_text_contents()
    # (ipywidgets shows spaces in options as no-break spaces)
    shown = [o.replace("\xa0", " ") for o in options]
    assert any(o.startswith("<img src=y onerror=window.__pwned=1>") for o in shown), shown

    pages = {"hub": hub, "ann": ann, "goals": goals, "network": network, "bob": bob}
    for page in pages.values():
        page.wait_for_timeout(500)  # let any late render (and its payload) happen
    for name, page in pages.items():
        assert page.evaluate("window.__pwnedWrites") == [], name
        assert page.evaluate("typeof window.__pwned") == "undefined", name
        assert page.locator("script:text('__pwned')").count() == 0, name
        assert (
            page.locator("img[onerror], svg[onload], iframe, a[href^='javascript:']").count() == 0
        ), name
    assert dialogs == []

    studio = Studio.open(db_url, create=False)
    try:
        workshop = studio.workshops.by_code(code)
        [line] = [e.body["text"] for e in studio.entries.find(workshop.id, activity="checkin")
                  if e.body["text"].startswith("<a href")]  # fmt: skip
        assert "\x00" not in line
        assert "\u202e" not in line
        assert len(line) == MAX_NOTE
    finally:
        studio.close()
    for page in pages.values():
        page.context.close()


def test_money_stays_money_not_maths(browser, studio_server, demo_workshop, phone):
    """Voila's front end typesets maths in every widget description and Label: "$5 or $10"
    showed as italic "5or10" in "Not Will $5 or $10?" and in a service's tick box. Nothing a
    person or a plan wrote is typeset now: no MathJax output anywhere on the page."""
    db_url, code = demo_workshop["db_url"], demo_workshop["code"]
    server = studio_server(db_url)
    move_room(db_url, code, "goals")
    studio = Studio.open(db_url, create=False)
    try:
        workshop = studio.workshops.by_code(code)
        studio.goals.cards.add_service(workshop.id, "goals", "Taxi $5 or $10")
    finally:
        studio.close()
    dialogs: list[str] = []
    will = open_page(browser, server.participant_url(code), dialogs, **phone)
    join_as(will, "Will $5 or $10", "Lived experience")
    will.get_by_role("button", name="Add card").wait_for(timeout=60_000)
    will.get_by_label("Taxi $5 or $10", exact=True).check()
    will.reload()
    will.get_by_text("Not Will $5 or $10?", exact=True).wait_for(timeout=90_000)
    will.get_by_label("Taxi $5 or $10", exact=True).wait_for(timeout=30_000)
    assert will.locator("mjx-container, .MathJax, .katex").count() == 0
    assert dialogs == []
