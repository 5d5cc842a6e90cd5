"""Hide everything from one person, from the facilitator's hub: the projector's goal wall and
a phone in another kernel follow through the live feed, and the undo brings it all back."""

from __future__ import annotations

import pytest

from codesign_widgets.core.workshop import StageState
from codesign_widgets.goals.hub import GoalHub
from codesign_widgets.live import Feed
from codesign_widgets.room.hub import FacilitatorHub
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.studio import Studio
from tests.hostile import HOSTILE
from tests.widget_messages import widget_tree

PEOPLE = 30


def shown(root) -> str:
    """Everything a browser could read from the widgets under ``root``."""
    return repr([w.get_state() for w in widget_tree(root)])


def picker_labels(walls) -> dict[int, str]:
    return {value: label for label, value in walls.person_picker.options}


@pytest.fixture
def room(studio, workshop):
    """30 people with hostile names on an open goal stage, a card each; the flooder (a
    ``<script>`` name) adds ten more."""
    studio.workshops.set_current_stage(workshop.id, "goals")
    studio.workshops.set_stage_state(workshop.id, "goals", StageState.OPEN)
    people = [
        studio.people.join(workshop.id, HOSTILE[i % len(HOSTILE)][:40], "provider", True)[0]
        for i in range(PEOPLE)
    ]
    for i, p in enumerate(people):
        studio.goals.cards.add_goal_card(
            p, "goals", {"what_matters": "Home", "goal": f"Honest goal {i}", "visibility": "shared"}
        )
    flooder = people[0]
    for i in range(10):
        studio.goals.cards.add_goal_card(
            flooder, "goals", {"what_matters": "Spam", "goal": f"Flood {i}", "visibility": "shared"}
        )
    return {"people": people, "flooder": flooder}


def test_hide_everything_from_one_person_and_show_it_again(db_url, studio, workshop, room):
    flooder = room["flooder"]
    hub_feed = Feed(studio)
    hub = FacilitatorHub(studio, studio.workshops.state(workshop.id), feed=hub_feed)
    projector_kernel = Studio.open(db_url)
    projector_feed = Feed(projector_kernel)
    projector = GoalHub(
        projector_kernel, projector_kernel.workshops.state(workshop.id), feed=projector_feed
    )
    phone_kernel = Studio.open(db_url)
    phone_feed = Feed(phone_kernel)
    phone = ParticipantApp(phone_kernel, code=workshop.code, feed=phone_feed)
    phone.join_form.name_input.value = "Bo"
    phone.join_form.perspective_input.value = "lived_experience"
    phone.join_form.consent_input.value = True
    phone.join_form.join_button.click()
    try:
        assert "Flood 9" in projector.wall.by_theme.value
        assert "Flood 9" in shown(phone)
        walls = hub.room_wall
        hub_feed.poll_once()  # Bo joined on another kernel
        assert len(walls.person_picker.options) == PEOPLE + 1
        label = picker_labels(walls)[flooder.id]
        assert label.startswith("<script>")  # a Dropdown label is text, shown as typed

        walls.person_picker.value = flooder.id
        walls.hide_person_button.click()

        assert "Hid 11 contributions of <script>" not in hub.notice.value  # escaped
        assert "Hid 11 contributions of &lt;script&gt;" in hub.notice.value
        assert picker_labels(walls)[flooder.id].endswith(" - hidden")
        assert walls.person_picker.value == flooder.id
        projector_feed.poll_once()
        phone_feed.poll_once()
        assert "Flood" not in projector.wall.by_theme.value
        assert "Honest goal 0" not in projector.wall.by_theme.value
        assert "Honest goal 29" in projector.wall.by_theme.value
        assert "Flood" not in shown(phone)
        assert "<script" not in projector.wall.by_theme.value

        walls.show_person_button.click()

        assert "Showing 11 contributions of &lt;script&gt;" in hub.notice.value
        projector_feed.poll_once()
        phone_feed.poll_once()
        assert "Flood 9" in projector.wall.by_theme.value
        assert "Honest goal 0" in projector.wall.by_theme.value
        # The phone keeps its wall while the room writes: the cards shown again wait behind
        # its "Show new cards" button, as other people's new cards do.
        assert "new cards" in shown(phone)
        phone.stage_view.panel.show_new()
        assert "Flood 9" in shown(phone)
        assert not picker_labels(walls)[flooder.id].endswith(" - hidden")
    finally:
        projector.close()
        projector_kernel.close()
        phone_kernel.close()


def test_the_buttons_need_a_person_and_an_undo_needs_a_hide(studio, workshop, room):
    hub = FacilitatorHub(studio, studio.workshops.state(workshop.id))
    walls = hub.room_wall
    assert walls.person_picker.value is None
    walls.hide_person_button.click()
    assert "Choose a person first" in hub.notice.value
    assert studio.moderation.hidden_people(workshop.id) == set()
    walls.person_picker.value = room["people"][3].id
    walls.show_person_button.click()
    assert "Nothing of theirs was hidden" in hub.notice.value
    # A crafted call for someone not in the list (another workshop's person) is refused.
    other, _key = studio.workshops.create("Other", "codesign_day")
    stranger, _token = studio.people.join(other.id, "Stranger", "provider", True)
    assert not walls.hide_person(stranger.id)
    assert "Choose a person first" in hub.notice.value
    assert studio.moderation.hidden_people(other.id) == set()


def test_hidden_check_in_lines_leave_the_rooms_wall(studio, workshop):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    ann, _ = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    bo, _ = studio.people.join(workshop.id, "Bo", "provider", True)
    studio.entries.add(ann, "checkin", "note", "welcome", {"text": "Ann's line"})
    studio.entries.add(bo, "checkin", "note", "welcome", {"text": "Bo's line"})
    hub = FacilitatorHub(studio, studio.workshops.state(workshop.id))
    assert "Ann&#x27;s line" in hub.room_wall.wall.value
    assert hub.room_wall.hide_person(ann.id)
    assert "Ann&#x27;s line" not in hub.room_wall.wall.value
    assert "Bo&#x27;s line" in hub.room_wall.wall.value
    # The moderation list still lists her line, marked hidden, to show it again one by one.
    assert "[hidden] Ann" in shown(hub.room_wall.moderation)
    assert hub.room_wall.show_person(ann.id)
    assert "Ann&#x27;s line" in hub.room_wall.wall.value
