"""Every workshop gets its results, report and notebook, whatever state it ended in."""

from __future__ import annotations

import inspect
import re

import nbformat
import pandas as pd
import pytest

from codesign_widgets.analysis.charts import Chart
from codesign_widgets.analysis.compare import (
    compare_prototypes,
    compare_services,
    compare_stakeholders,
    compare_themes,
)
from codesign_widgets.analysis.loaded_data import WorkshopData
from codesign_widgets.analysis.notebooks import notebook_path, with_parameters
from codesign_widgets.analysis.report import build_report
from codesign_widgets.analysis.workshop_data import load_database, load_workshop
from tests.analysis.states import HOSTILE_GOAL, STATES

#: Methods that need an argument, and the one each gets here.
ARGUMENTS = {"stage_keys": ("goal_mapping",), "only": None, "one": (),
             "report_section": ("prototype_scoring",)}  # fmt: skip
METHODS = sorted(
    name
    for name, value in vars(WorkshopData).items()
    if callable(value) and not name.startswith("_") and ARGUMENTS.get(name, ()) is not None
)


@pytest.fixture(scope="module", params=sorted(STATES))
def loaded(request, states):
    return request.param, load_workshop(states["codes"][request.param], states["path"])


@pytest.mark.parametrize("method", METHODS)
def test_every_method_works_in_every_state(loaded, method):
    """Nothing raises: an activity that did not happen is an empty result, and an empty table
    says why in words (``attrs["note"]``)."""
    _state, data = loaded
    result = getattr(data, method)(*ARGUMENTS.get(method, ()))
    if isinstance(result, pd.DataFrame) and result.empty and method not in ("overview",):
        assert result.attrs.get("note", "").endswith("."), method
    if isinstance(result, Chart):
        assert result.png.startswith(b"\x89PNG")
        assert result.alt
        assert len(repr(result)) < 200  # not 115 KB of PNG bytes


def test_every_public_method_is_in_the_matrix():
    public = {n for n, v in vars(WorkshopData).items() if callable(v) and not n.startswith("_")}
    assert public - set(METHODS) == {"only"}
    assert all(inspect.getdoc(getattr(WorkshopData, n)) for n in public)


def test_comparisons_take_a_file_with_workshops_in_every_state(states):
    everything = load_database(states["path"])
    codes = states["codes"]
    assert list(compare_stakeholders(everything).columns) == everything.codes
    assert compare_stakeholders(everything)[codes["no_ties"]].count() == 2
    assert compare_themes(everything)[codes["empty_map"]].isna().all()
    assert compare_services(everything).loc["District nurse", codes["care_planning"]] == 1
    assert compare_prototypes(everything)[codes["round_open"]].isna().all()


class _Reports(dict):
    """Each state's report, built the first time a test asks for it (a kernel each)."""

    def __init__(self, states, folder) -> None:
        super().__init__()
        self.states, self.folder = states, folder

    def __missing__(self, state: str) -> str:
        code = self.states["codes"][state]
        path = build_report(str(self.states["path"]), code, self.folder / f"{state}.html")
        self[state] = path.read_text(encoding="utf-8")
        return self[state]


@pytest.fixture(scope="module")
def reports(states, tmp_path_factory):
    return _Reports(states, tmp_path_factory.mktemp("reports"))


def _words(html: str) -> str:
    """The report without its pictures (base64 holds any letters, "NaN" included)."""
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)


@pytest.mark.parametrize("state", sorted(STATES))
def test_a_report_builds_in_every_state(reports, state):
    html = reports[state]
    assert "Traceback" not in html
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html  # no warning in it
    assert "codesign-section" in html or "No activity ran" in html


def test_the_report_of_a_partial_workshop_names_what_did_not_run(reports):
    assert "No activity ran in this workshop yet" in reports["new"]
    assert "Not run in this workshop (in the plan, never opened): goal mapping and " \
        "prototype scoring." in reports["demo"]  # fmt: skip
    assert "No scoring round was revealed in this workshop." in reports["round_open"]
    assert "Rounds held: round 1 open" in reports["round_open"]
    assert ("Not part of this workshop's plan: stakeholder map and prototype scoring."
            in reports["care_planning"])  # fmt: skip
    assert "No stakeholder was drawn on the map in this workshop." in reports["empty_map"]
    assert "Prototypes: scores, ranking and decisions" not in reports["new"]


def test_the_report_shows_hostile_text_literally_and_escaped(reports):
    html = reports["one_person"]
    assert HOSTILE_GOAL in html  # in words, under the charts and in the tables
    assert "<script>window.__pwned" not in html


def test_the_report_tables_are_for_people(reports):
    html = _words(reports["played"])
    assert "equal_say" not in html.replace("codesign-equal-say", "")
    assert "NaN" not in html
    assert "0.333333" not in html
    assert "Equal-say rank" in html


def test_the_analyst_notebook_runs_every_cell_in_every_state(states, tmp_path):
    """Run All, as an analyst would, on each state's workshop (one kernel for them all: the
    parameters cell is set anew and every cell runs again)."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook_path("analysis.ipynb"), as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    failed = {}
    with client.setup_kernel():
        for state, code in states["codes"].items():
            run = with_parameters(nb, code=code, db=str(states["path"]))
            client.nb = run
            for index, cell in enumerate(run.cells):
                client.execute_cell(cell, index, execution_count=index)
            errors = [o for c in run.cells for o in c.get("outputs", [])
                      if o.output_type == "error" or o.get("name") == "stderr"]  # fmt: skip
            if errors:
                failed[state] = errors
    assert failed == {}
