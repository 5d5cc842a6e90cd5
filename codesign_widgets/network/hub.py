"""The facilitator's stakeholder map: the live drawing, power and interest, analysis, equal say,
merging, tie types and open data.

Projected in the room; built only in the facilitator's kernel, after the key was checked. The
drawing (:mod:`.network_map`) is an ipycytoscape widget with the ``preset`` layout: positions
are computed here (:func:`codesign_widgets.network.layout.stable_layout`) so stakeholders who
arrive settle near their ties while everyone already drawn stays put. Maps above
``INLINE_UP_TO`` stakeholders are computed off the kernel's event loop so the projector
keeps answering. The Edit and Open data tabs' actions are in :mod:`.network_tools`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipycytoscape
import ipywidgets as widgets
import networkx as nx

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.templates import load_template
from ..core.workshop import WorkshopState
from ..live import Feed
from ..ui.common import Notice
from .file_export import FORMATS
from .graph import build_graph
from .layout import stable_layout
from .map_view import STYLE, MapFitter, NetworkMapMixin
from .measures import NetworkMetrics, network_metrics
from .model import NetworkMap
from .reports import analysis_html, equal_say_html, power_interest_svg
from .tools import NetworkToolsMixin

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["NetworkHub"]

# "participants": someone who leaves or is erased takes what they drew off the map.
TOPICS = {"network", "participants"}
#: The drawing shows at most this many stakeholders (the most connected): each node and tie is
#: a widget, and a page with 2,000 stakeholders and 8,000 ties never finished loading.
MAX_DRAWN = 500
INLINE_UP_TO = 300  # redraws of larger maps are computed in a thread, off the event loop


@dataclass
class _Computed:
    """What one redraw shows, computed without touching widgets (so it can run in a thread)."""

    net: NetworkMap
    graph: nx.MultiDiGraph
    positions: dict
    metrics: NetworkMetrics
    seconds: float
    drawn: nx.MultiDiGraph  # what the drawing shows: all of graph, or its most connected part


class NetworkHub(NetworkMapMixin, NetworkToolsMixin, widgets.VBox):
    """The projected map and the facilitator's tools for one stakeholder-network stage.

    Actions are methods: :meth:`select`, :meth:`set_colour_by`, :meth:`show_types`,
    :meth:`show_drawn_by`, :meth:`merge`, :meth:`add_tie_type`, :meth:`take_off_map`,
    :meth:`export`, :meth:`import_files`.
    """

    def __init__(
        self,
        studio: Studio,
        workshop: WorkshopState,
        feed: Feed | None = None,
        stage: str | None = None,
    ) -> None:
        super().__init__()
        self.add_class("codesign-network-hub")
        self.studio, self.workshop, self.feed = studio, workshop, feed
        self.template = load_template(workshop.template)
        self.stage = studio.network.maps.network_stage(workshop.id, stage)
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
            net = self.studio.network.maps.network_map(self.workshop.id, self.stage.key)
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

    def _draw_grid(self) -> None:
        self.grid.value = power_interest_svg(self.computed.graph, self._colour)

    def _draw_analysis(self) -> None:
        c = self.computed
        self.analysis.value = analysis_html(c.graph, c.metrics, c.seconds)

    def _draw_equal_say(self) -> None:
        c = self.computed
        self.equal_say.value = equal_say_html(c.graph, c.net.settings, self.groups, self.labels)
