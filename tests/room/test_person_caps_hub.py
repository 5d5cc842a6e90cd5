"""The facilitator changes a per-person cap from the hub during the workshop: a phone in
another kernel meets the new cap at its next card, and every change is kept as an event."""

from __future__ import annotations

from codesign_widgets.core.workshop import StageState
from codesign_widgets.room.hub import FacilitatorHub
from codesign_widgets.studio import Studio
from tests.goals.test_goals_views import fill, joined, panel_of
from tests.store.test_person_caps import cap_events
from tests.widget_messages import widget_tree


def test_the_hub_lowers_and_raises_a_cap_live(db_url, studio, workshop):
    studio.workshops.set_current_stage(workshop.id, "goals")
    studio.workshops.set_stage_state(workshop.id, "goals", StageState.OPEN)
    hub = FacilitatorHub(studio, studio.workshops.state(workshop.id))
    phone_kernel = Studio.open(db_url)
    try:
        panel = panel_of(joined(phone_kernel, studio.workshops.state(workshop.id)))
        caps = hub.caps
        assert caps.box in widget_tree(hub.control)  # on the facilitator's tab
        assert caps.box not in widget_tree(hub.room)  # not projected
        assert caps.boxes["goal_cards"].value == 30  # the plan's

        caps.boxes["goal_cards"].value = 1
        caps.apply_button.click()

        assert "Per-person caps changed from now on: goal cards 1." in hub.notice.value
        assert studio.workshops.person_caps(workshop.id).goal_cards == 1
        fill(panel, goal="First")
        panel.form.save_button.click()
        assert "shared with the group" in panel.notice.value
        fill(panel, goal="Second")
        panel.form.save_button.click()
        assert "added 1 goal cards in this stage" in panel.notice.value
        assert panel.form.goal.value == "Second"  # kept on the phone, to add later

        # Raised again: the phone's next tap is taken; nothing was lost meanwhile.
        assert caps.apply(goal_cards=3)
        panel.form.save_button.click()
        assert "shared with the group" in panel.notice.value
        goals = [c.goal for c in studio.goals.cards.goal_cards(workshop.id)]
        assert sorted(goals) == ["First", "Second"]

        # No change, no event; a crafted value out of range is clamped by the box itself.
        caps.apply_button.click()
        caps.boxes["ties"].value = 5000
        assert caps.boxes["ties"].value == 1000
        caps.apply_button.click()
        assert studio.workshops.person_caps(workshop.id).ties == 1000
        assert cap_events(studio) == [
            ("goal_cards", "1"),
            ("goal_cards", "3"),
            ("ties", "1000"),
        ]
    finally:
        phone_kernel.close()
