"""How the stakeholder map looks on the projector: node shapes and colours by kind, the
cytoscape style sheet, and :class:`MapFitter`, which keeps the whole map in view.
"""

from __future__ import annotations

import anywidget
import traitlets

from ..core.palette import KIND_COLOURS, UNKNOWN_COLOUR

__all__ = ["KIND_COLOURS", "KIND_SHAPES", "STYLE", "UNKNOWN_COLOUR", "MapFitter"]

KIND_SHAPES = {"person": "ellipse", "group": "round-hexagon", "organisation": "round-rectangle",
               "service": "diamond"}  # fmt: skip
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
