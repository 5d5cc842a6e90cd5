"""GraphML and GEXF read into a :class:`~codesign_widgets.network.import_map.RawMap`.

GraphML is read here, element by element, so that what Gephi, yEd/yFiles and Cytoscape write
all comes through: keys with the same id for nodes and edges (Gephi's ``cdata.graphml``),
defaults, ``<desc>``, nested graphs and group nodes (yEd), labels in ``y:NodeLabel``, per-edge
``directed``. GEXF 1.1-1.3 is handed to networkx after its namespace is normalised (Gephi
writes ``http://www.gexf.net/1.3``, networkx knows ``http://gexf.net/1.3``).

Files are untrusted: they are parsed with defusedxml, which refuses DOCTYPE and ENTITY
declarations (entity bombs, external entities).
"""

from __future__ import annotations

import io
import re
from xml.etree.ElementTree import Element, ParseError

import networkx as nx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .import_map import RawEdge, RawMap, RawNode, refusal

__all__ = ["parse_xml", "read_gexf", "read_graphml"]

_GEXF_NS = re.compile(rb"https?://(www\.)?gexf\.net/1\.[0-9](draft)?")
_Y = "{http://www.yworks.com/xml/graphml}"
_TYPES = {
    "int": int,
    "long": int,
    "integer": int,
    "float": float,
    "double": float,
    "boolean": lambda v: v.strip().lower() in ("true", "1"),
}


def parse_xml(data: bytes, filename: str) -> Element:
    """The root element, or a sentence saying what is wrong with the file."""
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        msg = (
            "the file declares a DOCTYPE or ENTITY, which GraphML and GEXF never need and which "
            f"can hide an attack ({type(exc).__name__}). Export it again from the tool that "
            "made it."
        )
        raise refusal(filename, msg) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        if "no element found" in str(exc) or "unclosed token" in str(exc):
            msg = (
                f"the file ends before its XML is complete (line {line}): it was cut short. "
                "Download or export it again."
            )
        else:
            msg = (
                f"it is not well-formed XML at line {line}, column {column} ({exc}); "
                "open it in the tool that made it and export it again."
            )
        raise refusal(filename, msg) from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _value(text: str, kind: str) -> object:
    try:
        return _TYPES.get(kind, str)(text)
    except ValueError:
        return text


def _yed_label(data: Element) -> str | None:
    """The first visible node or edge label of a yEd/yFiles graphics element."""
    for child in data.iter():
        if child.tag in (f"{_Y}NodeLabel", f"{_Y}EdgeLabel") and (child.text or "").strip():
            return child.text.strip()
    return None


class _GraphML:
    def __init__(self, root: Element, filename: str) -> None:
        self.filename = filename
        self.keys: dict[tuple[str, str], tuple[str, str]] = {}
        self.defaults: dict[str, dict] = {"node": {}, "edge": {}}
        self.graphics: set[tuple[str, str]] = set()
        for key in root.iter():  # keys belong under <graphml>; Gephi's tests put them in <graph>
            if _local(key.tag) != "key" or ("graphdrawing" not in key.tag and "}" in key.tag):
                continue
            domain, key_id = key.get("for", "all"), key.get("id", "")
            name = key.get("attr.name") or key_id
            kind = key.get("attr.type", "string")
            if key.get("yfiles.type") in ("nodegraphics", "edgegraphics"):
                self.graphics |= {(d, key_id) for d in ("node", "edge", "all")}
                continue
            for d in ("node", "edge") if domain == "all" else (domain,):
                self.keys[(d, key_id)] = (name, kind)
                default = next((c for c in key if _local(c.tag) == "default"), None)
                if default is not None and default.text is not None:
                    self.defaults.setdefault(d, {})[name] = _value(default.text, kind)
        self.raw = RawMap(filename, "GraphML")

    def attrs(self, element: Element, domain: str) -> dict:
        attrs = dict(self.defaults.get(domain, {}))
        for child in element:
            tag = _local(child.tag)
            if tag == "desc" and (child.text or "").strip():
                attrs["description"] = child.text.strip()
            if tag != "data":
                continue
            key = child.get("key", "")
            if (domain, key) in self.graphics:
                label = _yed_label(child)
                if label:
                    attrs["label"] = label
                continue
            if (domain, key) not in self.keys:
                if len(child) == 0 and child.text is not None:
                    attrs[key] = child.text  # an undeclared key: keep it under its id
                continue
            name, kind = self.keys[(domain, key)]
            if len(child) == 0:
                attrs[name] = _value(child.text or "", kind)
        return attrs

    def walk(self, graph: Element, parent: str | None) -> None:
        directed_default = graph.get("edgedefault", "directed") == "directed"
        if parent is None:
            self.raw.directed = directed_default
        for element in graph:
            tag = _local(element.tag)
            if tag == "node":
                node_id = element.get("id", "")
                attrs = self.attrs(element, "node")
                if element.get("yfiles.foldertype") == "group" or any(
                    _local(c.tag) == "graph" for c in element
                ):
                    attrs.setdefault("group", "yes")
                if parent is not None:
                    attrs.setdefault("parent", parent)
                self.raw.nodes.append(RawNode(node_id, attrs, f"node {node_id!r}"))
                for sub in element:
                    if _local(sub.tag) == "graph":
                        self.walk(sub, node_id)
            elif tag == "edge":
                flag = element.get("directed")
                directed = None if flag is None else flag in ("true", "1")
                if directed is None and directed_default != self.raw.directed:
                    directed = directed_default
                edge = RawEdge(
                    element.get("source", ""),
                    element.get("target", ""),
                    self.attrs(element, "edge"),
                    f"edge {element.get('id') or len(self.raw.edges) + 1}",
                    directed,
                )
                if element.get("id"):
                    edge.attrs.setdefault("id", element.get("id"))
                self.raw.edges.append(edge)


