"""What a screen reader hears and where focus goes, as views mark it (no browser: the marks in
the HTML the page's script acts on; tests/browser/test_accessibility.py covers the script)."""

from __future__ import annotations

import re

from codesign_widgets.core.workshop import StageState
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.ui.announce import ANNOUNCE, FOCUS
from codesign_widgets.ui.common import Notice, run_action
from tests.hostile import HOSTILE

from ..room.test_views import joined


def announced_texts(html: str, kind: str | None = None) -> list[str]:
    """The texts marked for the live region in ``html`` (of ``kind`` if given)."""
    pattern = rf'{ANNOUNCE}="({kind or "[a-z]+"})"[^>]*>([^<]*)<'
    return [text for _kind, text in re.findall(pattern, html)]


def test_a_success_is_announced_and_shown_beside_its_button_an_error_is_an_alert():
    notice = Notice()
    assert run_action(notice, lambda: 1, ok="Saved. You can change it.")
    assert announced_texts(notice.value, "ok") == ["Saved. You can change it."]
    assert 'role="status"' not in notice.value  # the page's lasting region reads it
    assert run_action(notice, lambda: None) is True  # no message: nothing to announce
    assert notice.value == ""

    def refuse():
        from codesign_widgets.core.errors import CodesignError

        raise CodesignError("Nothing saved: the stage is locked.")

    assert run_action(notice, refuse, ok="Saved.") is None
    assert 'role="alert"' in notice.value
    assert announced_texts(notice.value) == []


def test_announced_text_is_escaped():
    notice = Notice()
    for text in HOSTILE:
        notice.show(text, "ok")
        assert "<img" not in notice.value
        assert "<script" not in notice.value.lower()


def test_joining_moves_focus_to_the_stage_heading_and_announces_its_state(studio, workshop):
    studio.workshops.set_stages(workshop.id, {"welcome": StageState.OPEN}, "welcome")
    app = ParticipantApp(studio, code=workshop.code)
    # Continue (a code in the link) leads to the join form, whose heading takes focus.
    assert FOCUS in app.join_form.title.value
    first = app.join_form.title.value
    app.join_form.name_input.value = "Ann"
    app.join_form.perspective_input.value = "lived_experience"
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    view = app.stage_view
    assert FOCUS in view.stage_title.value
    assert "Welcome and check-in" in view.stage_title.value
    assert announced_texts(view.stage_state.value) == ["Open: add your contributions"]
    assert announced_texts(app.notice.value, "ok") == ["You&#x27;re in, Ann."]
    assert first == app.join_form.title.value  # the form's heading did not move again


def test_a_lock_is_announced_without_moving_focus_a_stage_change_moves_it(studio, workshop):
    studio.workshops.set_stages(workshop.id, {"welcome": StageState.OPEN}, "welcome")
    app = joined(studio, workshop)
    view = app.stage_view
    heading = view.stage_title.value
    studio.workshops.set_stages(workshop.id, {"welcome": StageState.LOCKED})
    app.on_change({"stages"})
    assert announced_texts(view.stage_state.value) == ["Locked: no more changes"]
    assert view.stage_title.value == heading  # focus stays where the person is
    studio.workshops.set_stages(workshop.id, {"goals": StageState.OPEN}, "goals")
    app.on_change({"stages"})
    assert view.stage_title.value != heading
    assert FOCUS in view.stage_title.value
    assert "What matters: goals" in view.stage_title.value


def test_leaving_and_joining_again_moves_focus_each_time(studio, workshop):
    studio.workshops.set_stages(workshop.id, {"welcome": StageState.OPEN}, "welcome")
    app = joined(studio, workshop)
    before = app.join_form.title.value
    app.ask_to_leave()
    assert app.leave()
    after_leaving = app.join_form.title.value
    assert after_leaving != before
    assert FOCUS in after_leaving
    assert announced_texts(app.notice.value, "ok")[0].startswith("You have left")
    heading = app.stage_view.stage_title.value
    app.join_form.name_input.value = "Ann"
    app.join_form.perspective_input.value = "lived_experience"
    app.join_form.consent_input.value = True
    app.join()
    assert app.stage_view.stage_title.value != heading  # the same stage, focused again


def test_the_same_message_twice_is_announced_twice():
    """A widget sends only changed values: the second "Saved." must differ to be read."""
    notice = Notice()
    notice.show("Saved.", "ok")
    first = notice.value
    notice.show("Saved.", "ok")
    assert notice.value != first
    assert announced_texts(notice.value, "ok") == ["Saved."]
