"""Open data: GraphML, GEXF, Kumu CSV and JSON out and back in; hostile files refused."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx
import pytest

from codesign_widgets.core.errors import InvalidInput
from codesign_widgets.network.file_export import export_network
from codesign_widgets.network.file_import import MAX_IMPORT_BYTES, read_network
from codesign_widgets.network.graph import build_graph
from codesign_widgets.network.model import NetworkMap, NetworkSettings, Rating, Stakeholder, Tie

SETTINGS = NetworkSettings()
PERSPECTIVES = {"lived_experience": "lived_experience", "Lived experience": "lived_experience",
                "provider": "provider", "system": "system"}  # fmt: skip
SUFFIX = {"graphml": "graphml", "gexf": "gexf", "json": "json", "kumu": "zip"}


@pytest.fixture
def drawn():
    """Patient -> GP (referral, 2), GP <-> ICB (money, both, 3), ICB - Carer (conflict, none)."""
    net = NetworkMap(
        stakeholders=(
            Stakeholder(1, "Patient <b>", "person", "lived_experience", "Be heard", 1,
                        "lived_experience", "participant"),
            Stakeholder(2, "GP", "service", "provider", "", 1, "provider", "participant"),
            Stakeholder(3, "=ICB()", "organisation", "system", "Balance the books", 2, "system",
                        "participant"),
            Stakeholder(4, "Carer", "person", "lived_experience", "", 2, "system", "participant"),
        ),
        ties=(
            Tie(10, 1, 2, "referral", "forward", 2, 1, "lived_experience", "participant"),
            Tie(11, 2, 3, "money", "both", 3, 1, "provider", "participant"),
            Tie(12, 3, 4, "conflict", "none", 1, 2, "system", "participant"),
        ),
        ratings=(Rating(3, 1, "system", 9, 4, 1.0), Rating(1, 1, "lived_experience", 2, 10, 1.0)),
    )  # fmt: skip
    return build_graph(net)


def shape(imported):
    names = [s["name"] for s in imported.stakeholders]
    ties = sorted(
        (names[t["source"]], names[t["target"]], t["type"], t["direction"], t["strength"])
        for t in imported.ties
    )
    return names, ties


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "kumu"])
def test_a_map_survives_a_round_trip(drawn, fmt):
    data = export_network(drawn, fmt, SETTINGS)
    imported = read_network([(f"map.{SUFFIX[fmt]}", data)], SETTINGS, PERSPECTIVES)
    names, ties = shape(imported)
    assert sorted(names) == ["=ICB()", "Carer", "GP", "Patient <b>"]
    assert ties == [
        ("=ICB()", "Carer", "conflict", "none", 1),
        ("GP", "=ICB()", "money", "both", 3),
        ("Patient <b>", "GP", "referral", "forward", 2),
    ]
    by_name = {s["name"]: s for s in imported.stakeholders}
    assert by_name["=ICB()"]["influence"] == 9
    assert by_name["=ICB()"]["interest"] == 4
    assert by_name["=ICB()"]["kind"] == "organisation"
    assert by_name["=ICB()"]["perspective"] == "system"
    assert by_name["Patient <b>"]["goals"] == "Be heard"
    assert by_name["GP"]["influence"] is None
    assert imported.notes == []


def test_kumu_export_uses_kumus_columns_and_defuses_formulas(drawn):
    archive = zipfile.ZipFile(io.BytesIO(export_network(drawn, "kumu", SETTINGS)))
    elements = list(csv.reader(io.StringIO(archive.read("elements.csv").decode())))
    connections = list(csv.reader(io.StringIO(archive.read("connections.csv").decode())))
    assert elements[0][:4] == ["Label", "Type", "Description", "Tags"]
    assert connections[0][:3] == ["From", "To", "Type"]
    assert elements[3][:2] == ["'=ICB()", "organisation"]
    assert connections[1][:4] == ["Patient <b>", "GP", "Referral", "directed"]


def test_graphml_and_gexf_open_in_networkx_as_they_are(drawn):
    graphml = nx.parse_graphml(export_network(drawn, "graphml", SETTINGS).decode())
    assert graphml.nodes["s1"]["label"] == "Patient <b>"
    assert graphml.nodes["s3"]["influence"] == 9.0
    gexf = nx.read_gexf(io.BytesIO(export_network(drawn, "gexf", SETTINGS)))
    assert {d["label"] for _n, d in gexf.nodes(data=True)} >= {"GP", "Carer"}


def test_json_lists_the_tie_types_it_uses(drawn):
    data = json.loads(export_network(drawn, "json", SETTINGS))
    assert data["format"] == "codesign-network"
    assert "conflict" in {t["key"] for t in data["tie_types"]}
    assert len(data["stakeholders"]) == 4


def test_a_plain_networkx_graph_made_elsewhere_imports():
    """No labels, no types, undirected: names come from ids, ties have no direction."""
    g = nx.karate_club_graph()
    text = "\n".join(nx.generate_graphml(g))
    imported = read_network([("karate.graphml", text.encode())], SETTINGS)
    assert len(imported.stakeholders) == 34
    assert len(imported.ties) == 78
    assert {t["direction"] for t in imported.ties} == {"none"}
    assert imported.stakeholders[0]["name"] == "0"


def test_node_link_json_from_networkx_imports():
    data = nx.node_link_data(nx.path_graph(3), edges="links")
    imported = read_network([("path.json", json.dumps(data).encode())], SETTINGS)
    assert len(imported.stakeholders) == 3
    assert len(imported.ties) == 2


def test_kumu_csv_pair_with_repeats_self_ties_and_unknown_names():
    elements = "Label,Type,Description,Tags\nGP,Service,,provider\ngp ,,,\nPharmacy,Shop,,\n"
    connections = (
        "From,To,Type,Direction\nGP,Pharmacy,Referral,directed\nGP,GP,Referral,directed\n"
        "GP,Pharmacy,Referral,directed\nPharmacy,Council,Data sharing,mutual\n"
    )
    imported = read_network(
        [("elements.csv", elements.encode()), ("connections.csv", connections.encode())],
        SETTINGS,
        PERSPECTIVES,
    )
    names, ties = shape(imported)
    assert names == ["GP", "Pharmacy", "Council"]
    assert imported.stakeholders[0]["perspective"] == "provider"
    assert ties == [
        ("GP", "Pharmacy", "referral", "forward", 1),
        ("Pharmacy", "Council", "new:Data sharing", "both", 1),
    ]
    assert imported.new_tie_types == ["Data sharing"]
    notes = " ".join(imported.notes)
    for expected in ["1 repeated names", "1 stakeholders named only in ties", "1 ties from a",
                     "1 repeated ties", "1 stakeholders of an unknown kind"]:  # fmt: skip
        assert expected in notes


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">
<node id="&lol3;"/></graph></graphml>"""


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.graphml", BOMB, "DOCTYPE or ENTITY"),
        ("bomb.gexf", BOMB.replace(b"graphml", b"gexf"), "DOCTYPE or ENTITY"),
        ("external.graphml", b'<!doctype x SYSTEM "file:///etc/passwd"><x/>', "DOCTYPE"),
        ("broken.graphml", b"<graphml><graph><node id='a'></graph>", "not well-formed"),
        ("empty.graphml", b"", "not well-formed"),
        ("latin1.graphml", "<graphml>caf\xe9</graphml>".encode("latin-1"), "not UTF-8"),
        ("nodes.graphml", b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"/>',
         "not a graph"),
        ("map.json", b"{not json", "not valid JSON"),
        ("map.json", b"[1, 2]", "not a map"),
        ("map.json", b'{"stakeholders": [{"name": "A"}], "ties": [{"from": 1, "to": 9}]}',
         "does not name two"),
        ("map.zip", b"PK not really", "not a readable zip"),
        ("map.docx", b"...", "use a .graphml"),
        ("long.csv", ("Label\n" + "x" * 10_000 + "\n").encode(), "long.csv line 2"),
        ("none.csv", b"Label\n", "no stakeholders"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_with_a_sentence_and_nothing_imported(name, data, message):
    with pytest.raises(InvalidInput, match=message) as caught:
        read_network([(name, data)], SETTINGS)
    assert "Nothing was imported" in str(caught.value)


def test_a_huge_file_is_refused_before_it_is_parsed():
    data = b"<graphml>" + b" " * MAX_IMPORT_BYTES + b"</graphml>"
    with pytest.raises(InvalidInput, match="MB can be imported"):
        read_network([("huge.graphml", data)], SETTINGS)


def test_a_zip_that_unpacks_too_large_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("elements.csv", b"Label\n" + b"a" * (MAX_IMPORT_BYTES + 1))
    with pytest.raises(InvalidInput, match="unpack to more than"):
        read_network([("bomb.zip", buffer.getvalue())], SETTINGS)


def test_a_ten_thousand_character_name_in_graphml_is_refused_with_its_place():
    g = nx.Graph()
    g.add_node("a", label="x" * 10_000)
    text = "\n".join(nx.generate_graphml(g))
    with pytest.raises(InvalidInput, match="stakeholder 1: The stakeholder's name is too long"):
        read_network([("long.graphml", text.encode())], SETTINGS)


def test_no_file_and_two_graph_files_are_explained():
    with pytest.raises(InvalidInput, match="Choose a file"):
        read_network([], SETTINGS)
    with pytest.raises(InvalidInput, match="one GraphML"):
        read_network([("a.graphml", b"<x/>"), ("b.gexf", b"<x/>")], SETTINGS)
