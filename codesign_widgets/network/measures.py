"""Measures of a drawn stakeholder map: who is central, who brokers, who has a say.

Pure Python plus networkx (facilitator's and analysts' kernels only). Functions take the graph
of :func:`codesign_widgets.network.graph.build_graph` first and return plain values. They read
two simpler views of it:

- :func:`simple_graph`: undirected, one edge per linked pair (``weight`` = summed strength);
  degree, betweenness, communities, brokers, isolates and voice distances use it.
- :func:`arc_graph`: directed arcs; a "both ways" tie gives two arcs, a tie with no direction
  none; reciprocity uses it.

Equal say: how many ties separate lived experience from the nearest decider
(:func:`voice_distances`), and how far perspectives disagree on a stakeholder's influence
(:func:`influence_by_perspective`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx

from .model import NetworkSettings

__all__ = [
    "BETWEENNESS_BUDGET",
    "MIN_PIVOTS",
    "InfluenceView",
    "NetworkMetrics",
    "VoiceDistance",
    "arc_graph",
    "deciders",
    "influence_by_perspective",
    "network_metrics",
    "simple_graph",
    "voice_distances",
]

#: Betweenness costs about (pivots x (stakeholders + ties)) steps. Exact means every stakeholder
#: is a pivot; while that stays under the budget it is exact, above it a seeded sample of
#: pivots keeps to the budget (exact took 1.2-2 s at 500 stakeholders with 4 ties each on a
#: 2-core laptop; the budget is ~0.3 s). With 4 ties each, sampling starts at about 220.
BETWEENNESS_BUDGET = 250_000
MIN_PIVOTS = 50


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

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edges_from([(1, 2), (2, 3)], type="information", direction="forward", strength=1)
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
