"""The projector's map for everyone in the room: stakeholders without ties stay near the rest,
tie types differ by line as well as colour, and the whole map is there in words."""

from __future__ import annotations

import html
import re

import networkx as nx
import pytest

from codesign_widgets.core.palette import TIE_LINE_STYLES
from codesign_widgets.network.hub import NetworkHub
from codesign_widgets.network.layout import (
    SHELF_ROW,
    isolates,
    stable_layout,
    with_isolates_shelved,
)
from codesign_widgets.network.map_words import MAX_LISTED, map_words_html
from codesign_widgets.network.model import DEFAULT_TIE_TYPES
from tests.hostile import HOSTILE

STAGE = "network"
TIE_KEYS = [t.key for t in DEFAULT_TIE_TYPES]


def workshop_map(connected: int = 30, alone: int = 10) -> nx.MultiDiGraph:
    """A workshop-sized map: a connected part (a ring with chords) and stakeholders alone."""
    g = nx.MultiDiGraph()
    for i in range(connected + alone):
        g.add_node(i, name=f"Stakeholder {i}", kind="person", perspective="carer")
    for i in range(connected):
        g.add_edge(i, (i + 1) % connected, type=TIE_KEYS[i % 6], direction="forward", strength=2)
        if i % 3 == 0:
            g.add_edge(i, (i + 7) % connected, type="care", direction="both", strength=1)
    return g


def extent(points) -> tuple[float, float]:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return max(xs) - min(xs), max(ys) - min(ys)


def test_stakeholders_alone_sit_on_a_shelf_just_under_the_map():
    """With 10 of 40 alone, the picture grows by at most two shelf rows, not by a drift."""
    g = workshop_map()
    alone = isolates(g)
    assert alone == list(range(30, 40))
    tied = stable_layout(g.subgraph(n for n in g if n not in set(alone)))
    shelved = with_isolates_shelved(g, tied)
    assert set(shelved) == set(g)
    tied_w, tied_h = extent(tied.values())
    all_w, all_h = extent(shelved.values())
    assert all_w <= tied_w + 1
    assert all_h <= tied_h + 2 * SHELF_ROW + 1
    bottom = max(y for _, y in tied.values())
    assert all(shelved[n][1] > bottom for n in alone)
    # The same map laid out by force alone spreads much further (the audit's 0.32 zoom).
    drifted = stable_layout(g)
    assert max(extent(drifted.values())) > max(all_w, all_h)


def test_a_map_of_only_stakeholders_alone_is_a_grid_wider_than_tall():
    g = workshop_map(connected=0, alone=12)
    width, height = extent(with_isolates_shelved(g, {}).values())
    assert width >= height > 0


def test_the_words_list_everyone_and_every_tie_with_names_isolated():
    g = workshop_map()
    page = map_words_html(g, DEFAULT_TIE_TYPES, {"carer": "Carer"})
    assert page.count("<li>") == 40
    assert page.count("<tr>") == g.number_of_edges() + 1  # and the head row
    assert page.count("no ties yet") == 10
    assert 'tabindex="0"' in page
    assert 'role="region"' in page
    assert "Money / commissioning (long dashes)" in page  # the line as well as the colour
    names = re.findall(r"<bdi>(.*?)</bdi>", page)
    assert {html.unescape(n) for n in names} == {f"Stakeholder {i}" for i in range(40)}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_stay_text_in_the_words(text):
    g = nx.MultiDiGraph()
    g.add_node(1, name=text, kind="person", perspective="")
    g.add_node(2, name="GP", kind="service", perspective="x")
    g.add_edge(1, 2, type="unknown", direction="none", strength=1)
    page = map_words_html(g, DEFAULT_TIE_TYPES, {})
    assert f"<bdi>{html.escape(text)}</bdi>" in page
    for raw in ["<img", "<script", "<svg onload", "<iframe", '<a href="javascript']:
        assert raw not in page


def test_a_huge_map_lists_a_part_and_says_how_many_more():
    g = workshop_map(connected=0, alone=MAX_LISTED + 5)
    page = map_words_html(g, DEFAULT_TIE_TYPES, {})
    assert page.count("<li>") == MAX_LISTED
    assert "And 5 more stakeholders" in page


@pytest.fixture
def forty(studio, open_map, ann):
    """40 stakeholders drawn from a phone: 30 tied in a ring, 10 alone (one hostile name)."""
    ids = []
    for i in range(40):
        name = HOSTILE[0] if i == 35 else f"Stakeholder {i:02d}"
        ids.append(studio.network.edits.add_stakeholder(ann, STAGE, name, "person", "", "", 5, 5))
    for i in range(30):
        kind = TIE_KEYS[i % len(TIE_KEYS)]
        studio.network.edits.add_tie(ann, STAGE, ids[i], ids[(i + 1) % 30], kind, "forward", 2)
    return ids


def test_the_hub_shows_the_map_in_words_beside_the_drawing(studio, open_map, forty):
    hub = NetworkHub(studio, open_map)
    view = hub.map_view
    assert view.words in view.children
    page = view.words.value
    assert page.count("<li>") == 40
    assert "Ties (30)" in page
    assert "<script>" not in page
    assert html.escape(HOSTILE[0]) in page
    # Each tie type its own line on the drawing, and the legend says which.
    lines = {e.data["line"] for e in view.cyto.graph.edges}
    assert lines == set(range(len(TIE_LINE_STYLES)))
    for _name, _dashes, words in TIE_LINE_STYLES:
        assert f"({words})" in view.legend.value


def test_the_shelf_keeps_the_drawing_compact_and_a_new_tie_takes_one_off(
    studio, open_map, forty, ann
):
    hub = NetworkHub(studio, open_map)
    nodes = {int(n.data["id"]): n.position for n in hub.map_view.cyto.graph.nodes}
    tied_bottom = max(nodes[i]["y"] for i in forty[:30])
    assert all(nodes[i]["y"] > tied_bottom for i in forty[30:])
    studio.network.edits.add_tie(ann, STAGE, forty[39], forty[0], "care", "forward", 1)
    hub.refresh({"network"})
    moved = {int(n.data["id"]): n.position for n in hub.map_view.cyto.graph.nodes}
    assert all(moved[i] == nodes[i] for i in forty[:30])  # nobody tied moved
    x0, y0 = moved[forty[0]]["x"], moved[forty[0]]["y"]
    distance = ((moved[forty[39]]["x"] - x0) ** 2 + (moved[forty[39]]["y"] - y0) ** 2) ** 0.5
    assert distance < 400  # off the shelf, beside the one it is tied to
