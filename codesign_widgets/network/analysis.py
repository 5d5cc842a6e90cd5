"""Stakeholder network results of a loaded workshop: the map, its graph and metrics, the
stakeholder table, voice distances and influence as each perspective rated it.

Each function takes ``tables``, one workshop's loaded tables by name
(:data:`~codesign_widgets.core.workshop_tables.Tables`), reads them only and returns plain
values, DataFrames or graphs; :class:`~codesign_widgets.analysis.loaded_data.WorkshopData`
offers each as a method of the same name. The numbers follow
:mod:`codesign_widgets.network.graph` and :mod:`codesign_widgets.network.measures`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..core.table_schema import seconds, split_list
from ..core.templates import load_template
from ..core.workshop_tables import Tables, noted, perspective_groups, plan_stage

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .measures import NetworkMetrics
    from .model import NetworkMap

__all__ = [
    "NO_MAP",
    "NO_STAKEHOLDERS",
    "flat_graph",
    "influence_views",
    "network_graph",
    "network_map",
    "network_metrics",
    "stakeholder_table",
    "voice_distances",
]


#: Why a stakeholder map result is empty, in words.
NO_MAP = "This workshop's plan has no stakeholder map."
NO_STAKEHOLDERS = "No stakeholder was drawn on the map in this workshop."

_MAP_TABLES = ("stakeholders", "ties", "ratings", "tie_types")


def _no_map(tables: Tables) -> str:
    return NO_STAKEHOLDERS if plan_stage(tables, "stakeholder_network") else NO_MAP


def network_map(tables: Tables, stage: str | None = None) -> NetworkMap:
    """The map as drawn (withdrawn and hidden items included, with their status); an empty
    map when the plan has no map stage.

    >>> from tests.tables import network_tables
    >>> [s.name for s in network_map(network_tables()).stakeholders]
    ['GP practice', 'Amara', 'Commissioner']
    """
    from .model import NetworkMap, Rating, Stakeholder, Tie, TieType, network_settings

    stage = plan_stage(tables, "stakeholder_network", stage)
    t = {name: tables[name][tables[name]["stage"] == stage] for name in _MAP_TABLES}
    stakeholders = tuple(
        Stakeholder(
            int(r.stakeholder_id),
            r.name,
            r.kind,
            r.perspective,
            r.goals,
            r.author or None,
            r.author_perspective,
            r.origin,
            r.status,
            split_list(r.aliases),
            seconds(r.created_at),
        )
        for r in t["stakeholders"].itertuples(index=False)
    )
    ties = tuple(
        Tie(
            int(r.tie_id),
            int(r.source),
            int(r.target),
            r.type,
            r.direction,
            int(r.strength),
            r.author or None,
            r.author_perspective,
            r.origin,
            r.status,
            seconds(r.created_at),
        )
        for r in t["ties"].itertuples(index=False)
    )
    ratings = tuple(
        Rating(
            int(r.stakeholder_id),
            r.rater or None,
            r.rater_perspective,
            float(r.influence),
            float(r.interest),
            seconds(r.at),
        )
        for r in t["ratings"].itertuples(index=False)
    )
    merged = t["stakeholders"].dropna(subset=["merged_into"])
    merges = {int(a): int(b) for a, b in zip(merged["stakeholder_id"], merged["merged_into"],
                                             strict=True)}  # fmt: skip
    types = [TieType(r.key, r.label, r.colour, bool(r.channel))
             for r in t["tie_types"].itertuples(index=False)]  # fmt: skip
    template = tables["workshops"]["template"].iloc[0]
    settings = network_settings(load_template(template).network, types)
    return NetworkMap(stakeholders, ties, ratings, merges, settings)


def _drawn_graph(tables: Tables, stage: str | None = None, **options) -> nx.MultiDiGraph:
    from .graph import build_graph

    return build_graph(network_map(tables, stage), **options)


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of a drawn map whose attributes are all single values (text, numbers), so
    networkx's GraphML and GEXF writers (and Gephi, Cytoscape, R's igraph) take it.

    ``aliases`` and ``drawn_by`` become ``"; "``-joined text, each perspective's mean
    influence an attribute ``influence_<perspective>``, and a missing rating is left out
    (not written as an empty value). A node's ``label`` is its name (what Gephi shows); a
    tie's type is ``tie_type`` (GEXF keeps ``type`` for directed or undirected).

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node(1, name="GP", aliases=("Surgery",), influence=None,
    ...            influence_by={"provider": 7.0}, drawn_by=frozenset({"provider"}))
    >>> flat_graph(g).nodes[1]  # doctest: +NORMALIZE_WHITESPACE
    {'label': 'GP', 'name': 'GP', 'aliases': 'Surgery', 'influence_provider': 7.0,
     'drawn_by': 'provider'}
    """
    import networkx as nx

    flat = nx.MultiDiGraph(**{k: v for k, v in graph.graph.items() if _scalar(v)})
    for node, data in graph.nodes(data=True):
        row = {"label": data["name"]} if "name" in data else {}
        for key, value in data.items():
            if key == "influence_by":
                row |= {f"influence_{p or 'unknown'}": float(v) for p, v in sorted(value.items())}
            elif isinstance(value, tuple | list | set | frozenset):
                row[key] = "; ".join(sorted(str(v) for v in value) if isinstance(
                    value, set | frozenset) else [str(v) for v in value])  # fmt: skip
            elif _scalar(value):
                row[key] = value
        flat.add_node(node, **row)
    for u, v, key, data in graph.edges(keys=True, data=True):
        row = {("tie_type" if k == "type" else k): x for k, x in data.items() if _scalar(x)}
        flat.add_edge(u, v, key=key, **row)
    return flat


