"""Open data: GraphML, GEXF, Kumu CSV and JSON out and back in; hostile files refused."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import networkx as nx
import pytest

from codesign_widgets.core.errors import InvalidInput
from codesign_widgets.network.file_export import export_network
from codesign_widgets.network.file_import import MAX_IMPORT_BYTES, read_map_files, read_network
from codesign_widgets.network.graph import build_graph
from codesign_widgets.network.import_map import ImportMapping, plan_import
from codesign_widgets.network.model import NetworkMap, NetworkSettings, Rating, Stakeholder, Tie
from tests.hostile import HOSTILE

SETTINGS = NetworkSettings()
PERSPECTIVES = {
    "lived_experience": "lived_experience",
    "Lived experience": "lived_experience",
    "provider": "provider",
    "system": "system",
}


@pytest.fixture
def drawn():
    """Patient -> GP (referral, 2), GP <-> ICB (money, both, 3), ICB - Carer (conflict, none)."""
    net = NetworkMap(
        stakeholders=(
            Stakeholder(
                1,
                "Patient <b>",
                "person",
                "lived_experience",
                "Be heard",
                1,
                "lived_experience",
                "participant",
            ),
            Stakeholder(2, "GP", "service", "provider", "", 1, "provider", "participant"),
            Stakeholder(
                3,
                "=ICB()",
                "organisation",
                "system",
                "Balance the books",
                2,
                "system",
                "participant",
            ),
            Stakeholder(4, "Carer", "person", "lived_experience", "", 2, "system", "participant"),
        ),
        ties=(
            Tie(10, 1, 2, "referral", "forward", 2, 1, "lived_experience", "participant"),
            Tie(11, 2, 3, "money", "both", 3, 1, "provider", "participant"),
            Tie(12, 3, 4, "conflict", "none", 1, 2, "system", "participant"),
        ),
        ratings=(
            Rating(3, 1, "system", 9, 4, 1.0),
            Rating(3, 5, "provider", 2, 4, 1.0),
            Rating(3, 6, "provider", 1, 4, 1.0),
            Rating(1, 1, "lived_experience", 2, 10, 1.0),
        ),
    )
    return build_graph(net)


def shape(imported):
    names = [s["name"] for s in imported.stakeholders]
    ties = sorted(
        (names[t["source"]], names[t["target"]], t["type"], t["direction"], t["strength"])
        for t in imported.ties
    )
    return names, ties


FORMATS_AND_SUFFIX = {
    "graphml": "graphml",
    "gexf": "gexf",
    "json": "json",
    "kumu": "zip",
    "kumu-xlsx": "xlsx",
    "kumu-json": "json",
}


@pytest.mark.parametrize("fmt", list(FORMATS_AND_SUFFIX))
def test_a_map_survives_a_round_trip_with_every_value(drawn, fmt):
    """Names, kinds, perspectives, goals, ties, per-perspective influence (1.5 stays 1.5),
    the raw weight and any other imported value all come back."""
    attributes = {10: {"weight": 7.5, "note": "via the practice"}, 2: {"Tags": ["NHS", "GP"]}}
    data = export_network(drawn, fmt, SETTINGS, attributes)
    plan = read_network([(f"map.{FORMATS_AND_SUFFIX[fmt]}", data)], SETTINGS, PERSPECTIVES)
    names, ties = shape(plan)
    assert sorted(names) == ["=ICB()", "Carer", "GP", "Patient <b>"]
    assert ties == [
        ("=ICB()", "Carer", "conflict", "none", 1),
        ("GP", "=ICB()", "money", "both", 3),
        ("Patient <b>", "GP", "referral", "forward", 2),
    ]
    by_name = {s["name"]: s for s in plan.stakeholders}
    assert sorted(by_name["=ICB()"]["ratings"]) == [("provider", 1.5, 4.0), ("system", 9.0, 4.0)]
    assert by_name["=ICB()"]["kind"] == "organisation"
    assert by_name["=ICB()"]["perspective"] == "system"
    assert by_name["Patient <b>"]["goals"] == "Be heard"
    assert by_name["GP"]["ratings"] == []
    referral = next(t for t in plan.ties if t["type"] == "referral")
    lowered = {k.casefold(): v for k, v in referral["attributes"].items()}
    assert float(lowered["weight"]) == 7.5
    assert lowered["note"] == "via the practice"
    assert plan.dropped == []


def test_kumu_export_uses_kumus_columns_pipes_and_defuses_formulas(drawn):
    data = export_network(drawn, "kumu", SETTINGS, {2: {"Tags": "NHS|primary care"}})
    archive = zipfile.ZipFile(io.BytesIO(data))
    elements = list(csv.reader(io.StringIO(archive.read("elements.csv").decode())))
    connections = list(csv.reader(io.StringIO(archive.read("connections.csv").decode())))
    assert elements[0][:5] == ["Label", "Type", "Description", "Tags", "Perspective"]
    assert connections[0][:4] == ["From", "To", "Type", "Direction"]
    assert elements[3][:2] == ["'=ICB()", "organisation"]
    assert elements[2][3] == "NHS|primary care"  # Kumu's own tags, not the perspective
    assert elements[1][3] == ""
    assert connections[1][:4] == ["Patient <b>", "GP", "Referral", "directed"]
    kumu = json.loads(export_network(drawn, "kumu-json", SETTINGS))
    assert {c["direction"] for c in kumu["connections"]} == {"directed", "mutual", "undirected"}
    assert kumu["elements"][0]["attributes"]["label"] == "Patient <b>"


def test_graphml_gexf_and_json_open_in_networkx_with_weight(drawn):
    graphml = nx.parse_graphml(export_network(drawn, "graphml", SETTINGS).decode())
    assert graphml.nodes["s1"]["label"] == "Patient <b>"
    assert graphml.nodes["s3"]["influence_by_provider"] == 1.5
    assert {d["weight"] for _u, _v, d in graphml.edges(data=True)} == {1, 2, 3}
    gexf = nx.read_gexf(io.BytesIO(export_network(drawn, "gexf", SETTINGS)))
    assert {d["label"] for _n, d in gexf.nodes(data=True)} >= {"GP", "Carer"}
    assert gexf.has_edge("s3", "s2")  # the both-ways tie is GEXF's "mutual"
    assert {d["weight"] for _u, _v, d in gexf.edges(data=True)} == {1.0, 2.0, 3.0}
    data = json.loads(export_network(drawn, "json", SETTINGS))
    graph = nx.node_link_graph(data, edges="links")
    assert data["graph"]["format"] == "codesign-network"
    assert "conflict" in {t["key"] for t in data["graph"]["tie_types"]}
    assert graph.number_of_nodes() == 4


def test_a_map_with_no_directions_is_written_undirected():
    net = NetworkMap(
        stakeholders=(
            Stakeholder(1, "A", "person", "", "", None, "", "import"),
            Stakeholder(2, "B", "person", "", "", None, "", "import"),
        ),
        ties=(Tie(5, 1, 2, "care", "none", 2, None, "", "import"),),
    )
    graph = build_graph(net)
    assert not nx.read_gexf(io.BytesIO(export_network(graph, "gexf", SETTINGS))).is_directed()
    text = export_network(graph, "graphml", SETTINGS).decode()
    assert not nx.parse_graphml(text).is_directed()


def test_a_plain_networkx_graph_made_elsewhere_imports():
    """No labels, no types, undirected: names come from ids, ties have no direction."""
    g = nx.karate_club_graph()
    text = "\n".join(nx.generate_graphml(g))
    plan = read_network([("karate.graphml", text.encode())], SETTINGS)
    assert len(plan.stakeholders) == 34
    assert len(plan.ties) == 78
    assert {t["direction"] for t in plan.ties} == {"none"}
    assert plan.stakeholders[0]["name"] == "0"
    assert plan.mapping.strength_from == "weight"  # karate's weights 1-7: scaled by thirds
    assert plan.mapping.strength_scale == "thirds"


@pytest.mark.parametrize("shape", ["elements object", "flat list"])
def test_cytoscapes_elements_without_the_cyjs_wrapper_read_as_cytoscape(shape):
    """Cytoscape's JSON without ``format_version``/``elements`` around it (as in the
    cytoscape.js repository's gal.json and demo data) was read as node-link JSON: names from
    positions and every tie left out. Here networkx writes the elements."""
    g = nx.relabel_nodes(nx.karate_club_graph(), lambda n: f"member {n}")
    elements = nx.cytoscape_data(g)["elements"]
    if shape == "flat list":
        elements = [
            {"group": group, **item} for group in ("nodes", "edges") for item in elements[group]
        ]
    plan = read_network([("karate.json", json.dumps(elements).encode())], SETTINGS)
    assert plan.fmt == "Cytoscape JSON"
    assert len(plan.stakeholders) == 34
    assert len(plan.ties) == 78
    assert not plan.dropped
    names = [s["name"] for s in plan.stakeholders]
    ours = nx.Graph((names[t["source"]], names[t["target"]]) for t in plan.ties)
    assert nx.betweenness_centrality(ours) == pytest.approx(nx.betweenness_centrality(g))
    weights = sorted(t["attributes"]["weight"] for t in plan.ties)
    assert weights == sorted(w for *_e, w in g.edges(data="weight"))


def test_node_link_json_whose_nodes_carry_a_data_value_stays_node_link():
    doc = {
        "nodes": [{"id": "a", "data": {"id": "x"}}, {"id": "b"}],
        "links": [{"source": "a", "target": "b"}],
    }
    plan = read_network([("g.json", json.dumps(doc).encode())], SETTINGS)
    assert plan.fmt == "node-link JSON"
    assert [s["name"] for s in plan.stakeholders] == ["a", "b"]
    assert len(plan.ties) == 1


def test_kumu_csv_as_kumu_documents_it():
    """Tags and multi-value ends with |; Direction words; an ID column is a connection's id,
    never a stakeholder; nothing merges by label; repeats and loops are listed."""
    elements = "Label,Type,Description,Tags\nGP,Service,,provider|NHS\ngp ,,,\nPharmacy,Shop,,\n"
    connections = (
        "From,To,Type,Direction,ID\nGP,Pharmacy|Council,Referral,directed,c1\n"
        "GP,GP,Referral,directed,c2\nGP,Pharmacy,Referral,directed,c3\n"
        "Pharmacy,Council,Data sharing,mutual,c4\n"
    )
    plan = read_network(
        [("elements.csv", elements.encode()), ("connections.csv", connections.encode())],
        SETTINGS,
        PERSPECTIVES,
    )
    names, ties = shape(plan)
    assert names == ["GP", "gp", "Pharmacy", "Council"]  # ids kept: no merge by label
    assert plan.stakeholders[0]["attributes"]["Tags"] == "provider|NHS"
    assert ties == [
        ("GP", "Council", "referral", "forward", 1),
        ("GP", "Pharmacy", "referral", "forward", 1),
        ("Pharmacy", "Council", "new:Data sharing", "both", 1),
    ]
    assert "c1" not in names
    assert "c4" not in names
    assert plan.new_tie_types == ["Data sharing"]
    text = " ".join(plan.summary())
    assert "1 ties from a stakeholder to itself were left out" in text
    assert "connections.csv line 3" in text
    assert "1 ties repeat one already read" in text
    assert "'Council' is named only in a connection" in text


def test_a_semicolon_csv_is_read_with_semicolons_and_says_so():
    text = "Label;Type;Description\nMairie;organisation;Ville\nCCAS;service;Aide sociale\n"
    plan = read_network([("acteurs.csv", text.encode())], SETTINGS)
    assert [s["name"] for s in plan.stakeholders] == ["Mairie", "CCAS"]
    assert any("uses ';' between columns" in n and "read with ';'" in n for n in plan.notes)


def test_long_descriptions_are_kept_and_listed_in_one_warning():
    long = "word " * 200
    rows = "".join(f'S{i},person,"{long}"\n' for i in range(16)) + "Short,person,ok\n"
    plan = read_network([("elements.csv", ("Label,Type,Description\n" + rows).encode())], SETTINGS)
    assert len(plan.stakeholders) == 17
    warnings = [n for n in plan.notes if "descriptions are longer" in n]
    assert len(warnings) == 1
    assert "16 descriptions" in warnings[0]
    assert (
        "elements.csv lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)" in warnings[0]
    )
    assert plan.stakeholders[0]["attributes"]["Description"] == long


def test_weights_are_never_clamped_silently():
    data = nx.node_link_data(nx.path_graph(4), edges="links")
    for link, weight in zip(data["links"], [1, 12, 31], strict=True):
        link["weight"] = weight
    plan = read_network([("w.json", json.dumps(data).encode())], SETTINGS)
    assert [t["strength"] for t in plan.ties] == [1, 2, 3]
    assert [t["attributes"]["weight"] for t in plan.ties] == [1, 12, 31]
    assert any("scaled by thirds" in n for n in plan.notes)
    kept = plan_import(
        read_map_files([("w.json", json.dumps(data).encode())]),
        SETTINGS,
        mapping=ImportMapping(strength_from="weight", strength_scale="none"),
    )
    assert [t["strength"] for t in kept.ties] == [1, 1, 1]
    assert [t["attributes"]["weight"] for t in kept.ties] == [1, 12, 31]


def test_names_on_the_map_are_listed_and_linked_only_when_chosen():
    raw = read_map_files([("e.csv", b"Label\nGP\nCouncil\n")])
    plan = plan_import(raw, SETTINGS, on_map={7: ["gp"]})
    assert plan.links == {}
    assert plan.same_names == [(0, 7, "GP")]
    assert any("1 names are already on the map (GP)" in line for line in plan.summary())
    linked = plan_import(
        raw, SETTINGS, on_map={7: ["gp"]}, mapping=ImportMapping(link_existing=True)
    )
    assert linked.links == {0: 7}


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">
<node id="&lol3;"/></graph></graphml>"""


