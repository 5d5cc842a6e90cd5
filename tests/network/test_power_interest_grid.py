"""The power and interest grid on the projector: labels never cover each other or a point,
and stakeholders rated the same share one point with a count and are named in the list."""

from __future__ import annotations

import re

import networkx as nx

from codesign_widgets.network.reports import GRID_FONT, _text_width, power_interest_svg

from ..hostile import AS_TYPED


def grid_of(ratings: list[tuple[str, int, int]]) -> str:
    graph = nx.MultiDiGraph()
    for i, (name, influence, interest) in enumerate(ratings):
        graph.add_node(i, name=name, influence=influence, interest=interest, kind="person")
    return power_interest_svg(graph, lambda _d: "#0072B2")


def label_boxes(svg: str) -> list[tuple[float, float, float, float]]:
    """Each name label's box, as the grid measures it (the browser test measures the drawn
    text: tests/browser/test_projector_layout.py)."""
    boxes = []
    for x, y, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)">([^<]*)</text>', svg):
        left, base = float(x), float(y)
        height = GRID_FONT * 1.2
        top = base - height * 0.8
        boxes.append((left, top, left + _text_width(text), top + height))
    return boxes


def points(svg: str) -> list[tuple[float, float, float]]:
    return [
        (float(x), float(y), float(r))
        for x, y, r in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', svg)
    ]


def overlaps(a, b) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def test_forty_stakeholders_on_a_crowded_grid_never_overlap():
    # 40 stakeholders on 0-10 ratings: many neighbours, several at the very same spot.
    names = [f"{AS_TYPED[i % len(AS_TYPED)][:18]} {i}" for i in range(40)]
    ratings = [(name, 3 + i % 5, 4 + (i * 7) % 4) for i, name in enumerate(names)]
    svg = grid_of(ratings)
    boxes = label_boxes(svg)
    assert len(boxes) >= 8  # most spots are named on the grid itself
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlaps(a, b), (a, b)
        for x, y, r in points(svg):
            assert not overlaps(a, (x - r, y - r, x + r, y + r)), (a, x, y)


def test_the_same_rating_is_one_point_with_a_count_and_a_list():
    svg = grid_of([("Will", 8, 8), ("May", 8, 8), ("نرگس", 8, 8), ("GP", 2, 2)])
    assert len(points(svg)) == 2
    assert ">3</text>" in svg  # the count drawn on the shared point
    assert "Rated the same (8 influence, 8 interest): Will, May, نرگس" in svg
    assert "Manage closely: Will, May, نرگس" in svg
    assert "Monitor: GP" in svg


def test_hostile_names_stay_text_on_the_grid():
    svg = grid_of([('<img src=x onerror="alert(1)">', 9, 9), ("<script>x</script>", 9, 9)])
    assert "<img" not in svg
    assert "<script>" not in svg
