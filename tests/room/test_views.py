"""Widget tests without a browser: act as a participant and a facilitator would."""

from __future__ import annotations

import base64
import re
import time
from types import SimpleNamespace

import pytest

from codesign_widgets.core.templates import load_template
from codesign_widgets.core.workshop import StageState
from codesign_widgets.live import Feed
from codesign_widgets.room import join as join_module
from codesign_widgets.room.hub import FacilitatorHub
from codesign_widgets.room.hub_start import HubStart
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.studio import Studio
from codesign_widgets.ui.links import join_link
from tests.widget_messages import widget_tree

HOSTILE = '<img src=x onerror="alert(1)">'


def joined(studio, workshop, name="Ann", perspective="lived_experience", feed=None):
    app = ParticipantApp(studio, code=workshop.code, feed=feed)
    app.join_form.name_input.value = name
    app.join_form.perspective_input.value = perspective
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    return app


def test_a_participant_joins_with_name_perspective_and_consent(studio, workshop):
    app = joined(studio, workshop)
    assert app.participant is not None
    assert app.stage_view in app.children
    assert "Welcome and check-in" in app.stage_view.stage_title.value
    assert app.identity.token  # handed to the browser to keep
    assert [p.display_name for p in studio.people.participants(workshop.id)] == ["Ann"]


def test_join_form_problems_are_explained_and_nothing_is_stored(studio, workshop):
    app = ParticipantApp(studio, code=workshop.code)
    app.join_form.name_input.value = "Ann"
    app.join_form.join_button.click()
    assert "choose how you take part" in app.notice.value
    app.join_form.perspective_input.value = "provider"
    app.join_form.join_button.click()
    assert "I agree" in app.notice.value
    app.join_form.consent_input.value = True
    app.join_form.name_input.value = "x" * (5 * 1024 * 1024)  # a crafted 5 MB value
    app.join_form.join_button.click()
    assert "too long" in app.notice.value
    assert studio.people.participants(workshop.id) == []
    assert app.join_form in app.children


def test_a_wrong_code_asks_again(studio):
    app = ParticipantApp(studio, code="nope")
    assert app.code_form in app.children
    assert "No workshop has the code NOPE" in app.notice.value
    app.code_form.code_input.value = "still wrong"
    app.code_form.code_button.click()
    assert "No workshop" in app.notice.value


def test_guessing_codes_slows_down_and_a_right_code_still_opens(studio, workshop):
    """89 codes a second from one page would find a workshop: after five wrong codes each
    try waits, doubling, and the page says how long; the store is not even asked."""
    app = ParticipantApp(studio)
    now = [0.0]
    app._tries._clock = lambda: now[0]
    for i in range(5):
        app.code_form.code_input.value = f"ZZZZZ{i}"
        app.code_form.code_button.click()
        assert "Wait" not in app.notice.value
    app.code_form.code_input.value = "ZZZZZ9"
    app.code_form.code_button.click()  # the sixth wrong code: now a wait
    app.code_form.code_input.value = workshop.code
    app.code_form.code_button.click()
    assert "Wait 2 seconds" in app.notice.value
    assert app.workshop is None
    now[0] = 2.5
    app.code_form.code_button.click()
    assert app.workshop is not None
    assert app.workshop.code == workshop.code


def test_typing_the_code_opens_the_join_form(studio, workshop):
    app = ParticipantApp(studio)
    assert app.code_form in app.children
    app.code_form.code_input.value = workshop.code.lower()
    app.code_form.code_button.click()
    assert app.join_form in app.children
    assert "&lt;b&gt;pathway" in app.join_form.title.value  # the title is shown as text


def test_a_reload_comes_back_as_the_same_participant(studio, workshop):
    first = joined(studio, workshop)
    token = first.identity.token
    by_cookie = ParticipantApp(studio, code=workshop.code, token=token)
    assert by_cookie.participant == first.participant
    assert "Welcome back" in by_cookie.notice.value
    stranger = ParticipantApp(studio, code=workshop.code, token="forged")
    assert stranger.participant is None
    assert len(studio.people.participants(workshop.id)) == 1


