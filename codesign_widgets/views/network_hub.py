"""The facilitator's stakeholder map: the live drawing, power and interest, analysis, equal say,
merging, tie types and open data.

Projected in the room; built only in the facilitator's kernel, after the key was checked. The
drawing is an ipycytoscape widget with the ``preset`` layout: positions are computed here
(:func:`codesign_widgets.network_graph.stable_layout`) so stakeholders who arrive settle near
their ties while everyone already drawn stays put. Element widgets are reused between redraws,
so a new stakeholder costs one node and its ties, not the whole picture. Maps above
``INLINE_UP_TO`` stakeholders are computed off the kernel's event loop so the projector
keeps answering.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import time
from dataclasses import dataclass

import anywidget
import ipycytoscape
import ipywidgets as widgets
import networkx as nx
import traitlets

from ..errors import CodesignError
from ..live import Feed
from ..network import NetworkMap
from ..network_graph import NetworkMetrics, build_graph, network_metrics, stable_layout
from ..network_io import FORMATS, export_network, read_network
from ..store import Store
from ..templates import load_template
from ..workshop import WorkshopState
from .common import FALLBACK_COLOURS, Notice, escaped, perspective_colour, run_action
from .network_reports import (
    analysis_html,
    details_html,
    equal_say_html,
    legend_html,
    power_interest_svg,
    summary_text,
)

__all__ = ["NetworkHub"]

# "participants": someone who leaves or is erased takes what they drew off the map.
TOPICS = {"network", "participants"}
#: The drawing shows at most this many stakeholders (the most connected): each node and tie is
#: a widget, and a page with 2,000 stakeholders and 8,000 ties never finished loading.
MAX_DRAWN = 500
INLINE_UP_TO = 300  # redraws of larger maps are computed in a thread, off the event loop
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


@dataclass
class _Computed:
    """What one redraw shows, computed without touching widgets (so it can run in a thread)."""

    net: NetworkMap
    graph: nx.MultiDiGraph
    positions: dict
    metrics: NetworkMetrics
    seconds: float
    drawn: nx.MultiDiGraph  # what the drawing shows: all of graph, or its most connected part


def _download_link(data: bytes, filename: str, mime: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<a download="{html.escape(filename)}" href="data:{mime};base64,{encoded}" '
        f'class="codesign-download">{html.escape("Save " + filename)}</a>'
    )


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


class NetworkHub(widgets.VBox):
    """The projected map and the facilitator's tools for one stakeholder-network stage.

    Actions are methods: :meth:`select`, :meth:`set_colour_by`, :meth:`show_types`,
    :meth:`show_drawn_by`, :meth:`merge`, :meth:`add_tie_type`, :meth:`take_off_map`,
    :meth:`export`, :meth:`import_files`.
    """

    def __init__(
        self,
        store: Store,
        workshop: WorkshopState,
        feed: Feed | None = None,
        stage: str | None = None,
    ) -> None:
        super().__init__()
        self.add_class("codesign-network-hub")
        self.store, self.workshop, self.feed = store, workshop, feed
        self.template = load_template(workshop.template)
        self.stage = store.network_stage(workshop.id, stage)
        self.groups = {p.key: p.group for p in self.template.perspectives}
        self.labels = {p.key: p.label for p in self.template.perspectives}
        self.positions: dict = {}
        self.selected: int | None = None
        self.computed: _Computed | None = None
        self._nodes: dict[int, ipycytoscape.Node] = {}
        self._edges: dict[int, ipycytoscape.Edge] = {}
        self._task: asyncio.Task | None = None
        self._dirty = False
        self.notice = Notice()
        self._build()
        self.refresh(TOPICS)
        if feed is not None:
            feed.subscribe(workshop.id, TOPICS, self.refresh)

    # -- layout ----------------------------------------------------------------------
    def _build(self) -> None:
        self.colour_by = widgets.Dropdown(
            description="Colour by",
            options=[("Kind of stakeholder", "kind"), ("Perspective they bring", "perspective")],
            value="kind",
        )
        self.colour_by.observe(lambda c: self.set_colour_by(c["new"]), "value")
        self.drawn_by = widgets.Dropdown(
            description="Drawn by",
            options=[("Everyone", "*")]
            + [(p.label, p.key) for p in self.template.perspectives]
            + [("Facilitator or imported", "")],
            value="*",
        )
        self.drawn_by.observe(lambda c: self.show_drawn_by(c["new"]), "value")
        self.type_boxes: dict[str, widgets.Checkbox] = {}
        self.type_filter = widgets.HBox()
        self.cyto = ipycytoscape.CytoscapeWidget()
        self.cyto.set_layout(name="preset", fit=True, padding=40)
        self.fitter = MapFitter()
        self.cyto.set_style(STYLE)
        self.cyto.layout.height = "640px"
        self.cyto.on("node", "click", self._on_node_click)
        self.legend = widgets.HTML()
        self.summary = widgets.HTML()  # the drawing's text alternative
        self.details = widgets.HTML()
        self.hide_button = widgets.Button(
            description="Take off the map", icon="eye-slash", layout={"display": "none"},
            tooltip="Kept on record; it leaves the drawing and the analysis",
        )  # fmt: skip
        self.hide_button.on_click(lambda _b: self.take_off_map(self.selected))
        self.grid = widgets.HTML()
        self.analysis = widgets.HTML()
        self.equal_say = widgets.HTML()

        self.merge_from = widgets.Dropdown(description="Merge", options=[], value=None)
        self.merge_into = widgets.Dropdown(description="into (kept)", options=[], value=None)
        self.merge_button = widgets.Button(description="Merge: same body", icon="compress")
        self.merge_button.on_click(
            lambda _b: self.merge(self.merge_from.value, self.merge_into.value)
        )
        self.new_type = widgets.Text(description="New tie type", placeholder="e.g. Data sharing")
        self.type_button = widgets.Button(description="Add tie type", icon="plus")
        self.type_button.on_click(lambda _b: self.add_tie_type(self.new_type.value))

        self.export_buttons = []
        for fmt, (_suffix, _mime, label) in FORMATS.items():
            button = widgets.Button(description=f"Export {label}", icon="download")
            button.on_click(lambda _b, f=fmt: self.export(f))
            self.export_buttons.append(button)
        self.download = widgets.HTML()
        self.upload = widgets.FileUpload(
            accept=".graphml,.gexf,.json,.csv,.zip", multiple=True, description="Choose file"
        )
        self.import_button = widgets.Button(description="Import into this map", icon="upload")
        self.import_button.on_click(lambda _b: self.import_uploaded())

        title = escaped(f"{self.workshop.title}: {self.stage.title}", "h1")
        join = escaped(f"Join code: {self.workshop.code}", "div", "codesign-join")
        self.map_tab = widgets.VBox(
            [
                widgets.HBox([self.colour_by, self.drawn_by]),
                self.type_filter,
                widgets.HBox(
                    [
                        self.cyto,
                        widgets.VBox(
                            [self.legend, self.details, self.hide_button],
                            layout={"width": "30%", "min_width": "260px", "padding": "0 0 0 12px"},
                        ),
                    ],
                    layout={"width": "100%"},
                ),
                self.summary,
            ]
        )
        # The drawing keeps its own box: cytoscape's canvas otherwise spreads under the legend.
        self.cyto.layout.width = "70%"
        self.cyto.layout.min_width = "0"
        self.cyto.layout.overflow = "hidden"
        self.cyto.layout.border = "1px solid #cccccc"
        edit = widgets.VBox(
            [
                widgets.HTML(escaped("Merge two stakeholders that are the same body", "h2")),
                widgets.HTML(escaped("Ties move to the one kept; both names stay on it.", "p")),
                self.merge_from,
                self.merge_into,
                self.merge_button,
                widgets.HTML(escaped("Tie types", "h2")),
                self.new_type,
                self.type_button,
            ]
        )
        data = widgets.VBox(
            [
                widgets.HTML(escaped("Export this map", "h2")),
                widgets.HBox(self.export_buttons),
                self.download,
                widgets.HTML(escaped("Import a map made elsewhere", "h2")),
                widgets.HTML(
                    escaped(
                        "GraphML or GEXF (Gephi, networkx), JSON, or Kumu CSV (elements.csv "
                        "and connections.csv, or a zip of both). Names already on the map are "
                        "linked, not added twice; the imported map can be edited like any other.",
                        "p",
                    )
                ),
                self.upload,
                self.import_button,
            ]
        )
        self.tabs = widgets.Tab(
            children=[self.map_tab, self.grid, self.analysis, self.equal_say, edit, data],
            titles=("Map", "Power and interest", "Analysis", "Equal say", "Edit", "Open data"),
        )
        self.children = [widgets.HTML(title + join), self.notice, self.tabs, self.fitter]

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

    def merge(self, merged: int | None, kept: int | None) -> bool:
        if merged is None or kept is None:
            self.notice.show("Choose the stakeholder to merge and the one to keep.", "error")
            return False
        names = self._names()
        ok = run_action(
            self.notice,
            self.store.merge_stakeholders,
            self.workshop.id,
            self.stage.key,
            merged,
            kept,
            ok=f"Merged “{names.get(merged)}” into “{names.get(kept)}”; both names are kept.",
        )
        self.refresh({"network"})
        return bool(ok)

    def add_tie_type(self, label: str) -> bool:
        ok = run_action(
            self.notice,
            self.store.add_tie_type,
            self.workshop.id,
            self.stage.key,
            label,
            ok="Tie type added: participants can choose it now.",
        )
        if ok:
            self.new_type.value = ""
        self.refresh({"network"})
        return bool(ok)

    def take_off_map(self, item_id: int | None) -> bool:
        """Hide a stakeholder (or tie) from the map; it stays on record."""
        if item_id is None:
            return False
        ok = run_action(
            self.notice,
            self.store.hide_network_item,
            self.workshop.id,
            item_id,
            True,
            ok="Taken off the map (kept on record).",
        )
        self.selected = None
        self.refresh({"network"})
        return bool(ok)

    def export(self, fmt: str) -> bytes | None:
        """Offer the map (as drawn now, all perspectives and types) as a download."""
        try:
            net = self.store.network_map(self.workshop.id, self.stage.key)
            data = export_network(build_graph(net), fmt, net.settings)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return None
        suffix, mime, label = FORMATS[fmt]
        filename = f"stakeholder-map-{self.workshop.code}-{self.stage.key}{suffix}"
        self.download.value = _download_link(data, filename, mime)
        self.notice.show(f"{label} export ready: use the link to save it.", "ok")
        return data

    def import_files(self, files: list[tuple[str, bytes]]) -> dict | None:
        """Add a map from files (name, bytes) to this one; nothing is added if any is wrong."""
        lookup = {p.key: p.key for p in self.template.perspectives}
        lookup.update({p.label: p.key for p in self.template.perspectives})
        try:
            settings = self.store.network_settings(self.workshop.id, self.stage.key)
            imported = read_network(files, settings, lookup)
            source = ", ".join(name for name, _data in files)
            counts = self.store.import_network(self.workshop.id, self.stage.key, imported, source)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return None
        text = (
            f"Imported {counts['stakeholders']} stakeholders and {counts['ties']} ties; "
            f"{counts['linked']} names were already on the map and were linked."
        )
        self.notice.show(" ".join([text, *imported.notes]), "ok")
        self.refresh({"network"})
        return counts

    def import_uploaded(self) -> dict | None:
        files = [(f["name"], bytes(f["content"])) for f in self.upload.value]
        if not files:
            self.notice.show("Choose a file first, then import it.", "error")
            return None
        counts = self.import_files(files)
        self.upload.value = ()
        return counts

    def _on_node_click(self, node: dict) -> None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            self.select(int(node["data"]["id"]))

    # -- computing ----------------------------------------------------------------------
    def _filters(self) -> dict:
        chosen = [k for k, box in self.type_boxes.items() if box.value]
        types = None if len(chosen) == len(self.type_boxes) else chosen
        drawn = None if self.drawn_by.value == "*" else self.drawn_by.value
        return {"tie_types": types, "drawn_by": drawn}

    @staticmethod
    def _compute(net: NetworkMap, previous: dict, filters: dict) -> _Computed:
        started = time.perf_counter()
        # Positions come from the whole map, so filtering never moves anyone.
        whole = build_graph(net)
        positions = stable_layout(whole, previous)
        filtered = filters["tie_types"] is not None or filters["drawn_by"] is not None
        graph = build_graph(net, **filters) if filtered else whole
        metrics = network_metrics(graph)
        drawn = graph
        if graph.number_of_nodes() > MAX_DRAWN:
            ranked = sorted(graph, key=lambda n: (-metrics.degree.get(n, 0), n))
            drawn = graph.subgraph(ranked[:MAX_DRAWN])
        seconds = time.perf_counter() - started
        return _Computed(net, graph, positions, metrics, seconds, drawn)

    def refresh(self, topics: set[str]) -> None:
        """Read the map again and redraw (called by the live feed and after actions)."""
        try:
            net = self.store.network_map(self.workshop.id, self.stage.key)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return
        self._draw_type_filter(net)
        self._start(net)

    def _redraw(self) -> None:
        if self.computed is not None:
            self._start(self.computed.net)

    def _start(self, net: NetworkMap) -> None:
        filters = self._filters()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        # The first drawing is made while the notebook runs, before the page exists: widgets
        # created afterwards in bulk stalled the page's first render ("Loading widget...").
        if loop is None or self.computed is None or len(net.stakeholders) <= INLINE_UP_TO:
            self._apply(self._compute(net, self.positions, filters))
            return
        if self._task is not None and not self._task.done():
            self._dirty = True  # one more pass when the running one ends
            return
        self.summary.value = escaped("Updating the map…", "p")
        self._task = loop.create_task(self._in_thread(net, filters))

    async def _in_thread(self, net: NetworkMap, filters: dict) -> None:
        loop = asyncio.get_running_loop()
        computed = None
        try:
            computed = await loop.run_in_executor(
                None, self._compute, net, dict(self.positions), filters
            )
        except Exception as exc:  # a failed pass must not stop the next redraws
            self.notice.show(
                f"The map could not be redrawn ({exc}); it tries again at the next change.",
                "error",
            )
        finally:
            self._task = None  # so that the pass below (or the next change) can start
        if computed is not None:
            self._apply(computed)
        if self._dirty:
            self._dirty = False
            self.refresh({"network"})

    # -- drawing ----------------------------------------------------------------------
    def _apply(self, computed: _Computed) -> None:
        self.computed = computed
        self.positions = computed.positions
        try:
            self._draw_graph()
            self._draw_summary()
            self._draw_grid()
            self._draw_analysis()
            self._draw_equal_say()
            self._draw_choices()
            self._draw_details()
        except CodesignError as exc:
            self.notice.show(str(exc), "error")

    def _names(self) -> dict[int, str]:
        if self.computed is None:
            return {}
        return {s.id: s.name for s in self.computed.net.stakeholders}

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

    def _draw_choices(self) -> None:
        current = sorted(
            ((s.name, s.id) for s in self.computed.net.current()), key=lambda x: x[0].casefold()
        )
        ids = {i for _n, i in current}
        for dropdown in (self.merge_from, self.merge_into):
            keep = dropdown.value if dropdown.value in ids else None
            dropdown.options = current
            dropdown.value = keep

    def _draw_grid(self) -> None:
        self.grid.value = power_interest_svg(self.computed.graph, self._colour)

    def _draw_analysis(self) -> None:
        c = self.computed
        self.analysis.value = analysis_html(c.graph, c.metrics, c.seconds)

    def _draw_equal_say(self) -> None:
        c = self.computed
        self.equal_say.value = equal_say_html(c.graph, c.net.settings, self.groups, self.labels)
