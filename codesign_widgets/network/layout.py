"""A stable layout for a stakeholder map: only new stakeholders move.

numpy and networkx only (no scipy), for the facilitator's projector and the analysts' charts;
a participant kernel never imports it.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import networkx as nx
import numpy as np

__all__ = ["EDGE_LENGTH", "stable_layout"]

EDGE_LENGTH = 150.0  # the layout's ideal tie length, in drawing units (pixels at zoom 1)


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
