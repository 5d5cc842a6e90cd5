"""Hostile text through the open data export and the report: it comes out as text.

The played demo gets hostile display names, check-in lines, shared goal cards and
stakeholder names on top. The export's CSV cells never start a formula and load back equal;
the report (built once for the module: it runs a kernel) holds the escaped text and no
element, attribute or link that would run it.
"""

from __future__ import annotations

import csv
import html
import io
from html.parser import HTMLParser

import pytest

from codesign_widgets.core.errors import CodesignError
from codesign_widgets.core.workshop import MAX_DISPLAY_NAME, MAX_NOTE, StageState, clean_text
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.studio import Studio
from tests.hostile import HOSTILE, near_limit

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NAMES = [near_limit(MAX_DISPLAY_NAME), "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd"]
NOTES = [*HOSTILE, near_limit(MAX_NOTE)]
STAKEHOLDERS = [
    "<img src=y onerror=window.__pwned=1>",
    "<script>window.__pwned = 2</script>",
    "-stakeholder+formula",
    near_limit(80, '<a href="javascript:window.__pwned=1">x</a>'),
]
GOAL = near_limit(500, "<svg onload=window.__pwned=1>")


def stored(text: str, limit: int) -> str:
    """The text as the store keeps it (controls and bidi overrides dropped)."""
    return clean_text(text, what="text", max_length=limit)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    from codesign_widgets.cli.demo import create_demo
    from codesign_widgets.cli.demo_played import play_demo

    path = tmp_path_factory.mktemp("hostile") / "studio.db"
    url = f"sqlite:///{path}"
    studio = Studio.open(url)
    try:
        code, _key = create_demo(studio)
        play_demo(studio, code)
        workshop = studio.workshops.by_code(code)
        for stage in ("welcome", "goals", "network"):
            studio.workshops.set_stage_state(workshop.id, stage, StageState.OPEN)
        studio.workshops.set_current_stage(workshop.id, "welcome")
        joined = [studio.people.join(workshop.id, n, "lived_experience", True) for n in NAMES]
        people = [p for p, _token in joined]
        # Lines go in as a phone shares them: through the participant page.
        pages = [ParticipantApp(studio, code=code, token=token) for _p, token in joined]
        for i, note in enumerate(NOTES):
            page = pages[i % len(pages)]
            page.checkin.note_input.value = note
            assert page.checkin.share_note(), page.notice.value
        studio.goals.cards.add_goal_card(
            people[0],
            "goals",
            {"what_matters": HOSTILE[1], "goal": GOAL, "theme": "=1+1", "visibility": "shared"},
        )
        for name in STAKEHOLDERS:
            studio.network.edits.add_stakeholder(
                people[1], "network", name, "person", "", HOSTILE[0], 5, 5
            )
        for stage in ("welcome", "goals", "network"):
            studio.workshops.set_stage_state(workshop.id, stage, StageState.LOCKED)
    except CodesignError:
        studio.close()
        raise
    studio.close()
    return {"path": path, "url": url, "code": code}


@pytest.fixture(scope="module")
def package(hostile_db, tmp_path_factory):
    from codesign_widgets.analysis.open_data import export_package
    from codesign_widgets.analysis.workshop_data import load_workshop

    data = load_workshop(hostile_db["code"], hostile_db["path"], names=True)
    return export_package(data, tmp_path_factory.mktemp("export") / "package")


@pytest.fixture(scope="module")
def report(hostile_db, tmp_path_factory):
    from codesign_widgets.analysis.report import build_report

    out = tmp_path_factory.mktemp("report") / "report.html"
    return build_report(hostile_db["url"], hostile_db["code"], out).read_text()


def csv_cells(folder):
    for path in sorted((folder / "data").glob("*.csv")):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                yield path.name, cell


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_csv_cell_starts_a_formula(package):
    cells = list(csv_cells(package))
    assert any("__pwned" in cell for _name, cell in cells)  # the hostile text is there
    for name, cell in cells:
        if cell.startswith(FORMULA_START):
            assert is_number(cell), (name, cell)
    assert "'+SUM(1,2)" in {cell for _name, cell in cells}


def test_hostile_text_loads_back_equal(package):
    from codesign_widgets.analysis.open_data import read_package

    tables = read_package(package)
    texts = {
        str(value)
        for frame in tables.values()
        for column in frame.columns
        if frame[column].dtype == object or str(frame[column].dtype).startswith("str")
        for value in frame[column].dropna()
    }
    for note in NOTES:
        assert stored(note, MAX_NOTE) in texts, note
    for name in STAKEHOLDERS:
        assert stored(name, 80) in texts, name
    for name in NAMES:
        assert stored(name, MAX_DISPLAY_NAME) in texts, name
    assert stored(GOAL, 500) in texts


class _Tags(HTMLParser):
    """Collects what would run: script bodies, event attributes, javascript: links, frames."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_script = False
        self.scripts: list[str] = []
        self.running: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.in_script = tag == "script"
        if tag in ("iframe", "embed", "object"):
            self.running.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "__pwned" in value:
                self.running.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and value.startswith("javascript"):
                self.running.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.scripts.append(data)


def test_the_report_shows_hostile_text_escaped_and_runs_none_of_it(report):
    assert "<script>window.__pwned" not in report
    assert html.escape("<img src=y onerror=window.__pwned=1>", quote=False) in report
    assert "&lt;script&gt;window.__pwned = 2&lt;/script&gt;" in report
    parser = _Tags()
    parser.feed(report)
    assert parser.running == []
    assert not [s for s in parser.scripts if "__pwned" in s]


def test_the_cli_export_writes_the_same_safe_cells(hostile_db, tmp_path):
    from codesign_widgets.cli.main import main

    out = tmp_path / "cli-package"
    args = ["export", "--code", hostile_db["code"], "--db", hostile_db["url"], "--out", str(out)]
    assert main([*args, "--names"]) == 0
    assert any("__pwned" in cell for _name, cell in csv_cells(out))
    for name, cell in csv_cells(out):
        if cell.startswith(FORMULA_START):
            assert is_number(cell), (name, cell)
