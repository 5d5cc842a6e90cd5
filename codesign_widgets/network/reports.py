"""What the stakeholder map's side panels say, as escaped HTML built from the graph.

Pure functions (graph and metrics in, an HTML string out) so the hub stays about widgets and
each panel can be checked on its own. Every name and goal is participant text: it goes through
:func:`~codesign_widgets.core.safe_text.escaped` (or, inside a hand-built SVG shape,
:func:`~codesign_widgets.core.safe_text.escaped_attribute`), nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import networkx as nx

from ..core.i18n import N_, Translator, translator
from ..core.palette import line_style
from ..core.safe_text import escaped, escaped_attribute
from ..core.small_groups import OTHER, OTHER_LABEL
from .measures import NetworkMetrics, deciders, influence_by_perspective, voice_distances
from .model import NetworkSettings, TieType

__all__ = [
    "analysis_html",
    "details_html",
    "equal_say_html",
    "legend_html",
    "power_interest_svg",
    "summary_text",
]

#: Mendelow's quadrants: high influence and low interest first, then clockwise by rows.
QUADRANTS = (N_("Keep satisfied"), N_("Manage closely"), N_("Monitor"), N_("Keep informed"))
LABELLED_ON_GRID = 60
ARROWS = {"both": "↔", "none": "—"}


def _names(graph: nx.MultiDiGraph) -> dict:
    return {n: d["name"] for n, d in graph.nodes(data=True)}


def _swatch(colour: str, width: int = 14, height: int = 14) -> str:
    style = f"display:inline-block;width:{width}px;height:{height}px;background:{colour};"
    return escaped("", "span", style=style + "margin:0 6px 2px 0")


def _line_swatch(colour: str, index: int) -> str:
    """A short sample of a tie type's line: its colour and its dashes (as on the map)."""
    _number, name, _words, dashes = line_style(index)
    pattern = {"dotted": (2, 4), "dashed": (8, 4)}.get(name, ()) if dashes is None else dashes
    dash = f' stroke-dasharray="{" ".join(map(str, pattern))}"' if pattern else ""
    colour = escaped_attribute(colour)
    if name == "double":
        line = "".join(
            f'<line x1="0" y1="{y}" x2="40" y2="{y}" stroke="{colour}" stroke-width="2"/>'
            for y in (4, 10)
        )
    else:
        line = f'<line x1="0" y1="7" x2="40" y2="7" stroke="{colour}" stroke-width="4"{dash}/>'
    return (
        '<svg width="40" height="14" aria-hidden="true" style="margin:0 6px 0 0;'
        f'vertical-align:middle">{line}</svg>'
    )


def _key(swatch: str, label: str) -> str:
    """One line of a legend: the colour, then its label as text."""
    return f"<div>{swatch}{escaped(label, 'span')}</div>"


def legend_html(
    nodes: Sequence[tuple[str, str]], tie_types: Sequence[TieType], tr: Translator | None = None
) -> str:
    """Colour keys for nodes (label, colour) and tie types, in ``tr``'s language (labels come
    translated; tie types and line styles are translated here).

    >>> "Cysylltiadau" in legend_html([], [TieType("care", "Care / support")], translator("cy"))
    True
    """
    _ = (tr or translator()).gettext
    parts = [escaped(_("Colour"), "strong")]
    parts += [_key(_swatch(colour), label) for label, colour in nodes]
    parts.append(escaped(_("Ties"), "strong"))
    parts += [
        _key(_line_swatch(t.colour, i), f"{_(t.label)} ({_(line_style(i)[2])})")
        for i, t in enumerate(tie_types)
    ]
    parts.append(escaped(_("Size: influence (0-10). Arrow: the tie's direction."), "p"))
    parts.append(
        escaped(
            _(
                "Names that would cover one another are left off the drawing (click a shape "
                "to see it); every name is in the map in words below."
            ),
            "p",
        )
    )
    return "".join(parts)


