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

from ..core.i18n import N_, Translator, translator
from ..core.palette import line_style
from ..core.safe_text import escaped
from .model import TieType

__all__ = ["MAX_LISTED", "map_words_html"]

#: Above this many stakeholders or ties a list stops, and says how many more there are:
#: the page must still load (the analysis and the export cover them all).
MAX_LISTED = 600
_DIRECTIONS = {"both": N_("both ways"), "none": N_("no direction")}
_ONE_WAY = N_("one way")


def _name(graph: nx.MultiDiGraph, node: object) -> str:
    return escaped(graph.nodes[node]["name"], "bdi")


def _more(shown: int, total: int, what: str) -> str:
    """``what``: a sentence with ``{n}``, the number left out (already translated)."""
    if shown >= total:
        return ""
    return escaped(what.format(n=f"{total - shown:,}"), "p")


def map_words_html(
    graph: nx.MultiDiGraph,
    tie_types: tuple[TieType, ...] | list[TieType],
    perspective_labels: Mapping[str, str],
    tr: Translator | None = None,
    kind_labels: Mapping[str, str] | None = None,
) -> str:
    """Every stakeholder (name, kind, perspective, number of ties) and every tie (from, type
    and its line on the map, to, strength) as escaped HTML, in a region a keyboard can reach,
    in ``tr``'s language (``kind_labels``: what each kind key is called, before translation).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node(1, name="Ana <b>", kind="person", perspective="carer")
    >>> g.add_node(2, name="GP surgery", kind="service", perspective="")
    >>> _ = g.add_edge(1, 2, type="care", direction="forward", strength=2)
    >>> page = map_words_html(g, [TieType("care", "Care / support")], {"carer": "Carer"})
    >>> "<bdi>Ana &lt;b&gt;</bdi>" in page, "Stakeholders (2)" in page, "Ties (1)" in page
    (True, True, True)
    """
    tr = tr or translator()
    _, ngettext = tr.gettext, tr.ngettext
    kinds = {t.key: (_(t.label), _(line_style(i)[2])) for i, t in enumerate(tie_types)}
    kind_labels = kind_labels or {}
    names = {n: str(d["name"]).casefold() for n, d in graph.nodes(data=True)}
    undirected = graph.to_undirected(as_view=True)
    people = sorted(graph, key=lambda n: (names[n], str(n)))
    rows = []
    for node in people[:MAX_LISTED]:
        d = graph.nodes[node]
        ties = sum(1 for m in undirected.neighbors(node) if m != node)
        perspective = perspective_labels.get(d.get("perspective") or "")
        kind = d.get("kind") or ""
        about = ": " + ", ".join(
            (
                _(kind_labels.get(kind, kind)) if kind else _("kind not given"),
                _(perspective) if perspective else _("perspective not given"),
            )
        )
        about += "; " + (
            ngettext("{n} tie", "{n} ties", ties).format(n=ties) if ties else _("no ties yet")
        )
        rows.append(f"<li>{_name(graph, node)}{html.escape(about)}</li>")
    stakeholders = escaped(_("Stakeholders ({n})").format(n=len(people)), "h3")
    stakeholders += f"<ul>{''.join(rows)}</ul>" + _more(
        len(rows),
        len(people),
        _("And {n} more stakeholders: export the map to see them all."),
    )

    edges = sorted(
        graph.edges(keys=True, data=True), key=lambda e: (names[e[0]], names[e[1]], str(e[2]))
    )
    head = "".join(
        escaped(h, "th", scope="col")
        for h in (_("From"), _("Tie (line on the map)"), _("To"), _("Direction"), _("Strength"))
    )
    lines = []
    for u, v, _key, e in edges[:MAX_LISTED]:
        label, line = kinds.get(e["type"], (e["type"], "solid"))
        direction = _(_DIRECTIONS.get(e["direction"], _ONE_WAY))
        cells = [
            f"<td>{_name(graph, u)}</td>",
            escaped(f"{label} ({line})", "td"),
            f"<td>{_name(graph, v)}</td>",
            escaped(direction, "td"),
            escaped(str(e.get("strength", "")), "td"),
        ]
        lines.append(f"<tr>{''.join(cells)}</tr>")
    ties = escaped(_("Ties ({n})").format(n=len(edges)), "h3")
    if lines:
        ties += f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
        ties += _more(
            len(lines), len(edges), _("And {n} more ties: export the map to see them all.")
        )
    else:
        ties += escaped(_("No ties yet."), "p")
    body = escaped(_("The map in words"), "h2") + stakeholders + ties
    label = html.escape(_("The map in words: every stakeholder and tie"))
    return (
        '<section class="codesign-map-words" tabindex="0" role="region" '
        f'aria-label="{label}">{body}</section>'
    )