def read_graphml(data: bytes, filename: str) -> RawMap:
    """A GraphML file (Gephi, yEd, yFiles, Cytoscape, networkx, igraph) as a :class:`RawMap`."""
    root = parse_xml(data, filename)
    if _local(root.tag) != "graphml":
        msg = (
            f"it is XML but its root is <{_local(root.tag)}>, not <graphml>: is it a GraphML file?"
        )
        raise refusal(filename, msg)
    reader = _GraphML(root, filename)
    graph = next((c for c in root if _local(c.tag) == "graph"), None)
    if graph is None:
        raise refusal(filename, "it has no <graph> element: the file holds no map.")
    reader.walk(graph, None)
    if any("yworks.com" in c.tag for c in root.iter()):
        reader.raw.fmt = "GraphML (yEd / yFiles)"
    groups = [n for n in reader.raw.nodes if n.attrs.get("group") == "yes"]
    if groups:
        reader.raw.notes.append(
            f"{len(groups)} group nodes are stakeholders named after their group "
            f"({', '.join(str(g.attrs.get('label', g.id)) for g in groups[:5])}); the nodes "
            "inside keep their group as 'parent'."
        )
    return reader.raw


def read_gexf(data: bytes, filename: str) -> RawMap:
    """A GEXF 1.1-1.3 file (Gephi 0.7-0.10, networkx, sigma) as a :class:`RawMap`."""
    root = parse_xml(data, filename)
    if _local(root.tag) != "gexf":
        msg = f"it is XML but its root is <{_local(root.tag)}>, not <gexf>: is it a GEXF file?"
        raise refusal(filename, msg)
    version = root.get("version", "")
    creator = next((c.text for c in root.iter() if _local(c.tag) == "creator"), None)
    # networkx knows the namespaces it writes; Gephi's other spellings are the same format.
    normalised = _GEXF_NS.sub(b"http://www.gexf.net/1.2draft", data)
    try:
        graph = nx.read_gexf(io.BytesIO(normalised), version="1.2draft")
    except (nx.NetworkXError, KeyError, ValueError, TypeError, IndexError) as exc:
        msg = (
            f"it is GEXF but networkx cannot read it ({exc}); open it in Gephi and export it "
            "again as GEXF."
        )
        raise refusal(filename, msg) from exc
    raw = RawMap(filename, f"GEXF {version}" + (f" ({creator})" if creator else ""))
    raw.directed = graph.is_directed()
    for node, attrs in graph.nodes(data=True):
        attrs = {k: v for k, v in attrs.items() if k != "viz"}
        raw.nodes.append(RawNode(str(node), attrs, f"node {node!r}"))
    edges = (
        graph.edges(keys=True, data=True)
        if graph.is_multigraph()
        else ((u, v, None, d) for u, v, d in graph.edges(data=True))
    )
    seen: set[str] = set()
    for u, v, _key, attrs in edges:
        if attrs.get("id") is not None and str(attrs["id"]) in seen:
            continue  # GEXF's "mutual": networkx adds it both ways, the file has it once
        seen.add(str(attrs.get("id")))
        attrs = {k: val for k, val in attrs.items() if k != "viz"}
        where = f"edge {attrs.get('id', len(raw.edges) + 1)!r}"
        raw.edges.append(RawEdge(str(u), str(v), attrs, where))
    return raw
