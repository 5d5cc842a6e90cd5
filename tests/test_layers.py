"""The layers hold: pure domain, SQL only in the store, lean participant kernels."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.widget_messages import widget_tree

PACKAGE = Path(__file__).resolve().parent.parent / "codesign_widgets"
ACTIVITIES = ("goals", "network", "scoring")

#: What each part of the package may import from the package: imports flow one way,
#: core <- store <- live <- ui <- each activity <- room <- studio/apps <- cli. Activities never
#: import each other; serving imports only the core and the HTML join form (quick_join, which
#: joins through the studio's store); analysis reads the activities' tables.
BELOW = {
    "core": set(),
    "store": {"core"},
    "live": {"core", "store"},
    "ui": {"core", "store", "live"},
    **{activity: {"core", "store", "live", "ui"} for activity in ACTIVITIES},
    "room": {"core", "store", "live", "ui", *ACTIVITIES},
    "studio": {"core", "store", *ACTIVITIES},
    "analysis": {"core", "store", "studio", *ACTIVITIES},
    "quick_join": {"core", "store", "studio"},
    "serving": {"core", "quick_join"},
    "apps": {"core", "store", "live", "ui", *ACTIVITIES, "room", "studio", "serving"},
    "cli": {"core", "store", "studio", "analysis", "serving", *ACTIVITIES},
}


def part_of(module: str) -> str:
    """``codesign_widgets.goals.panel`` -> ``goals``; ``codesign_widgets.live`` -> ``live``."""
    return module.split(".")[1] if module.count(".") else ""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of the import nodes under ``if TYPE_CHECKING:`` (annotations, not dependencies)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            ids |= {id(n) for n in ast.walk(node)}
    return ids


def package_imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports, at the top or inside functions."""
    tree = ast.parse(path.read_text())
    skip = _type_checking_only(tree)
    here = module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("codesign_widgets")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("codesign_widgets"):
                found.add(target)
    return found


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules_of(part: str) -> list[Path]:
    folder = PACKAGE / part
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{part}.py"]


@pytest.mark.parametrize("part", sorted(BELOW))
def test_imports_flow_one_way(part):
    """A part imports only itself and the parts below it."""
    allowed = BELOW[part] | {part, ""}
    wrong = [
        f"{module_name(path)} imports {target}"
        for path in modules_of(part)
        for target in package_imports(path)
        if part_of(target) not in allowed
    ]
    assert not wrong, "\n".join(wrong)


def test_every_module_belongs_to_a_part():
    """A new folder or top-level module gets its place in the layers before it lands."""
    parts = {part_of(module_name(p)) for p in PACKAGE.rglob("*.py")} - {""}
    assert parts <= set(BELOW), parts - set(BELOW)


def test_no_module_imports_another_modules_private_names():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (
                node.level or "codesign" in (node.module or "")
            ):
                wrong += [
                    f"{path.name}: {a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert not wrong, wrong


def _top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for tgt in targets for n in ast.walk(tgt) if isinstance(n, ast.Name)}
    return names


