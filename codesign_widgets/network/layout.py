"""A stable layout for a stakeholder map: only new stakeholders move.

numpy and networkx only (no scipy), for the facilitator's projector and the analysts' charts;
a participant kernel never imports it.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import networkx as nx
import numpy as np

__all__ = ["EDGE_LENGTH", "isolates", "stable_layout", "with_isolates_shelved"]

EDGE_LENGTH = 150.0  # the layout's ideal tie length, in drawing units (pixels at zoom 1)
# The shelf of stakeholders without ties: room for a node and a label under it.
SHELF_COLUMN, SHELF_ROW = 180.0, 150.0


def _jitter(node: object, seed: int) -> np.ndarray:
    # Deterministic per node, so the same map always gets the same picture.
    rng = np.random.default_rng(zlib.crc32(f"{seed}:{node}".encode()))
    return rng.uniform(-1, 1, 2)


def stable_layout(
    graph: nx.Graph | nx.MultiDiGraph,
    previous: Mapping[object, tuple[float, float]] | None = None,
    *,
    iterations: int = 60,
    seed: int = 0,
) -> dict[object, tuple[float, float]]:
    """Positions that keep where everyone already was: only new stakeholders move.

    New nodes start at the middle of their placed neighbours (or at the edge of the picture
    if they have none) and settle by a force-directed (Fruchterman-Reingold) step in which
    the placed nodes are fixed. Without ``previous`` every node is laid out. numpy only, so
    it needs no scipy; the forces for ``m`` moving nodes cost ``m * n`` per iteration.
    """
    previous = previous or {}
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    k = EDGE_LENGTH
    size = k * max(1.0, np.sqrt(n))
    pos = np.zeros((n, 2))
    moving = np.array([node not in previous for node in nodes])
    placed = [index[node] for node in nodes if node in previous]
    for node in nodes:
        if node in previous:
            pos[index[node]] = previous[node]
    if placed:
        centre = pos[placed].mean(axis=0)
        radius = np.abs(pos[placed] - centre).max() + k
    else:
        centre, radius = np.zeros(2), size / 2
    for node in nodes:
        if node not in previous:
            near = [index[m] for m in graph.neighbors(node) if m in previous]
            if near:
                pos[index[node]] = pos[near].mean(axis=0) + _jitter(node, seed) * k / 2
            elif placed:
                angle = (_jitter(node, seed)[0] + 1) * np.pi
                pos[index[node]] = centre + radius * np.array([np.cos(angle), np.sin(angle)])
            else:
                pos[index[node]] = _jitter(node, seed) * size / 2
    movers = np.flatnonzero(moving)
    if len(movers) and iterations:
        undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
        rows, cols = [], []
        for row, i in enumerate(movers):
            for m in undirected.neighbors(nodes[i]):
                if m != nodes[i]:
                    rows.append(row)
                    cols.append(index[m])
        rows_a, cols_a = np.array(rows, dtype=int), np.array(cols, dtype=int)
        temperature = size / 10 if not placed else k
        cooling = temperature / (iterations + 1)
        for _ in range(iterations):
            # Repulsion k^2/d along the unit vector = k^2 * delta / d^2; float32 halves the
            # memory traffic of the (moving x all) matrices, which is what the time goes on.
            xy = pos.astype(np.float32)
            dx = xy[movers, 0][:, None] - xy[None, :, 0]
            dy = xy[movers, 1][:, None] - xy[None, :, 1]
            factor = (k * k) / np.maximum(dx * dx + dy * dy, 1e-4)
            push = np.stack([(dx * factor).sum(axis=1), (dy * factor).sum(axis=1)], axis=1)
            push = push.astype(np.float64)
            pull = np.zeros_like(push)
            if len(rows_a):
                d = pos[cols_a] - pos[movers[rows_a]]
                np.add.at(pull, rows_a, d * np.linalg.norm(d, axis=1)[:, None] / k)
            step = push + pull
            length = np.maximum(np.linalg.norm(step, axis=1), 0.01)
            pos[movers] += step / length[:, None] * np.minimum(length, temperature)[:, None]
            temperature -= cooling
    return {node: (float(pos[i, 0]), float(pos[i, 1])) for node, i in index.items()}


def isolates(graph: nx.Graph | nx.MultiDiGraph) -> list:
    """Stakeholders with no tie to anyone else (a tie to oneself does not count), in order.

    >>> g = nx.MultiDiGraph([(1, 2), (3, 3)])
    >>> g.add_node(4)
    >>> isolates(g)
    [3, 4]
    """
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    return [n for n in graph if all(m == n for m in undirected.neighbors(n))]


def with_isolates_shelved(
    graph: nx.Graph | nx.MultiDiGraph, positions: Mapping[object, tuple[float, float]]
) -> dict[object, tuple[float, float]]:
    """``positions`` of the tied stakeholders plus a compact grid, just under them, for the
    stakeholders nobody is tied to yet.

    Laid out by force, an unconnected stakeholder drifts far from the rest, and fitting the
    picture to the screen then shrinks every label (0.32x on the projector in the audit). On
    the shelf they stay one row-height from the map, in the order they came.

    >>> g = nx.Graph([(1, 2)])
    >>> g.add_nodes_from([3, 4])
    >>> shelf = with_isolates_shelved(g, {1: (0.0, 0.0), 2: (150.0, 0.0)})
    >>> shelf[3], shelf[4]
    ((0.0, 150.0), (180.0, 150.0))
    """
    alone = isolates(graph)
    placed = {n: positions[n] for n in graph if n in positions and n not in set(alone)}
    if not alone:
        return placed
    if placed:
        xs = [x for x, _ in placed.values()]
        left, width, top = min(xs), max(xs) - min(xs), max(y for _, y in placed.values())
        top += SHELF_ROW
    else:
        left, width, top = 0.0, 0.0, 0.0
    # Rows as wide as the map, but never taller than about 16:9 wide (a long thin column of
    # isolates would shrink the picture as much as the drift did).
    columns = max(int(width // SHELF_COLUMN) + 1, int(np.ceil(np.sqrt(len(alone) * 16 / 9))))
    for i, node in enumerate(alone):
        row, column = divmod(i, columns)
        placed[node] = (left + column * SHELF_COLUMN, top + row * SHELF_ROW)
    return placed
