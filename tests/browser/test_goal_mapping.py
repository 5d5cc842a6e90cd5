"""Goal mapping in real Chromium: a projector and two phones on one `codesign serve`.

One phone shares a goal card, the other places a dot; the projector's wall and its dot count
follow, and the votes show only after the facilitator reveals them.
"""

from __future__ import annotations

import pytest

from codesign_widgets.core.workshop import StageState
from codesign_widgets.studio import Studio

from .phone import join as phone_join

pytestmark = pytest.mark.browser

STAGE = "goals"
GOAL = "Walk to the <b>bus stop</b> again"


@pytest.fixture(scope="module")
def goal_workshop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A workshop whose room is on the open goal-mapping stage, with 2 dots each."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('goals') / 'studio.db'}"
    studio = Studio.open(db_url)
    try:
        workshop, key = studio.workshops.create("Foot care goals", "codesign_day")
        studio.workshops.set_current_stage(workshop.id, STAGE)
        studio.workshops.set_stage_state(workshop.id, STAGE, StageState.OPEN)
        studio.goals.cards.set_dot_budget(workshop.id, STAGE, 2)
    finally:
        studio.close()
    return {"db_url": db_url, "code": workshop.code, "key": key}


def join(page, url: str, name: str, perspective: str) -> None:
    phone_join(page, url, name, perspective)
    page.get_by_role("button", name="Add card").wait_for(timeout=30_000)


def test_a_shared_card_and_a_dot_reach_the_projector(browser, studio_server, goal_workshop, phone):
    server = studio_server(goal_workshop["db_url"])
    code, key = goal_workshop["code"], goal_workshop["key"]
    hub_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    hub = hub_ctx.new_page()
    hub.goto(server.facilitator_url(code, key, notebook="goal_mapping.ipynb"))
    hub.get_by_text("No shared cards yet").wait_for(timeout=60_000)

    phones = [browser.new_context(**phone) for _ in range(2)]
    ann, bob = (ctx.new_page() for ctx in phones)
    join(ann, server.participant_url(code, "goal_mapping.ipynb"), "Ann", "Lived experience")
    join(bob, server.participant_url(code, "goal_mapping.ipynb"), "Bob", "Provider")

    # Ann shares a card; it reaches the projector's wall (as text) and Bob's phone.
    ann.get_by_label("What matters to me (or to the person I support)").fill("My grandchildren")
    ann.get_by_label("The goal, in their own words").fill(GOAL)
    ann.get_by_label("Podiatry").check()
    ann.get_by_label("The group (shown on the big screen)").check()
    ann.get_by_role("button", name="Add card").click()
    ann.get_by_text("Card shared with the group.").wait_for(timeout=10_000)
    hub.locator(".codesign-room").get_by_text(GOAL).first.wait_for(timeout=5_000)
    assert hub.locator("b", has_text="bus stop").count() == 0  # shown as text, not markup

    # Bob's wall stays as he last saw it (nothing moves under his thumb) and offers the card.
    bob.get_by_role("button", name="Show 1 new card").click(timeout=10_000)
    # Bob places a dot: the projector counts it but does not show where it went.
    bob.get_by_text(GOAL).first.wait_for(timeout=5_000)
    bob.get_by_role("button", name="Add a dot").first.click()
    bob.get_by_text("You have 1 of 2 dots left.").wait_for(timeout=10_000)
    hub.get_by_text("1 dot placed", exact=False).first.wait_for(timeout=5_000)
    assert "Everyone:" not in bob.locator(".codesign-goals").inner_text()

    # The facilitator reveals the votes: the projector and the phones show them.
    hub.get_by_role("tab", name="Run goal mapping").click()
    hub.get_by_role("button", name="Reveal votes").click()
    hub.get_by_role("tab", name="Goal wall (project this)").click()
    hub.get_by_text("Equal say", exact=False).first.wait_for(timeout=5_000)
    bob.get_by_text("Everyone: 1", exact=False).first.wait_for(timeout=5_000)
    for ctx in [hub_ctx, *phones]:
        ctx.close()