def summary_text(
    graph: nx.MultiDiGraph, metrics: NetworkMetrics, tr: Translator | None = None
) -> str:
    """The drawing in words: its text alternative on the projector, in ``tr``'s language."""
    tr = tr or translator()
    _ = tr.gettext
    names = _names(graph)
    top = sorted(metrics.degree, key=lambda n: (-metrics.degree[n], names[n]))[:5]
    most = ", ".join(f"{names[n]} ({metrics.degree[n]})" for n in top) or _("none yet")
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    lines = [
        tr.ngettext(
            "{n} stakeholder and {ties} shown.", "{n} stakeholders and {ties} shown.", nodes
        ).format(n=nodes, ties=tr.ngettext("{n} tie", "{n} ties", edges).format(n=edges)),
        _("Most connected: {names}.").format(names=most),
    ]
    if metrics.brokers:
        brokers = ", ".join(names[n] for n in metrics.brokers)
        lines.append(_("Brokers: {names}.").format(names=brokers))
    if metrics.isolates:
        lines.append(_("Not linked to anyone: {n}.").format(n=len(metrics.isolates)))
    return " ".join(lines)


def details_html(
    graph: nx.MultiDiGraph,
    node: object,
    metrics: NetworkMetrics,
    tie_labels: Mapping[str, str],
    perspective_labels: Mapping[str, str],
    tr: Translator | None = None,
    kind_labels: Mapping[str, str] | None = None,
) -> str:
    """One stakeholder: who they are, their influence per perspective, and their ties, in
    ``tr``'s language (``tie_labels`` and ``kind_labels`` are translated here).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node(1, name="GP", kind="service", perspective="", aliases=[], goals="",
    ...            influence=None, influence_by={}, interest=None)
    >>> from codesign_widgets.network.measures import network_metrics
    >>> m = network_metrics(g)
    >>> kinds = {"service": "Service"}
    >>> "Math: Gwasanaeth" in details_html(g, 1, m, {}, {}, translator("cy"), kinds)
    True
    """
    _ = (tr or translator()).gettext
    d = graph.nodes[node]
    names = _names(graph)
    kind = (kind_labels or {}).get(d["kind"], d["kind"])
    lines = [
        _("Kind: {kind}").format(kind=_(kind)),
        _("Perspective: {perspective}").format(
            perspective=perspective_labels.get(d["perspective"]) or _("not sure")
        ),
    ]
    if d["aliases"]:
        lines.append(_("Also known as: {names}").format(names=", ".join(d["aliases"])))
    if d["goals"]:
        lines.append(_("What they want: {goals}").format(goals=d["goals"]))
    if d["influence"] is not None:
        lines.append(
            _("Influence: {value} out of 10 (each perspective counts the same)").format(
                value=f"{d['influence']:.1f}"
            )
        )
        for p, value in sorted(d["influence_by"].items()):
            seen_by = perspective_labels.get(p) or _("Imported")
            lines.append("  " + _("as {perspective} sees it: {value}").format(
                perspective=seen_by, value=f"{value:.1f}"))  # fmt: skip
    if d["interest"] is not None:
        lines.append(_("Interest: {value} out of 10").format(value=f"{d['interest']:.1f}"))
    degree, between = metrics.degree.get(node, 0), metrics.betweenness.get(node, 0)
    lines.append(
        _("Ties: {n}. How often they link others: {value} (0 to 1)").format(
            n=degree, value=f"{between:.3f}"
        )
    )
    for u, v, e in [*graph.out_edges(node, data=True), *graph.in_edges(node, data=True)]:
        other = names[v] if u == node else names[u]
        arrow = ARROWS.get(e["direction"], "→" if u == node else "←")
        label = _(tie_labels.get(e["type"], e["type"]))
        strength = _("strength {n}").format(n=e["strength"])
        lines.append(f"  {arrow} {other}: {label} ({strength})")
    return escaped(d["name"], "h3") + escaped("\n".join(lines), "div")


def _quadrant(influence: float, interest: float) -> str:
    high, keen = influence >= 5, interest >= 5
    return QUADRANTS[(0 if high else 2) + (1 if keen else 0)]