def _damaged_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("elements.csv", b"Label\n" + b"Clinic\n" * 2000)
    data = bytearray(buffer.getvalue())
    data[60:90] = b"\xff" * 30  # inside the compressed member
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.graphml", BOMB, "DOCTYPE or ENTITY"),
        ("bomb.gexf", BOMB.replace(b"graphml", b"gexf"), "DOCTYPE or ENTITY"),
        (
            "external.graphml",
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            "DOCTYPE or ENTITY",
        ),
        (
            "broken.graphml",
            b"<graphml><graph><node id='a'></graph>",
            "not well-formed XML at line 1",
        ),
        (
            "cut.graphml",
            b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph><node id=',
            "cut short",
        ),
        ("empty.graphml", b"", "cut short"),
        ("binary.graphml", b"\x00\x01\x02GIF89a" * 10, "binary data"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        (
            "nodes.graphml",
            b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"/>',
            "no <graph> element",
        ),
        ("svg.graphml", b"<svg/>", "not <graphml>"),
        ("map.json", b"{not json", "not valid JSON at line 1"),
        ("cut.json", b'{"nodes": [{"id": 1}, {"id"', "cut short"),
        ("map.json", b"[1, 2]", "not a map"),
        ("map.zip", b"PK not really", "not a readable zip"),
        ("damaged.zip", _damaged_zip(), "the zip is damaged: elements.csv cannot be unpacked"),
        ("map.xlsx", b"PK\x03\x04 not a workbook", "Excel file is damaged"),
        ("map.docx", b"...", "use a .graphml"),
        ("cut.csv", b"From,To,Type\nGP,Council,Money\nCouncil,Carers", "line 3 has 2 of 3"),
        ("quote.csv", b'Label,Description\nGP,"never closed\n', "cannot be read as CSV"),
        ("none.csv", b"Label\n", "no stakeholders"),
    ],
)
def test_bad_files_are_refused_with_a_sentence_and_nothing_imported(name, data, message):
    with pytest.raises(InvalidInput, match=re.escape(message)) as caught:
        read_network([(name, data)], SETTINGS)
    assert "Nothing was imported" in str(caught.value)
    assert str(caught.value).startswith(name)


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


