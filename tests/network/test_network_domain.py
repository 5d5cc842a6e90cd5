"""Stakeholder-network rules, metrics and layout on small graphs checked by hand."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
import unicodedata
from pathlib import Path

import networkx as nx
import pytest

from codesign_widgets.core.errors import InvalidInput
from codesign_widgets.network.graph import build_graph
from codesign_widgets.network.layout import stable_layout
from codesign_widgets.network.measures import (
    arc_graph,
    deciders,
    influence_by_perspective,
    network_metrics,
    voice_distances,
)
from codesign_widgets.network.model import (
    NetworkMap,
    NetworkSettings,
    Rating,
    Stakeholder,
    Tie,
    network_settings,
    resolve,
)
from codesign_widgets.network.rules import (
    clean_rating,
    clean_stakeholder,
    clean_tie,
    clean_tie_type,
    find_same_name,
    name_key,
    suggest_names,
)

PACKAGE = Path(__file__).resolve().parents[2] / "codesign_widgets"
SETTINGS = NetworkSettings()
PERSPECTIVES = ["lived_experience", "provider", "system"]
GROUPS = {p: p for p in PERSPECTIVES}


def person(sid, name, perspective="", status="active", author_perspective="provider"):
    return Stakeholder(
        sid, name, "person", perspective, "", sid, author_perspective, "participant", status
    )


def tie(tid, u, v, kind="information", direction="forward", strength=1, by="provider"):
    return Tie(tid, u, v, kind, direction, strength, 1, by, "participant")


def graph_of(edges, direction="forward", kind="information"):
    g = nx.MultiDiGraph()
    for i, (u, v) in enumerate(edges):
        g.add_edge(u, v, key=i, type=kind, direction=direction, strength=1, drawn_by="")
    for n in g:
        g.nodes[n].update(name=str(n), perspective="", influence=None, influence_by={})
    return g


NETWORK_MODULES = [
    "network/model.py",
    "network/rules.py",
    "network/graph.py",
    "network/measures.py",
    "network/layout.py",
    "network/file_export.py",
    "network/file_import.py",
    "network/import_map.py",
]


@pytest.mark.parametrize("module", NETWORK_MODULES)
def test_domain_modules_import_no_widgets_or_sql(module):
    tree = ast.parse((PACKAGE / module).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    assert not names & {"ipywidgets", "anywidget", "ipycytoscape", "sqlalchemy", "sqlite3"}


def test_the_light_modules_do_not_import_networkx():
    """Participant kernels import network.py and network_rules.py for forms: no networkx."""
    script = (
        "import sys, codesign_widgets.network.model, codesign_widgets.network.rules\n"
        "print(sorted({'networkx', 'numpy'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- names -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("GP practice", "gp PRACTICE"),
        ("Café", unicodedata.normalize("NFD", "Café")),
        ("  Peer   support ", "peer support"),
        ("Straße", "STRASSE"),
        ("ＧＰ", "GP"),  # full-width letters
    ],
)
def test_names_that_differ_only_in_case_form_or_spacing_are_the_same(a, b):
    assert name_key(a) == name_key(b)


def test_a_name_is_found_among_names_and_merged_aliases():
    names = {1: ["Podiatry", "Foot clinic"], 2: "Pharmacy"}
    assert find_same_name("foot CLINIC", names) == 1
    assert find_same_name("pharmacy", names) == 2
    assert find_same_name("GP", names) is None


def test_suggestions_put_names_that_start_with_the_text_first():
    names = ["Out-of-hours GP", "GP practice", "Pharmacy", "gp federation"]
    assert suggest_names("gp", names) == ["gp federation", "GP practice", "Out-of-hours GP"]
    assert suggest_names("  ", names) == []


# -- checking input ----------------------------------------------------------------------------
def test_a_stakeholder_is_cleaned_and_html_stays_text():
    body = clean_stakeholder(
        "  <b>GP</b>\u202e ", "service", "provider", "Fewer\nvisits",
        settings=SETTINGS, perspectives=PERSPECTIVES,
    )  # fmt: skip
    assert body == {
        "name": "<b>GP</b>",
        "kind": "service",
        "perspective": "provider",
        "goals": "Fewer\nvisits",
    }


@pytest.mark.parametrize(
    ("name", "kind", "perspective", "message"),
    [
        ("x" * 10_000, "person", "", "too long"),
        ("", "person", "", "empty"),
        ("GP", "alien", "", "what kind"),
        ("GP", "person", "king", "perspectives shown"),
        (None, "person", "", "empty"),
        (["GP"], "person", "", "must be text"),
    ],
)
def test_bad_stakeholders_are_refused_with_a_sentence(name, kind, perspective, message):
    with pytest.raises(InvalidInput, match=message):
        clean_stakeholder(name, kind, perspective, "", settings=SETTINGS, perspectives=PERSPECTIVES)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 1, "information", "forward", 1), "two different stakeholders"),
        (("1", 2, "information", "forward", 1), "Choose who"),
        ((1, 2, "gossip", "forward", 1), "tie types shown"),
        ((1, 2, "information", "sideways", 1), "direction"),
        ((1, 2, "information", "forward", 4), "from 1 to 3"),
        ((1, 2, "information", "forward", 0), "from 1 to 3"),
        ((1, 2, "information", "forward", 2.5), "whole number"),
        ((1, 2, "information", "forward", True), "whole number"),
        ((1, 2, "information", "forward", "3"), "whole number"),
    ],
)
def test_bad_ties_are_refused_with_a_sentence(args, message):
    with pytest.raises(InvalidInput, match=message):
        clean_tie(*args, settings=SETTINGS)


def test_ratings_are_whole_numbers_from_0_to_10():
    assert clean_rating(0, 10) == (0, 10)
    assert clean_rating(7.0, 3) == (7, 3)
    for bad in [(-1, 5), (11, 5), (5, float("nan")), (float("inf"), 5), (5, None)]:
        with pytest.raises(InvalidInput):
            clean_rating(*bad)


def test_a_new_tie_type_gets_a_key_and_a_colour_and_is_not_repeated():
    added = clean_tie_type("Data sharing", SETTINGS.tie_types)
    assert (added.key, added.label, added.channel) == ("data_sharing", "Data sharing", True)
    assert added.colour.startswith("#")
    with pytest.raises(InvalidInput, match="already"):
        clean_tie_type("REFERRAL", SETTINGS.tie_types)


def test_template_settings_fill_defaults_and_keep_safe_colours():
    settings = network_settings(
        {"tie_types": [{"key": "x", "label": "X", "colour": "red;background:url(x)"}]}
    )
    assert settings.kinds == ("person", "group", "organisation", "service")
    assert [t.key for t in settings.tie_types] == ["x"]
    assert settings.tie_types[0].colour == "#555555"
    with pytest.raises(InvalidInput, match="key and a label"):
        network_settings({"tie_types": [{"label": "no key"}]})


def test_merges_are_followed_to_the_one_kept():
    assert resolve(1, {1: 2, 2: 3}) == 3
    assert resolve(4, {1: 2}) == 4
    assert resolve(1, {1: 2, 2: 1}) in (1, 2)  # a cycle ends instead of looping


# -- building the graph ------------------------------------------------------------------------
def test_merged_withdrawn_and_self_folded_ties_leave_the_drawing_not_the_record():
    net = NetworkMap(
        stakeholders=(
            person(1, "Podiatry"),
            person(2, "Foot clinic"),
            person(3, "GP"),
            person(4, "Gone", status="withdrawn"),
        ),
        ties=(
            tie(10, 2, 3),  # moves to Podiatry with the merge
            tie(11, 1, 2),  # becomes Podiatry -> Podiatry: not drawn
            tie(12, 3, 4),  # to a withdrawn stakeholder: not drawn
        ),
        merges={2: 1},
    )
    g = build_graph(net)
    assert sorted(g.nodes) == [1, 3]
    assert list(g.edges(keys=True)) == [(1, 3, 10)]
    assert g.nodes[1]["aliases"] == ("Foot clinic",)


def test_influence_weights_each_perspective_equally():
    """Two lived-experience ratings (2, 4) and one system rating (9): pooled would be 5,
    equal say gives (3 + 9) / 2 = 6."""
    net = NetworkMap(
        stakeholders=(person(1, "ICB", "system"),),
        ratings=(
            Rating(1, 10, "lived_experience", 2, 5, 1.0),
            Rating(1, 11, "lived_experience", 4, 5, 2.0),
            Rating(1, 12, "system", 9, 1, 3.0),
            Rating(1, 12, "system", 8, 1, 0.5),  # older: the later one counts
        ),
    )
    node = build_graph(net).nodes[1]
    assert node["influence"] == pytest.approx(6.0)
    assert node["interest"] == pytest.approx(3.0)
    assert node["influence_by"] == {"lived_experience": 3.0, "system": 9.0}
    assert build_graph(net, drawn_by="system").nodes[1]["influence"] == 9.0


def test_filters_keep_one_tie_type_or_what_one_perspective_drew():
    net = NetworkMap(
        stakeholders=(person(1, "A"), person(2, "B"), person(3, "C", author_perspective="system")),
        ties=(tie(10, 1, 2, "money"), tie(11, 2, 3, "referral", by="system")),
    )
    assert list(build_graph(net, tie_types=["money"]).edges(keys=True)) == [(1, 2, 10)]
    by_system = build_graph(net, drawn_by="system")
    assert sorted(by_system.nodes) == [2, 3]  # C they drew, B at the end of their tie
    assert list(by_system.edges(keys=True)) == [(2, 3, 11)]


# -- metrics -----------------------------------------------------------------------------------
def test_the_middle_of_a_path_has_all_the_betweenness():
    m = network_metrics(graph_of([(1, 2), (2, 3)]))
    assert m.betweenness == {1: 0.0, 2: 1.0, 3: 0.0}
    assert m.degree == {1: 1, 2: 2, 3: 1}
    assert (m.in_degree[2], m.out_degree[2]) == (1, 1)
    assert m.betweenness_sample is None


def test_the_bridge_between_two_triangles_is_the_broker():
    """Triangles {1,2,3} and {5,6,7}, joined through 4; 8 is alone. n = 8, so each pair's
    path adds 2 / (7 * 6) = 1/21: all 9 pairs across run through 4 (9/21), and through 3 run
    the 8 pairs from 1 or 2 to 4, 5, 6, 7 (8/21)."""
    edges = [(1, 2), (2, 3), (3, 1), (5, 6), (6, 7), (7, 5), (3, 4), (4, 5)]
    g = graph_of(edges)
    g.add_node(8, name="8", perspective="", influence=None, influence_by={})
    m = network_metrics(g)
    assert m.betweenness[4] == pytest.approx(9 / 21)
    assert m.betweenness[3] == pytest.approx(8 / 21)
    assert m.betweenness[1] == 0
    assert m.isolates == [8]
    assert len(m.communities) == 2
    assert all(any(set(t) <= set(c) for c in m.communities) for t in [(1, 2, 3), (5, 6, 7)])
    # Brokers link communities: 4 always does; 3 or 5 (whichever side 4 fell on) too.
    assert m.brokers[0] == 4
    assert len(m.brokers) == 2
    assert m.brokers[1] in (3, 5)


def test_reciprocity_counts_returned_directed_ties():
    """A->B, B->A, A->C: 2 of 3 arcs are returned. No-direction ties make no arcs."""
    assert network_metrics(graph_of([("A", "B"), ("B", "A"), ("A", "C")])).reciprocity == (
        pytest.approx(2 / 3)
    )
    assert network_metrics(graph_of([("A", "B")], direction="both")).reciprocity == 1.0
    assert network_metrics(graph_of([("A", "B")], direction="none")).reciprocity is None
    assert arc_graph(graph_of([("A", "B")], direction="both")).number_of_edges() == 2


def test_betweenness_is_sampled_above_the_budget_and_stays_the_same():
    """A path of 100: 100 x (100 + 99) steps exact; a budget of 10,000 gives 50 pivots."""
    g = graph_of(list(nx.path_graph(100).edges))
    assert network_metrics(g, budget=20_000).betweenness_sample is None
    first = network_metrics(g, budget=10_000)
    again = network_metrics(g, budget=10_000)
    assert first.betweenness_sample == 50
    assert first.betweenness == again.betweenness
    assert max(first.betweenness, key=first.betweenness.get) in range(25, 75)


# -- equal say ---------------------------------------------------------------------------------
def _voice_map(extra_ties=()):
    return NetworkMap(
        stakeholders=(
            person(1, "Patient", "lived_experience"),
            person(2, "GP", "provider"),
            person(3, "ICB", "system"),
            person(4, "Carer", "lived_experience"),
        ),
        ties=(tie(10, 1, 2), tie(11, 2, 3), *extra_ties),
    )


def test_steps_from_lived_experience_to_the_nearest_decider():
    g = build_graph(_voice_map())
    assert deciders(g, SETTINGS, GROUPS) == [3]
    found = {
        d.stakeholder: (d.steps, d.nearest_decider) for d in voice_distances(g, SETTINGS, GROUPS)
    }
    assert found == {1: (2, 3), 4: (None, None)}  # the carer has no route at all


def test_a_conflict_tie_is_not_a_route_to_be_heard():
    g = build_graph(_voice_map([tie(12, 4, 3, "conflict")]))
    steps = {d.stakeholder: d.steps for d in voice_distances(g, SETTINGS, GROUPS)}
    assert steps[4] is None
    g = build_graph(_voice_map([tie(12, 4, 3, "influence")]))
    assert {d.stakeholder: d.steps for d in voice_distances(g, SETTINGS, GROUPS)}[4] == 1


def test_high_influence_makes_a_decider_too():
    net = _voice_map()
    net = NetworkMap(net.stakeholders, net.ties, (Rating(2, 9, "provider", 9, 5, 1.0),))
    g = build_graph(net)
    assert deciders(g, SETTINGS, GROUPS) == [2, 3]
    assert {d.stakeholder: d.steps for d in voice_distances(g, SETTINGS, GROUPS)}[1] == 1


def test_the_biggest_disagreements_about_influence_come_first():
    net = NetworkMap(
        stakeholders=(person(1, "ICB"), person(2, "GP"), person(3, "Carer")),
        ratings=(
            Rating(1, 10, "lived_experience", 9, 5, 1),
            Rating(1, 11, "system", 3, 5, 1),
            Rating(2, 10, "lived_experience", 5, 5, 1),
            Rating(2, 11, "system", 6, 5, 1),
            Rating(3, 10, "lived_experience", 4, 5, 1),
        ),
    )
    views = influence_by_perspective(build_graph(net))
    assert [(v.stakeholder, v.spread) for v in views] == [(1, 6.0), (2, 1.0), (3, None)]


# -- layout ------------------------------------------------------------------------------------
def test_new_stakeholders_do_not_move_anyone_already_drawn():
    g = nx.path_graph(30)
    first = stable_layout(g)
    g.add_edge(30, 0)
    g.add_edge(31, 30)
    second = stable_layout(g, first)
    assert all(second[n] == first[n] for n in first)
    assert set(second) == set(first) | {30, 31}
    assert all(math.isfinite(v) for xy in second.values() for v in xy)


def test_a_newcomer_settles_near_its_ties():
    g = nx.path_graph(20)
    first = stable_layout(g)
    g.add_edge(20, 19)
    second = stable_layout(g, first)

    def distance(a, b):
        return math.dist(second[a], second[b])

    assert distance(20, 19) < max(distance(20, n) for n in range(19))


def test_the_layout_is_the_same_for_the_same_map():
    g = nx.gnm_random_graph(25, 50, seed=3)
    assert stable_layout(g) == stable_layout(g)
    assert stable_layout(nx.Graph()) == {}
