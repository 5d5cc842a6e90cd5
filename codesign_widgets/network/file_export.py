"""Stakeholder maps out as open data: GraphML and GEXF (Gephi, networkx), Kumu CSV, JSON.

Exports take the drawn graph (:func:`codesign_widgets.network.graph.build_graph`). CSV cells
that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) are written with a
leading apostrophe, which :mod:`codesign_widgets.network.file_import` takes off again.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx

from ..core.errors import InvalidInput
from ..core.safe_text import spreadsheet_safe
from .model import NetworkSettings

__all__ = ["CONNECTION_COLUMNS", "ELEMENT_COLUMNS", "FORMATS", "export_network"]

#: Export formats: key -> (file suffix, MIME type, what the button says).
FORMATS = {
    "graphml": (".graphml", "application/graphml+xml", "GraphML"),
    "gexf": (".gexf", "application/gexf+xml", "GEXF (Gephi)"),
    "kumu": (".zip", "application/zip", "Kumu CSV"),
    "json": (".json", "application/json", "JSON"),
}
ELEMENT_COLUMNS = ["Label", "Type", "Description", "Tags", "Perspective", "Influence", "Interest"]
CONNECTION_COLUMNS = ["From", "To", "Type", "Direction", "Strength", "Drawn by"]
_KUMU_DIRECTION = {"forward": "directed", "both": "mutual", "none": "undirected"}


def _export_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Only scalar attributes: GraphML and GEXF cannot hold sets or dicts."""
    out = nx.MultiDiGraph()
    for node, d in graph.nodes(data=True):
        attrs = {
            "label": d["name"],
            "kind": d["kind"],
            "perspective": d["perspective"],
            "goals": d["goals"],
            "aliases": "; ".join(d["aliases"]),
            "drawn_by": "; ".join(sorted(p or "imported" for p in d["drawn_by"])),
        }
        if d["influence"] is not None:
            attrs["influence"] = round(float(d["influence"]), 2)
        if d["interest"] is not None:
            attrs["interest"] = round(float(d["interest"]), 2)
        out.add_node(f"s{node}", **attrs)
    for u, v, key, d in graph.edges(keys=True, data=True):
        out.add_edge(
            f"s{u}",
            f"s{v}",
            key=f"t{key}",
            # "tie_type", not "type": GEXF keeps "type" for directed/undirected.
            tie_type=d["type"],
            direction=d["direction"],
            strength=int(d["strength"]),
            drawn_by=d["drawn_by"] or "imported",
        )
    return out


def _cell(value: object) -> str:
    return spreadsheet_safe("" if value is None else str(value))


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def export_network(graph: nx.MultiDiGraph, fmt: str, settings: NetworkSettings) -> bytes:
    """The map in one of :data:`FORMATS`; Kumu is a zip of elements.csv and connections.csv."""
    if fmt not in FORMATS:
        msg = f"Choose an export format: {', '.join(FORMATS)}."
        raise InvalidInput(msg)
    flat = _export_graph(graph)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(flat)).encode("utf-8")
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(flat)).encode("utf-8")
    if fmt == "json":
        data = {
            "format": "codesign-network",
            "version": 1,
            "tie_types": [
                {"key": t.key, "label": t.label, "colour": t.colour, "channel": t.channel}
                for t in settings.tie_types
            ],
            "stakeholders": [{"id": n, **d} for n, d in flat.nodes(data=True)],
            "ties": [
                {"id": k, "from": u, "to": v, **d}
                for u, v, k, d in flat.edges(keys=True, data=True)
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    labels = {t.key: t.label for t in settings.tie_types}
    elements = [[*ELEMENT_COLUMNS, "Aliases", "Drawn by"]]
    for _n, d in flat.nodes(data=True):
        elements.append(
            [d["label"], d["kind"], d["goals"], d["perspective"], d["perspective"],
             d.get("influence", ""), d.get("interest", ""), d["aliases"], d["drawn_by"]]
        )  # fmt: skip
    names = dict(flat.nodes(data="label"))
    connections = [CONNECTION_COLUMNS]
    for u, v, d in flat.edges(data=True):
        connections.append(
            [names[u], names[v], labels.get(d["tie_type"], d["tie_type"]),
             _KUMU_DIRECTION[d["direction"]], d["strength"], d["drawn_by"]]
        )  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("elements.csv", _csv(elements))
        archive.writestr("connections.csv", _csv(connections))
    return buffer.getvalue()