def test_a_phone_that_typed_the_code_is_welcomed_back_by_its_cookie(studio, workshop):
    """The cookie the page request carried is asked for the workshop typed in."""
    first = joined(studio, workshop)
    cookies = {workshop.code: first.identity.token}
    app = ParticipantApp(studio, remembered=cookies.get)
    app.code_form.code_input.value = workshop.code.lower()
    app.code_form.code_button.click()
    assert app.participant == first.participant
    assert "Welcome back, Ann" in app.notice.value
    assert app.identity.workshop_code == workshop.code  # the address will carry the code


def test_a_page_opened_just_after_the_html_join_says_youre_in(studio, workshop, monkeypatch):
    """The HTML join form's "You're in" opens ``?code=...&joined=1``: the person has just
    joined, so the activity page does not greet them "Welcome back"; the same address
    reloaded later, or without ``joined``, does."""
    _ann, token = studio.people.join(workshop.id, "Ann", "provider", True)
    fresh = ParticipantApp(studio, code=workshop.code, token=token, just_joined=True)
    assert "You&#x27;re in, Ann" in fresh.notice.value  # escaped: a person's name is text
    plain = ParticipantApp(studio, code=workshop.code, token=token)
    assert "Welcome back, Ann" in plain.notice.value
    later = time.time() + join_module.JUST_JOINED_SECONDS + 1
    monkeypatch.setattr(join_module, "time", SimpleNamespace(time=lambda: later))
    reloaded = ParticipantApp(studio, code=workshop.code, token=token, just_joined=True)
    assert "Welcome back, Ann" in reloaded.notice.value
    assert len(studio.people.participants(workshop.id)) == 1


def test_the_token_is_handed_to_the_server_never_to_the_page(studio, workshop):
    handed: list[tuple[str, str]] = []
    app = ParticipantApp(studio, code=workshop.code, hand_over=lambda c, t: handed.append((c, t)))
    app.join_form.name_input.value = "Ann"
    app.join_form.perspective_input.value = "provider"
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    assert handed == [(workshop.code, app.identity.token)]
    assert app.identity.saved == 1  # the page is told to collect its HttpOnly cookie
    state = app.identity.get_state()
    assert app.identity.token not in str(state)
    assert set(state) >= {"workshop_code", "saved"}
    assert "token" not in state


def test_not_alice_starts_over_without_touching_alices_contributions(studio, workshop):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    alice, token = studio.people.join(workshop.id, "Alice", "lived_experience", True)
    studio.entries.add(alice, "checkin", "note", "welcome", {"text": "Alice's line"})
    handed: list[tuple[str, str]] = []
    tablet = ParticipantApp(
        studio, code=workshop.code, token=token, hand_over=lambda c, t: handed.append((c, t))
    )
    assert tablet.not_me in tablet.children
    assert tablet.not_me.question.value == "<span>Not Alice?</span>"
    tablet.not_me.start_over_button.click()
    assert tablet.participant is None
    assert tablet.join_form in tablet.children
    assert tablet.not_me not in tablet.children
    assert handed == [(workshop.code, "")]  # this device's cookie is cleared
    assert "forgotten Alice" in tablet.notice.value
    # Alice is still in, with her line, and her own phone still knows her.
    assert [(e.body["text"], e.status) for e in studio.entries.find(workshop.id)] == [
        ("Alice's line", "active")
    ]
    assert ParticipantApp(studio, code=workshop.code, token=token).participant == alice
    # The next person joins as themselves; the stale cookie of this page load is not reused.
    tablet.enter_code(workshop.code)
    assert tablet.participant is None


def test_a_participant_joining_fresh_is_not_asked_not_me(studio, workshop):
    app = joined(studio, workshop)
    assert app.not_me not in app.children