def _scalar(value) -> bool:
    return value is not None and isinstance(value, str | int | float | bool)


def network_graph(tables: Tables, stage: str | None = None, **options) -> nx.MultiDiGraph:
    """The map as a networkx MultiDiGraph whose attributes are single values (see
    :func:`flat_graph`), ready for ``nx.write_graphml`` and ``nx.write_gexf``; options as
    :func:`codesign_widgets.network.graph.build_graph` takes them. Empty without a map.

    >>> from tests.tables import network_tables
    >>> graph = network_graph(network_tables())
    >>> graph.number_of_nodes(), graph.number_of_edges()
    (3, 2)
    """
    return flat_graph(_drawn_graph(tables, stage, **options))


def network_metrics(tables: Tables, stage: str | None = None) -> NetworkMetrics:
    """Degree, betweenness, brokers and the rest of the map's measures
    (:func:`codesign_widgets.network.measures.network_metrics`).

    >>> from tests.tables import network_tables
    >>> network_metrics(network_tables()).isolates
    []
    """
    from . import measures

    return measures.network_metrics(_drawn_graph(tables, stage))


STAKEHOLDER_COLUMNS = ["stakeholder_id", "name", "kind", "perspective", "influence",
                       "interest", "ties", "betweenness", "broker"]  # fmt: skip


def stakeholder_table(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Stakeholders on the map with influence (perspectives weighted equally), interest,
    degree and betweenness: the facilitator's analysis panel as a table.

    >>> from tests.tables import network_tables
    >>> stakeholder_table(network_tables())["name"].tolist()
    ['GP practice', 'Amara', 'Commissioner']
    """
    from . import measures

    graph = _drawn_graph(tables, stage)
    metrics = measures.network_metrics(graph)
    rows = [
        {"stakeholder_id": n, "name": d["name"], "kind": d["kind"],
         "perspective": d["perspective"], "influence": d["influence"],
         "interest": d["interest"], "ties": metrics.degree.get(n, 0),
         "betweenness": metrics.betweenness.get(n, 0.0), "broker": n in metrics.brokers}
        for n, d in graph.nodes(data=True)
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=STAKEHOLDER_COLUMNS)
    frame = frame.astype({"influence": "float64", "interest": "float64",
                          "betweenness": "float64"})  # fmt: skip
    frame = frame.sort_values(["betweenness", "ties"], ascending=False, ignore_index=True)
    return noted(frame, _no_map(tables))


def voice_distances(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Steps from each lived-experience stakeholder to the nearest decider.

    >>> from tests.tables import network_tables
    >>> voice_distances(network_tables()).to_dict("records")
    [{'stakeholder': 'Amara', 'steps': 2, 'nearest_decider': 'Commissioner'}]
    """
    from . import measures
    from .graph import build_graph

    net = network_map(tables, stage)
    graph = build_graph(net)
    names = dict(graph.nodes(data="name"))
    rows = [
        {"stakeholder": names[d.stakeholder], "steps": d.steps,
         "nearest_decider": names.get(d.nearest_decider, "")}
        for d in measures.voice_distances(graph, net.settings, perspective_groups(tables))
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["stakeholder", "steps", "nearest_decider"])
    sentence = _no_map(tables)
    if len(net.stakeholders):
        sentence = "No lived-experience stakeholder is on the map."
    return noted(frame, sentence)


def influence_views(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Each stakeholder's influence as each perspective rated it, biggest disagreement
    first (the map's equal-say panel).

    >>> from tests.tables import network_tables
    >>> list(influence_views(network_tables()).columns)[:1]
    ['stakeholder']
    """
    from .measures import influence_by_perspective

    graph = _drawn_graph(tables, stage)
    names = dict(graph.nodes(data="name"))
    views = influence_by_perspective(graph)
    perspectives = sorted({p for v in views for p in v.by_perspective})
    rows = [
        {"stakeholder": names[v.stakeholder], **v.by_perspective, "spread": v.spread} for v in views
    ]
    frame = pd.DataFrame(rows, columns=["stakeholder", *perspectives, "spread"])
    return noted(frame, _no_map(tables) if not graph else "Nobody has rated influence yet.")
