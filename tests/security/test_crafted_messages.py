"""A participant's browser can set any synced value and fire any button, disabled or hidden.

These tests speak the widget protocol directly (the messages a crafted page would send to
its kernel) and check that the server refuses what the rules forbid and stores nothing.
"""

from __future__ import annotations

import pytest

from codesign_widgets.room.join import ParticipantApp
from tests.hostile import HOSTILE
from tests.widget_messages import send_click, send_update


@pytest.fixture
def page(studio, workshop):
    app = ParticipantApp(studio, code=workshop.code)
    send_update(app.join_form.name_input, value="Ann")
    send_update(app.join_form.perspective_input, index=0)
    send_update(app.join_form.consent_input, value=True)
    send_click(app.join_form.join_button)
    assert app.participant is not None
    return app


def test_a_disabled_share_button_clicked_in_a_closed_stage_stores_nothing(studio, workshop, page):
    assert page.checkin.share_button.disabled
    send_update(page.checkin.note_input, value="sneaky")
    send_click(page.checkin.share_button)
    assert studio.entries.find(workshop.id, include_hidden=True, include_withdrawn=True) == []
    assert "not opened yet" in page.notice.value


def test_a_five_megabyte_value_is_refused(studio, workshop, page):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    page.on_change({"stages"})
    send_update(page.checkin.note_input, value="x" * (5 * 1024 * 1024))
    send_click(page.checkin.share_button)
    assert studio.entries.find(workshop.id) == []
    assert "too long" in page.notice.value


def test_joining_twice_from_one_page_does_not_add_a_second_participant(studio, workshop, page):
    send_click(page.join_form.join_button)  # the join form is gone but its button still exists
    assert len(studio.people.participants(workshop.id)) == 1


def test_the_browser_cannot_offer_a_token(studio, workshop):
    """The token comes only with the page request (an HttpOnly cookie), never from a message."""
    studio.people.join(workshop.id, "Ann", "provider", True)
    app = ParticipantApp(studio, code=workshop.code)
    for crafted in ({"offered_token": "x" * 64}, {"token": "y" * 64}, {"saved": 99}):
        send_update(app.identity, **crafted)
    assert app.participant is None
    assert app.identity.token == ""


def test_withdrawing_someone_elses_line_is_refused(studio, workshop, page):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    theirs = studio.entries.add(bob, "checkin", "note", "welcome", {"text": "Bob's"})
    assert page.checkin.withdraw(theirs) is False  # what a crafted button id would reach
    assert "your own" in page.notice.value
    assert [e.body["text"] for e in studio.entries.find(workshop.id)] == ["Bob's"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_as_text_and_shown_escaped(studio, workshop, page, text):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    page.on_change({"stages"})
    send_update(page.checkin.note_input, value=text)
    send_click(page.checkin.share_button)
    [entry] = studio.entries.find(workshop.id)
    assert entry.body["text"]  # kept as text (controls and bidi overrides dropped)
    assert "\u202e" not in entry.body["text"]
    assert "\x00" not in entry.body["text"]
    shown = (
        page.checkin.my_notes.children[1].children[0].value
        if len(page.checkin.my_notes.children) > 1
        else ""
    )
    assert "<script" not in shown
    assert "<img" not in shown
    assert "<svg" not in shown
    assert "<iframe" not in shown
    assert "<a " not in shown
