"""Open data for stakeholder maps: GraphML and GEXF (Gephi, networkx), Kumu CSV, JSON.

Exports take the drawn graph (:func:`codesign_widgets.network_graph.build_graph`). Imports
read a file made elsewhere into an :class:`ImportedMap`: plain rows the store adds to a
workshop map, where they can be edited like anything drawn in the room.

Files are untrusted. Before parsing: a size cap, and XML with a DOCTYPE or ENTITY declaration
is refused (entity expansion, "billion laughs"); parse errors become a sentence saying what
is wrong and that nothing was imported. CSV cells that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``) are written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import networkx as nx

from .errors import InvalidInput
from .network import (
    DIRECTIONS,
    MAX_GOALS,
    MAX_NAME,
    NetworkSettings,
    name_key,
)
from .workshop import clean_text

__all__ = [
    "FORMATS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_STAKEHOLDERS",
    "ImportedMap",
    "export_network",
    "read_network",
]

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_STAKEHOLDERS = 5_000
MAX_IMPORT_TIES = 25_000
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
_FROM_KUMU = {"directed": "forward", "mutual": "both", "undirected": "none"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class ImportedMap:
    """A map read from a file: ``stakeholders`` are dicts, ``ties`` refer to them by index."""

    stakeholders: list[dict] = field(default_factory=list)
    ties: list[dict] = field(default_factory=list)
    new_tie_types: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- export ---------------------------------------------------------------------------------------
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
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


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


# -- import -------------------------------------------------------------------------------------
def _refuse(filename: str, problem: str) -> InvalidInput:
    return InvalidInput(f"{filename}: {problem} Nothing was imported; your map is unchanged.")


def _first(attrs: dict, *names: str) -> object:
    lowered = {str(k).casefold(): v for k, v in attrs.items()}
    for name in names:
        value = lowered.get(name.casefold())
        if value not in (None, ""):
            return value
    return None


def _number(value: object, low: int, high: int) -> int | None:
    try:
        number = round(float(str(value).strip()))
    except (TypeError, ValueError, OverflowError):
        return None
    return max(low, min(high, number))


class _Builder:
    """Turns rows from any format into an :class:`ImportedMap`, folding repeats together."""

    def __init__(self, filename: str, settings: NetworkSettings, perspectives: dict[str, str]):
        self.filename = filename
        self.settings = settings
        self.perspectives = perspectives  # name_key(key or label) -> key
        self.map = ImportedMap()
        self.index: dict[str, int] = {}
        self.tie_keys: set[tuple] = set()
        self.kinds = {name_key(k): k for k in settings.kinds}
        self.types = {name_key(t.key): t.key for t in settings.tie_types}
        self.types.update({name_key(t.label): t.key for t in settings.tie_types})
        self.counts = {"repeats": 0, "self": 0, "duplicate": 0, "kind": 0, "created": 0}

    def _clean(self, value: object, what: str, limit: int, where: str, required=False) -> str:
        text = "" if value is None else str(value)
        if len(text) > limit * 4 and not required:
            text = text[: limit * 4]
        try:
            return clean_text(text, what=what, max_length=limit, required=required)
        except InvalidInput as exc:
            raise _refuse(self.filename, f"{where}: {exc}") from exc

    def stakeholder(self, attrs: dict, where: str, fallback: object = None) -> int:
        name = _first(attrs, "label", "name") or fallback
        name = self._clean(name, "The stakeholder's name", MAX_NAME, where, required=True)
        key = name_key(name)
        if key in self.index:
            self.counts["repeats"] += 1
            return self.index[key]
        if len(self.map.stakeholders) >= MAX_IMPORT_STAKEHOLDERS:
            msg = f"it has more than {MAX_IMPORT_STAKEHOLDERS:,} stakeholders."
            raise _refuse(self.filename, msg)
        raw_kind = _first(attrs, "kind", "type", "element type")
        kind = self.kinds.get(name_key(str(raw_kind or "")), "")
        if not kind:
            kind = (
                "organisation" if "organisation" in self.settings.kinds else self.settings.kinds[0]
            )
            self.counts["kind"] += raw_kind is not None
        raw_perspective = _first(attrs, "perspective", "tags")
        perspective = self.perspectives.get(name_key(str(raw_perspective or "")), "")
        goals = _first(attrs, "goals", "description")
        aliases = [a.strip() for a in str(_first(attrs, "aliases") or "").split(";") if a.strip()]
        self.map.stakeholders.append(
            {
                "name": name,
                "kind": kind,
                "perspective": perspective,
                "goals": self._clean(goals, "What they want", MAX_GOALS, where),
                "influence": _number(_first(attrs, "influence"), 0, 10),
                "interest": _number(_first(attrs, "interest"), 0, 10),
                "aliases": [a[:MAX_NAME] for a in aliases[:20]],
            }
        )
        self.index[key] = len(self.map.stakeholders) - 1
        return self.index[key]

    def by_name(self, name: object, where: str) -> int:
        clean = self._clean(name, "The stakeholder's name", MAX_NAME, where, required=True)
        if name_key(clean) in self.index:
            return self.index[name_key(clean)]
        self.counts["created"] += 1
        return self.stakeholder({"label": clean}, where)

    def tie(self, source: int, target: int, attrs: dict, default_direction: str) -> None:
        if source == target:
            self.counts["self"] += 1
            return
        raw_type = str(
            _first(attrs, "tie_type", "type", "connection type", "label", "relationship") or ""
        )
        tie_type = self.types.get(name_key(raw_type))
        if tie_type is None:
            if raw_type.strip():
                label = self._clean(raw_type, "A tie type", 40, "a tie", required=True)
                tie_type = "new:" + label
                if label not in self.map.new_tie_types:
                    self.map.new_tie_types.append(label)
                self.types[name_key(raw_type)] = tie_type
            else:
                tie_type = (
                    "influence"
                    if "influence" in self.types.values()
                    else self.settings.tie_types[0].key
                )
        raw_direction = str(_first(attrs, "direction") or "").strip().casefold()
        direction = _FROM_KUMU.get(raw_direction, raw_direction)
        if direction not in DIRECTIONS:
            direction = default_direction
        strength = _number(_first(attrs, "strength", "weight"), 1, 3) or 1
        key = (source, target, tie_type)
        if key in self.tie_keys or (
            direction != "forward" and (target, source, tie_type) in self.tie_keys
        ):
            # Also covers a reverse tie met after a both-ways one: its reverse key is stored.
            self.counts["duplicate"] += 1
            return
        if len(self.map.ties) >= MAX_IMPORT_TIES:
            raise _refuse(self.filename, f"it has more than {MAX_IMPORT_TIES:,} ties.")
        self.tie_keys.add(key)
        if direction != "forward":
            self.tie_keys.add((target, source, tie_type))
        self.map.ties.append(
            {"source": source, "target": target, "type": tie_type, "direction": direction,
             "strength": strength}
        )  # fmt: skip

    def finish(self) -> ImportedMap:
        c, notes = self.counts, self.map.notes
        if c["repeats"]:
            notes.append(f"{c['repeats']} repeated names were taken as the same stakeholder.")
        if c["created"]:
            notes.append(f"{c['created']} stakeholders named only in ties were added.")
        if c["self"]:
            notes.append(f"{c['self']} ties from a stakeholder to itself were left out.")
        if c["duplicate"]:
            notes.append(f"{c['duplicate']} repeated ties were left out.")
        if c["kind"]:
            notes.append(f"{c['kind']} stakeholders of an unknown kind were set to a known one.")
        if self.map.new_tie_types:
            notes.append("New tie types: " + ", ".join(self.map.new_tie_types) + ".")
        if not self.map.stakeholders:
            raise _refuse(self.filename, "it holds no stakeholders.")
        return self.map


def _from_networkx(builder: _Builder, graph: nx.Graph) -> ImportedMap:
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
        raise _refuse(filename, msg)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(filename, "it is not UTF-8 text.") from exc


def _rows(data: bytes, filename: str) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(filename, "it is not UTF-8 text; save the CSV as UTF-8.") from exc
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise _refuse(filename, f"it is not a readable CSV ({exc}).") from exc
    # Undo the apostrophe our own export puts before formula-like cells.
    quoted = {"'" + c for c in _FORMULA_START}
    return [
        {
            str(k).strip(): (v[1:] if isinstance(v, str) and v[:2] in quoted else v)
            for k, v in row.items()
            if k is not None
        }
        for row in rows
    ]  # fmt: skip


def _from_csv(builder: _Builder, tables: list[tuple[str, bytes]]) -> ImportedMap:
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
            source = builder.by_name(_first(row, "from"), where)
            target = builder.by_name(_first(row, "to"), where)
            builder.tie(source, target, row, "forward")
    return builder.finish()


def _from_json(builder: _Builder, data: bytes, filename: str) -> ImportedMap:
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(filename, f"it is not valid JSON ({exc}).") from exc
    if not isinstance(raw, dict):
        raise _refuse(filename, "it is JSON but not a map (expected an object).")
    if "stakeholders" in raw:
        people, links, ends = raw.get("stakeholders"), raw.get("ties", []), ("from", "to")
    elif "nodes" in raw:  # networkx node-link data
        people, links, ends = (
            raw.get("nodes"),
            raw.get("links", raw.get("edges", [])),
            ("source", "target"),
        )
    else:
        raise _refuse(filename, "it has neither 'stakeholders' nor 'nodes'.")
    if not isinstance(people, list) or not isinstance(links, list):
        raise _refuse(filename, "its stakeholders and ties must be lists.")
    ids = {}
    for position, item in enumerate(people, start=1):
        if not isinstance(item, dict):
            raise _refuse(filename, f"stakeholder {position} is not an object.")
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
            raise _refuse(filename, f"tie {position} does not name two stakeholders of the file.")
        builder.tie(ids[str(item[ends[0]])], ids[str(item[ends[1]])], item, "forward")
    return builder.finish()


def _unzip(data: bytes, filename: str) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _refuse(filename, "it is not a readable zip file.") from exc
    members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
    if not members:
        raise _refuse(filename, "the zip holds no CSV files (Kumu: elements.csv, connections.csv).")
    if sum(m.file_size for m in members) > MAX_IMPORT_BYTES:
        raise _refuse(
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
        raise _refuse(shown, msg)
    lookup = {name_key(k): v for k, v in (perspectives or {}).items()}
    builder = _Builder(shown, settings, lookup)
    suffixes = {name.lower().rsplit(".", 1)[-1] for name, _data in files}
    if suffixes <= {"csv"}:
        return _from_csv(builder, files)
    if len(files) > 1:
        msg = "import one GraphML, GEXF, JSON or zip file at a time (or several CSV files)."
        raise _refuse(shown, msg)
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
            raise _refuse(name, f"it is not well-formed XML ({exc}).") from exc
        except (nx.NetworkXError, KeyError, ValueError, TypeError, IndexError) as exc:
            raise _refuse(name, f"it is XML but not a graph networkx can read ({exc}).") from exc
        return _from_networkx(builder, graph)
    msg = "use a .graphml, .gexf, .json, .csv or .zip (Kumu) file."
    raise _refuse(name, msg)