def test_a_ten_thousand_character_name_is_shortened_with_a_warning_and_kept_whole():
    g = nx.Graph()
    g.add_node("a", label="x" * 10_000)
    text = "\n".join(nx.generate_graphml(g))
    plan = read_network([("long.graphml", text.encode())], SETTINGS)
    assert len(plan.stakeholders[0]["name"]) == 80
    assert plan.stakeholders[0]["attributes"]["label"] == "x" * 10_000
    assert any("1 names are longer than 80" in n and "node 'a'" in n for n in plan.notes)


def test_no_file_and_two_graph_files_are_explained():
    with pytest.raises(InvalidInput, match="Choose a file"):
        read_network([], SETTINGS)
    with pytest.raises(InvalidInput, match="one GraphML"):
        read_network([("a.graphml", b"<x/>"), ("b.gexf", b"<x/>")], SETTINGS)


def test_a_csv_cut_mid_word_is_flagged_in_the_preview():
    plan = read_network(
        [("cut.csv", b"From,To,Type\nGP,Council,Money\nCouncil,Carers,Referra")], SETTINGS
    )
    assert any("does not end with a line break" in n and "Referra" in n for n in plan.notes)


GEPHI_07 = b"""<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns:viz="http:///www.gexf.net/1.1draft/viz" version="1.1" xmlns="http://www.gexf.net/1.1draft">
<meta lastmodifieddate="2010-03-03+23:44"><creator>Gephi 0.7</creator></meta>
<graph defaultedgetype="undirected" idtype="string" type="static">
<attributes class="node" mode="static"><attribute id="0" title="role" type="string"/></attributes>
<nodes count="3">
<node id="1" label="Carer"><attvalues><attvalue for="0" value="family"/></attvalues>
<viz:size value="4.0"/></node>
<node id="2" label="GP"/><node id="3" label="Carer"/>
</nodes>
<edges count="2"><edge id="0" source="1" target="2" weight="2.5"/>
<edge id="1" source="3" target="2"/></edges>
</graph></gexf>"""


