"""`codesign map import` and `codesign map export`: the preview first, a write only when asked,
every export format, and a workshop file from before the attribute table upgraded in place."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from codesign_widgets.cli.main import main
from codesign_widgets.core.errors import StoreUnavailable
from codesign_widgets.store import schema
from codesign_widgets.store.engine import Database
from codesign_widgets.studio import Studio

DATA = Path(__file__).parent.parent / "data" / "networks"
LES_MIS = str(DATA / "gephi-les-miserables.gexf")


@pytest.fixture
def workshop_file(tmp_path):
    path = tmp_path / "studio.db"
    studio = Studio.open(f"sqlite:///{path}")
    workshop, _key = studio.workshops.create("Foot care", "codesign_day")
    studio.close()
    return str(path), workshop.code


def stakeholders(path: str, code: str) -> int:
    studio = Studio.open(f"sqlite:///{path}", create=False)
    try:
        workshop = studio.workshops.by_code(code)
        return len(studio.network.maps.network_map(workshop.id, "network").stakeholders)
    finally:
        studio.close()


def test_a_dry_run_prints_the_preview_and_writes_nothing(workshop_file, capsys):
    path, code = workshop_file
    assert main(["map", "import", LES_MIS, "--db", path, "--code", code, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "77 stakeholders, 254 ties from GEXF 1.3 (Gephi 0.8.1)." in out
    assert "scaled by thirds" in out
    assert "Dry run: nothing was written." in out
    assert stakeholders(path, code) == 0


def test_import_asks_first_and_writes_only_on_yes(workshop_file, capsys, monkeypatch):
    path, code = workshop_file
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert main(["map", "import", LES_MIS, "--db", path, "--code", code]) == 1
    assert "Nothing was written." in capsys.readouterr().out
    assert stakeholders(path, code) == 0
    monkeypatch.setattr("builtins.input", lambda _prompt: "y")
    assert main(["map", "import", LES_MIS, "--db", path, "--code", code]) == 0
    assert "Imported 77 stakeholders and 254 ties" in capsys.readouterr().out
    assert stakeholders(path, code) == 77
    # Again, linking names already on the map: nothing is added twice.
    argv = ["map", "import", LES_MIS, "--db", path, "--code", code, "--link-existing", "--yes"]
    assert main(argv) == 0
    assert "Imported 0 stakeholders and 0 ties (77 linked" in capsys.readouterr().out
    assert stakeholders(path, code) == 77


def test_strength_choices_from_the_command_line(workshop_file, capsys):
    path, code = workshop_file
    argv = ["map", "import", LES_MIS, "--db", path, "--code", code, "--dry-run"]
    assert main([*argv, "--strength", "-"]) == 0
    assert "Every tie gets strength 1" in capsys.readouterr().out
    assert main([*argv, "--strength-scale", "as_is"]) == 2
    assert "has values other than 1, 2 and 3" in capsys.readouterr().err
    assert main([*argv, "--default-tie-type", "care"]) == 0
    assert "254 ties have no type in the file and become 'Care / support'" in (
        capsys.readouterr().out
    )
    assert main([*argv, "--default-tie-type", "gossip"]) == 2
    assert "need one of this map's tie types: information, money" in capsys.readouterr().err


def test_every_export_format_writes_a_file_its_tool_reads(workshop_file, tmp_path, capsys):
    path, code = workshop_file
    main(["map", "import", LES_MIS, "--db", path, "--code", code, "--yes"])
    outputs = {}
    for fmt in ("graphml", "gexf", "json", "kumu-xlsx", "kumu-json"):
        out = tmp_path / f"map.{fmt}"
        assert (
            main(
                ["map", "export", "--db", path, "--code", code, "--format", fmt, "--out", str(out)]
            )
            == 0
        )
        outputs[fmt] = out.read_bytes()
    gexf = nx.read_gexf(io.BytesIO(outputs["gexf"]))
    assert (gexf.number_of_nodes(), gexf.number_of_edges()) == (77, 254)
    assert not gexf.is_directed()
    assert max(d["weight"] for _u, _v, d in gexf.edges(data=True)) == 31.0
    graphml = nx.parse_graphml(outputs["graphml"].decode())
    assert {d["label"] for _n, d in graphml.nodes(data=True)} >= {"Myriel", "Valjean"}
    assert max(d["weight"] for _u, _v, d in graphml.edges(data=True)) == 31.0
    assert nx.node_link_graph(json.loads(outputs["json"]), edges="links").number_of_nodes() == 77
    assert len(json.loads(outputs["kumu-json"])["connections"]) == 254
    assert zipfile.is_zipfile(io.BytesIO(outputs["kumu-xlsx"]))


def test_a_bad_file_or_path_is_one_line_and_exit_code_2(workshop_file, capsys, tmp_path):
    path, code = workshop_file
    assert main(["map", "import", str(tmp_path / "nope.gexf"), "--db", path, "--code", code]) == 2
    assert "There is no file" in capsys.readouterr().err
    bad = tmp_path / "cut.graphml"
    bad.write_bytes(b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph><node')
    assert main(["map", "import", str(bad), "--db", path, "--code", code, "--yes"]) == 2
    err = capsys.readouterr().err
    assert "cut short" in err
    assert "Nothing was imported" in err
    assert err.count("\n") == 1


def test_a_file_from_before_the_attribute_table_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    Studio.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:  # what schema 1 looked like
        conn.execute("DROP TABLE network_attributes")
        conn.execute("UPDATE schema_info SET version = 1")
    with pytest.raises(StoreUnavailable, match="codesign upgrade"):
        Studio.open(f"sqlite:///{path}")
    old, new, _backup = Database.upgrade(f"sqlite:///{path}")
    assert (old, new) == (1, schema.SCHEMA_VERSION)
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "network_attributes" in tables


def test_a_strength_column_scaled_by_thirds_is_described_once_and_never_as_strength_1(
    workshop_file, capsys
):
    path, code = workshop_file
    d3 = str(DATA / "d3-vega-datasets-miserables.json")
    args = ["map", "import", d3, "--db", path, "--code", code, "--strength", "value"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "scaled by thirds" in out
    assert "Every tie gets strength 1" not in out
