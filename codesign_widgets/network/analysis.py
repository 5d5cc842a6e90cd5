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

from ..core.table_schema import split_list
from ..core.templates import load_template
from ..core.workshop_tables import Tables, perspective_groups, pick_stage

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .measures import NetworkMetrics
    from .model import NetworkMap

__all__ = [
    "influence_views",
    "network_graph",
    "network_map",
    "network_metrics",
    "stakeholder_table",
    "voice_distances",
]


def network_map(tables: Tables, stage: str | None = None) -> NetworkMap:
    """The map as drawn (withdrawn and hidden items included, with their status)."""
    from .model import NetworkMap, Rating, Stakeholder, Tie, TieType, network_settings

    stage = pick_stage(tables, "stakeholder_network", stage)
    t = {name: f[f["stage"] == stage] for name, f in tables.items()
         if name in ("stakeholders", "ties", "ratings", "tie_types")}  # fmt: skip
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
            r.created_at,
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
            r.created_at,
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
            r.at,
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


def network_graph(tables: Tables, stage: str | None = None, **options) -> nx.MultiDiGraph:
    """The map as a networkx MultiDiGraph
    (see :func:`codesign_widgets.network.graph.build_graph`)."""
    from .graph import build_graph

    return build_graph(network_map(tables, stage), **options)


def network_metrics(tables: Tables, stage: str | None = None) -> NetworkMetrics:
    """Degree, betweenness, brokers and the rest of the map's measures
    (:func:`codesign_widgets.network.measures.network_metrics`)."""
    from . import measures

    return measures.network_metrics(network_graph(tables, stage))


def stakeholder_table(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Stakeholders on the map with influence (perspectives weighted equally), interest,
    degree and betweenness: the facilitator's analysis panel as a table."""
    from . import measures

    graph = network_graph(tables, stage)
    metrics = measures.network_metrics(graph)
    rows = [
        {"stakeholder_id": n, "name": d["name"], "kind": d["kind"],
         "perspective": d["perspective"], "influence": d["influence"],
         "interest": d["interest"], "ties": metrics.degree.get(n, 0),
         "betweenness": metrics.betweenness.get(n, 0.0), "broker": n in metrics.brokers}
        for n, d in graph.nodes(data=True)
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    return frame.sort_values(["betweenness", "ties"], ascending=False, ignore_index=True)


def voice_distances(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Steps from each lived-experience stakeholder to the nearest decider."""
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
    return pd.DataFrame(rows, columns=["stakeholder", "steps", "nearest_decider"])


def influence_views(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Each stakeholder's influence as each perspective rated it, biggest disagreement
    first (the map's equal-say panel)."""
    from .measures import influence_by_perspective

    graph = network_graph(tables, stage)
    names = dict(graph.nodes(data="name"))
    rows = [
        {"stakeholder": names[v.stakeholder], **v.by_perspective, "spread": v.spread}
        for v in influence_by_perspective(graph)
    ]
    return pd.DataFrame(rows)
