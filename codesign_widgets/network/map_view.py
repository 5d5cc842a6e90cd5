"""The facilitator's map drawing: stakeholders as nodes, ties as edges, coloured and filtered.

The drawing is an ipycytoscape widget with the ``preset`` layout: positions come from the hub
(:func:`codesign_widgets.network.layout.stable_layout`), so nobody moves when someone arrives.
Element widgets are reused between redraws, so a new stakeholder costs one node and its ties,
not the whole picture. :class:`MapFitter` keeps the whole map in view on the projector.
"""

from __future__ import annotations

import contextlib

import anywidget
import ipycytoscape
import ipywidgets as widgets
import traitlets

from ..core.safe_text import escaped
from ..ui.common import FALLBACK_COLOURS, perspective_colour
from .model import NetworkMap
from .reports import details_html, legend_html, summary_text

__all__ = ["STYLE", "MapFitter", "NetworkMapMixin"]

KIND_SHAPES = {"person": "ellipse", "group": "round-hexagon", "organisation": "round-rectangle",
               "service": "diamond"}  # fmt: skip
KIND_COLOURS = {"person": "#0072B2", "group": "#E69F00", "organisation": "#009E73",
                "service": "#CC79A7"}  # fmt: skip
UNKNOWN_COLOUR = "#888888"
STYLE = [
    {
        "selector": "node",
        "style": {
            "label": "data(label)",
            "background-color": "data(colour)",
            "shape": "data(shape)",
            "width": "data(size)",
            "height": "data(size)",
            "font-size": 18,
            "color": "#111111",
            "text-valign": "bottom",
            "text-margin-y": 4,
            "text-wrap": "ellipsis",
            "text-max-width": "160px",
            "border-width": 1,
            "border-color": "#222222",
        },
    },
    {"selector": "node:selected", "style": {"border-width": 5, "border-color": "#000000"}},
    {
        "selector": "edge",
        "style": {
            "line-color": "data(colour)",
            "width": "data(width)",
            "curve-style": "bezier",
            "target-arrow-shape": "data(arrow)",
            "source-arrow-shape": "data(back_arrow)",
            "target-arrow-color": "data(colour)",
            "source-arrow-color": "data(colour)",
            "opacity": 0.85,
        },
    },
]


class MapFitter(anywidget.AnyWidget):
    """Invisible: fits the cytoscape drawing to its box once the page has rendered, and again
    whenever ``count`` goes up. cytoscape fits when it first renders, often before its box has
    its final size, and adding nodes never re-fits; this keeps the whole map on the projector.
    """

    _esm = """
    function fit() {
      for (const box of document.querySelectorAll("div")) {
        const cy = box._cyreg && box._cyreg.cy;
        if (cy) { cy.resize(); cy.fit(undefined, 40); }
      }
    }
    export default {
      render({ model, el }) {
        el.style.display = "none";
        setTimeout(fit, 300);
        setTimeout(fit, 1500);
        model.on("change:count", () => setTimeout(fit, 300));
      },
    };
    """
    count = traitlets.Int(0, help="Kernel to browser: fit the drawing again.").tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.layout.display = "none"