def power_interest_svg(
    graph: nx.MultiDiGraph, colour_of: Callable[[dict], str], tr: Translator | None = None
) -> str:
    """Influence (up) against interest (across), with Mendelow's four quadrants, and a list
    of who is in each quadrant as its text alternative, in ``tr``'s language.

    >>> "Rhoi gwybod iddyn nhw" in power_interest_svg(nx.MultiDiGraph(), str, translator("cy"))
    True
    """
    _ = (tr or translator()).gettext
    quadrants = [_(q) for q in QUADRANTS]
    name = _("Power and interest grid")
    size, pad = 560, 40
    full, mid = size + 2 * pad, pad + size / 2
    rated = sorted(
        ((n, d) for n, d in graph.nodes(data=True) if d["influence"] is not None),
        key=lambda item: -item[1]["influence"],
    )
    parts = [
        f'<svg role="img" aria-label="{escaped_attribute(name)}" '
        f'width="{full}" height="{full}" '
        f'viewBox="0 0 {full} {full}" style="font:14px sans-serif;background:#fff">',
        f'<rect x="{pad}" y="{pad}" width="{size}" height="{size}" fill="none" stroke="#333"/>',
        f'<line x1="{mid}" y1="{pad}" x2="{mid}" y2="{pad + size}" stroke="#999"/>',
        f'<line x1="{pad}" y1="{mid}" x2="{pad + size}" y2="{mid}" stroke="#999"/>',
    ]
    corners = [(pad + 8, pad + 20), (mid + 8, pad + 20), (pad + 8, pad + size - 8),
               (mid + 8, pad + size - 8)]  # fmt: skip
    for label, (x, y) in zip(quadrants, corners, strict=True):
        parts.append(escaped(label, "text", x=str(x), y=str(y), fill="#555"))
    parts.append(escaped(_("Interest →"), "text", x=str(mid - 40), y=str(full - 8)))
    parts.append(
        escaped(_("Influence →"), "text", x="14", y=str(mid + 30),
                transform=f"rotate(-90 14 {mid + 30})")
    )  # fmt: skip
    members: dict[str, list[str]] = {q: [] for q in quadrants}
    spots: dict[tuple[float, float], list[dict]] = {}  # stakeholders rated the same, together
    for _n, d in rated:
        interest = d["interest"] if d["interest"] is not None else 5
        spot = (
            round(pad + size * interest / 10, 1),
            round(pad + size * (1 - d["influence"] / 10), 1),
        )
        spots.setdefault(spot, []).append(d)
        members[_(_quadrant(d["influence"], interest))].append(d["name"])
    placed: list[tuple[float, float, float, float]] = [
        (x - 11, y - 11, x + 11, y + 11) for x, y in spots
    ]  # every point, so no label covers one, and the quadrant names
    placed += [
        (x, y - GRID_FONT, x + _text_width(q), y + 4)
        for q, (x, y) in zip(quadrants, corners, strict=True)
    ]
    labelled = 0
    for (x, y), here in spots.items():
        colour = escaped_attribute(colour_of(here[0]))
        if len(here) == 1:
            parts.append(f'<circle cx="{x}" cy="{y}" r="7" fill="{colour}" stroke="#000"/>')
            label = here[0]["name"][:30]
        else:  # several at one spot: one bigger point with the count, named in the list below
            parts.append(f'<circle cx="{x}" cy="{y}" r="11" fill="#fff" stroke="#000"/>')
            parts.append(
                f'<text x="{x}" y="{y + 5}" text-anchor="middle" font-weight="700">'
                f"{len(here)}</text>"
            )
            label = f"{here[0]['name'][:20]} +{len(here) - 1}"
        if labelled >= LABELLED_ON_GRID:
            continue  # the most influential are labelled; all are listed
        box = _free_label_spot(x, y, label, placed, full)
        if box is not None:  # no free place: the name is in the list under the grid
            placed.append(box[:4])
            parts.append(escaped(label, "text", x=f"{box[4]:.1f}", y=f"{box[5]:.1f}"))
            labelled += 1
    parts.append("</svg>")
    same = _("Rated the same ({influence} influence, {interest} interest): {names}")
    at_one_spot = [
        same.format(
            influence=f"{here[0]['influence']:g}",
            interest=f"{here[0]['interest'] if here[0]['interest'] is not None else 5:g}",
            names=", ".join(d["name"] for d in here),
        )
        for here in spots.values()
        if len(here) > 1
    ]
    nobody = _("nobody")
    text = [f"{q}: {', '.join(names) or nobody}" for q, names in members.items()]
    unrated = [d["name"] for _n, d in graph.nodes(data=True) if d["influence"] is None]
    if unrated:
        text.append(_("Not rated yet: {names}").format(names=", ".join(unrated)))
    text += at_one_spot
    return "".join(parts) + escaped("\n".join(text), "div", "codesign-graph-text")