@pytest.mark.parametrize(
    "namespace",
    [
        b"http://www.gexf.net/1.1draft",
        b"http://www.gexf.net/1.2draft",
        b"http://gexf.net/1.3",
        b"http://www.gexf.net/1.3",
    ],
)
def test_gexf_of_every_version_and_namespace_spelling_reads(namespace):
    """Gephi 0.7 wrote 1.1draft (with a broken viz namespace), 0.8-0.10 1.2draft and 1.3."""
    data = GEPHI_07.replace(b"http://www.gexf.net/1.1draft", namespace)
    plan = read_network([("gephi.gexf", data)], SETTINGS)
    assert [s["name"] for s in plan.stakeholders] == ["Carer", "GP", "Carer"]
    assert plan.stakeholders[0]["attributes"]["role"] == "family"
    assert {t["direction"] for t in plan.ties} == {"none"}
    assert plan.ties[0]["attributes"]["weight"] == 2.5


EVERYDAY = ["Will", "$5 or $10", "می\u200cخواهم", "🇬🇧 🇳🇬 clinic", 'O\'Neil & Sons; "GP"']


@pytest.mark.parametrize("fmt", list(FORMATS_AND_SUFFIX))
def test_hostile_and_everyday_names_survive_every_format(fmt):
    from codesign_widgets.core.workshop import clean_text

    names = [clean_text(n, what="x", max_length=80) for n in HOSTILE + EVERYDAY]
    names = list(dict.fromkeys(n for n in names if n))
    net = NetworkMap(
        stakeholders=tuple(
            Stakeholder(i, n, "person", "", n, None, "", "import")
            for i, n in enumerate(names, start=1)
        ),
        ties=tuple(
            Tie(100 + i, i, i + 1, "care", "forward", 1, None, "", "import")
            for i in range(1, len(names))
        ),
    )
    data = export_network(build_graph(net), fmt, SETTINGS)
    plan = read_network([(f"m.{FORMATS_AND_SUFFIX[fmt]}", data)], SETTINGS)
    assert [s["name"] for s in plan.stakeholders] == names
    assert [s["goals"] for s in plan.stakeholders] == names
    assert len(plan.ties) == len(names) - 1


def test_ratings_the_file_does_not_complete_or_that_are_off_scale_are_said():
    data = {
        "nodes": [
            {"id": "a", "label": "ICB", "influence": 7},
            {"id": "b", "label": "GP", "influence": 42, "interest": 3},
        ],
        "links": [],
    }
    plan = read_network([("r.json", json.dumps(data).encode())], SETTINGS)
    assert plan.stakeholders[0]["ratings"] == [("", 7.0, 5.0)]
    assert plan.stakeholders[1]["ratings"] == []
    text = " ".join(plan.notes)
    assert "1 of those ratings give no interest: it is set to 5" in text
    assert "1 influence or interest values are outside 0-10 (influence=42)" in text
    assert "1 stakeholders give an interest but no influence: no rating is made" in text
    assert plan.stakeholders[1]["attributes"]["influence"] == 42
