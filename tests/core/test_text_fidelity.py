"""Text kept as typed: Persian with ZWNJ, Hindi conjuncts, the Welsh flag, ZWJ families.

Each line goes in as a phone shares it, and must come back unchanged from the store, in
what the pages send to the browser (escaped, never altered), and from the open data export.
"""

from __future__ import annotations

import html

import pytest

from codesign_widgets.analysis.open_data import export_package, read_package
from codesign_widgets.analysis.workshop_data import load_workshop
from codesign_widgets.core.workshop import StageState
from codesign_widgets.room.hub import FacilitatorHub
from codesign_widgets.room.join import ParticipantApp
from tests.hostile import AS_TYPED
from tests.widget_messages import widget_tree

NAMES = [
    "\u0639\u0644\u06cc\u200c\u0631\u0636\u0627",  # Alireza, with ZWNJ
    "Si\u00e2n \U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
]


def page_text(root) -> str:
    """Every string the page's widgets carry to the browser."""
    parts = []
    for widget in widget_tree(root):
        for name in ("value", "description", "placeholder", "options"):
            value = getattr(widget, name, None)
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, tuple):
                parts.extend(str(v) for v in value)
    return "\n".join(parts)


@pytest.fixture
def shared(studio, created):
    workshop, _key = created
    code = workshop.code
    studio.workshops.set_stage_state(workshop.id, "welcome", StageState.OPEN)
    studio.workshops.set_current_stage(workshop.id, "welcome")
    pages = []
    for name in NAMES:
        _person, token = studio.people.join(workshop.id, name, "lived_experience", True)
        pages.append(ParticipantApp(studio, code=code, token=token))
    for i, line in enumerate(AS_TYPED):
        page = pages[i % len(pages)]
        page.checkin.note_input.value = line
        assert page.checkin.share_note(), page.notice.value
    return workshop, pages


def test_lines_and_names_come_back_from_the_store_exactly(studio, shared):
    workshop, _pages = shared
    notes = [e.body.get("text") for e in studio.entries.find(workshop.id, activity="checkin")]
    assert sorted(notes) == sorted(AS_TYPED)
    names = [p.display_name for p in studio.people.participants(workshop.id)]
    assert sorted(names) == sorted(NAMES)


def test_the_pages_show_lines_and_names_unaltered(studio, shared):
    workshop, pages = shared
    hub = FacilitatorHub(studio, workshop)
    shown = page_text(hub) + page_text(pages[0])
    for text in [*AS_TYPED, *NAMES]:
        assert html.escape(text, quote=False) in shown or text in shown, text


def test_the_open_data_export_keeps_lines_exactly(studio, shared, db_url, tmp_path):
    workshop, _pages = shared
    data = load_workshop(workshop.code, db_url.removeprefix("sqlite:///"))
    tables = read_package(export_package(data, tmp_path / "package"))
    assert sorted(tables["entries"]["text"]) == sorted(AS_TYPED)
