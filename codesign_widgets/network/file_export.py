"""Stakeholder maps out to the tools people already use: GraphML and GEXF 1.3 (Gephi, yEd,
Cytoscape, networkx), networkx node-link JSON, Kumu XLSX, Kumu JSON and Kumu CSV (a zip).

Exports take the drawn graph (:func:`codesign_widgets.network.graph.build_graph`) and the
values imported files gave each stakeholder and tie (``attributes``: item id -> name ->
value), which go back out under their own names. Every tie has a ``weight``: the file's own
weight where it came from a file, else its strength 1-3. Influence as each perspective rated
it is written as ``influence_by_<perspective>`` and read back exactly.

Directions. A map whose ties all have a direction is a directed graph; one whose ties have
none is undirected. A map that mixes them is written as a directed graph (networkx refuses
mixed graphs): a both-ways tie is GEXF's ``mutual``, and every tie carries ``direction``
(forward, both, none), which this studio reads back.

Spreadsheet cells that would run as a formula (``=``, ``+``, ``-``, ``@``) get a leading
apostrophe, which :mod:`codesign_widgets.network.file_import` takes off again.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from xml.etree.ElementTree import Element, SubElement, tostring

import networkx as nx

from ..core.errors import InvalidInput
from ..core.safe_text import spreadsheet_safe
from .model import NetworkSettings

__all__ = ["CONNECTION_COLUMNS", "ELEMENT_COLUMNS", "FORMATS", "export_network"]

#: Export formats: key -> (file suffix, MIME type, what the button says).
FORMATS = {
    "graphml": (".graphml", "application/graphml+xml", "GraphML"),
    "gexf": (".gexf", "application/gexf+xml", "GEXF (Gephi)"),
    "json": (".json", "application/json", "JSON (networkx)"),
    "kumu-xlsx": (
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Kumu XLSX",
    ),
    "kumu-json": (".json", "application/json", "Kumu JSON"),
    "kumu": (".zip", "application/zip", "Kumu CSV"),
}
ELEMENT_COLUMNS = ["Label", "Type", "Description", "Tags", "Perspective", "Influence", "Interest"]
CONNECTION_COLUMNS = ["From", "To", "Type", "Direction", "Strength", "Weight", "Drawn by"]
_KUMU_DIRECTION = {"forward": "directed", "both": "mutual", "none": "undirected"}
# Names our own columns use; an imported value with one of these names is the same thing.
_OURS = {
    "label",
    "name",
    "kind",
    "perspective",
    "goals",
    "description",
    "aliases",
    "drawn_by",
    "influence",
    "interest",
    "tie_type",
    "direction",
    "strength",
    "weight",
    "id",
    "source",
    "target",
    "type",
    "element type",
    "connection type",
    "from",
    "to",
    "tags",
}


def _scalar(value: object) -> object:
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _tables(graph: nx.MultiDiGraph, settings: NetworkSettings, attributes: dict[int, dict]):
    """Nodes and edges as flat dicts with every value: ours first, then the file's own."""
    nodes = []
    for node, d in graph.nodes(data=True):
        row = {
            "label": d["name"],
            "kind": d["kind"],
            "perspective": d["perspective"],
            "goals": d["goals"],
            "aliases": "; ".join(d["aliases"]),
            "drawn_by": "; ".join(sorted(p or "imported" for p in d["drawn_by"])),
        }
        if d["influence"] is not None:
            row["influence"] = float(d["influence"])
        if d["interest"] is not None:
            row["interest"] = float(d["interest"])
        for perspective, value in sorted(d.get("influence_by", {}).items()):
            row[f"influence_by_{perspective or 'imported'}"] = float(value)
        for name, value in attributes.get(node, {}).items():
            if name.casefold() not in _OURS and not name.casefold().startswith("influence_by_"):
                row.setdefault(name, _scalar(value))
        nodes.append((f"s{node}", row, attributes.get(node, {})))
    labels = {t.key: t.label for t in settings.tie_types}
    edges = []
    for u, v, key, d in graph.edges(keys=True, data=True):
        own = attributes.get(key, {})
        weight = next((own[k] for k in own if k.casefold() == "weight"), None)
        row = {
            "tie_type": d["type"],
            "tie_label": labels.get(d["type"], d["type"]),
            "direction": d["direction"],
            "strength": int(d["strength"]),
            "weight": _scalar(weight) if weight is not None else int(d["strength"]),
            "drawn_by": d["drawn_by"] or "imported",
        }
        for name, value in own.items():
            if name.casefold() not in _OURS:
                row.setdefault(name, _scalar(value))
        edges.append((f"t{key}", f"s{u}", f"s{v}", row))
    return nodes, edges


