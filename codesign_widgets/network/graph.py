"""A stakeholder map as a networkx graph: who is drawn, with which ties.

Pure Python plus networkx: loaded by the facilitator's and analysts' kernels only (a
participant kernel never imports it). Functions take the map first and return plain values.

The drawn map is a :class:`networkx.MultiDiGraph`: one node per stakeholder (merged ones are
folded into the one kept), one edge per tie keyed by the tie's id, so two ties of different
types between the same pair stay apart. Metrics and equal-say measures read it in
:mod:`codesign_widgets.network.measures`; :mod:`codesign_widgets.network.layout` places it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx

from ..core.small_groups import group_sizes, merge_small_groups
from .model import NetworkMap, Rating, resolve

__all__ = ["build_graph"]


def _equal_mean(values_by_group: Mapping[str, list[float]]) -> float | None:
    means = [sum(v) / len(v) for v in values_by_group.values() if v]
    return sum(means) / len(means) if means else None


def _rater_groups(ratings: Iterable[Rating], smallest: int) -> dict[int, dict[str, str]]:
    """For each stakeholder, each rater perspective to the perspective it is shown under."""
    people: dict[int, list[tuple[str, object]]] = defaultdict(list)
    for i, r in enumerate(ratings):
        # An imported rating is the file's, not a person's: never too small to show.
        people[r.stakeholder_id] += (
            [(r.rater_perspective, r.rater_id)]
            if r.rater_id is not None
            else [(r.rater_perspective, ("file", i, n)) for n in range(smallest)]
        )
    plans: dict[int, dict[str, str]] = defaultdict(dict)
    for sid, pairs in people.items():
        plans[sid] = merge_small_groups(group_sizes(pairs), smallest)
    return plans


def build_graph(
    net: NetworkMap,
    *,
    tie_types: Iterable[str] | None = None,
    drawn_by: str | None = None,
    smallest_group: int = 1,
) -> nx.MultiDiGraph:
    """The map as a graph; optionally only some tie types, or only what one perspective drew.

    Node attributes: ``name``, ``kind``, ``perspective``, ``goals``, ``aliases``,
    ``influence`` and ``interest`` (mean of each perspective's mean rating, perspectives
    weighted equally; with ``drawn_by``, that perspective's own rating where it gave one),
    ``influence_by`` (perspective -> mean), ``drawn_by`` (perspectives that added or rated
    it). Edge attributes: ``type``, ``direction``, ``strength``, ``drawn_by``.

    ``smallest_group`` (the plan's) protects raters: for each stakeholder, a perspective
    with fewer people rating it is counted and shown as "other" (never alone), as
    :mod:`codesign_widgets.core.small_groups` says; ratings that came with an imported
    file are nobody's and are never merged.
    """
    wanted_types = set(tie_types) if tie_types is not None else None
    current = {s.id: s for s in net.current()}
    influence: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    interest: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    drawers: dict[int, set[str]] = defaultdict(set)
    ratings = net.latest_ratings()
    shown = _rater_groups(ratings, smallest_group)
    for rating in ratings:
        group = shown[rating.stakeholder_id].get(rating.rater_perspective, rating.rater_perspective)
        influence[rating.stakeholder_id][group].append(rating.influence)
        interest[rating.stakeholder_id][group].append(rating.interest)
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
