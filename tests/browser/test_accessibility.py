"""axe-core (WCAG 2.2 AA and best practice) over every page a person meets: each participant
state, the hub's tabs at two projector sizes, each activity's facilitator page and the
report. A critical or serious violation fails the test, with its rule, target and summary.

One server for the module; the participant states are reached by the facilitator's actions
through the store, which the phone follows live.
"""

from __future__ import annotations

import pytest

from codesign_widgets.core.workshop import StageState
from codesign_widgets.studio import Studio

from .axe import check, failures, report, violations
from .phone import heard, join

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROJECTORS = [(1280, 720), (1920, 1080)]
ACTIVITY_PAGES = ["goal_mapping.ipynb", "stakeholder_network.ipynb", "prototype_scoring.ipynb"]
STAGES = ["welcome", "goals", "network", "prototypes"]
STATES = [StageState.NOT_STARTED, StageState.OPEN, StageState.LOCKED, StageState.REVEALED]


@pytest.fixture(scope="module")
def server(studio_server, played_demo, axe_js):
    return studio_server(played_demo["url"])


@pytest.fixture
def studio(played_demo):
    s = Studio.open(played_demo["url"], create=False)
    yield s
    s.close()


def settle(page) -> None:
    """Let the live feed's redraw land (batched every 0.5 s) and the page's script run."""
    page.wait_for_timeout(1_200)


def set_stage(studio: Studio, workshop_id: int, stage: str, state: StageState) -> None:
    studio.workshops.set_stages(workshop_id, {stage: state}, current=stage)
    if stage == "prototypes":  # the phone shows the round, whatever the stage's state
        rounds = studio.scoring.rounds
        latest = (rounds.rounds(workshop_id, stage) or [None])[-1]
        if state is StageState.OPEN and (latest is None or latest.state.value != "open"):
            rounds.open_round(workshop_id, stage)
        elif state is StageState.LOCKED and latest and latest.state.value == "open":
            rounds.close_round(workshop_id, stage)
        elif state is StageState.REVEALED and latest and latest.state.value == "closed":
            rounds.reveal_round(workshop_id, stage)


def test_every_participant_state_has_no_serious_violation(
    browser, server, played_demo, studio, phone
):
    code = played_demo["code"]
    workshop = studio.workshops.by_code(code)
    seen: dict[str, list[str]] = {}
    context = browser.new_context(**phone)
    page = context.new_page()
    try:
        page.goto(server.participant_url(code).split("?")[0])
        page.get_by_role("button", name="Continue").wait_for(timeout=60_000)
        check(page, "code form", seen)
        join(page, server.participant_url(code), "Ann <b>", "Lived experience")
        page.locator(".codesign-me").wait_for(timeout=30_000)
        settle(page)
        check(page, "just joined", seen)
        assert "You're in, Ann <b>." in heard(page)
        assert page.evaluate("document.activeElement.tagName") == "H2"
        for stage in STAGES:
            for state in STATES:
                set_stage(studio, workshop.id, stage, state)
                page.locator(f".codesign-state-{state.value}").wait_for(timeout=15_000)
                settle(page)
                check(page, f"{stage} {state.value}", seen)
                assert state.label in heard(page), (stage, state)
        page.reload()
        page.get_by_text("Welcome back", exact=False).wait_for(timeout=60_000)
        settle(page)
        check(page, "welcome back", seen)
        page.get_by_role("button", name="Leave and withdraw everything I added").click()
        page.get_by_role("button", name="Yes, withdraw everything").click()
        page.get_by_text("You have left the workshop", exact=False).wait_for(timeout=30_000)
        settle(page)
        check(page, "withdrawn", seen)
    finally:
        context.close()
    assert len(seen) == 2 + len(STAGES) * len(STATES) + 2
    assert not report(seen), report(seen)


@pytest.mark.parametrize("size", PROJECTORS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_hub_tab_has_no_serious_violation(browser, server, played_demo, size):
    seen: dict[str, list[str]] = {}
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.goto(server.facilitator_url(played_demo["code"]))
        tabs = page.get_by_role("tab")
        tabs.first.wait_for(timeout=60_000)
        settle(page)
        names = tabs.all_inner_texts()
        for name in names:
            page.get_by_role("tab", name=name, exact=True).click()
            settle(page)
            check(page, f"hub tab {name!r}", seen)
    finally:
        context.close()
    assert len(seen) >= 2  # the room and running the workshop
    assert not report(seen), report(seen)


@pytest.mark.parametrize("notebook", ACTIVITY_PAGES)
def test_every_activity_page_has_no_serious_violation(browser, server, played_demo, notebook):
    seen: dict[str, list[str]] = {}
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(server.facilitator_url(played_demo["code"], notebook=notebook))
        page.locator(".jupyter-widgets").first.wait_for(timeout=60_000)
        page.get_by_role("heading").first.wait_for(timeout=60_000)
        settle(page)
        tabs = page.get_by_role("tab")
        names = tabs.all_inner_texts() if tabs.count() else [""]
        for name in names:
            if name:
                page.get_by_role("tab", name=name, exact=True).click()
                settle(page)
            check(page, f"{notebook} {name!r}", seen)
    finally:
        context.close()
    assert seen
    assert not report(seen), report(seen)


def test_the_report_has_no_serious_violation(browser, demo_report, axe_js):
    seen: dict[str, list[str]] = {}
    context = browser.new_context()
    context.route("http*://**", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(demo_report["path"].as_uri())
        page.wait_for_load_state("load")
        found = violations(page)
    finally:
        context.close()
    seen["report"] = failures(found)
    assert not report(seen), report(seen)
    # A minor rule, but a screen reader reads an empty header as nothing to go by.
    empty = [n["target"] for v in found if v["id"] == "empty-table-header" for n in v["nodes"]]
    assert empty == []
