"""`codesign report`: one self-contained HTML file, built with nbconvert, that needs no network."""

from __future__ import annotations

import re

import pytest

from codesign_widgets.cli.main import main

DISPLAY_NAMES = ["Amara (demo)", "Dr Lewis (demo)", "Nurse Kim (demo)",
                 "Priya, podiatrist (demo)", "Joe (demo)"]  # fmt: skip
# Anything a browser would fetch by itself: scripts, stylesheets, images, frames, CSS imports.
FETCHING = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*[\"']?(?!data:)([^\"'\s>]+)"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?!data:)([^\"'\s>]+)"
    r"|@import\s+(?:url\()?[\"']?(https?:[^\"')]+)"
    r"|url\(\s*[\"']?(https?:[^\"')]+)"
    r"|import\(\s*[\"'](https?:[^\"']+)",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def report(demo_report):
    return {**demo_report, "html": demo_report["path"].read_text(encoding="utf-8")}


def test_the_report_shows_goals_map_prototypes_and_equal_say(report):
    html = report["html"]
    assert "Diabetes foot care: redesigning the pathway (demo)" in html
    for heading in ("What matters: goals and priorities", "Who is involved", "Prototypes",
                    "Equal say"):  # fmt: skip
        assert heading in html
    assert "Foot check at the pharmacy" in html
    assert "Lived experience:" in html  # the equal-say sentences
    assert html.count("data:image/png;base64,") >= 10  # the charts, inside the file


def test_the_report_holds_no_code_and_no_error(report):
    html = report["html"]
    assert "load_workshop" not in html
    assert "Traceback" not in html
    assert "hl-ipython3" not in html  # no code cell is shown


def test_nothing_in_the_report_would_be_fetched_from_anywhere(report):
    assert FETCHING.findall(report["html"]) == []


def test_the_report_names_nobody(report):
    for name in DISPLAY_NAMES:
        assert name not in report["html"]


def test_building_the_report_shows_its_steps(report):
    assert [step for step, _total, _what in report["progress"]] == [1, 2, 3, 4]


def test_codesign_report_explains_a_wrong_code_and_exits_2(played_demo, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", "--db", str(played_demo["path"]), "--code", "ZZZZZZ",
                 "--out", str(out)]) == 2  # fmt: skip
    assert "No workshop has the code ZZZZZZ" in capsys.readouterr().err
    assert not out.exists()
