"""A stakeholder map as a networkx graph: metrics, equal-say measures and a stable layout.

Pure Python plus networkx and numpy: loaded by the facilitator's and analysts' kernels only
(a participant kernel never imports it). Functions take the graph or map first and return
plain values.

The drawn map is a :class:`networkx.MultiDiGraph`: one node per stakeholder (merged ones are
folded into the one kept), one edge per tie keyed by the tie's id, so two ties of different
types between the same pair stay apart. Metrics read two simpler views of it:

- :func:`simple_graph`: undirected, one edge per linked pair (``weight`` = summed strength);
  degree, betweenness, communities, brokers, isolates and voice distances use it.
- :func:`arc_graph`: directed arcs; a "both ways" tie gives two arcs, a tie with no direction
  none; reciprocity uses it.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from .network import NetworkMap, NetworkSettings, resolve

__all__ = [
    "BETWEENNESS_BUDGET",
    "MIN_PIVOTS",
    "InfluenceView",
    "NetworkMetrics",
    "VoiceDistance",
    "arc_graph",
    "build_graph",
    "influence_by_perspective",
    "network_metrics",
    "simple_graph",
    "stable_layout",
    "voice_distances",
]

#: Betweenness costs about (pivots x (stakeholders + ties)) steps. Exact means every stakeholder
#: is a pivot; while that stays under the budget it is exact, above it a seeded sample of
#: pivots keeps to the budget (exact took 1.2-2 s at 500 stakeholders with 4 ties each on a
#: 2-core laptop; the budget is ~0.3 s). With 4 ties each, sampling starts at about 220.
BETWEENNESS_BUDGET = 250_000
MIN_PIVOTS = 50
EDGE_LENGTH = 150.0  # the layout's ideal tie length, in drawing units (pixels at zoom 1)


def _equal_mean(values_by_group: Mapping[str, list[float]]) -> float | None:
    means = [sum(v) / len(v) for v in values_by_group.values() if v]
    return sum(means) / len(means) if means else None


def build_graph(
    net: NetworkMap,
    *,
    tie_types: Iterable[str] | None = None,
    drawn_by: str | None = None,
) -> nx.MultiDiGraph:
    """The map as a graph; optionally only some tie types, or only what one perspective drew.

    Node attributes: ``name``, ``kind``, ``perspective``, ``goals``, ``aliases``,
    ``influence`` and ``interest`` (mean of each perspective's mean rating, perspectives
    weighted equally; with ``drawn_by``, that perspective's own rating where it gave one),
    ``influence_by`` (perspective -> mean), ``drawn_by`` (perspectives that added or rated
    it). Edge attributes: ``type``, ``direction``, ``strength``, ``drawn_by``.
    """
    wanted_types = set(tie_types) if tie_types is not None else None
    current = {s.id: s for s in net.current()}
    influence: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    interest: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    drawers: dict[int, set[str]] = defaultdict(set)
    for rating in net.latest_ratings():
        influence[rating.stakeholder_id][rating.rater_perspective].append(rating.influence)
        interest[rating.stakeholder_id][rating.rater_perspective].append(rating.interest)
        drawers[rating.stakeholder_id].add(rating.rater_perspective)
    aliases: dict[int, list[str]] = defaultdict(list)
    for s in net.stakeholders:
        kept = resolve(s.id, net.merges)
        drawers[kept].add(s.author_perspective)
        if kept != s.id and s.status == "active":
            aliases[kept].append(s.name)

    graph = nx.MultiDiGraph()
    for sid, s in current.items():
        by = {p: sum(v) / len(v) for p, v in influence[sid].items() if v}
        shown = by.get(drawn_by) if drawn_by is not None else None
        graph.add_node(
            sid,
            name=s.name,
            kind=s.kind,
            perspective=s.perspective,
            goals=s.goals,
            aliases=tuple(s.aliases) + tuple(aliases[sid]),
            influence=shown if shown is not None else _equal_mean(influence[sid]),
            interest=_equal_mean(interest[sid]),
            influence_by=by,
            drawn_by=frozenset(drawers[sid]),
            origin=s.origin,
        )
    for tie in net.ties:
        if tie.status != "active":
            continue
        if wanted_types is not None and tie.type not in wanted_types:
            continue
        if drawn_by is not None and tie.author_perspective != drawn_by:
            continue
        u, v = resolve(tie.source, net.merges), resolve(tie.target, net.merges)
        if u == v or u not in current or v not in current:
            continue  # folded into one by a merge, or an end was withdrawn: kept on record only
        graph.add_edge(
            u,
            v,
            key=tie.id,
            type=tie.type,
            direction=tie.direction,
            strength=tie.strength,
            drawn_by=tie.author_perspective,
        )
    if drawn_by is not None:
        keep = {n for n, d in graph.nodes(data=True) if drawn_by in d["drawn_by"]}
        keep |= {n for edge in graph.edges() for n in edge}
        graph.remove_nodes_from([n for n in list(graph) if n not in keep])
    return graph


def simple_graph(
    graph: nx.MultiDiGraph, *, channels_only: NetworkSettings | None = None
) -> nx.Graph:
    """Undirected, one edge per linked pair with ``weight`` = summed strength.

    With ``channels_only``, ties whose type carries no voice (conflict) are left out.
    """
    blocked = {t.key for t in channels_only.tie_types if not t.channel} if channels_only else set()
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for u, v, data in graph.edges(data=True):
        if data["type"] in blocked:
            continue
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += data["strength"]
        else:
            simple.add_edge(u, v, weight=data["strength"])
    return simple


def arc_graph(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """Directed arcs: from -> to gives one, both ways gives two, no direction gives none."""
    arcs = nx.DiGraph()
    arcs.add_nodes_from(graph.nodes)
    for u, v, data in graph.edges(data=True):
        if data["direction"] in ("forward", "both"):
            arcs.add_edge(u, v)
        if data["direction"] == "both":
            arcs.add_edge(v, u)
    return arcs


@dataclass(frozen=True)
class NetworkMetrics:
    """Who is central, who brokers, who is alone, which groups form, how much flows back."""

    degree: dict[int, int]
    in_degree: dict[int, int]
    out_degree: dict[int, int]
    betweenness: dict[int, float]
    #: None when betweenness is exact; else the number of sampled pivots.
    betweenness_sample: int | None
    brokers: list[int]
    isolates: list[int]
    communities: list[list[int]]
    #: Share of directed arcs whose reverse arc exists too; None without directed ties.
    reciprocity: float | None
    community_of: dict[int, int] = field(default_factory=dict)


def network_metrics(
    graph: nx.MultiDiGraph,
    *,
    budget: int = BETWEENNESS_BUDGET,
    seed: int = 0,
    top: int = 5,
) -> NetworkMetrics:
    """Degree, betweenness (sampled above the ``budget``), brokers, isolates, communities.

    A *broker* lies on paths between others (betweenness above 0) and is linked to more than
    one community; the ``top`` of them by betweenness are listed.

    >>> g = nx.MultiDiGraph([(1, 2), (2, 3)], type="information", direction="forward", strength=1)
    >>> network_metrics(g).betweenness[2]
    1.0
    """
    simple = simple_graph(graph)
    n = simple.number_of_nodes()
    size = n + simple.number_of_edges()
    k = None if n * size <= budget else min(n, max(MIN_PIVOTS, budget // size))
    betweenness = nx.betweenness_centrality(simple, k=k, seed=seed if k else None)
    communities: list[list[int]] = []
    if simple.number_of_edges():
        found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
        communities = sorted(
            (sorted(c) for c in found if len(c) > 1), key=lambda c: (-len(c), c[0])
        )
    community_of = {node: i for i, members in enumerate(communities) for node in members}
    brokers = sorted(
        (
            node
            for node, value in betweenness.items()
            if value > 0 and len({community_of.get(m) for m in simple[node]}) > 1
        ),
        key=lambda node: (-betweenness[node], node),
    )[:top]
    arcs = arc_graph(graph)
    # nx.overall_reciprocity copies the graph to undirected first; counting is ten times faster.
    returned = sum(1 for u, v in arcs.edges if arcs.has_edge(v, u))
    reciprocity = returned / arcs.number_of_edges() if arcs.number_of_edges() else None
    return NetworkMetrics(
        degree=dict(simple.degree()),
        in_degree=dict(arcs.in_degree()),
        out_degree=dict(arcs.out_degree()),
        betweenness=betweenness,
        betweenness_sample=k,
        brokers=brokers,
        isolates=sorted(nx.isolates(simple)),
        communities=communities,
        reciprocity=reciprocity,
        community_of=community_of,
    )


# -- equal say ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class VoiceDistance:
    """How many ties separate a lived-experience stakeholder from the nearest decider."""

    stakeholder: int
    steps: int | None  # None: no route at all
    nearest_decider: int | None


def deciders(
    graph: nx.MultiDiGraph, settings: NetworkSettings, groups: Mapping[str, str]
) -> list[int]:
    """Stakeholders who decide: a decider perspective group, or influence at the threshold."""
    found = []
    for node, data in graph.nodes(data=True):
        group = groups.get(data["perspective"], data["perspective"])
        strong = data["influence"] is not None and data["influence"] >= settings.decider_influence
        if group in settings.decider_groups or strong:
            found.append(node)
    return sorted(found)


def voice_distances(
    graph: nx.MultiDiGraph, settings: NetworkSettings, groups: Mapping[str, str]
) -> list[VoiceDistance]:
    """Steps from each lived-experience stakeholder to the nearest decider.

    Ties count either way (a conversation can start from either end), except types that
    carry no voice (``channel = false``: conflict). ``groups`` maps perspective keys to their
    group. Lived-experience stakeholders who also decide are 0 steps away.
    """
    lived = sorted(
        n
        for n, d in graph.nodes(data=True)
        if groups.get(d["perspective"], d["perspective"]) in settings.lived_groups
    )
    sources = deciders(graph, settings, groups)
    if not sources:
        return [VoiceDistance(n, None, None) for n in lived]
    channels = nx.Graph()
    channels.add_nodes_from(graph.nodes)
    channels.add_edges_from(simple_graph(graph, channels_only=settings).edges)
    lengths, paths = nx.multi_source_dijkstra(channels, sources)
    return [
        VoiceDistance(n, int(lengths[n]), paths[n][0])
        if n in lengths
        else VoiceDistance(n, None, None)
        for n in lived
    ]


@dataclass(frozen=True)
class InfluenceView:
    """A stakeholder's influence as each perspective rated it, and how far they disagree."""

    stakeholder: int
    by_perspective: dict[str, float]
    spread: float | None  # highest minus lowest perspective mean; None if < 2 perspectives


def influence_by_perspective(graph: nx.MultiDiGraph) -> list[InfluenceView]:
    """Each stakeholder's influence per perspective, biggest disagreements first."""
    views = []
    for node, data in graph.nodes(data=True):
        by = dict(data["influence_by"])
        spread = max(by.values()) - min(by.values()) if len(by) > 1 else None
        views.append(InfluenceView(node, by, spread))
    return sorted(views, key=lambda v: (-(v.spread if v.spread is not None else -1), v.stakeholder))


# -- layout --------------------------------------------------------------------------------------
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
