"""Stakeholder maps in from files made elsewhere, read into a
:class:`~codesign_widgets.network.import_map.RawMap` with every value kept.

:func:`read_map_files` reads GraphML and GEXF (:mod:`codesign_widgets.network.file_xml`),
JSON (ours, networkx node-link, d3, Kumu's ``elements``/``connections`` blueprint, Cytoscape
``.cyjs`` and its bare elements), Kumu spreadsheets (XLSX, CSV as Kumu documents its
columns, or a zip of CSVs).
:func:`read_network` also plans the import
(:func:`~codesign_widgets.network.import_map.plan_import`).

Files are untrusted. Before parsing: a size cap; binary content, truncated files and damaged
archives are refused with a sentence naming the line or part and what to do. XLSX is read with
openpyxl, only here (the facilitator's and analysts' kernels).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib

from ..core.errors import InvalidInput
from ..core.safe_text import FORMULA_START
from .import_map import (
    ImportMapping,
    ImportPlan,
    RawEdge,
    RawMap,
    RawNode,
    first_value,
    plan_import,
    refusal,
)
from .model import NetworkSettings

__all__ = ["ACCEPTED", "MAX_IMPORT_BYTES", "read_map_files", "read_network"]

#: The largest map file. The facilitator page carries at most 10 MiB in one websocket message
#: (serving/options.py), so uploads travel in 1 MiB pieces (:mod:`.tools_upload`).
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: File suffixes an import accepts.
ACCEPTED = (".graphml", ".gexf", ".json", ".cyjs", ".csv", ".xlsx", ".zip")
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError)


def _decode(data: bytes, filename: str, notes: list[str]) -> str:
    if b"\x00" in data[:8192]:
        msg = (
            "it is not a text file (it holds binary data): export the map again as GraphML, "
            "GEXF, JSON, CSV or XLSX."
        )
        raise refusal(filename, msg)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append(f"{filename} is not UTF-8; it was read as Windows-1252 (Western Europe).")
        return data.decode("cp1252", errors="replace")


def _unquote(value: object) -> object:
    # Undo the apostrophe our own export puts before formula-like cells.
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def _csv_rows(data: bytes, filename: str, notes: list[str]) -> list[tuple[int, dict]]:
    """(line, row) pairs of a CSV, its delimiter sniffed; a cut-short file is refused."""
    text = _decode(data, filename, notes)
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    if delimiter != "," and header.count(delimiter) > 0:
        shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
        notes.append(
            f"{filename} uses {shown} between columns (saved from Excel in French, German or "
            f"Dutch?); it was read with {shown}."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        table = list(reader)
    except csv.Error as exc:
        msg = (
            f"line {reader.line_num} cannot be read as CSV ({exc}): a quote is not closed, or "
            "the file was cut short. Save it again from your spreadsheet as CSV UTF-8."
        )
        raise refusal(filename, msg) from exc
    if not table:
        raise refusal(filename, "it is empty.")
    columns = [str(c).strip() for c in table[0]]
    rows, line = [], 1
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        rows.append((line, dict(zip(columns, (_unquote(c) for c in cells), strict=False))))
    last = table[-1] if len(table) > 1 else []
    if text and not text.endswith(("\n", "\r")) and 0 < len(last) < len(columns):
        msg = (
            f"line {line} has {len(last)} of {len(columns)} columns and the file does not end "
            "with a line break: the file looks cut short. Download or export it again."
        )
        raise refusal(filename, msg)
    if text and not text.endswith(("\n", "\r")) and len(table) > 2:
        notes.append(
            f"{filename} does not end with a line break: if it was cut short, line {line} "
            f"({', '.join(last)[:80]}) may be incomplete. Check it before you import."
        )
    return rows


def _pipes(value: object) -> list[str]:
    return [p.strip() for p in str(value or "").split("|") if p.strip()]


def _kumu_tables(raw: RawMap, tables: list[tuple[str, list[tuple[int, dict]]]]) -> RawMap:
    """Kumu's element and connection sheets (Label, Type, Description, Tags with ``|``;
    From, To with ``|``, Type, Direction, ID) as nodes and edges."""
    elements, connections = [], []
    for name, rows in tables:
        columns = {c.casefold() for _line, row in rows[:1] for c in row}
        (connections if {"from", "to"} <= columns else elements).append((name, rows))
    by_label: dict[str, str] = {}
    ids: set[str] = set()
    for name, rows in elements:
        for line, row in rows:
            label = first_value(row, "label", "name")
            if label is None:
                raw.dropped.append(f"{name} line {line} has no Label and was left out.")
                continue
            node_id = str(first_value(row, "id") or label)
            if node_id in ids:
                raw.dropped.append(
                    f"{name} line {line}: {label!s} is already on an earlier line (same "
                    "Label, no ID column to tell them apart); Kumu takes it as the same element."
                )
                continue
            ids.add(node_id)
            by_label.setdefault(str(label), node_id)
            attrs = {k: v for k, v in row.items() if k and v not in (None, "")}
            if "tags" in {k.casefold() for k in attrs}:
                key = next(k for k in attrs if k.casefold() == "tags")
                attrs[key] = "|".join(_pipes(attrs[key]))
            raw.nodes.append(RawNode(node_id, attrs, f"{name} line {line}"))
    for name, rows in connections:
        for line, row in rows:
            attrs = {
                k: v
                for k, v in row.items()
                if k and v not in (None, "") and k.casefold() not in ("from", "to")
            }
            for source in _pipes(first_value(row, "from")):
                for target in _pipes(first_value(row, "to")):
                    ends = []
                    for end in (source, target):
                        if end not in ids and end not in by_label:
                            ids.add(end)
                            by_label[end] = end
                            raw.nodes.append(RawNode(end, {"Label": end}, f"{name} line {line}"))
                            raw.notes.append(
                                f"{end!r} is named only in a connection ({name} "
                                f"line {line}) and is added."
                            )
                        ends.append(end if end in ids else by_label[end])
                    raw.edges.append(RawEdge(ends[0], ends[1], dict(attrs), f"{name} line {line}"))
    return raw


def _xlsx(data: bytes, filename: str) -> list[tuple[str, list[tuple[int, dict]]]]:
    from openpyxl import load_workbook  # facilitator and analyst only: never a phone's kernel

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = []
        for sheet in book.worksheets:
            if "(ignore)" in sheet.title.casefold():
                continue
            rows = list(sheet.iter_rows(values_only=True))
            if not rows:
                continue
            columns = [str(c).strip() if c is not None else "" for c in rows[0]]
            table = []
            for line, cells in enumerate(rows[1:], start=2):
                if any(c not in (None, "") for c in cells):
                    row = {
                        c: ("" if v is None else _unquote(v))
                        for c, v in zip(columns, cells, strict=False)
                        if c
                    }
                    table.append((line, row))
            sheets.append((f"sheet {sheet.title!r}", table))
        book.close()
    except _ZIP_ERRORS as exc:
        msg = (
            f"the Excel file is damaged ({type(exc).__name__}: {exc}): open it in Excel and "
            "save it again as .xlsx (Kumu: export to XLSX again)."
        )
        raise refusal(filename, msg) from exc
    except Exception as exc:  # openpyxl raises its own errors for files that are not xlsx
        msg = f"it is not an Excel .xlsx workbook openpyxl can read ({exc}); save it as .xlsx."
        raise refusal(filename, msg) from exc
    if not sheets:
        raise refusal(filename, "its sheets are empty.")
    return sheets


def _unzip(data: bytes, filename: str, limit: int) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
    except _ZIP_ERRORS as exc:
        raise refusal(
            filename, "it is not a readable zip file: download or export it again."
        ) from exc
    if not members:
        raise refusal(filename, "the zip holds no CSV files (Kumu: elements.csv, connections.csv).")
    if sum(m.file_size for m in members) > limit:
        raise refusal(filename, f"its CSV files unpack to more than {limit // 2**20} MB.")
    files = []
    for member in members:
        try:
            files.append((member.filename, archive.read(member)))
        except _ZIP_ERRORS as exc:
            msg = (
                f"the zip is damaged: {member.filename} cannot be unpacked "
                f"({type(exc).__name__}). Download or export the zip again."
            )
            raise refusal(filename, msg) from exc
    return files


def _json(data: bytes, filename: str, notes: list[str]) -> RawMap:
    text = _decode(data, filename, notes)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(text.rstrip()) - 1
        msg = (
            (
                f"the JSON ends at line {exc.lineno} before it is complete: it was cut short. "
                "Download or export it again."
            )
            if cut
            else (f"it is not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}).")
        )
        raise refusal(filename, msg) from exc
    elements = _cytoscape_elements(doc)
    if elements is not None:
        return _cytoscape({"elements": elements}, filename)
    if not isinstance(doc, dict):
        raise refusal(filename, "it is JSON but not a map (expected an object with nodes).")
    if "elements" in doc and isinstance(doc["elements"], dict):
        return _cytoscape(doc, filename)
    if "elements" in doc and "connections" in doc:
        return _kumu_json(doc, filename)
    nodes = doc.get("nodes", doc.get("stakeholders"))
    links = doc.get("links", doc.get("edges", doc.get("ties", [])))
    if not isinstance(nodes, list) or not isinstance(links, list):
        msg = (
            "it has neither 'nodes' and 'links' (networkx, d3), 'elements' and "
            "'connections' (Kumu) nor Cytoscape's 'elements'."
        )
        raise refusal(filename, msg)
    fmt = "our JSON" if doc.get("format") == "codesign-network" else "node-link JSON"
    raw = RawMap(filename, fmt, directed=bool(doc.get("directed", True)))
    for position, item in enumerate(nodes):
        if not isinstance(item, dict):
            raise refusal(filename, f"node {position + 1} is not an object.")
        node_id = str(item.get("id", position))
        attrs = {k: v for k, v in item.items() if k != "id"}
        raw.nodes.append(RawNode(node_id, attrs, f"node {position + 1}"))
    ids = [n.id for n in raw.nodes]
    for position, item in enumerate(links):
        if not isinstance(item, dict):
            raise refusal(filename, f"link {position + 1} is not an object.")
        ends = []
        for end in (item.get("source", item.get("from")), item.get("target", item.get("to"))):
            # d3's older files give ends as positions in the node list.
            if isinstance(end, int) and str(end) not in ids and 0 <= end < len(ids):
                end = ids[end]
            ends.append(str(end))
        attrs = {k: v for k, v in item.items() if k not in ("source", "target", "from", "to")}
        raw.edges.append(RawEdge(ends[0], ends[1], attrs, f"link {position + 1}"))
    return raw


def _kumu_json(doc: dict, filename: str) -> RawMap:
    raw = RawMap(filename, "Kumu JSON")
    for position, item in enumerate(doc.get("elements") or []):
        attrs = dict(item.get("attributes") or {}) if isinstance(item, dict) else {}
        node_id = str(item.get("_id", position)) if isinstance(item, dict) else str(position)
        raw.nodes.append(RawNode(node_id, attrs, f"element {position + 1}"))
    for position, item in enumerate(doc.get("connections") or []):
        if not isinstance(item, dict):
            continue
        attrs = dict(item.get("attributes") or {})
        attrs["direction"] = item.get("direction", "directed")
        raw.edges.append(
            RawEdge(str(item.get("from")), str(item.get("to")), attrs, f"connection {position + 1}")
        )
    return raw


def _cytoscape_element(item: object) -> bool:
    data = item.get("data") if isinstance(item, dict) else None
    return isinstance(data, dict) and "id" not in item and ("id" in data or "source" in data)


def _cytoscape_elements(doc: object) -> dict | None:
    """Cytoscape's elements without the ``.cyjs`` wrapper, or None: ``{"nodes": [...],
    "edges": [...]}`` or Cytoscape.js's flat list, each element's values under ``data``.

    >>> _cytoscape_elements({"nodes": [{"data": {"id": "a"}}], "edges": []})
    {'nodes': [{'data': {'id': 'a'}}], 'edges': []}
    >>> flat = [{"group": "nodes", "data": {"id": "a"}}, {"data": {"source": "a", "target": "a"}}]
    >>> [len(v) for v in _cytoscape_elements(flat).values()]
    [1, 1]
    >>> _cytoscape_elements({"nodes": [{"id": "a", "data": {"id": "a"}}], "links": []}) is None
    True
    """
    if isinstance(doc, list):
        if not doc or not all(_cytoscape_element(item) for item in doc):
            return None
        nodes, edges = [], []
        for item in doc:
            group = item.get("group") or ("edges" if "source" in item["data"] else "nodes")
            (edges if group == "edges" else nodes).append(item)
        return {"nodes": nodes, "edges": edges}
    if not isinstance(doc, dict) or set(doc) - {"nodes", "edges"}:
        return None
    nodes, edges = doc.get("nodes"), doc.get("edges", [])
    if not isinstance(nodes, list) or not isinstance(edges, list) or not nodes:
        return None
    if all(_cytoscape_element(item) for item in nodes + edges):
        return {"nodes": nodes, "edges": edges}
    return None


def _cytoscape(doc: dict, filename: str) -> RawMap:
    made_by = doc.get("generated_by")
    raw = RawMap(filename, "Cytoscape JSON" + (f" ({made_by})" if made_by else ""))
    elements = doc["elements"]
    for position, item in enumerate(elements.get("nodes") or []):
        data = dict((item or {}).get("data") or {})
        node_id = str(data.pop("id", position))
        raw.nodes.append(RawNode(node_id, data, f"node {position + 1}"))
    for position, item in enumerate(elements.get("edges") or []):
        data = dict((item or {}).get("data") or {})
        raw.edges.append(
            RawEdge(
                str(data.pop("source", "")),
                str(data.pop("target", "")),
                data,
                f"edge {position + 1}",
            )
        )
    return raw


def read_map_files(files: list[tuple[str, bytes]], limit: int = MAX_IMPORT_BYTES) -> RawMap:
    """One map from uploaded ``(filename, bytes)`` files, every value kept.

    Raises :class:`InvalidInput` with one sentence naming the problem and the fix.
    """
    from .file_xml import read_gexf, read_graphml

    if not files:
        msg = "Choose a file to import first (GraphML, GEXF, JSON, Kumu XLSX or CSV, or a zip)."
        raise InvalidInput(msg)
    total = sum(len(data) for _name, data in files)
    shown = ", ".join(name for name, _data in files)[:200]
    if total > limit:
        msg = f"it is {total / 2**20:.1f} MB; maps up to {limit / 2**20:.0f} MB can be imported."
        raise refusal(shown, msg)
    suffixes = {name.lower().rsplit(".", 1)[-1] for name, _data in files}
    notes: list[str] = []
    if suffixes <= {"csv"}:
        tables = [(name, _csv_rows(data, name, notes)) for name, data in files]
        return _kumu_tables(RawMap(shown, "Kumu CSV", notes=notes), tables)
    if len(files) > 1:
        msg = "import one GraphML, GEXF, JSON, XLSX or zip file at a time (or several CSV files)."
        raise refusal(shown, msg)
    (name, data), suffix = files[0], suffixes.pop()
    if suffix == "zip":
        members = _unzip(data, name, limit)
        tables = [(member, _csv_rows(body, member, notes)) for member, body in members]
        return _kumu_tables(RawMap(name, "Kumu CSV (zip)", notes=notes), tables)
    if suffix == "xlsx":
        return _kumu_tables(RawMap(name, "Kumu XLSX"), _xlsx(data, name))
    if suffix in ("json", "cyjs"):
        raw = _json(data, name, notes)
        raw.notes[:0] = notes
        return raw
    if suffix in ("graphml", "gexf", "xml"):
        _decode(data, name, notes)
        head = data[:4096].lower()
        return (
            read_gexf(data, name)
            if suffix == "gexf" or b"<gexf" in head
            else read_graphml(data, name)
        )
    msg = "use a .graphml, .gexf, .json, .cyjs, .xlsx, .csv or .zip (Kumu) file."
    raise refusal(name, msg)


def read_network(
    files: list[tuple[str, bytes]],
    settings: NetworkSettings,
    perspectives: dict[str, str] | None = None,
    on_map: dict[int, list[str]] | None = None,
    mapping: ImportMapping | None = None,
) -> ImportPlan:
    """Read files and plan their import (see :func:`read_map_files` and
    :func:`~codesign_widgets.network.import_map.plan_import`)."""
    return plan_import(read_map_files(files), settings, perspectives, on_map, mapping)
