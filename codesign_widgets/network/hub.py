"""The facilitator's stakeholder map: the live drawing, power and interest, analysis, equal say,
merging, tie types and open data.

Projected in the room; built only in the facilitator's kernel, after the key was checked. The
hub reads and computes the map and hands it to its tabs: the drawing
(:class:`~.map_view.MapView`, an ipycytoscape widget with the ``preset`` layout), three
panels of text, and the Edit and Open data tabs (:mod:`.tools`). Positions are computed here
(:func:`codesign_widgets.network.layout.stable_layout`) so stakeholders who arrive settle near
their ties while everyone already drawn stays put. Maps above ``INLINE_UP_TO`` stakeholders
are computed off the kernel's event loop so the projector keeps answering.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as widgets
import networkx as nx

from ..core.errors import CodesignError
from ..core.i18n import N_, translator
from ..core.safe_text import escaped
from ..core.small_groups import OTHER, OTHER_LABEL
from ..core.templates import load_template
from ..core.workshop import WorkshopState
from ..live import Feed
from ..ui.common import Notice
from ..ui.wiring import HubWiring
from .graph import build_graph
from .layout import isolates, stable_layout, with_isolates_shelved
from .map_view import MapView
from .measures import NetworkMetrics, network_metrics
from .model import NetworkMap
from .reports import analysis_html, equal_say_html, power_interest_svg
from .tools import EditTools, OpenDataTools

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["NetworkHub"]

# "participants": someone who leaves or is erased takes what they drew off the map.
TOPICS = {"network", "participants"}
#: The drawing shows at most this many stakeholders (the most connected): each node and tie is
#: a widget, and a page with 2,000 stakeholders and 8,000 ties never finished loading.
MAX_DRAWN = 500
#: The tabs projected in the room (their titles are in the plan's language).
PROJECTED_TABS = (N_("Map"), N_("Power and interest"), N_("Analysis"), N_("Equal say"))
INLINE_UP_TO = 300  # redraws of larger maps are computed in a thread, off the event loop


@dataclass
class ComputedMap:
    """What one redraw shows, computed without touching widgets (so it can run in a thread)."""

    net: NetworkMap
    graph: nx.MultiDiGraph
    positions: dict  # everyone: the tied stakeholders by force, the others on a shelf below
    metrics: NetworkMetrics
    seconds: float
    drawn: nx.MultiDiGraph  # what the drawing shows: all of graph, or its most connected part
    layout: dict  # the tied stakeholders only: what the next pass keeps in place


class NetworkHub(widgets.VBox):
    """The projected map and the facilitator's tools for one stakeholder-network stage.

    Its tabs are ``map_view`` (:class:`~.map_view.MapView`: select, colour, filter, take off
    the map), ``grid``, ``analysis`` and ``equal_say`` (text), ``edits``
    (:class:`~.tools.EditTools`: merge, tie types) and ``open_data``
    (:class:`~.tools.OpenDataTools`: export, import); their methods are the actions.
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
        # What the room reads (the map, its panels) is in the plan's language.
        self.tr = translator(self.template.language)
        self.labels = {p.key: p.label for p in self.template.perspectives}
        self.labels[OTHER] = self.tr.gettext(OTHER_LABEL)
        self.positions: dict = {}
        self.computed: ComputedMap | None = None
        self._task: asyncio.Task | None = None
        self._dirty = False
        self.notice = Notice()
        self._build()
        self.refresh(TOPICS)
        if feed is not None:
            feed.subscribe(workshop.id, TOPICS, self.refresh)

    # -- layout ----------------------------------------------------------------------
    def _build(self) -> None:
        wiring = HubWiring(
            self.studio, self.workshop.id, self.notice, self.refresh, stage_key=self.stage.key
        )
        self.map_view = MapView(wiring, self.template, self._redraw)
        self.grid = widgets.HTML()
        self.analysis = widgets.HTML()
        self.equal_say = widgets.HTML()
        self.edits = EditTools(wiring)
        self.open_data = OpenDataTools(wiring, self.workshop.code, self.template)
        title = escaped(f"{self.workshop.title}: {self.stage.title}", "h1")
        tr = self.tr
        join = escaped(
            tr.gettext("Join code: {code}").format(code=self.workshop.code), "div", "codesign-join"
        )
        tabs = [self.map_view, self.grid, self.analysis, self.equal_say, self.edits, self.open_data]
        self.tabs = widgets.Tab(
            children=tabs,
            # The tabs the room reads in the plan's language; the facilitator's own in English.
            titles=(*(tr.gettext(t) for t in PROJECTED_TABS), "Edit", "Open data"),
        )
        self.children = [widgets.HTML(title + join), self.notice, self.tabs, self.map_view.fitter]

    # -- computing ----------------------------------------------------------------------
    @staticmethod
    def _compute(net: NetworkMap, previous: dict, filters: dict) -> ComputedMap:
        started = time.perf_counter()
        # Positions come from the whole map, so filtering never moves anyone.
        smallest = filters.get("smallest_group", 1)
        whole = build_graph(net, smallest_group=smallest)
        # Stakeholders without ties wait on a shelf under the map (far away, they would shrink
        # the fitted picture); one who gains a tie joins the layout next to it.
        alone = set(isolates(whole))
        layout = stable_layout(whole.subgraph(n for n in whole if n not in alone), previous)
        positions = with_isolates_shelved(whole, layout)
        filtered = filters["tie_types"] is not None or filters["drawn_by"] is not None
        graph = build_graph(net, **filters) if filtered else whole
        metrics = network_metrics(graph)
        drawn = graph
        if graph.number_of_nodes() > MAX_DRAWN:
            ranked = sorted(graph, key=lambda n: (-metrics.degree.get(n, 0), n))
            drawn = graph.subgraph(ranked[:MAX_DRAWN])
        seconds = time.perf_counter() - started
        return ComputedMap(net, graph, positions, metrics, seconds, drawn, layout)

    def refresh(self, topics: set[str]) -> None:
        """Read the map again and redraw (called by the live feed and after actions)."""
        try:
            net = self.studio.network.maps.network_map(self.workshop.id, self.stage.key)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return
        self.map_view.show_tie_types(net)
        self._start(net)

    def _redraw(self) -> None:
        if self.computed is not None:
            self._start(self.computed.net)

    def _start(self, net: NetworkMap) -> None:
        filters = {**self.map_view.filters(), "smallest_group": self.template.smallest_group}
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
        self.map_view.show_busy()
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
    def _apply(self, c: ComputedMap) -> None:
        """Show one computed pass in every tab."""
        self.computed = c
        self.positions = c.layout
        try:
            self.map_view.show(c.net, c.graph, c.drawn, c.positions, c.metrics)
            self.grid.value = power_interest_svg(c.graph, self.map_view.colour, self.tr)
            self.analysis.value = analysis_html(c.graph, c.metrics, c.seconds, self.tr)
            self.equal_say.value = equal_say_html(
                c.graph, c.net.settings, self.groups, self.labels, self.tr
            )
            self.edits.show(c.net)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