def test_sharing_a_line_only_while_the_stage_is_open(studio, workshop):
    app = joined(studio, workshop)
    assert app.checkin.share_button.disabled
    app.checkin.note_input.value = "Being listened to"
    app.checkin.share_button.click()  # a crafted click on a disabled button
    assert "not opened yet" in app.notice.value
    assert studio.entries.find(workshop.id) == []
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    app.on_change({"stages"})
    assert not app.checkin.share_button.disabled
    app.checkin.share_button.click()
    assert "Shared" in app.notice.value
    assert app.checkin.note_input.value == ""
    assert [e.body["text"] for e in studio.entries.find(workshop.id)] == ["Being listened to"]
    app.checkin._taps.window = 0.0  # later: no longer the same tap again
    app.checkin.note_input.value = "   "
    app.checkin.share_button.click()
    assert "empty" in app.notice.value


def test_a_double_tap_on_share_posts_one_line_and_says_no_false_error(studio, workshop):
    """The probe: a double-tapped Share posted once and then said "Your line is empty"."""
    from ..widget_messages import send_click, send_update

    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    app = joined(studio, workshop, name="Will")
    send_update(app.checkin.note_input, value="$5 or $10 a week")
    send_click(app.checkin.share_button)
    send_click(app.checkin.share_button)  # finds the box emptied by the first tap
    assert "Shared with the group" in app.notice.value
    send_update(app.checkin.note_input, value="$5 or $10 a week")  # a reconnected page's resend
    send_click(app.checkin.share_button)
    assert "Shared with the group" in app.notice.value
    lines = studio.entries.find(workshop.id, activity="checkin")
    assert [e.body["text"] for e in lines if e.author_id == app.participant.id] == [
        "$5 or $10 a week"
    ]


def test_a_phone_at_its_cap_of_lines_is_told_what_to_do_and_withdrawing_makes_room(
    studio, workshop
):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    app = joined(studio, workshop)
    app.checkin._taps.window = 0.0  # each tap is a new line here, not a double tap
    cap = load_template(workshop.template).per_person.checkin_lines
    for i in range(cap):
        app.checkin.note_input.value = f"Line {i}"
        app.checkin.share_button.click()
    app.checkin.note_input.value = "One too many"
    app.checkin.share_button.click()
    assert f"You have shared {cap} lines in this stage" in app.notice.value
    assert "Withdraw one of yours" in app.notice.value
    assert app.checkin.note_input.value == "One too many"  # kept for after a withdrawal
    app.checkin.my_notes.children[1].children[1].click()  # withdraw the newest line
    app.checkin.share_button.click()
    assert "Shared" in app.notice.value
    texts = [e.body["text"] for e in studio.entries.find(workshop.id)]
    assert len(texts) == cap
    assert "One too many" in texts


def test_a_participant_withdraws_their_line_and_it_is_kept_on_record(studio, workshop):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    app = joined(studio, workshop)
    app.checkin.note_input.value = HOSTILE
    app.checkin.share_button.click()
    row = app.checkin.my_notes.children[1]
    assert "&lt;img" in row.children[0].value
    assert "<img" not in row.children[0].value
    row.children[1].click()
    assert studio.entries.find(workshop.id) == []
    assert len(studio.entries.find(workshop.id, include_withdrawn=True)) == 1


def test_participant_page_follows_the_facilitator_through_the_live_feed(db_url, studio, workshop):
    feed = Feed(studio)
    app = joined(studio, workshop, feed=feed)
    hub_kernel = Studio.open(db_url)
    hub = FacilitatorHub(hub_kernel, hub_kernel.workshops.state(workshop.id))
    hub.stages.stage_picker.value = "goals"
    hub.stages.current_button.click()
    hub.stages.state_buttons[StageState.OPEN].click()
    feed.poll_once()
    assert "What matters" in app.stage_view.stage_title.value
    assert "Open" in app.stage_view.stage_state.value


def test_the_hub_shows_people_by_perspective_as_text(studio, workshop):
    feed = Feed(studio)
    hub = FacilitatorHub(studio, workshop, feed=feed)
    assert "0 joined" in hub.room_wall.counts.value
    joined(studio, workshop, name=HOSTILE)
    joined(studio, workshop, name="Bob", perspective="provider")
    joined(studio, workshop, name="", perspective="system")
    feed.poll_once()
    counts, people = hub.room_wall.counts.value, hub.room_wall.people.value
    assert "3 joined" in counts
    assert "Lived experience: 1" in counts
    assert "Provider: 1" in counts
    assert "System: 1" in counts
    assert "<bdi>Anonymous" in people
    assert "<bdi>Bob</bdi>" in people
    assert "<img" not in people


