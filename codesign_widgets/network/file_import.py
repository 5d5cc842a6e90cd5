"""Stakeholder maps in from files made elsewhere: GraphML, GEXF, JSON and Kumu CSV.

:func:`read_network` reads one map into an
:class:`~codesign_widgets.network.import_map.ImportedMap`: plain rows the store adds to a
workshop map, where they can be edited like anything drawn in the room.

Files are untrusted. Before parsing: a size cap, and XML with a DOCTYPE or ENTITY declaration
is refused (entity expansion, "billion laughs"); parse errors become a sentence saying what
is wrong and that nothing was imported.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from xml.etree.ElementTree import ParseError

import networkx as nx

from ..core.errors import InvalidInput
from ..core.safe_text import FORMULA_START
from .import_map import ImportedMap, MapBuilder, first_value, refusal
from .model import NetworkSettings
from .rules import name_key

__all__ = ["MAX_IMPORT_BYTES", "read_network"]

MAX_IMPORT_BYTES = 20 * 1024 * 1024
_XML_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _from_networkx(builder: MapBuilder, graph: nx.Graph) -> ImportedMap:
    ids = {}
    for position, (node, attrs) in enumerate(graph.nodes(data=True), start=1):
        ids[node] = builder.stakeholder(dict(attrs), f"stakeholder {position}", fallback=node)
    default = "forward" if graph.is_directed() else "none"
    for u, v, attrs in graph.edges(data=True):
        builder.tie(ids[u], ids[v], dict(attrs), default)
    return builder.finish()


def _xml(data: bytes, filename: str) -> str:
    if _XML_DECLARATIONS.search(data):
        msg = (
            "the file declares a DOCTYPE or ENTITY, which GraphML and GEXF never need and which "
            "can hide an attack. Export it again from the tool that made it."
        )
        raise refusal(filename, msg)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refusal(filename, "it is not UTF-8 text.") from exc


def _rows(data: bytes, filename: str) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refusal(filename, "it is not UTF-8 text; save the CSV as UTF-8.") from exc
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise refusal(filename, f"it is not a readable CSV ({exc}).") from exc
    # Undo the apostrophe our own export puts before formula-like cells.
    quoted = {"'" + c for c in FORMULA_START}
    return [
        {
            str(k).strip(): (v[1:] if isinstance(v, str) and v[:2] in quoted else v)
            for k, v in row.items()
            if k is not None
        }
        for row in rows
    ]  # fmt: skip


def _from_csv(builder: MapBuilder, tables: list[tuple[str, bytes]]) -> ImportedMap:
    elements, connections = [], []
    for name, data in tables:
        rows = _rows(data, name)
        columns = {c.casefold() for c in (rows[0] if rows else {})}
        (connections if {"from", "to"} <= columns else elements).append((name, rows))
    for name, rows in elements:
        for line, row in enumerate(rows, start=2):
            builder.stakeholder(row, f"{name} line {line}")
    for name, rows in connections:
        for line, row in enumerate(rows, start=2):
            where = f"{name} line {line}"
            source = builder.by_name(first_value(row, "from"), where)
            target = builder.by_name(first_value(row, "to"), where)
            builder.tie(source, target, row, "forward")
    return builder.finish()


def _from_json(builder: MapBuilder, data: bytes, filename: str) -> ImportedMap:
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refusal(filename, f"it is not valid JSON ({exc}).") from exc
    if not isinstance(raw, dict):
        raise refusal(filename, "it is JSON but not a map (expected an object).")
    if "stakeholders" in raw:
        people, links, ends = raw.get("stakeholders"), raw.get("ties", []), ("from", "to")
    elif "nodes" in raw:  # networkx node-link data
        people, links, ends = (
            raw.get("nodes"),
            raw.get("links", raw.get("edges", [])),
            ("source", "target"),
        )
    else:
        raise refusal(filename, "it has neither 'stakeholders' nor 'nodes'.")
    if not isinstance(people, list) or not isinstance(links, list):
        raise refusal(filename, "its stakeholders and ties must be lists.")
    ids = {}
    for position, item in enumerate(people, start=1):
        if not isinstance(item, dict):
            raise refusal(filename, f"stakeholder {position} is not an object.")
        attrs = {k: v for k, v in item.items() if k != "name"} | {
            "label": item.get("label") or item.get("name")
        }
        ids[str(item.get("id", position))] = builder.stakeholder(
            attrs, f"stakeholder {position}", item.get("id")
        )
    for position, item in enumerate(links, start=1):
        if (
            not isinstance(item, dict)
            or str(item.get(ends[0])) not in ids
            or str(item.get(ends[1])) not in ids
        ):
            raise refusal(filename, f"tie {position} does not name two stakeholders of the file.")
        builder.tie(ids[str(item[ends[0]])], ids[str(item[ends[1]])], item, "forward")
    return builder.finish()


def _unzip(data: bytes, filename: str) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise refusal(filename, "it is not a readable zip file.") from exc
    members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
    if not members:
        raise refusal(filename, "the zip holds no CSV files (Kumu: elements.csv, connections.csv).")
    if sum(m.file_size for m in members) > MAX_IMPORT_BYTES:
        raise refusal(
            filename, f"its CSV files unpack to more than {MAX_IMPORT_BYTES // 2**20} MB."
        )
    return [(m.filename, archive.read(m)) for m in members]


def read_network(
    files: list[tuple[str, bytes]],
    settings: NetworkSettings,
    perspectives: dict[str, str] | None = None,
) -> ImportedMap:
    """Read one map from uploaded ``(filename, bytes)`` files.

    GraphML (``.graphml``), GEXF (``.gexf``), JSON (ours or networkx node-link), Kumu CSV
    (``elements`` and/or ``connections`` CSV files, or a zip of them). ``perspectives`` maps
    perspective keys and labels to keys. Raises :class:`InvalidInput` saying what is wrong.
    """
    if not files:
        msg = "Choose a file to import first (GraphML, GEXF, JSON, Kumu CSV or zip)."
        raise InvalidInput(msg)
    total = sum(len(data) for _name, data in files)
    shown = ", ".join(name for name, _data in files)[:200]
    if total > MAX_IMPORT_BYTES:
        limit = MAX_IMPORT_BYTES // 2**20
        msg = f"it is {total / 2**20:.1f} MB; maps up to {limit} MB can be imported."
        raise refusal(shown, msg)
    lookup = {name_key(k): v for k, v in (perspectives or {}).items()}
    builder = MapBuilder(shown, settings, lookup)
    suffixes = {name.lower().rsplit(".", 1)[-1] for name, _data in files}
    if suffixes <= {"csv"}:
        return _from_csv(builder, files)
    if len(files) > 1:
        msg = "import one GraphML, GEXF, JSON or zip file at a time (or several CSV files)."
        raise refusal(shown, msg)
    (name, data), suffix = files[0], suffixes.pop()
    if suffix == "zip":
        return _from_csv(builder, _unzip(data, name))
    if suffix == "json":
        return _from_json(builder, data, name)
    if suffix in ("graphml", "gexf", "xml"):
        text = _xml(data, name)
        try:
            if suffix == "gexf" or "<gexf" in text[:2000]:
                graph = nx.read_gexf(io.BytesIO(text.encode("utf-8")))
            else:
                graph = nx.parse_graphml(text)
        except ParseError as exc:
            raise refusal(name, f"it is not well-formed XML ({exc}).") from exc
        except (nx.NetworkXError, KeyError, ValueError, TypeError, IndexError) as exc:
            raise refusal(name, f"it is XML but not a graph networkx can read ({exc}).") from exc
        return _from_networkx(builder, graph)
    msg = "use a .graphml, .gexf, .json, .csv or .zip (Kumu) file."
    raise refusal(name, msg)