GRID_FONT = 14  # px, the grid's label size


def _text_width(text: str) -> float:
    """About how wide ``text`` is drawn at :data:`GRID_FONT` (wide scripts and emoji count
    double); generous, so labels placed apart by it do not touch."""
    return sum(1.1 if ord(c) >= 0x2E80 else 0.62 for c in text) * GRID_FONT


def _free_label_spot(x: float, y: float, label: str, placed: list, limit: float):
    """Where ``label`` can go beside the point at ``x, y`` without covering another label or
    point: right, left, above or below. Returns its box and text position, or None."""
    width, height = _text_width(label), GRID_FONT * 1.2
    for left, top, text_x in (
        (x + 12, y - height / 2, x + 12),
        (x - 12 - width, y - height / 2, x - 12 - width),
        (x - width / 2, y - 12 - height, x - width / 2),
        (x - width / 2, y + 12, x - width / 2),
    ):
        box = (left, top, left + width, top + height)
        if box[0] < 0 or box[1] < 0 or box[2] > limit or box[3] > limit:
            continue
        if all(
            box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1] for b in placed
        ):
            return (*box, text_x, top + height * 0.8)
    return None


def analysis_html(
    graph: nx.MultiDiGraph, m: NetworkMetrics, seconds: float, tr: Translator | None = None
) -> str:
    """Who has most ties, who links others (betweenness), brokers, who is alone, closely
    linked groups and ties returned, in ``tr``'s language and in plain words (the room
    reads it).

    >>> from codesign_widgets.network.measures import network_metrics
    >>> g = nx.MultiDiGraph()
    >>> "Dadansoddiad" in analysis_html(g, network_metrics(g), 0.1, translator("cy"))
    True
    """
    tr = tr or translator()
    _ = tr.gettext
    names = _names(graph)
    n = graph.number_of_nodes()
    order = sorted(names, key=lambda x: (-m.betweenness.get(x, 0), -m.degree.get(x, 0), names[x]))
    table = "".join(
        f"<tr>{escaped(names[x], 'td')}<td>{m.degree.get(x, 0)}</td>"
        f"<td>{m.in_degree.get(x, 0)}</td><td>{m.out_degree.get(x, 0)}</td>"
        f"<td>{m.betweenness.get(x, 0):.3f}</td></tr>"
        for x in order[:15]
    )
    if m.betweenness_sample:
        sampled = _(
            "How often each one links others is estimated from {k} of {n} stakeholders. The "
            "sample is fixed, so it stays the same between redraws."
        ).format(k=m.betweenness_sample, n=f"{n:,}")
    else:
        sampled = _("How often each one links others is counted exactly.")
    isolates = ", ".join(names[x] for x in m.isolates[:30]) or _("none")
    if len(m.isolates) > 30:
        isolates = _("{names} and {n} more").format(names=isolates, n=len(m.isolates) - 30)
    reciprocity = (
        f"{m.reciprocity:.0%}" if m.reciprocity is not None else _("no ties with a direction yet")
    )
    brokers = ", ".join(names[x] for x in m.brokers) or _("none")
    lines = [
        _("{n} stakeholders, {ties} ties; worked out in {seconds} s.").format(
            n=n, ties=graph.number_of_edges(), seconds=f"{seconds:.2f}"
        ),
        sampled,
        _("Brokers (they link groups that would otherwise be apart): {names}.").format(
            names=brokers
        ),
        _("Not linked to anyone: {names}.").format(names=isolates),
        _("Ties that are returned (of ties with a direction): {share}.").format(share=reciprocity),
        _("Groups that are closely linked: {n}.").format(n=len(m.communities)),
    ]
    for i, group in enumerate(m.communities[:8], start=1):
        members = ", ".join(names[x] for x in group[:8])
        if len(group) > 8:
            members = _("{names} and {n} more").format(names=members, n=len(group) - 8)
        lines.append("  " + _("Group {i} ({n}): {names}").format(i=i, n=len(group), names=members))
    header = [_("Stakeholder"), _("Ties"), _("Ties in"), _("Ties out"),
              _("How often they link others (0 to 1)")]  # fmt: skip
    return (
        escaped(_("Analysis"), "h2")
        + escaped("\n".join(lines), "div")
        + '<table class="codesign-table"><tr>'
        + "".join(escaped(h, "th") for h in header)
        + "</tr>"
        + table
        + "</table>"
    )