def test_right_to_left_names_keep_their_place_in_the_list(studio, workshop):
    """A Persian name followed by another name: each is isolated, so the comma and the next
    name are not pulled into the right-to-left run (the projector showed "6 نرگس," before)."""
    hub = FacilitatorHub(studio, workshop)
    joined(studio, workshop, name="نرگس 6")
    joined(studio, workshop, name="Will 7")
    hub.refresh({"participants"})
    assert "<bdi>نرگس 6</bdi>, <bdi>Will 7</bdi>" in hub.room_wall.people.value


def test_the_hub_runs_stages_and_the_timer(studio, workshop):
    hub = FacilitatorHub(studio, workshop)
    hub.stages.state_buttons[StageState.OPEN].click()
    assert studio.workshops.state(workshop.id).state_of("welcome") is StageState.OPEN
    assert "Open" in hub.run.order.value
    hub.stages.state_buttons[StageState.LOCKED].click()
    assert "Locked" in hub.run.order.value
    hub.stages.stage_picker.value = "prototypes"
    assert "Score each prototype" in hub.stages.stage_detail.value
    assert hub.stages.timer_minutes.value == 20
    hub.stages.current_button.click()
    assert "▶ Score the prototypes" in hub.run.order.value
    assert "Now: Score the prototypes" in hub.stages.now.value
    hub.stages.timer_start.click()
    assert (
        "Time left: 19:5" in hub.stages.timer_label.value or "20:00" in hub.stages.timer_label.value
    )
    hub.stages.timer_stop.click()
    assert hub.stages.timer_label.value == ""


def test_the_facilitator_hides_a_line_and_it_is_kept(studio, workshop):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    app = joined(studio, workshop)
    app.checkin.note_input.value = "off topic " + HOSTILE
    app.checkin.share_button.click()
    hub = FacilitatorHub(studio, workshop)
    assert "off topic" in hub.room_wall.wall.value
    assert "<img" not in hub.room_wall.wall.value
    toggle, _label = hub.room_wall.moderation.children[0].children
    toggle.click()
    assert "off topic" not in hub.room_wall.wall.value
    assert studio.entries.find(workshop.id) == []
    assert len(studio.entries.find(workshop.id, include_hidden=True)) == 1
    toggle, label = hub.room_wall.moderation.children[0].children
    assert "[hidden]" in label.value
    toggle.click()
    assert "off topic" in hub.room_wall.wall.value


def test_the_hub_start_creates_or_opens_a_workshop(studio, created):
    workshop, key = created
    start = HubStart(studio)
    start.create_button.click()
    assert "title is empty" in start.notice.value
    start.title_input.value = "Falls prevention"
    start.create_button.click()
    assert isinstance(start.hub, FacilitatorHub)
    assert "Facilitator key:" in start.hub.key_text.value
    start.hub.key_saved.click()
    assert start.hub.key_text.value == ""  # gone from the screen and the widget state
    assert start.hub.key_box.layout.display == "none"

    opener = HubStart(studio)
    opener.code_input.value = workshop.code
    opener.key_input.value = "wrong"
    opener.open_button.click()
    assert "does not match" in opener.notice.value
    assert opener.hub is None
    opener.key_input.value = key
    opener.open_button.click()
    assert opener.hub.workshop.id == workshop.id


def test_the_join_link_and_qr_come_from_the_server(monkeypatch, studio, workshop):
    monkeypatch.setenv("CODESIGN_PARTICIPANT_URL", "http://192.0.2.5:8866/voila/render/join.ipynb")
    hub = FacilitatorHub(studio, workshop)
    # Projected: the bare address (it opens the join page) is short to type from the back.
    assert "open http://192.0.2.5:8866 and type the join code" in hub.join_text.value
    assert f"Join code: {workshop.code}" in hub.join_text.value
    png = re.search(r'src="data:image/png;base64,([^"]+)"', hub.qr.value).group(1)
    assert base64.b64decode(png).startswith(b"\x89PNG")
    assert f'alt="QR code of the join link: {join_link(workshop.code)}"' in hub.qr.value
    # The square holds the whole link, code included.
    assert join_link(workshop.code) == (
        f"http://192.0.2.5:8866/voila/render/join.ipynb?code={workshop.code}"
    )


