"""Real files written by Gephi, yEd, Cytoscape, Kumu and d3/networkx (tests/data/networks,
sources in SOURCES.md): each reads with the right counts, names and values, and the map it
makes has the same degree, betweenness and components as networkx finds in the same file."""

from __future__ import annotations

import io
import json
import re
import warnings
from pathlib import Path

import networkx as nx
import openpyxl
import pytest

from codesign_widgets.core.errors import InvalidInput
from codesign_widgets.network.file_import import read_map_files, read_network
from codesign_widgets.network.graph import build_graph
from codesign_widgets.network.model import NetworkSettings

DATA = Path(__file__).parent.parent / "data" / "networks"
SETTINGS = NetworkSettings()

#: file -> (stakeholders, ties, some names)
CORPUS = {
    "gephi-les-miserables.gexf": (77, 254, {"Myriel", "Valjean", "Javert"}),
    "gephi-us-airports.gexf": (235, 1297, {"Adams Field Airport"}),
    "gephi-data-1.2draft.gexf": (1, 0, {"Node1"}),
    "gephi-basic-1.2draft.gexf": (2, 1, {"Hello", "Word"}),
    "gephi-cdata.graphml": (2, 1, {"foo", "bar"}),
    "gephi-withdesc.graphml": (2, 1, {"n0", "n1"}),
    "gephi-moviegalaxies.graphml": (27, 102, {"n0", "n26"}),
    "gephi-football.graphml": (115, 613, {"n0", "n114"}),
    "yed-groups.graphml": (5, 3, {"Ivrea", "Turin", "Northern Italy"}),
    "yed-groups-deeper.graphml": (7, 4, {"Ivrea", "Savona", "Group 2"}),
    "d3-vega-datasets-miserables.json": (77, 254, {"Myriel", "Valjean", "Javert"}),
}


