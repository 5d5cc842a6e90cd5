"""The facilitator's map tab: stakeholders as nodes, ties as edges, coloured and filtered,
with a legend, the drawing in words and one stakeholder's details.

The drawing is an ipycytoscape widget with the ``preset`` layout: positions come from the hub
(:func:`codesign_widgets.network.layout.stable_layout`), so nobody moves when someone arrives.
Element widgets are reused between redraws, so a new stakeholder costs one node and its ties,
not the whole picture. How it looks, and what keeps it in view, is :mod:`.map_style`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipycytoscape
import ipywidgets as widgets

from ..core.i18n import translator
from ..core.palette import FALLBACK_COLOURS, KIND_COLOURS, UNKNOWN_COLOUR, line_style
from ..core.safe_text import as_description, escaped
from ..core.small_groups import OTHER, OTHER_LABEL
from ..core.templates import Template
from ..ui.common import perspective_colour, run_action
from ..ui.keyed import close_later
from ..ui.wiring import HubWiring
from .map_style import KIND_SHAPES, STYLE, MapFitter
from .map_words import map_words_html
from .measures import NetworkMetrics
from .model import NetworkMap
from .reports import details_html, legend_html, summary_text

if TYPE_CHECKING:
    import networkx as nx


__all__ = ["MapView"]


class MapView(widgets.VBox):
    """The map tab of :class:`~codesign_widgets.network.hub.NetworkHub`: colours, filters,
    the drawing, its legend and text alternative, one stakeholder's details.

    Built with the hub's ``wiring``, the plan's ``template`` (its perspectives) and
    ``on_redraw()``, called when a colour or filter changed: the hub draws again with
    :meth:`filters`. The hub computes the map and hands it to :meth:`show`.

    Actions are methods: :meth:`select`, :meth:`set_colour_by`, :meth:`show_types`,
    :meth:`show_drawn_by`, :meth:`take_off_map`, :meth:`fit`.
    """

    def __init__(
        self, wiring: HubWiring, template: Template, on_redraw: Callable[[], None]
    ) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id, self.on_redraw = wiring.workshop_id, on_redraw
        self.groups = {p.key: p.group for p in template.perspectives}
        self.labels = {p.key: p.label for p in template.perspectives}
        # The drawing's legend and words are read by the room: in the plan's language.
        self.tr = translator(template.language)
        self.selected: int | None = None
        self.net: NetworkMap | None = None  # what was last shown, to colour and detail it
        self.graph: nx.MultiDiGraph | None = None
        self.metrics: NetworkMetrics | None = None
        self._nodes: dict[int, ipycytoscape.Node] = {}
        self._edges: dict[int, ipycytoscape.Edge] = {}
        filters = self._build_filters(template)
        drawing = self._build_drawing()
        # The map is the projector's live result: straight under the tabs, its controls below.
        super().__init__([drawing, filters, self.type_filter, self.summary, self.words])

    # -- layout -----------------------------------------------------------------------
    def _build_filters(self, template: Template) -> widgets.HBox:
        # Under the projected map: in the plan's language like the rest of the tab.
        _ = self.tr.gettext
        self.colour_by = widgets.Dropdown(
            description=_("Colour by"),
            options=[
                (_("Kind of stakeholder"), "kind"),
                (_("Perspective they bring"), "perspective"),
            ],
            value="kind",
        )
        self.colour_by.observe(lambda c: self.set_colour_by(c["new"]), "value")
        self.drawn_by = widgets.Dropdown(
            description=_("Drawn by"),
            options=[(_("Everyone"), "*")]
            + [(p.label, p.key) for p in template.perspectives]
            + [(_("Facilitator or imported"), "")],
            value="*",
        )
        self.drawn_by.observe(lambda c: self.show_drawn_by(c["new"]), "value")
        self.type_boxes: dict[str, widgets.Checkbox] = {}
        self.type_filter = widgets.HBox()
        return widgets.HBox([self.colour_by, self.drawn_by])

    def _build_drawing(self) -> widgets.HBox:
        self.cyto = ipycytoscape.CytoscapeWidget()
        self.cyto.set_layout(name="preset", fit=True, padding=40)
        self.fitter = MapFitter()
        self.cyto.set_style(STYLE)
        # As tall as the projector leaves under the title and tabs (720 or 1080 lines high).
        self.cyto.layout.height = "min(640px, calc(100vh - 240px))"
        self.cyto.add_class("codesign-live-result")
        self.cyto.on("node", "click", self._on_node_click)
        self.legend = widgets.HTML()
        self.summary = widgets.HTML()  # the drawing's text alternative: what stands out
        self.words = widgets.HTML()  # ... and all of it: every stakeholder and tie
        self.words.add_class("codesign-map-words-box")
        self.details = widgets.HTML()
        self.hide_button = widgets.Button(
            description=self.tr.gettext("Take off the map"), icon="eye-slash",
            layout={"display": "none"},
            tooltip=self.tr.gettext("Kept on record; it leaves the drawing and the analysis"),
        )  # fmt: skip
        self.hide_button.on_click(lambda _b: self.take_off_map(self.selected))
        drawing = widgets.HBox(
            [
                self.cyto,
                widgets.VBox(
                    [self.legend, self.details, self.hide_button],
                    layout={"width": "30%", "min_width": "260px", "padding": "0 0 0 12px"},
                ),
            ],
            layout={"width": "100%"},
        )
        # The drawing keeps its own box: cytoscape's canvas otherwise spreads under the legend.
        self.cyto.layout.width = "70%"
        self.cyto.layout.min_width = "0"
        self.cyto.layout.overflow = "hidden"
        self.cyto.layout.border = "1px solid #cccccc"
        return drawing

    # -- actions ----------------------------------------------------------------------
    def fit(self) -> None:
        """Fit the whole map on the screen (done again whenever stakeholders come or go)."""
        self.fitter.count += 1

    def select(self, stakeholder_id: int | None) -> None:
        """Show one stakeholder's details (a click on its node does this)."""
        self.selected = stakeholder_id
        self._draw_details()

    def set_colour_by(self, what: str) -> None:
        """Colour nodes by ``kind`` or by ``perspective``."""
        if self.colour_by.value != what:
            self.colour_by.value = what  # comes back here through the observer
            return
        self.on_redraw()

    def show_types(self, keys: list[str]) -> None:
        """Show only ties of these types."""
        for key, box in self.type_boxes.items():
            box.value = key in keys
        self.on_redraw()

    def show_drawn_by(self, perspective: str) -> None:
        """Show the map as one perspective drew it (``'*'``: everyone)."""
        if self.drawn_by.value != perspective:
            self.drawn_by.value = perspective
            return
        self.on_redraw()

    def take_off_map(self, item_id: int | None) -> bool:
        """Hide a stakeholder (or tie) from the map; it stays on record."""
        if item_id is None:
            return False
        ok = run_action(
            self.notice,
            self.studio.network.facilitator.hide_network_item,
            self.workshop_id,
            item_id,
            True,
            ok="Taken off the map (kept on record).",
        )
        self.selected = None
        self.on_change({"network"})
        return bool(ok)

    def _on_node_click(self, node: dict) -> None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            self.select(int(node["data"]["id"]))

    # -- what the hub reads -----------------------------------------------------------
    def filters(self) -> dict:
        """The tie types and the perspective to draw (None: all), for :func:`build_graph`."""
        chosen = [k for k, box in self.type_boxes.items() if box.value]
        types = None if len(chosen) == len(self.type_boxes) else chosen
        drawn = None if self.drawn_by.value == "*" else self.drawn_by.value
        return {"tie_types": types, "drawn_by": drawn}

    def colour(self, data: dict) -> str:
        """A node's colour, by kind or by perspective as chosen (``data``: its attributes)."""
        if self.colour_by.value == "perspective" and "perspective" in data:
            keys = list(self.labels)
            if data["perspective"] in self.groups:
                index = keys.index(data["perspective"])
                return perspective_colour(self.groups[data["perspective"]], index)
            return UNKNOWN_COLOUR
        if data.get("kind") in KIND_COLOURS:
            return KIND_COLOURS[data["kind"]]
        kinds = list(self.net.settings.kinds) if self.net else []
        index = kinds.index(data["kind"]) if data["kind"] in kinds else 0
        return FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)]

    # -- drawing ----------------------------------------------------------------------
    def show_tie_types(self, net: NetworkMap) -> None:
        """One checkbox per tie type of the map (ticks kept when the types stay the same)."""
        boxes = {}
        for tie_type in net.settings.tie_types:
            box = self.type_boxes.get(tie_type.key)
            if box is None:
                label = self.tr.gettext(tie_type.label)  # the plan's word, in its language
                box = widgets.Checkbox(
                    value=True,
                    description=as_description(label),
                    indent=False,
                )
                box.observe(lambda _c: self.on_redraw(), "value")
            boxes[tie_type.key] = box
        if list(boxes) != list(self.type_boxes):
            gone = [b for k, b in self.type_boxes.items() if k not in boxes]
            self.type_boxes = boxes
            label = self.type_filter.children[:1] or (
                widgets.HTML(escaped(self.tr.gettext("Show ties:"), "strong")),
            )
            self.type_filter.children = [*label, *boxes.values()]
            close_later(gone)

    def show(
        self,
        net: NetworkMap,
        graph: nx.MultiDiGraph,
        drawn: nx.MultiDiGraph,
        positions: dict,
        metrics: NetworkMetrics,
    ) -> None:
        """Draw ``drawn`` (all of ``graph`` or its most connected part) at ``positions``;
        the legend, the words and the details cover the whole ``graph``."""
        self.net, self.graph, self.metrics = net, graph, metrics
        self._draw_graph(drawn, positions)
        self._draw_legend()
        self._draw_summary(drawn)
        labels = {**self.labels, OTHER: self.tr.gettext(OTHER_LABEL)}
        kinds = {k: net.settings.kind_label(k) for k in net.settings.kinds}
        self.words.value = map_words_html(
            graph, net.settings.tie_types, labels, tr=self.tr, kind_labels=kinds
        )
        self._draw_details()

    def show_busy(self) -> None:
        """Say that the map is being worked out (a large map, computed off the event loop)."""
        self.summary.value = escaped(self.tr.gettext("Updating the map…"), "p")

    def _draw_graph(self, graph: nx.MultiDiGraph, positions: dict) -> None:
        colours = {t.key: t.colour for t in self.net.settings.tie_types}
        lines = {t.key: line_style(i)[0] for i, t in enumerate(self.net.settings.tie_types)}
        nodes, edges = [], []
        for node_id, d in graph.nodes(data=True):
            x, y = positions[node_id]
            nodes.append(self._node(node_id, d, {"x": round(x, 1), "y": round(y, 1)}))
        for u, v, key, d in graph.edges(keys=True, data=True):
            data = {
                "id": f"t{key}",
                "source": str(u),
                "target": str(v),
                "colour": colours.get(d["type"], UNKNOWN_COLOUR),
                "line": lines.get(d["type"], 0),
                "width": 1.5 * d["strength"] + 0.5,
                "arrow": "triangle" if d["direction"] in ("forward", "both") else "none",
                "back_arrow": "triangle" if d["direction"] == "both" else "none",
            }
            edge = self._edges.get(key)
            if edge is None:
                edge = self._edges[key] = ipycytoscape.Edge(data=data)
            elif dict(edge.data) != data:
                edge.data = data  # changed in place: a new widget per change would leak
            edges.append(edge)
        if list(self.cyto.graph.nodes) != nodes:
            self.cyto.graph.nodes = nodes
            self.fit()
        if list(self.cyto.graph.edges) != edges:
            self.cyto.graph.edges = edges

    def _node(self, node_id: int, d: dict, position: dict) -> ipycytoscape.Node:
        """The node widget of one stakeholder: reused, and changed only where it moved."""
        influence = d["influence"] if d["influence"] is not None else 3
        data = {
            "id": str(node_id),
            "label": d["name"],
            "colour": self.colour(d),
            "shape": KIND_SHAPES.get(d["kind"], "ellipse"),
            "size": round(24 + 6 * float(influence), 1),
        }
        node = self._nodes.get(node_id)
        if node is None:
            node = self._nodes[node_id] = ipycytoscape.Node(data=data, position=position)
        else:
            if dict(node.data) != data:
                node.data = data
            if dict(node.position) != position:
                node.position = position
        return node

    def _draw_legend(self) -> None:
        settings, _ = self.net.settings, self.tr.gettext
        if self.colour_by.value == "perspective":
            items = [
                (label, self.colour({"perspective": key, "kind": ""}))
                for key, label in self.labels.items()
            ]
            items.append((_("Not sure"), UNKNOWN_COLOUR))
        else:
            items = [(_(settings.kind_label(k)), self.colour({"kind": k})) for k in settings.kinds]
        self.legend.value = legend_html(items, settings.tie_types, self.tr)

    def _draw_summary(self, drawn: nx.MultiDiGraph) -> None:
        text = summary_text(self.graph, self.metrics, self.tr)
        shown, total = drawn.number_of_nodes(), self.graph.number_of_nodes()
        if shown < total:
            text += " " + self.tr.gettext(
                "The drawing shows the {shown} most connected of {total} stakeholders (the "
                "analysis covers them all): filter by tie type or perspective, or export the "
                "map to Gephi to see everyone."
            ).format(shown=shown, total=f"{total:,}")
        self.summary.value = escaped(text, "p", "codesign-graph-text")

    def _draw_details(self) -> None:
        graph = self.graph
        if self.selected is None or graph is None or self.selected not in graph:
            self.details.value = escaped(
                self.tr.gettext("Click a stakeholder to see who they are."), "p"
            )
            self.hide_button.layout.display = "none"
            return
        settings = self.net.settings
        tie_labels = {t.key: t.label for t in settings.tie_types}
        self.details.value = details_html(
            graph,
            self.selected,
            self.metrics,
            tie_labels,
            {**self.labels, OTHER: self.tr.gettext(OTHER_LABEL)},
            self.tr,
            {k: settings.kind_label(k) for k in settings.kinds},
        )
        self.hide_button.layout.display = ""