def test_names_are_imported_from_their_home():
    """No module passes on names it imported (no re-export shims): importers use the home.
    A package's ``__init__`` may name its public parts."""
    root = PACKAGE.parent
    wrong = []
    for folder in ("codesign_widgets", "tests", "benchmarks"):
        for path in (root / folder).rglob("*.py"):
            here = module_name(path).split(".") if folder == "codesign_widgets" else []
            if here and path.name != "__init__.py":
                here = here[:-1]
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.ImportFrom):
                    continue
                if node.level:
                    base = here[: len(here) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                home = root.joinpath(*target.split(".")).with_suffix(".py")
                if not target.startswith("codesign_widgets") or not home.is_file():
                    continue
                defined = _top_level_names(home)
                wrong += [
                    f"{path.name}: {target}.{a.name}" for a in node.names if a.name not in defined
                ]
    assert not wrong, wrong


@pytest.mark.parametrize("part", ["core", *ACTIVITIES])
def test_the_domain_never_imports_widgets_or_sql(part):
    """The core and each activity's model are pure: views and store parts are named as such."""
    views_and_store = (
        "panel",
        "card_form",
        "criterion_row",
        "hub",
        "wall",
        "controls",
        "map_view",
        "map_style",
        "tools",
        "reports",
        "criteria_form",
        "criteria_tab",
        "prototypes_tab",
        "rounds_tab",
        "room_tab",
        "results_panel",
        "results_charts",
        "results_tables",
        "store",
    )
    for path in modules_of(part):
        if path.stem.startswith(views_and_store):
            continue
        assert not imported_modules(path) & {
            "ipywidgets",
            "anywidget",
            "ipycytoscape",
            "sqlalchemy",
            "sqlite3",
        }, path


def test_only_the_store_speaks_sql():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "store" or path.stem.startswith("store") or path.name == "live.py":
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


def test_a_participant_page_imports_no_pandas_or_networkx(db_url, studio, workshop):
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["CODESIGN_DB"] = {db_url!r}
        os.environ["QUERY_STRING"] = "code={workshop.code}"
        from codesign_widgets.apps import participant_app
        app = participant_app()
        assert type(app).__name__ == "ParticipantApp", app
        heavy = {{"pandas", "networkx", "numpy", "scipy", "segno", "openpyxl", "defusedxml"}}
        heavy = sorted(heavy & set(sys.modules))
        hub = sorted(m for m in sys.modules if ".room.hub" in m)  # hub and its parts
        print(heavy, hub)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


def test_a_participant_kernel_holds_no_facilitator_key_or_other_people(studio, created):
    from codesign_widgets.room.join import ParticipantApp

    workshop, key = created
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    other, _ = studio.people.join(workshop.id, "Secret Sam", "provider", True)
    studio.entries.add(other, "checkin", "note", "welcome", {"text": "Sam's private worry"})
    app = ParticipantApp(studio, code=workshop.code)
    app.join_form.name_input.value = "Ann"
    app.join_form.perspective_input.value = "provider"
    app.join_form.consent_input.value = True
    app.join()
    states = repr([w.get_state() for w in widget_tree(app)])
    assert "Ann" in states  # the walk does reach the participant's own data
    assert key not in states
    assert "Secret Sam" not in states
    assert "private worry" not in states


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
    for module in ("cards.py", "themes.py", "summary.py"):
        assert not imported_modules(PACKAGE / "goals" / module) & {
            "ipywidgets",
            "anywidget",
            "sqlalchemy",
            "pandas",
            "networkx",
        }, module
    for module in ("cards.py", "themes.py", "summary.py", "frames.py", "panel.py", "card_form.py"):
        assert not top_level_imports(PACKAGE / "goals" / module) & {"pandas", "networkx"}, module


def test_a_goal_mapping_phone_imports_no_pandas_or_networkx(db_url, studio, workshop):
    studio.workshops.set_current_stage(workshop.id, "goals")
    studio.workshops.set_stage_state(workshop.id, "goals", "open")
    _p, token = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["CODESIGN_DB"] = {db_url!r}
        os.environ["QUERY_STRING"] = "code={workshop.code}"
        os.environ["HTTP_COOKIE"] = "codesign_{workshop.code}={token}"
        from codesign_widgets.apps import goal_mapping_app
        app = goal_mapping_app()
        assert type(app.stage_view.panel).__name__ == "GoalPanel", app.stage_view.panel
        heavy = {{"pandas", "networkx", "numpy", "ipycytoscape", "segno"}} & set(sys.modules)
        hub = [
            m
            for m in sys.modules
            if ".room.hub" in m or m.endswith(("goals.hub", "goals.wall", "goals.controls"))
        ]
        print(sorted(heavy), hub)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


def test_scoring_domain_modules_never_import_widgets_or_sql():
    for module in ("criteria.py", "model.py", "results.py"):
        path = PACKAGE / "scoring" / module
        assert not imported_modules(path) & {"ipywidgets", "sqlalchemy", "sqlite3"}
    # The participant side of scoring stays lean: no pandas even in the domain modules.
    for module in ("criteria.py", "model.py"):
        path = PACKAGE / "scoring" / module
        assert not imported_modules(path) & {"pandas", "numpy", "bqplot"}, module


def test_a_participant_scoring_panel_imports_no_pandas_numpy_or_bqplot(db_url, studio, workshop):
    """A phone on the scoring stage, in a revealed round with results shown, stays lean."""
    stage = studio.scoring.prototypes.scoring_stage(workshop.id)
    studio.workshops.set_current_stage(workshop.id, stage)
    prototype = studio.scoring.prototypes.add_prototype(workshop.id, stage, "Walk-in clinic")
    studio.scoring.rounds.set_criteria(workshop.id, stage, "impact_effort")
    studio.scoring.rounds.open_round(workshop.id, stage)
    other, _ = studio.people.join(workshop.id, "Other", "provider", True)
    round_id = studio.scoring.rounds.rounds(workshop.id, stage)[-1].id
    studio.scoring.scores.save_scores(other, round_id, prototype, {"impact": 4, "effort": 2})
    me, token = studio.people.join(workshop.id, "Me", "lived_experience", True)
    studio.scoring.scores.save_scores(me, round_id, prototype, {"impact": 5})
    studio.scoring.rounds.close_round(workshop.id, stage)
    studio.scoring.rounds.reveal_round(workshop.id, stage)
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["CODESIGN_DB"] = {db_url!r}
        os.environ["QUERY_STRING"] = "code={workshop.code}"
        os.environ["HTTP_COOKIE"] = "codesign_{workshop.code}={token}"
        from codesign_widgets.apps import prototype_scoring_app
        app = prototype_scoring_app()
        panel = app.stage_view.panel
        assert type(panel).__name__ == "ScoringPanel", panel
        assert "Walk-in clinic" in panel.results.value, panel.results.value
        heavy = sorted({{"pandas", "networkx", "numpy", "bqplot", "segno"}} & set(sys.modules))
        facilitator = sorted(
            m
            for m in sys.modules
            if ".room.hub" in m
            or m.endswith(
                ("scoring.hub", "scoring.results_panel", "scoring.room_tab",
                 "scoring.prototypes_tab", "scoring.criteria_form", "scoring.results",
                 "scoring.results_charts", "scoring.results_tables", "scoring.rounds_tab",
                 "scoring.criteria_tab")
            )
        )
        print(heavy, facilitator)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] []"