def plan_of(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: "Unknown extension is not supported"
        return read_network([(name, (DATA / name).read_bytes())], SETTINGS)


def networkx_reads(name: str) -> nx.Graph | None:
    """The same file as networkx (or the file's own structure) sees it, undirected."""
    data = (DATA / name).read_bytes()
    if name.endswith(".gexf"):
        # networkx knows http://gexf.net/1.3 but not Gephi's www.gexf.net/1.3 spelling.
        fixed = re.sub(rb"http://www\.gexf\.net/1\.3", b"http://gexf.net/1.3", data)
        graph = nx.read_gexf(io.BytesIO(fixed))
    elif name == "gephi-cdata.graphml":
        return None  # networkx refuses it: its one key id serves nodes and edges
    elif name.endswith(".graphml"):
        graph = nx.read_graphml(io.BytesIO(data))
    elif name.endswith(".cyjs"):
        elements = json.loads(data)["elements"]
        graph = nx.Graph()
        graph.add_nodes_from(n["data"]["id"] for n in elements["nodes"])
        graph.add_edges_from((e["data"]["source"], e["data"]["target"]) for e in elements["edges"])
    elif name.startswith("d3-"):
        doc = json.loads(data)
        graph = nx.Graph()
        graph.add_nodes_from(str(i) for i in range(len(doc["nodes"])))
        graph.add_edges_from((str(x["source"]), str(x["target"])) for x in doc["links"])
    elif name.endswith(".json"):
        doc = json.loads(data)
        graph = nx.Graph()
        graph.add_nodes_from(e["_id"] for e in doc["elements"])
        graph.add_edges_from((c["from"], c["to"]) for c in doc["connections"])
    else:
        return None
    simple = nx.Graph(graph.to_undirected())
    simple.remove_edges_from(nx.selfloop_edges(simple))
    return simple


def plan_graph(plan) -> nx.Graph:
    graph = nx.Graph()
    ids = [s["source_id"] for s in plan.stakeholders]
    graph.add_nodes_from(ids)
    graph.add_edges_from((ids[t["source"]], ids[t["target"]]) for t in plan.ties)
    return graph


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_real_file_reads_with_its_counts_and_names(name):
    stakeholders, ties, names = CORPUS[name]
    plan = plan_of(name)
    assert len(plan.stakeholders) == stakeholders
    assert len(plan.ties) == ties
    assert names <= {s["name"] for s in plan.stakeholders}
    assert (DATA / name).stat().st_size < 1_000_000


@pytest.mark.parametrize(
    "name", [n for n in CORPUS if n != "gephi-cdata.graphml" and "xlsx" not in n]
)
def test_the_imported_map_measures_as_networkx_measures_the_file(name):
    plan = plan_of(name)
    ours, theirs = plan_graph(plan), networkx_reads(name)
    assert sorted(map(str, ours)) == sorted(map(str, theirs))
    assert nx.degree_centrality(ours) == pytest.approx(
        {str(k): v for k, v in nx.degree_centrality(theirs).items()}
    )
    assert nx.betweenness_centrality(ours) == pytest.approx(
        {str(k): v for k, v in nx.betweenness_centrality(theirs).items()}
    )
    assert nx.number_connected_components(ours) == nx.number_connected_components(theirs)


def test_gephis_les_miserables_keeps_every_weight_and_attribute():
    plan = plan_of("gephi-les-miserables.gexf")
    assert plan.fmt == "GEXF 1.3 (Gephi 0.8.1)"
    weights = sorted(float(t["attributes"].get("weight", 1.0)) for t in plan.ties)
    assert weights[-1] == 31.0  # never clamped to 3
    assert sum(w > 3 for w in weights) > 50
    assert {t["strength"] for t in plan.ties} == {1, 2, 3}
    myriel = next(s for s in plan.stakeholders if s["name"] == "Myriel")
    assert myriel["attributes"]["Modularity Class"] == 0
    assert myriel["source_id"] == "0"


def test_airports_that_share_a_name_stay_apart():
    """21 airports are called "Municipal", "International" or "Regional": none are merged."""
    plan = plan_of("gephi-us-airports.gexf")
    names = [s["name"] for s in plan.stakeholders]
    assert sum(n in ("Municipal", "International", "Regional") for n in names) >= 3
    assert len({s["source_id"] for s in plan.stakeholders}) == 235
    lit = next(s for s in plan.stakeholders if s["name"] == "Adams Field Airport")
    assert lit["attributes"]["Code"] == "LIT"
    assert lit["attributes"]["latitude"] == 34.729444


def test_yed_labels_groups_and_two_nodes_named_alike():
    plan = plan_of("yed-groups-deeper.graphml")
    assert plan.fmt == "GraphML (yEd / yFiles)"
    names = [s["name"] for s in plan.stakeholders]
    assert names.count("Savona") == 2  # one in each group, kept apart by their ids
    savonas = [s for s in plan.stakeholders if s["name"] == "Savona"]
    assert {s["attributes"]["parent"] for s in savonas} == {"n2", "n2::n2"}
    assert any("group nodes are stakeholders" in n for n in plan.notes)
    ivrea = next(s for s in plan.stakeholders if s["name"] == "Ivrea")
    assert ivrea["goals"].startswith("Ivrea is a town")


def test_gephis_cdata_graphml_reads_though_networkx_refuses_it():
    with pytest.raises(nx.NetworkXError):
        nx.read_graphml(DATA / "gephi-cdata.graphml")
    plan = plan_of("gephi-cdata.graphml")
    assert plan.ties[0]["attributes"]["label"] == "foobar"


def test_d3s_les_miserables_keeps_each_value_and_scales_strength_by_thirds():
    plan = plan_of("d3-vega-datasets-miserables.json")
    assert plan.fmt == "node-link JSON"
    values = sorted(t["attributes"]["value"] for t in plan.ties)
    assert (values[0], values[-1]) == (1, 31)  # kept as written, never clamped to 3
    assert {t["strength"] for t in plan.ties} == {1, 2, 3}
    assert any("'value' (1 to 31), scaled by thirds" in n for n in plan.notes)
    valjean = next(s for s in plan.stakeholders if s["name"] == "Valjean")
    assert valjean["source_id"] == "11"  # links name nodes by position
    assert valjean["attributes"]["group"] == 2


def text_round_trip(data: bytes) -> bytes:
    """What a workbook becomes when something saves it as UTF-8 text: every byte that is not
    UTF-8 turns into U+FFFD. Kumu's own damaged sample (overview-of-the-euro-crisis.xlsx in
    kumu/docs) was broken this way: 1,703 U+FFFD and a central directory at a nonsense offset."""
    return data.decode("utf-8", "replace").encode("utf-8")


def test_a_workbook_saved_as_text_gets_a_sentence_not_a_traceback():
    book = openpyxl.Workbook()
    book.active.title = "Elements"
    book.active.append(["Label", "Type", "Description"])
    book.active.append(["Clinic", "Organisation", "Runs the Tuesday drop-in"])
    book.active.append(["Patients' forum", "Group", "Meets monthly"])
    book.create_sheet("Connections").append(["From", "To", "Type"])
    book["Connections"].append(["Clinic", "Patients' forum", "Funds"])
    buffer = io.BytesIO()
    book.save(buffer)
    workbook = buffer.getvalue()
    assert read_map_files([("map.xlsx", workbook)]).nodes  # whole, it reads
    damaged = text_round_trip(workbook)
    assert damaged.startswith(b"PK\x03\x04")  # still looks like a zip
    assert damaged.count("\ufffd".encode()) > 100
    with pytest.raises(InvalidInput, match="the Excel file is damaged .* save it again"):
        read_map_files([("map.xlsx", damaged)])


def test_les_miserables_in_the_store_measures_as_networkx_does(studio, workshop):
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    files = [("les.gexf", (DATA / "gephi-les-miserables.gexf").read_bytes())]
    plan = studio.network.facilitator.plan_import(workshop.id, "network", files)
    studio.network.facilitator.import_network(workshop.id, "network", plan, "les.gexf")
    graph = build_graph(studio.network.maps.network_map(workshop.id, "network"))
    ours = nx.Graph()
    ours.add_nodes_from(d["name"] for _n, d in graph.nodes(data=True))
    ours.add_edges_from((graph.nodes[u]["name"], graph.nodes[v]["name"]) for u, v in graph.edges())
    theirs = networkx_reads("gephi-les-miserables.gexf")
    theirs = nx.relabel_nodes(theirs, {n: d["label"] for n, d in theirs.nodes(data=True)})
    assert nx.degree_centrality(ours) == pytest.approx(nx.degree_centrality(theirs))
    assert nx.betweenness_centrality(ours) == pytest.approx(nx.betweenness_centrality(theirs))
    values = studio.network.maps.network_attributes(workshop.id, "network")
    assert max(float(v.get("weight", 0)) for v in values.values()) == 31.0
