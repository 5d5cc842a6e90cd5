"""Graphs an analyst can take elsewhere: networkx's GraphML and GEXF writers take them, and
the whole algorithm set works (scipy on the analyst's path)."""

from __future__ import annotations

import networkx as nx
import pytest

from codesign_widgets.analysis.workshop_data import load_workshop


@pytest.fixture(scope="module")
def data(played_demo):
    return load_workshop(played_demo["code"], played_demo["path"])


def _same(graph, back) -> None:
    assert sorted(back.nodes) == sorted(graph.nodes)
    for node, attributes in graph.nodes(data=True):
        assert back.nodes[node] == attributes
    assert sorted((u, v) for u, v in back.edges()) == sorted((u, v) for u, v in graph.edges())


def test_the_stakeholder_map_round_trips_through_graphml(data, tmp_path):
    graph = data.network_graph()
    nx.write_graphml(graph, tmp_path / "map.graphml")
    back = nx.read_graphml(tmp_path / "map.graphml", node_type=int, force_multigraph=True)
    _same(graph, back)
    for u, v, key, attributes in graph.edges(keys=True, data=True):
        assert back.edges[u, v, key] == attributes  # the tie id, kept


def test_the_stakeholder_map_round_trips_through_gexf(data, tmp_path):
    graph = data.network_graph()
    nx.write_gexf(graph, tmp_path / "map.gexf")
    back = nx.read_gexf(tmp_path / "map.gexf", node_type=int)
    for node, attributes in graph.nodes(data=True):
        assert {k: back.nodes[node][k] for k in attributes} == attributes
    assert {d["tie_type"] for _u, _v, d in back.edges(data=True)} == {
        d["tie_type"] for _u, _v, d in graph.edges(data=True)
    }


def test_the_goal_service_map_round_trips_through_both(data, tmp_path):
    graph = data.goal_service_graph()
    nx.write_graphml(graph, tmp_path / "goals.graphml")
    nx.write_gexf(graph, tmp_path / "goals.gexf")
    _same(graph, nx.read_graphml(tmp_path / "goals.graphml"))
    assert sorted(nx.read_gexf(tmp_path / "goals.gexf").nodes) == sorted(graph.nodes)


def test_every_attribute_is_a_single_value(data):
    graph = data.network_graph()
    values = [v for _n, d in graph.nodes(data=True) for v in d.values()]
    values += [v for _u, _v, d in graph.edges(data=True) for v in d.values()]
    assert all(isinstance(v, str | int | float | bool) for v in values)
    amara = next(d for _n, d in graph.nodes(data=True) if d["name"].startswith("Amara"))
    assert amara["influence_lived_experience"] == 2.0
    assert amara["label"] == amara["name"]


def test_algorithms_that_need_scipy_run(data):
    ranks = nx.pagerank(nx.DiGraph(data.network_graph()))
    assert sum(ranks.values()) == pytest.approx(1)
    assert len(nx.laplacian_matrix(nx.Graph(data.network_graph())).toarray()) == 8