class NetworkMapMixin:
    """The map tab of :class:`~codesign_widgets.network.hub.NetworkHub`: colours,
    filters, the drawing, its legend and text alternative, one stakeholder's details."""

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
        self._redraw()

    def show_types(self, keys: list[str]) -> None:
        """Show only ties of these types."""
        for key, box in self.type_boxes.items():
            box.value = key in keys
        self._redraw()

    def show_drawn_by(self, perspective: str) -> None:
        """Show the map as one perspective drew it (``'*'``: everyone)."""
        if self.drawn_by.value != perspective:
            self.drawn_by.value = perspective
            return
        self._redraw()

    def _on_node_click(self, node: dict) -> None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            self.select(int(node["data"]["id"]))

    # -- drawing ----------------------------------------------------------------------
    def _colour(self, data: dict) -> str:
        if self.colour_by.value == "perspective" and "perspective" in data:
            keys = list(self.labels)
            if data["perspective"] in self.groups:
                index = keys.index(data["perspective"])
                return perspective_colour(self.groups[data["perspective"]], index)
            return UNKNOWN_COLOUR
        if data.get("kind") in KIND_COLOURS:
            return KIND_COLOURS[data["kind"]]
        kinds = list(self.computed.net.settings.kinds) if self.computed else []
        index = kinds.index(data["kind"]) if data["kind"] in kinds else 0
        return FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)]

    def _draw_type_filter(self, net: NetworkMap) -> None:
        boxes = {}
        for tie_type in net.settings.tie_types:
            box = self.type_boxes.get(tie_type.key)
            if box is None:
                box = widgets.Checkbox(value=True, description=tie_type.label, indent=False)
                box.observe(lambda _c: self._redraw(), "value")
            boxes[tie_type.key] = box
        if list(boxes) != list(self.type_boxes):
            self.type_boxes = boxes
            self.type_filter.children = [
                widgets.HTML(escaped("Show ties:", "strong")),
                *boxes.values(),
            ]

    def _draw_graph(self) -> None:
        graph, positions = self.computed.drawn, self.computed.positions
        colours = {t.key: t.colour for t in self.computed.net.settings.tie_types}
        nodes, edges = [], []
        for node_id, d in graph.nodes(data=True):
            influence = d["influence"] if d["influence"] is not None else 3
            data = {
                "id": str(node_id),
                "label": d["name"],
                "colour": self._colour(d),
                "shape": KIND_SHAPES.get(d["kind"], "ellipse"),
                "size": round(24 + 6 * float(influence), 1),
            }
            x, y = positions[node_id]
            position = {"x": round(x, 1), "y": round(y, 1)}
            node = self._nodes.get(node_id)
            if node is None:
                node = self._nodes[node_id] = ipycytoscape.Node(data=data, position=position)
            else:
                if dict(node.data) != data:
                    node.data = data
                if dict(node.position) != position:
                    node.position = position
            nodes.append(node)
        for u, v, key, d in graph.edges(keys=True, data=True):
            data = {
                "id": f"t{key}",
                "source": str(u),
                "target": str(v),
                "colour": colours.get(d["type"], UNKNOWN_COLOUR),
                "width": 1.5 * d["strength"] + 0.5,
                "arrow": "triangle" if d["direction"] in ("forward", "both") else "none",
                "back_arrow": "triangle" if d["direction"] == "both" else "none",
            }
            edge = self._edges.get(key)
            if edge is None or dict(edge.data) != data:
                edge = self._edges[key] = ipycytoscape.Edge(data=data)
            edges.append(edge)
        if list(self.cyto.graph.nodes) != nodes:
            self.cyto.graph.nodes = nodes
            self.fit()
        if list(self.cyto.graph.edges) != edges:
            self.cyto.graph.edges = edges
        self._draw_legend()

    def _draw_legend(self) -> None:
        settings = self.computed.net.settings
        if self.colour_by.value == "perspective":
            items = [
                (label, self._colour({"perspective": key, "kind": ""}))
                for key, label in self.labels.items()
            ]
            items.append(("Not sure", UNKNOWN_COLOUR))
        else:
            items = [(k.capitalize(), self._colour({"kind": k})) for k in settings.kinds]
        self.legend.value = legend_html(items, settings.tie_types)

    def _draw_summary(self) -> None:
        text = summary_text(self.computed.graph, self.computed.metrics)
        shown, total = self.computed.drawn.number_of_nodes(), self.computed.graph.number_of_nodes()
        if shown < total:
            text += (
                f" The drawing shows the {shown} most connected of {total:,} stakeholders (the "
                "analysis covers them all): filter by tie type or perspective, or export the "
                "map to Gephi to see everyone."
            )
        self.summary.value = escaped(text, "p", "codesign-graph-text")

    def _draw_details(self) -> None:
        graph = self.computed.graph if self.computed else None
        if self.selected is None or graph is None or self.selected not in graph:
            self.details.value = escaped("Click a stakeholder to see who they are.", "p")
            self.hide_button.layout.display = "none"
            return
        tie_labels = {t.key: t.label for t in self.computed.net.settings.tie_types}
        self.details.value = details_html(
            graph, self.selected, self.computed.metrics, tie_labels, self.labels
        )
        self.hide_button.layout.display = ""
