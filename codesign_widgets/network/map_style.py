"""How the stakeholder map looks on the projector: node shapes and colours by kind, a line
style per tie type, the cytoscape style sheet, and :class:`MapFitter`, which keeps the whole
map in view with labels that stay readable from the back of the room.
"""

from __future__ import annotations

import anywidget
import traitlets

from ..core.palette import TIE_LINE_STYLES

__all__ = ["KIND_SHAPES", "LABEL_PX", "STYLE", "MapFitter"]

#: The smallest a stakeholder's name may be on the screen, in CSS pixels, at any zoom
#: (:class:`MapFitter` scales the labels when a fit zooms out).
LABEL_PX = 18

KIND_SHAPES = {"person": "ellipse", "group": "round-hexagon", "organisation": "round-rectangle",
               "service": "diamond"}  # fmt: skip


def _line_css(name: str, dashes: tuple[int, ...] | None) -> dict:
    css = {"line-style": name}
    if dashes:
        css["line-dash-pattern"] = list(dashes)
    if name == "double":
        css["width"] = "mapData(width, 0, 8, 5, 9)"  # a double line needs room for two
    return css


STYLE = [
    {
        "selector": "node",
        "style": {
            "label": "data(label)",
            "background-color": "data(colour)",
            "shape": "data(shape)",
            "width": "data(size)",
            "height": "data(size)",
            "font-size": LABEL_PX,
            "color": "#111111",
            "text-valign": "bottom",
            "text-margin-y": 4,
            "text-wrap": "ellipsis",
            "text-max-width": "160px",
            # Names overlap when many are near; the white box keeps the top one legible.
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
            "text-background-padding": 2,
            "border-width": 1,
            "border-color": "#222222",
        },
    },
    {"selector": "node.codesign-quiet", "style": {"text-opacity": 0, "text-background-opacity": 0}},
    {
        "selector": "node:selected",
        "style": {
            "border-width": 5,
            "border-color": "#000000",
            "text-opacity": 1,
            "text-background-opacity": 0.85,
            "z-index": 10,
        },
    },
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
            "opacity": 0.9,
        },
    },
    # A tie's type by line style too, not by colour alone (data "line": its index).
    *(
        {"selector": f"edge[line = {i}]", "style": _line_css(name, dashes)}
        for i, (name, dashes, _words) in enumerate(TIE_LINE_STYLES)
    ),
]


class MapFitter(anywidget.AnyWidget):
    """Invisible: fits the cytoscape drawing to its box once the page has rendered, and again
    whenever ``count`` goes up. cytoscape fits when it first renders, often before its box has
    its final size, and adding nodes never re-fits; this keeps the whole map on the projector.

    When the fit (or anyone) zooms out, it enlarges the names in drawing units so that they
    stay :data:`LABEL_PX` on the screen: a name is never smaller than body text at the back.
    """

    _esm = (
        """
    const LABEL_PX = """
        + str(LABEL_PX)
        + """;
    function overlap(a, b) {
      return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
    }
    function scaleLabels(cy) {
      // On screen a label is font-size * zoom: below zoom 1, grow it by 1 / zoom.
      const k = Math.max(1, 1 / cy.zoom());
      cy.batch(() => {
        cy.nodes().style({
          "font-size": LABEL_PX * k, "text-max-width": 160 * k + "px",
          "text-margin-y": 4 * k, "text-background-padding": 2 * k,
        });
        cy.nodes().removeClass("codesign-quiet");
      });
      // Names that would cover one another: the best-connected keep theirs, the others go
      // quiet (shown when selected; every name is in the map in words).
      const kept = [], quiet = [];
      const order = cy.nodes().sort((a, b) => b.degree() - a.degree()
        || b.data("size") - a.data("size")
        || String(a.data("label")).localeCompare(b.data("label")));
      order.forEach(n => {
        const box = n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true});
        if (kept.some(other => overlap(box, other))) quiet.push(n); else kept.push(box);
      });
      cy.batch(() => quiet.forEach(n => n.addClass("codesign-quiet")));
    }
    function later(cy) {
      clearTimeout(cy._codesignTimer);
      cy._codesignTimer = setTimeout(() => scaleLabels(cy), 120);
    }
    function fit() {
      for (const box of document.querySelectorAll("div")) {
        const cy = box._cyreg && box._cyreg.cy;
        if (!cy) continue;
        if (!cy._codesignLabels) {
          cy._codesignLabels = true;
          cy.on("zoom", () => later(cy));
          cy.on("add remove data", "node", () => later(cy));
        }
        cy.resize(); cy.fit(undefined, 40); scaleLabels(cy);
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
    )
    count = traitlets.Int(0, help="Kernel to browser: fit the drawing again.").tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.layout.display = "none"
