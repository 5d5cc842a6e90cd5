"""The open data package: CSV, GraphML, JSON and a Frictionless data dictionary that round-trips."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pandas as pd
import pytest

from codesign_widgets.analysis.open_data import export_package, from_spreadsheet, to_spreadsheet
from codesign_widgets.analysis.open_data_schema import TABLES
from codesign_widgets.analysis.workshop_data import load_package, load_workshop
from codesign_widgets.cli.main import main
from codesign_widgets.core.errors import InvalidInput

DISPLAY_NAMES = ["Amara (demo)", "Dr Lewis (demo)", "Nurse Kim (demo)",
                 "Priya, podiatrist (demo)", "Joe (demo)"]  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def data(played_demo):
    return load_workshop(played_demo["code"], played_demo["path"])


@pytest.fixture(scope="module")
def folder(data, tmp_path_factory):
    return export_package(data, tmp_path_factory.mktemp("export") / "package")


def _all_files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_package_holds_a_csv_per_table_graphml_maps_json_and_a_dictionary(folder):
    files = _all_files(folder)
    assert {f"data/{name}.csv" for name in TABLES} <= set(files)
    assert any(p.endswith("-stakeholders.graphml") for p in files)
    assert any(p.endswith("-goals-services.graphml") for p in files)
    assert {"datapackage.json", "workshop.json", "equal_say.json", "README.txt"} <= set(files)


def test_an_exported_package_loads_back_into_equal_dataframes(data, folder, tmp_path):
    for package in (folder, export_package(data, tmp_path / "package", as_zip=True)):
        back = load_package(package)
        for name in TABLES:
            pd.testing.assert_frame_equal(back.tables[name], data.tables[name], obj=name)
        # ... and into the same results.
        pd.testing.assert_frame_equal(back.ranking(), data.ranking())
        assert back.equal_say() == data.equal_say()


def test_the_data_dictionary_validates_against_the_files(folder):
    """Frictionless checks every file against its schema: types, keys, foreign keys."""
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:10]


def test_every_csv_header_is_its_schema_and_every_column_is_described(folder):
    descriptor = json.loads((folder / "datapackage.json").read_text())
    tabular = [r for r in descriptor["resources"] if r.get("format") == "csv"]
    assert {r["name"] for r in tabular} == set(TABLES)
    for resource in tabular:
        fields = resource["schema"]["fields"]
        with (folder / resource["path"]).open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in fields], resource["name"]
        assert all(f["description"] and f["type"] for f in fields)
    for resource in descriptor["resources"]:
        assert (folder / resource["path"]).is_file()


def test_spreadsheet_formulas_are_neutralised_in_every_text_cell(folder):
    descriptor = json.loads((folder / "datapackage.json").read_text())
    seen_formula = False
    for resource in descriptor["resources"]:
        if resource.get("format") != "csv":
            continue
        text = {f["name"] for f in resource["schema"]["fields"] if f["type"] == "string"}
        with (folder / resource["path"]).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for column in text:
                    assert not row[column].startswith(FORMULA_START), (resource["name"], row)
                    seen_formula |= row[column].startswith("'=HYPERLINK")
    assert seen_formula  # the demo's formula-like goal was there, and was neutralised


@pytest.mark.parametrize("text", ["=1+1", "+44 7700", "-x", "@me", "'quoted", "plain", "''"])
def test_the_formula_escape_is_undone_exactly(text):
    assert from_spreadsheet(to_spreadsheet(text)) == text


def test_no_display_name_appears_in_any_file_of_the_folder_or_zip(data, folder, tmp_path):
    archive = export_package(data, tmp_path / "names", as_zip=True)
    with zipfile.ZipFile(archive) as z:
        zipped = {n: z.read(n) for n in z.namelist()}
    for files in (_all_files(folder), zipped, {"zip": archive.read_bytes()}):
        for path, content in files.items():
            for name in DISPLAY_NAMES:
                assert name.encode() not in content, (path, name)
                assert name.encode("utf-16-le") not in content, (path, name)


def test_withdrawn_and_hidden_items_are_marked_not_dropped(folder):
    goals = pd.read_csv(folder / "data/goals.csv", dtype=str, keep_default_na=False)
    assert "withdrawn" in set(goals["status"])
    assert "true" in set(goals["hidden"])
    ties = pd.read_csv(folder / "data/ties.csv", dtype=str, keep_default_na=False)
    assert "withdrawn" in set(ties["status"])


def test_an_existing_folder_is_never_overwritten(data, folder):
    with pytest.raises(InvalidInput, match="not empty"):
        export_package(data, folder)


def test_codesign_export_prints_progress_and_writes_a_zip(played_demo, tmp_path, capsys):
    out = tmp_path / "workshop.zip"
    assert main(["export", "--db", str(played_demo["path"]), "--code", played_demo["code"],
                 "--out", str(out), "--zip"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert f"[1/{len(TABLES) + 4}] writing data/workshops.csv" in printed
    assert "replaced by P-codes" in printed
    assert zipfile.is_zipfile(out)
    data = load_package(out)
    assert data.codes == [played_demo["code"]]


def test_codesign_export_with_names_keeps_them_and_says_so(played_demo, tmp_path, capsys):
    out = tmp_path / "named"
    assert main(["export", "--db", str(played_demo["path"]), "--code", played_demo["code"],
                 "--out", str(out), "--names"]) == 0  # fmt: skip
    assert "do not share" in capsys.readouterr().out
    assert b"Nurse Kim (demo)" in (out / "data/participants.csv").read_bytes()


def test_codesign_export_explains_a_wrong_code_and_exits_2(played_demo, tmp_path, capsys):
    assert main(["export", "--db", str(played_demo["path"]), "--code", "ZZZZZZ",
                 "--out", str(tmp_path / "x")]) == 2  # fmt: skip
    assert "No workshop has the code ZZZZZZ" in capsys.readouterr().err


def test_workshop_json_holds_the_same_rows(folder, data):
    records = json.loads((folder / "workshop.json").read_text())
    assert {name: len(rows) for name, rows in records.items()} == {
        name: len(frame) for name, frame in data.tables.items()
    }
    assert io.BytesIO((folder / "equal_say.json").read_bytes()).read()