@pytest.mark.parametrize("state", ["locked", "revealed"])
def test_a_crafted_share_in_a_finished_stage_is_refused(studio, workshop, state):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    app = joined(studio, workshop)
    studio.workshops.set_stage_state(workshop.id, "welcome", state)
    app.checkin.note_input.value = "too late"
    app.checkin.share_note()  # without redrawing: the page still thinks the stage is open
    assert studio.entries.find(workshop.id) == []
    assert "no longer taken" in app.notice.value


def test_the_hub_links_each_activity_page_without_the_key(monkeypatch, studio, created):
    """The activity pages open for the browser signed in to the hub: no key in any link."""
    workshop, key = created
    monkeypatch.setenv(
        "CODESIGN_FACILITATOR_URL", "http://127.0.0.1:8867/voila/render/facilitator.ipynb"
    )
    hub = FacilitatorHub(studio, workshop)
    assert f"goal_mapping.ipynb?code={workshop.code}" in hub.activity_pages.value
    assert "stakeholder_network.ipynb" in hub.activity_pages.value
    assert not [w for w in widget_tree(hub) if key in str(w.get_state())]
    hub.stages.make_current("goals")
    assert "live on the Goal wall page" in hub.room_wall.wall.value


def test_the_registry_imports_a_stages_panel_only_by_its_module_path():
    """Check-in and big-screen stages have no panel; each activity names its panel's home."""
    import importlib

    from codesign_widgets.goals.panel import GoalPanel
    from codesign_widgets.room.registry import PANELS, panel_class

    assert panel_class("goal_mapping") is GoalPanel
    assert panel_class("checkin") is None
    assert panel_class("no such activity") is None
    for module, name in PANELS.values():
        assert hasattr(importlib.import_module(module), name)


def test_the_room_wall_works_from_what_it_is_given(studio, workshop):
    """The wall needs no hub: it is built with the hub's wiring (the store, the workshop's
    id, a notice, a callback) and the plan, and draws what it is handed."""
    from codesign_widgets.core.templates import load_template
    from codesign_widgets.room.hub_wall import RoomWall
    from codesign_widgets.ui.common import Notice
    from codesign_widgets.ui.wiring import HubWiring

    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    app = joined(studio, workshop, name="Bea")
    app.checkin.note_input.value = "Glad to be here " + HOSTILE
    app.checkin.share_button.click()
    redraws = []
    wiring = HubWiring(studio, workshop.id, Notice(), redraws.append)
    wall = RoomWall(wiring, load_template(workshop.template))
    wall.show_people(studio.people.participants(workshop.id))
    assert "1 joined" in wall.counts.value
    wall.show_wall("welcome", {app.participant.id: "Bea"})
    assert "Glad to be here" in wall.wall.value
    assert "<img" not in wall.wall.value
    toggle, label = wall.moderation.children[0].children
    assert "Bea: Glad to be here" in label.value
    toggle.click()
    assert redraws == [{"entries"}]  # the host redraws; the wall does not reach into it
    assert studio.entries.find(workshop.id) == []


def test_a_notice_clears_when_the_stage_or_its_state_changes(studio, workshop):
    studio.workshops.set_stages(workshop.id, {"welcome": StageState.OPEN}, "welcome")
    app = joined(studio, workshop)
    app.checkin.note_input.value = "Hello"
    assert app.checkin.share_note()
    assert app.notice.value  # "Shared with the group." or similar
    app.on_change({"stages"})  # nothing changed: the notice stays
    assert app.notice.value
    studio.workshops.set_stages(workshop.id, {"goals": StageState.OPEN}, "goals")
    app.on_change({"stages"})
    assert app.notice.value == ""