def equal_say_html(
    graph: nx.MultiDiGraph,
    settings: NetworkSettings,
    groups: Mapping[str, str],
    labels: Mapping[str, str],
    tr: Translator | None = None,
) -> str:
    """Steps from lived experience to the deciders; influence as each perspective drew it;
    in ``tr``'s language (``labels``: perspective labels, the plan's own words).

    >>> from codesign_widgets.network.model import network_settings
    >>> "Dim rhanddeiliaid â phrofiad bywyd" in equal_say_html(
    ...     nx.MultiDiGraph(), network_settings({}), {}, {}, translator("cy"))
    True
    """
    _ = (tr or translator()).gettext
    names = _names(graph)
    who = deciders(graph, settings, groups)
    lines = [
        _("Who decides: {names} (a perspective that decides, or influence {n} or more).").format(
            names=", ".join(names[n] for n in who) or _("nobody marked yet"),
            n=f"{settings.decider_influence:g}",
        )
    ]
    distances = voice_distances(graph, settings, groups)
    if not distances:
        lines.append(_("No stakeholders with lived experience on the map yet: who is missing?"))
    reached = sorted(d.steps for d in distances if d.steps is not None)
    if reached:
        lines.append(
            _(
                "People with lived experience are {median} steps from the nearest person who "
                "decides (the middle value). The furthest is {furthest} steps away."
            ).format(median=reached[len(reached) // 2], furthest=reached[-1])
        )
    cut_off = [names[d.stakeholder] for d in distances if d.steps is None]
    if cut_off:
        lines.append(_("No route to anyone who decides: {names}.").format(names=", ".join(cut_off)))
    for d in distances[:30]:
        steps = (
            _("no route")
            if d.steps is None
            else _("{n} steps to {name}").format(n=d.steps, name=names[d.nearest_decider])
        )
        lines.append(f"  {names[d.stakeholder]}: {steps}")
    views = influence_by_perspective(graph)
    disagreements = [v for v in views if v.spread][:5]
    if disagreements:
        lines.append(_("Where people disagree most about influence:"))
    for v in disagreements:
        imported = _("Imported")
        said = ", ".join(
            f"{labels.get(p) or imported} {value:.0f}"
            for p, value in sorted(v.by_perspective.items())
        )
        lines.append(f"  {names[v.stakeholder]}: {said}")
    merged = any(OTHER in v.by_perspective for v in views)
    if merged:
        lines.append(
            _(
                '"{other}": too few people of some perspectives rated a stakeholder to show '
                "them apart. Their ratings are shown together (the plan's smallest group)."
            ).format(other=labels.get(OTHER) or _(OTHER_LABEL))
        )
    columns = [p for p in labels if p != OTHER or merged] + [""]
    header = "".join(escaped(labels.get(p) or _("Imported"), "th") for p in columns)
    rows = "".join(
        f"<tr>{escaped(names[v.stakeholder], 'td')}"
        + "".join(
            f"<td>{v.by_perspective[p]:.1f}</td>" if p in v.by_perspective else "<td>–</td>"
            for p in columns
        )
        + f"<td>{'' if v.spread is None else f'{v.spread:.1f}'}</td></tr>"
        for v in views[:25]
    )
    return (
        escaped(_("Equal say"), "h2")
        + escaped("\n".join(lines), "div")
        + escaped(_("Influence as each perspective drew it"), "h3")
        + '<table class="codesign-table"><tr>'
        + escaped(_("Stakeholder"), "th")
        + header
        + escaped(_("Spread"), "th")
        + "</tr>"
        + rows
        + "</table>"
    )
