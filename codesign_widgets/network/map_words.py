"""The stakeholder map in words: every stakeholder and every tie as headings, a list and a
table, beside the drawing on the projector.

The drawing is a canvas: a screen reader finds nothing in it and a keyboard cannot reach its
nodes. This is its full text alternative (the short summary says what stands out). Names are
participant text: each goes through :func:`~codesign_widgets.core.safe_text.escaped` inside
a ``<bdi>``, so a right-to-left name cannot reorder the words around it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import networkx as nx

from ..core.palette import line_style
from ..core.safe_text import escaped
from .model import TieType

__all__ = ["MAX_LISTED", "map_words_html"]

#: Above this many stakeholders or ties a list stops, and says how many more there are:
#: the page must still load (the analysis and the export cover them all).
MAX_LISTED = 600


def _name(graph: nx.MultiDiGraph, node: object) -> str:
    return escaped(graph.nodes[node]["name"], "bdi")


def _more(shown: int, total: int, what: str) -> str:
    if shown >= total:
        return ""
    text = f"And {total - shown:,} more {what}: export the map to see them all."
    return escaped(text, "p")


def map_words_html(
    graph: nx.MultiDiGraph,
    tie_types: tuple[TieType, ...] | list[TieType],
    perspective_labels: Mapping[str, str],
) -> str:
    """Every stakeholder (name, kind, perspective, number of ties) and every tie (from, type
    and its line on the map, to, strength) as escaped HTML, in a region a keyboard can reach.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node(1, name="Ana <b>", kind="person", perspective="carer")
    >>> g.add_node(2, name="GP surgery", kind="service", perspective="")
    >>> _ = g.add_edge(1, 2, type="care", direction="forward", strength=2)
    >>> page = map_words_html(g, [TieType("care", "Care / support")], {"carer": "Carer"})
    >>> "<bdi>Ana &lt;b&gt;</bdi>" in page, "Stakeholders (2)" in page, "Ties (1)" in page
    (True, True, True)
    """
    kinds = {t.key: (t.label, line_style(i)[2]) for i, t in enumerate(tie_types)}
    names = {n: str(d["name"]).casefold() for n, d in graph.nodes(data=True)}
    undirected = graph.to_undirected(as_view=True)
    people = sorted(graph, key=lambda n: (names[n], str(n)))
    rows = []
    for node in people[:MAX_LISTED]:
        d = graph.nodes[node]
        ties = sum(1 for m in undirected.neighbors(node) if m != node)
        perspective = perspective_labels.get(d.get("perspective") or "", "perspective not given")
        about = f": {d.get('kind') or 'kind not given'}, {perspective}; "
        about += f"{ties} tie{'s' if ties != 1 else ''}" if ties else "no ties yet"
        rows.append(f"<li>{_name(graph, node)}{html.escape(about)}</li>")
    stakeholders = escaped(f"Stakeholders ({len(people)})", "h3")
    stakeholders += f"<ul>{''.join(rows)}</ul>" + _more(len(rows), len(people), "stakeholders")

    edges = sorted(
        graph.edges(keys=True, data=True), key=lambda e: (names[e[0]], names[e[1]], str(e[2]))
    )
    head = "".join(
        escaped(h, "th", scope="col")
        for h in ("From", "Tie (line on the map)", "To", "Direction", "Strength")
    )
    lines = []
    for u, v, _key, e in edges[:MAX_LISTED]:
        label, line = kinds.get(e["type"], (e["type"], "solid"))
        direction = {"both": "both ways", "none": "no direction"}.get(e["direction"], "one way")
        cells = [
            f"<td>{_name(graph, u)}</td>",
            escaped(f"{label} ({line})", "td"),
            f"<td>{_name(graph, v)}</td>",
            escaped(direction, "td"),
            escaped(str(e.get("strength", "")), "td"),
        ]
        lines.append(f"<tr>{''.join(cells)}</tr>")
    ties = escaped(f"Ties ({len(edges)})", "h3")
    if lines:
        ties += f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
        ties += _more(len(lines), len(edges), "ties")
    else:
        ties += escaped("No ties yet.", "p")
    body = escaped("The map in words", "h2") + stakeholders + ties
    return (
        '<section class="codesign-map-words" tabindex="0" role="region" '
        f'aria-label="The map in words: every stakeholder and tie">{body}</section>'
    )
