"""Stakeholder network results of a loaded workshop: the map, its graph and metrics, the
stakeholder table, voice distances and influence as each perspective rated it.

A mixin of :class:`~.analysis.workshop_data.WorkshopData` that reads the data's tables only;
the numbers follow :mod:`network_graph`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..core.table_schema import split_list
from ..core.templates import load_template

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .model import NetworkMap

__all__ = ["NetworkResultsMixin"]


class NetworkResultsMixin:
    tables: dict[str, pd.DataFrame]

    # -- stakeholder network -------------------------------------------------------------------
    def network_map(self, stage: str | None = None) -> NetworkMap:
        """The map as drawn (withdrawn and hidden items included, with their status)."""
        from .model import NetworkMap, Rating, Stakeholder, Tie, TieType, network_settings

        stage = self._stage("stakeholder_network", stage)
        t = {name: f[f["stage"] == stage] for name, f in self.one().tables.items()
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
                int(r.influence),
                int(r.interest),
                r.at,
            )
            for r in t["ratings"].itertuples(index=False)
        )
        merged = t["stakeholders"].dropna(subset=["merged_into"])
        merges = {int(a): int(b) for a, b in zip(merged["stakeholder_id"], merged["merged_into"],
                                                 strict=True)}  # fmt: skip
        types = [TieType(r.key, r.label, r.colour, bool(r.channel))
                 for r in t["tie_types"].itertuples(index=False)]  # fmt: skip
        template = self.tables["workshops"]["template"].iloc[0]
        settings = network_settings(load_template(template).network, types)
        return NetworkMap(stakeholders, ties, ratings, merges, settings)

    def network_graph(self, stage: str | None = None, **options) -> nx.MultiDiGraph:
        """The map as a networkx MultiDiGraph (see :func:`network_graph.build_graph`)."""
        from .graph import build_graph

        return build_graph(self.network_map(stage), **options)

    def network_metrics(self, stage: str | None = None):
        from .measures import network_metrics

        return network_metrics(self.network_graph(stage))

    def stakeholder_table(self, stage: str | None = None) -> pd.DataFrame:
        """Stakeholders on the map with influence (perspectives weighted equally), interest,
        degree and betweenness: the facilitator's analysis panel as a table."""
        graph = self.network_graph(stage)
        metrics = self.network_metrics(stage)
        rows = [
            {"stakeholder_id": n, "name": d["name"], "kind": d["kind"],
             "perspective": d["perspective"], "influence": d["influence"],
             "interest": d["interest"], "ties": metrics.degree.get(n, 0),
             "betweenness": metrics.betweenness.get(n, 0.0), "broker": n in metrics.brokers}
            for n, d in graph.nodes(data=True)
        ]  # fmt: skip
        frame = pd.DataFrame(rows)
        return frame.sort_values(["betweenness", "ties"], ascending=False, ignore_index=True)

    def voice_distances(self, stage: str | None = None) -> pd.DataFrame:
        """Steps from each lived-experience stakeholder to the nearest decider."""
        from .measures import voice_distances

        net = self.network_map(stage)
        graph = self.network_graph(stage)
        names = dict(graph.nodes(data="name"))
        rows = [
            {"stakeholder": names[d.stakeholder], "steps": d.steps,
             "nearest_decider": names.get(d.nearest_decider, "")}
            for d in voice_distances(graph, net.settings, self.groups())
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=["stakeholder", "steps", "nearest_decider"])

    def influence_views(self, stage: str | None = None) -> pd.DataFrame:
        """Each stakeholder's influence as each perspective rated it, biggest disagreement
        first (the map's equal-say panel)."""
        from .measures import influence_by_perspective

        graph = self.network_graph(stage)
        names = dict(graph.nodes(data="name"))
        rows = [
            {"stakeholder": names[v.stakeholder], **v.by_perspective, "spread": v.spread}
            for v in influence_by_perspective(graph)
        ]
        return pd.DataFrame(rows)
