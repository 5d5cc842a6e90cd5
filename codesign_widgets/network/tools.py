"""The facilitator's edits and open data on the stakeholder map: merge two stakeholders, add a
tie type (the Edit tab), export the map and import one made elsewhere (the Open data tab).
"""

from __future__ import annotations

import base64
import dataclasses

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.templates import Template
from ..ui.common import run_action
from ..ui.wiring import HubWiring
from .file_export import FORMATS
from .file_import import ACCEPTED, MAX_IMPORT_BYTES
from .import_map import STRENGTH_SCALES, ImportMapping, ImportPlan
from .model import NetworkMap
from .tools_upload import ChunkedUpload

__all__ = ["EditTools", "OpenDataTools"]


def download_link(data: bytes, filename: str, mime: str) -> str:
    """A link that saves ``data`` as ``filename`` (the file rides in the link itself).

    >>> download_link(b"x", "map.csv", "text/csv")  # doctest: +NORMALIZE_WHITESPACE
    '<a download="map.csv" href="data:text/csv;base64,eA=="
        class="codesign-download">Save map.csv</a>'
    """
    encoded = base64.b64encode(data).decode("ascii")
    return escaped(
        "Save " + filename,
        "a",
        "codesign-download",
        download=filename,
        href=f"data:{mime};base64,{encoded}",
    )


