"""A tap whose handler fails with a bug says so on the page, and the details go to a log.

ipywidgets hands an exception from a click handler to the kernel's ``showtraceback``, which a
Voila page never shows: before :mod:`codesign_widgets.ui.trouble`, a tap that hit a bug did
nothing at all on the page. These tests break a handler on purpose and tap it.
"""

from __future__ import annotations

import html
import sys

import ipywidgets as widgets
import ipywidgets.widgets.widget as widget_module
import pytest

from codesign_widgets import apps
from codesign_widgets.core.i18n import translator
from codesign_widgets.core.workshop import StageState
from codesign_widgets.room.hub import FacilitatorHub
from codesign_widgets.room.hub_start import HubStart
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.ui.trouble import FOR_PARTICIPANT, tell_unexpected


class Shell:
    """What ipywidgets calls on an exception in a handler: IPython's ``showtraceback``."""

    def __init__(self) -> None:
        self.shown: list[type] = []

    def showtraceback(self, *args, **kwargs) -> None:
        self.shown.append(sys.exc_info()[0])


@pytest.fixture
def shell(monkeypatch, tmp_path):
    monkeypatch.setenv("CODESIGN_LOG_DIR", str(tmp_path / "logs"))
    kernel_shell = Shell()
    monkeypatch.setattr(widget_module, "get_ipython", lambda: kernel_shell)
    return kernel_shell


def logs(tmp_path) -> list[str]:
    return [p.read_text() for p in sorted((tmp_path / "logs").glob("codesign-page-*.log"))]


def joined_phone(studio, workshop) -> ParticipantApp:
    studio.workshops.set_stage_state(workshop.id, "welcome", StageState.OPEN)
    studio.workshops.set_current_stage(workshop.id, "welcome")
    _person, token = studio.people.join(workshop.id, "Will", "lived_experience", True)
    return ParticipantApp(studio, code=workshop.code, token=token)


def test_a_phone_tap_that_hits_a_bug_says_so_and_logs_it(studio, workshop, shell, tmp_path):
    phone = joined_phone(studio, workshop)
    assert tell_unexpected(phone.notice, facilitator=False, shell=shell)

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in the store")

    phone.checkin.note_input.value = "$5 or $10"
    phone.checkin.studio.entries.add = broken
    phone.checkin.share_button.click()

    assert shell.shown == [RuntimeError]  # the traceback still goes where it went before
    assert 'role="alert"' in phone.notice.value
    assert "Something went wrong in the studio" in phone.notice.value
    assert "tell the facilitator" in phone.notice.value
    assert "RuntimeError" not in phone.notice.value  # a phone gets no internals
    (details,) = logs(tmp_path)
    assert "RuntimeError: a bug in the store" in details
    assert "share_note" in details


def test_a_phone_is_told_in_its_language(studio, shell):
    workshop, _key = studio.workshops.create("Gofal traed", "codesign_day_cy")
    phone = joined_phone(studio, workshop)
    tell_unexpected(phone.notice, facilitator=False, shell=shell)
    phone.checkin.note_input.value = "Helo"
    phone.checkin.studio.entries.add = lambda *a, **k: 1 / 0
    phone.checkin.share_button.click()
    welsh = translator("cy").gettext(FOR_PARTICIPANT)
    assert welsh != FOR_PARTICIPANT
    assert html.escape(welsh) in phone.notice.value


def test_an_expected_problem_keeps_its_own_sentence(studio, workshop, shell, tmp_path):
    phone = joined_phone(studio, workshop)
    tell_unexpected(phone.notice, facilitator=False, shell=shell)
    phone.checkin.note_input.value = ""
    phone.checkin.share_button.click()
    assert "empty" in phone.notice.value
    assert "Something went wrong" not in phone.notice.value
    assert shell.shown == []
    assert logs(tmp_path) == []


def test_the_hub_names_the_error_and_its_log(studio, workshop, shell, tmp_path):
    hub = FacilitatorHub(studio, workshop)
    tell_unexpected(hub.notice, facilitator=True, shell=shell)
    hub.run._set_stages = lambda _actions: {}["no such stage"]
    hub.run.primary.click()
    assert "Something went wrong in the studio (KeyError)" in hub.notice.value
    (path,) = sorted((tmp_path / "logs").glob("codesign-page-*.log"))
    assert str(path) in hub.notice.value
    assert "no such stage" in path.read_text()


def test_the_start_form_tells_it_in_the_hub_it_opened(studio, created, shell, monkeypatch):
    workshop, key = created
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    start = apps._watched(HubStart(studio), facilitator=True)
    start.code_input.value = workshop.code
    start.key_input.value = key
    start.open_button.click()
    assert start.hub is not None
    start.hub.run._set_stages = lambda _actions: 1 / 0
    start.hub.run.primary.click()
    assert "ZeroDivisionError" in start.hub.notice.value


def test_an_error_outside_a_tap_is_left_to_ipython(studio, workshop, shell, tmp_path):
    phone = joined_phone(studio, workshop)
    tell_unexpected(phone.notice, facilitator=False, shell=shell)
    before = phone.notice.value
    try:
        raise ZeroDivisionError  # a notebook cell's own error
    except ZeroDivisionError:
        shell.showtraceback()
    assert shell.shown == [ZeroDivisionError]
    assert phone.notice.value == before
    assert logs(tmp_path) == []


def test_a_full_disk_does_not_hide_the_problem(studio, workshop, shell):
    hub = FacilitatorHub(studio, workshop)

    def no_room(_command, _details):
        raise OSError(28, "No space left on device")

    tell_unexpected(hub.notice, facilitator=True, shell=shell, log=no_room)
    hub.run._set_stages = lambda _actions: 1 / 0
    hub.run.primary.click()
    assert "no log written: No space left on device" in hub.notice.value


def test_a_changed_value_that_hits_a_bug_says_so(studio, workshop, shell, tmp_path):
    """A score chosen or a slider moved: the value's handler runs inside the widget's message
    handler, which ipywidgets also hands to showtraceback."""
    phone = joined_phone(studio, workshop)
    tell_unexpected(phone.notice, facilitator=False, shell=shell)
    slider = widgets.IntSlider()

    def broken(_change):
        raise ValueError("a bug in a score's handler")

    slider.observe(broken, "value")
    slider._handle_msg({"content": {"data": {"method": "update", "state": {"value": 5}}}})
    assert shell.shown == [ValueError]
    assert "Something went wrong in the studio" in phone.notice.value
    (details,) = logs(tmp_path)
    assert "a bug in a score's handler" in details


def test_watching_again_tells_the_newest_page_once(studio, workshop, shell, tmp_path):
    first, second = joined_phone(studio, workshop), joined_phone(studio, workshop)
    tell_unexpected(first.notice, facilitator=False, shell=shell)
    tell_unexpected(second.notice, facilitator=False, shell=shell)
    before = first.notice.value
    second.checkin.note_input.value = "Hello"
    second.checkin.studio.entries.add = lambda *a, **k: 1 / 0
    second.checkin.share_button.click()
    assert "Something went wrong" in second.notice.value
    assert first.notice.value == before
    assert len(logs(tmp_path)) == 1
