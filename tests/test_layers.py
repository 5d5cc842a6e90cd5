"""The layers hold: pure domain, SQL only in the store, lean participant kernels."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "codesign_widgets"
DOMAIN = ["errors.py", "workshop.py", "templates.py", "demo.py"]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_modules_never_import_widgets_or_sql(module):
    assert not imported_modules(PACKAGE / module) & {
        "ipywidgets",
        "anywidget",
        "sqlalchemy",
        "sqlite3",
    }


def test_only_the_store_speaks_sql():
    for path in PACKAGE.rglob("*.py"):
        if "store" in path.relative_to(PACKAGE).parts or path.name == "live.py":
            continue
        text = path.read_text()
        assert not imported_modules(path) & {"sqlalchemy", "sqlite3"}, path
        for keyword in ("SELECT ", "INSERT ", "UPDATE ", "CREATE TABLE"):
            assert keyword not in text, f"{keyword!r} in {path}"


def test_notebooks_only_import_configure_and_display():
    import nbformat

    for path in (PACKAGE.parent / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            assert not cell.get("outputs"), f"{path.name} has stored outputs"
            tree = ast.parse(cell.source)
            for node in ast.walk(tree):
                assert not isinstance(
                    node, ast.If | ast.For | ast.While | ast.FunctionDef | ast.ClassDef | ast.With
                ), f"logic in {path.name}"


def test_a_participant_page_imports_no_pandas_or_networkx(db_url, store, workshop):
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["CODESIGN_DB"] = {db_url!r}
        os.environ["QUERY_STRING"] = "code={workshop.code}"
        from codesign_widgets.apps import participant_app
        app = participant_app()
        assert type(app).__name__ == "ParticipantApp", app
        heavy = sorted({{"pandas", "networkx", "numpy", "segno"}} & set(sys.modules))
        hub = sorted(m for m in sys.modules if ".views.hub" in m)  # hub and its parts
        print(heavy, hub)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


def test_a_participant_kernel_holds_no_facilitator_key_or_other_people(store, created):
    from codesign_widgets.views.join import ParticipantApp

    workshop, key = created
    store.set_stage_state(workshop.id, "welcome", "open")
    other, _ = store.join(workshop.id, "Secret Sam", "provider", True)
    store.add_entry(other, "checkin", "note", "welcome", {"text": "Sam's private worry"})
    app = ParticipantApp(store, code=workshop.code)
    app.name_input.value = "Ann"
    app.perspective_input.value = "provider"
    app.consent_input.value = True
    app.join()
    states = repr([w.get_state() for w in _widget_tree(app)])
    assert "Ann" in states  # the walk does reach the participant's own data
    assert key not in states
    assert "Secret Sam" not in states
    assert "private worry" not in states


def _widget_tree(root):
    """Every widget reachable from ``root``: what its browser can ask the kernel for."""
    from ipywidgets import Widget

    seen, todo, found = set(), [root], []
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        found.append(w)
        for name in w.keys:
            value = getattr(w, name, None)
            values = value if isinstance(value, list | tuple) else [value]
            todo.extend(v for v in values if isinstance(v, Widget))
    return found


def top_level_imports(path: Path) -> set[str]:
    """Modules imported when ``path`` is imported (not inside functions)."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_goal_mapping_domain_is_pure_and_loads_pandas_only_when_asked():
    for module in ("goals.py", "goal_themes.py", "goal_summary.py"):
        assert not imported_modules(PACKAGE / module) & {
            "ipywidgets",
            "anywidget",
            "sqlalchemy",
            "pandas",
            "networkx",
        }, module
    for module in (
        "goals.py",
        "goal_themes.py",
        "goal_summary.py",
        "goal_analysis.py",
        "views/goals_participant.py",
    ):
        assert not top_level_imports(PACKAGE / module) & {"pandas", "networkx"}, module


def test_a_goal_mapping_phone_imports_no_pandas_or_networkx(db_url, store, workshop):
    store.set_current_stage(workshop.id, "goals")
    store.set_stage_state(workshop.id, "goals", "open")
    _p, token = store.join(workshop.id, "Ann", "lived_experience", True)
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["CODESIGN_DB"] = {db_url!r}
        os.environ["QUERY_STRING"] = "code={workshop.code}"
        os.environ["HTTP_COOKIE"] = "codesign_{workshop.code}={token}"
        from codesign_widgets.apps import goal_mapping_app
        app = goal_mapping_app()
        assert type(app.panel).__name__ == "GoalPanel", app.panel
        heavy = {{"pandas", "networkx", "numpy", "ipycytoscape", "segno"}} & set(sys.modules)
        hub = [
            m
            for m in sys.modules
            if ".views.hub" in m or m.endswith(("goals_hub", "goals_wall", "goals_controls"))
        ]
        print(sorted(heavy), hub)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


def test_scoring_domain_modules_never_import_widgets_or_sql():
    for module in ("criteria.py", "scoring.py", "scoring_results.py"):
        assert not imported_modules(PACKAGE / module) & {"ipywidgets", "sqlalchemy", "sqlite3"}
    # The participant side of scoring stays lean: no pandas even in the domain modules.
    for module in ("criteria.py", "scoring.py"):
        assert not imported_modules(PACKAGE / module) & {"pandas", "numpy", "bqplot"}, module


def test_a_participant_scoring_panel_imports_no_pandas_numpy_or_bqplot(db_url, store, workshop):
    """A phone on the scoring stage, in a revealed round with results shown, stays lean."""
    stage = store.scoring_stage(workshop.id)
    store.set_current_stage(workshop.id, stage)
    prototype = store.add_prototype(workshop.id, stage, "Walk-in clinic")
    store.set_criteria(workshop.id, stage, "impact_effort")
    store.open_round(workshop.id, stage)
    other, _ = store.join(workshop.id, "Other", "provider", True)
    round_id = store.rounds(workshop.id, stage)[-1].id
    store.save_scores(other, round_id, prototype, {"impact": 4, "effort": 2})
    me, token = store.join(workshop.id, "Me", "lived_experience", True)
    store.save_scores(me, round_id, prototype, {"impact": 5})
    store.close_round(workshop.id, stage)
    store.reveal_round(workshop.id, stage)
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["CODESIGN_DB"] = {db_url!r}
        os.environ["QUERY_STRING"] = "code={workshop.code}"
        os.environ["HTTP_COOKIE"] = "codesign_{workshop.code}={token}"
        from codesign_widgets.apps import prototype_scoring_app
        app = prototype_scoring_app()
        assert type(app.panel).__name__ == "ScoringPanel", app.panel
        assert "Walk-in clinic" in app.panel.results.value, app.panel.results.value
        heavy = sorted({{"pandas", "networkx", "numpy", "bqplot", "segno"}} & set(sys.modules))
        facilitator = sorted(
            m
            for m in sys.modules
            if ".views.hub" in m
            or m.endswith(
                ("scoring_hub", "scoring_results", "scoring_room", "scoring_prototypes",
                 "criteria_form")
            )
        )
        print(heavy, facilitator)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] []"