def _kind(values: list) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "long"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "double"
    return "string"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _directions(edges) -> str:
    kinds = {row["direction"] for *_ends, row in edges}
    return "undirected" if kinds == {"none"} else "directed"


def _graphml(nodes, edges) -> bytes:
    root = Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
    ids = {}
    for domain, rows in (("node", [r for _i, r, _a in nodes]), ("edge", [r for *_e, r in edges])):
        names = list(dict.fromkeys(k for r in rows for k in r))
        for name in names:
            ids[(domain, name)] = f"{domain[0]}{len(ids)}"
            SubElement(
                root,
                "key",
                {
                    "id": ids[(domain, name)],
                    "for": domain,
                    "attr.name": name,
                    "attr.type": _kind([r.get(name) for r in rows]),
                },
            )
    graph = SubElement(root, "graph", id="G", edgedefault=_directions(edges))
    for node_id, row, _attrs in nodes:
        element = SubElement(graph, "node", id=node_id)
        for name, value in row.items():
            SubElement(element, "data", key=ids[("node", name)]).text = _text(value)
    for edge_id, u, v, row in edges:
        element = SubElement(graph, "edge", id=edge_id, source=u, target=v)
        for name, value in row.items():
            SubElement(element, "data", key=ids[("edge", name)]).text = _text(value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")


def _gexf(nodes, edges) -> bytes:
    root = Element("gexf", xmlns="http://gexf.net/1.3", version="1.3")
    meta = SubElement(root, "meta")
    SubElement(meta, "creator").text = "codesign-widgets"
    default = _directions(edges)
    graph = SubElement(root, "graph", defaultedgetype=default, mode="static")
    ids = {}
    for domain, rows in (("node", [r for _i, r, _a in nodes]), ("edge", [r for *_e, r in edges])):
        block = SubElement(graph, "attributes", {"class": domain, "mode": "static"})
        names = [n for n in dict.fromkeys(k for r in rows for k in r) if n != "label"]
        for name in names:
            ids[(domain, name)] = str(len(ids))
            SubElement(
                block,
                "attribute",
                id=ids[(domain, name)],
                title=name,
                type=_kind([r.get(name) for r in rows]),
            )
    node_block = SubElement(graph, "nodes")
    for node_id, row, _attrs in nodes:
        element = SubElement(node_block, "node", id=node_id, label=_text(row["label"]))
        values = SubElement(element, "attvalues")
        for name, value in row.items():
            if name != "label" and value is not None:
                SubElement(values, "attvalue", {"for": ids[("node", name)], "value": _text(value)})
    edge_block = SubElement(graph, "edges")
    for edge_id, u, v, row in edges:
        attrs = {"id": edge_id, "source": u, "target": v, "label": _text(row["tie_label"])}
        weight = row.get("weight")
        if isinstance(weight, int | float) and not isinstance(weight, bool):
            attrs["weight"] = _text(weight)
        if default == "directed" and row["direction"] == "both":
            attrs["type"] = "mutual"
        element = SubElement(edge_block, "edge", attrs)
        values = SubElement(element, "attvalues")
        for name, value in row.items():
            if value is not None:
                SubElement(values, "attvalue", {"for": ids[("edge", name)], "value": _text(value)})
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")


def _node_link(nodes, edges, settings: NetworkSettings) -> bytes:
    data = {
        "directed": _directions(edges) == "directed",
        "multigraph": True,
        "graph": {
            "format": "codesign-network",
            "version": 2,
            "tie_types": [
                {"key": t.key, "label": t.label, "colour": t.colour, "channel": t.channel}
                for t in settings.tie_types
            ],
        },
        "nodes": [{"id": node_id, **row} for node_id, row, _attrs in nodes],
        "links": [
            {"source": u, "target": v, "key": edge_id, **row} for edge_id, u, v, row in edges
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def _kumu_rows(nodes, edges):
    """Kumu's Elements and Connections sheets. Labels name the ends of a connection unless
    two elements share a label; then an ID column does (Kumu matches on it)."""
    labels = [row["label"] for _i, row, _a in nodes]
    use_ids = len(set(labels)) < len(labels)
    extra = list(
        dict.fromkeys(
            k
            for _i, r, _a in nodes
            for k in r
            if k not in ("label", "kind", "goals", "perspective", "influence", "interest")
        )
    )
    head = (["ID"] if use_ids else []) + ELEMENT_COLUMNS + extra
    elements = [head]
    ends = {}
    for node_id, row, attrs in nodes:
        tags = next((attrs[k] for k in attrs if k.casefold() == "tags"), "")
        tags = "|".join(tags) if isinstance(tags, list) else tags
        ends[node_id] = node_id if use_ids else row["label"]
        elements.append(
            ([node_id] if use_ids else [])
            + [
                row["label"],
                row["kind"],
                row["goals"],
                tags or "",
                row["perspective"],
                row.get("influence", ""),
                row.get("interest", ""),
                *(row.get(k, "") for k in extra),
            ]
        )
    extra = list(
        dict.fromkeys(
            k
            for *_e, r in edges
            for k in r
            if k not in ("tie_label", "direction", "strength", "weight", "drawn_by")
        )
    )
    connections = [CONNECTION_COLUMNS + extra]
    for _edge_id, u, v, row in edges:
        connections.append(
            [
                ends[u],
                ends[v],
                row["tie_label"],
                _KUMU_DIRECTION[row["direction"]],
                row["strength"],
                row["weight"],
                row["drawn_by"],
                *(row.get(k, "") for k in extra),
            ]
        )
    return elements, connections


def _cell(value: object) -> object:
    if value is None:
        return ""
    return value if isinstance(value, int | float) else spreadsheet_safe(str(value))


def _kumu_xlsx(nodes, edges) -> bytes:
    from openpyxl import Workbook  # facilitator and analyst only

    book = Workbook()
    sheet = book.active
    sheet.title = "Elements"
    elements, connections = _kumu_rows(nodes, edges)
    for row in elements:
        sheet.append([_cell(v) for v in row])
    sheet = book.create_sheet("Connections")
    for row in connections:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _kumu_json(nodes, edges) -> bytes:
    elements = []
    for node_id, row, attrs in nodes:
        tags = next((attrs[k] for k in attrs if k.casefold() == "tags"), [])
        tags = [t for t in (tags.split("|") if isinstance(tags, str) else tags) if t]
        attributes = {
            "label": row["label"],
            "element type": row["kind"],
            "description": row["goals"],
            "tags": tags,
        }
        attributes.update({k: v for k, v in row.items() if k not in ("label", "kind", "goals")})
        elements.append({"_id": f"elem-{node_id}", "attributes": attributes})
    connections = []
    for edge_id, u, v, row in edges:
        attributes = {
            "connection type": row["tie_label"],
            "strength": row["strength"],
            "weight": row["weight"],
        }
        attributes.update(
            {
                k: x
                for k, x in row.items()
                if k not in ("tie_label", "strength", "weight", "direction")
            }
        )
        connections.append(
            {
                "_id": f"conn-{edge_id}",
                "from": f"elem-{u}",
                "to": f"elem-{v}",
                "direction": _KUMU_DIRECTION[row["direction"]],
                "attributes": attributes,
            }
        )
    data = {"elements": elements, "connections": connections}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def export_network(
    graph: nx.MultiDiGraph,
    fmt: str,
    settings: NetworkSettings,
    attributes: dict[int, dict] | None = None,
) -> bytes:
    """The map in one of :data:`FORMATS`; ``attributes`` are imported values by item id."""
    if fmt not in FORMATS:
        msg = f"Choose an export format: {', '.join(FORMATS)}."
        raise InvalidInput(msg)
    nodes, edges = _tables(graph, settings, attributes or {})
    if fmt == "graphml":
        return _graphml(nodes, edges)
    if fmt == "gexf":
        return _gexf(nodes, edges)
    if fmt == "json":
        return _node_link(nodes, edges, settings)
    if fmt == "kumu-xlsx":
        return _kumu_xlsx(nodes, edges)
    if fmt == "kumu-json":
        return _kumu_json(nodes, edges)
    elements, connections = _kumu_rows(nodes, edges)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("elements.csv", _csv(elements))
        archive.writestr("connections.csv", _csv(connections))
    return buffer.getvalue()