class EditTools(widgets.VBox):
    """The Edit tab of :class:`~codesign_widgets.network.hub.NetworkHub`.

    Built with the hub's ``wiring`` (the stage's map); :meth:`show` gets the map's
    stakeholders to choose from. Actions are methods: :meth:`merge`, :meth:`add_tie_type`.
    """

    def __init__(self, wiring: HubWiring) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id, self.stage_key = wiring.workshop_id, wiring.stage_key
        self.names: dict[int, str] = {}
        self.merge_from = widgets.Dropdown(description="Merge", options=[], value=None)
        self.merge_into = widgets.Dropdown(description="into (kept)", options=[], value=None)
        self.merge_button = widgets.Button(description="Merge: same body", icon="compress")
        self.merge_button.on_click(
            lambda _b: self.merge(self.merge_from.value, self.merge_into.value)
        )
        self.new_type = widgets.Text(
            description="New tie type", placeholder="e.g. Data sharing", continuous_update=False
        )
        self.type_button = widgets.Button(description="Add tie type", icon="plus")
        self.type_button.on_click(lambda _b: self.add_tie_type(self.new_type.value))
        super().__init__(
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

    # -- actions ----------------------------------------------------------------------
    def merge(self, merged: int | None, kept: int | None) -> bool:
        """Merge stakeholder ``merged`` into ``kept``: ties move, both names are kept."""
        if merged is None or kept is None:
            self.notice.show("Choose the stakeholder to merge and the one to keep.", "error")
            return False
        names = self.names
        ok = run_action(
            self.notice,
            self.studio.network.facilitator.merge_stakeholders,
            self.workshop_id,
            self.stage_key,
            merged,
            kept,
            ok=f"Merged “{names.get(merged)}” into “{names.get(kept)}”; both names are kept.",
        )
        self.on_change({"network"})
        return bool(ok)

    def add_tie_type(self, label: str) -> bool:
        """Add a tie type participants can choose."""
        ok = run_action(
            self.notice,
            self.studio.network.facilitator.add_tie_type,
            self.workshop_id,
            self.stage_key,
            label,
            ok="Tie type added: participants can choose it now.",
        )
        if ok:
            self.new_type.value = ""
        self.on_change({"network"})
        return bool(ok)

    # -- drawing ----------------------------------------------------------------------
    def show(self, net: NetworkMap) -> None:
        """Offer the stakeholders on the map (a choice made stays while it is there)."""
        self.names = {s.id: s.name for s in net.stakeholders}
        current = sorted(((s.name, s.id) for s in net.current()), key=lambda x: x[0].casefold())
        ids = {i for _n, i in current}
        for dropdown in (self.merge_from, self.merge_into):
            keep = dropdown.value if dropdown.value in ids else None
            dropdown.options = current
            dropdown.value = keep


class OpenDataTools(widgets.VBox):
    """The Open data tab of :class:`~codesign_widgets.network.hub.NetworkHub`.

    Built with the hub's ``wiring`` (the stage's map), the workshop's join ``code`` (in the
    names of exported files) and the plan's ``template``. Importing is two steps: a preview
    (:meth:`preview`: what will be added, what maps to what, what is left out and why, with
    choices the facilitator can change) and a confirmation (:meth:`confirm`); nothing is
    written before it. Actions are methods: :meth:`export`, :meth:`preview`, :meth:`confirm`,
    :meth:`import_files`; a chosen file arrives in pieces
    (:class:`~.tools_upload.ChunkedUpload`) and is previewed.
    """

    def __init__(self, wiring: HubWiring, code: str, template: Template) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id, self.stage_key = wiring.workshop_id, wiring.stage_key
        self.code, self.template = code, template
        self.files: list[tuple[str, bytes]] = []
        self.plan: ImportPlan | None = None
        self.export_buttons = []
        for fmt, (_suffix, _mime, label) in FORMATS.items():
            button = widgets.Button(description=f"Export {label}", icon="download")
            button.on_click(lambda _b, f=fmt: self.export(f))
            self.export_buttons.append(button)
        self.download = widgets.HTML()
        self.upload = ChunkedUpload(
            on_files=self.preview,
            on_error=lambda text: self.notice.show(text, "error"),
            accept=",".join(ACCEPTED),
            max_bytes=MAX_IMPORT_BYTES,
            label="Choose a map file (or Kumu's elements and connections CSVs)",
        )
        self.preview_text = widgets.HTML()
        self.kind_from = widgets.Dropdown(description="Kind from", options=[("(none)", None)])
        self.type_from = widgets.Dropdown(description="Tie type from", options=[("(none)", None)])
        self.strength_from = widgets.Dropdown(
            description="Strength from", options=[("(none)", None)]
        )
        self.strength_scale = widgets.Dropdown(
            description="Strength is",
            options=[(text, key) for key, text in STRENGTH_SCALES.items()],
            value="none",
        )
        self.default_type = widgets.Dropdown(description="Ties with no type", options=[])
        self.link_existing = widgets.Checkbox(
            description="Link names already on the map (instead of adding them again)",
            value=False,
        )
        self.confirm_button = widgets.Button(
            description="Import", icon="check", button_style="primary", disabled=True
        )
        self.confirm_button.on_click(lambda _b: self.confirm())
        self.choices = widgets.VBox(
            [
                self.kind_from,
                self.type_from,
                self.default_type,
                self.strength_from,
                self.strength_scale,
                self.link_existing,
                self.confirm_button,
            ],
            layout=widgets.Layout(display="none"),
        )
        self._updating = False
        for control in (
            self.kind_from,
            self.type_from,
            self.default_type,
            self.strength_from,
            self.strength_scale,
            self.link_existing,
        ):
            control.observe(lambda _change: self._replan(), "value")
        limit = MAX_IMPORT_BYTES / 2**20
        super().__init__(
            [
                widgets.HTML(escaped("Export this map", "h2")),
                widgets.HBox(self.export_buttons, layout=widgets.Layout(flex_flow="row wrap")),
                self.download,
                widgets.HTML(escaped("Import a map made elsewhere", "h2")),
                widgets.HTML(
                    escaped(
                        "GraphML or GEXF (Gephi, yEd, Cytoscape, networkx), JSON (networkx, "
                        "Kumu, Cytoscape), Kumu XLSX or CSV (elements and connections, or a zip "
                        f"of both), up to {limit:.0f} MB. You see what will be added before "
                        "anything is written; nothing merges with the map unless you choose it.",
                        "p",
                    )
                ),
                self.upload,
                self.preview_text,
                self.choices,
            ]
        )

    def export(self, fmt: str) -> bytes | None:
        """Offer the map (as drawn now, all perspectives and types, every imported value)."""
        try:
            data = self.studio.network.facilitator.export_map(self.workshop_id, self.stage_key, fmt)
        except CodesignError as exc:
            self.notice.show(exc.translated(self.notice.tr), "error")
            return None
        suffix, mime, label = FORMATS[fmt]
        filename = f"stakeholder-map-{self.code}-{self.stage_key}{suffix}"
        self.download.value = download_link(data, filename, mime)
        self.notice.show(f"{label} export ready: use the link to save it.", "ok")
        return data

    def _mapping(self) -> ImportMapping | None:
        if self.plan is None:
            return None
        column, scale = self.strength_from.value, self.strength_scale.value
        if column and column != self.plan.mapping.strength_from and scale == "none":
            scale = "thirds"  # a column just chosen is meant to be used
        return dataclasses.replace(
            self.plan.mapping,
            kind_from=self.kind_from.value,
            type_from=self.type_from.value,
            default_tie_type=self.default_type.value or self.plan.mapping.default_tie_type,
            strength_from=column,
            strength_scale=scale if column else "none",
            link_existing=self.link_existing.value,
        )

    def _show(self, plan: ImportPlan) -> None:
        self.plan = plan
        self._updating = True
        try:
            m = plan.mapping
            self.kind_from.options = [("(none)", None), *((c, c) for c in plan.node_columns)]
            self.kind_from.value = m.kind_from
            self.type_from.options = [("(none)", None), *((c, c) for c in plan.edge_columns)]
            self.type_from.value = m.type_from
            settings = self.studio.network.maps.network_settings(self.workshop_id, self.stage_key)
            self.default_type.options = [(t.label, t.key) for t in settings.tie_types]
            self.default_type.value = m.default_tie_type
            numeric = plan.numeric_edge_columns
            self.strength_from.options = [("(none)", None), *((c, c) for c in numeric)]
            self.strength_from.value = m.strength_from if m.strength_from in numeric else None
            self.strength_scale.value = m.strength_scale
            self.link_existing.value = m.link_existing
        finally:
            self._updating = False
        items = "".join(escaped(line, "li") for line in plan.summary())
        self.preview_text.value = escaped("Preview: nothing is written yet", "h3") + (
            f"<ul class='codesign-import-preview'>{items}</ul>"
        )
        self.confirm_button.description = (
            f"Import {len(plan.stakeholders):,} stakeholders and {len(plan.ties):,} ties"
        )
        self.confirm_button.disabled = False
        self.choices.layout.display = "flex"

    def _clear(self) -> None:
        self.plan, self.files = None, []
        self.preview_text.value = ""
        self.confirm_button.disabled = True
        self.choices.layout.display = "none"

    def preview(self, files: list[tuple[str, bytes]], mapping: ImportMapping | None = None):
        """Read files and show what importing them would do; nothing is written."""
        try:
            plan = self.studio.network.facilitator.plan_import(
                self.workshop_id, self.stage_key, files, mapping
            )
        except CodesignError as exc:
            self._clear()
            self.notice.show(exc.translated(self.notice.tr), "error")
            return None
        self.files = files
        self._show(plan)
        self.notice.show(plan.headline() + " Check the preview, then import.", "info")
        return plan

    def _replan(self) -> None:
        if self._updating or not self.files:
            return
        self.preview(self.files, self._mapping())

    def confirm(self) -> dict | None:
        """Write the previewed import (one transaction); the map shows it at once."""
        if self.plan is None:
            self.notice.show("Choose a file first: you see a preview, then you import it.", "error")
            return None
        source = ", ".join(name for name, _data in self.files)
        ok = run_action(
            self.notice,
            self.studio.network.facilitator.import_network,
            self.workshop_id,
            self.stage_key,
            self.plan,
            source,
        )
        if not ok:
            return None
        counts = ok
        text = (
            f"Imported {counts['stakeholders']} stakeholders and {counts['ties']} ties; "
            f"{counts['linked']} names were already on the map and were linked."
        )
        self.notice.show(text, "ok")
        self._clear()
        self.on_change({"network"})
        return counts

    def import_files(
        self, files: list[tuple[str, bytes]], mapping: ImportMapping | None = None
    ) -> dict | None:
        """Preview and import at once (scripts and tests); nothing is added if any is wrong."""
        if self.preview(files, mapping) is None:
            return None
        return self.confirm()
