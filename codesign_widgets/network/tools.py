"""The facilitator's edits and open data on the stakeholder map: merge two stakeholders, add a
tie type (the Edit tab), export the map and import one made elsewhere (the Open data tab).
"""

from __future__ import annotations

import base64

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.templates import Template
from ..ui.common import run_action
from ..ui.wiring import HubWiring
from .file_export import FORMATS, export_network
from .file_import import read_network
from .graph import build_graph
from .model import NetworkMap

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
        self.new_type = widgets.Text(description="New tie type", placeholder="e.g. Data sharing")
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
    names of exported files) and the plan's ``template`` (perspective names in imported
    files). Actions are methods: :meth:`export`, :meth:`import_files`, :meth:`import_uploaded`.
    """

    def __init__(self, wiring: HubWiring, code: str, template: Template) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id, self.stage_key = wiring.workshop_id, wiring.stage_key
        self.code, self.template = code, template
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
        super().__init__(
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

    def export(self, fmt: str) -> bytes | None:
        """Offer the map (as drawn now, all perspectives and types) as a download."""
        try:
            net = self.studio.network.maps.network_map(self.workshop_id, self.stage_key)
            data = export_network(build_graph(net), fmt, net.settings)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return None
        suffix, mime, label = FORMATS[fmt]
        filename = f"stakeholder-map-{self.code}-{self.stage_key}{suffix}"
        self.download.value = download_link(data, filename, mime)
        self.notice.show(f"{label} export ready: use the link to save it.", "ok")
        return data

    def import_files(self, files: list[tuple[str, bytes]]) -> dict | None:
        """Add a map from files (name, bytes) to this one; nothing is added if any is wrong."""
        lookup = {p.key: p.key for p in self.template.perspectives}
        lookup.update({p.label: p.key for p in self.template.perspectives})
        try:
            settings = self.studio.network.maps.network_settings(self.workshop_id, self.stage_key)
            imported = read_network(files, settings, lookup)
            source = ", ".join(name for name, _data in files)
            counts = self.studio.network.facilitator.import_network(
                self.workshop_id, self.stage_key, imported, source
            )
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return None
        text = (
            f"Imported {counts['stakeholders']} stakeholders and {counts['ties']} ties; "
            f"{counts['linked']} names were already on the map and were linked."
        )
        self.notice.show(" ".join([text, *imported.notes]), "ok")
        self.on_change({"network"})
        return counts

    def import_uploaded(self) -> dict | None:
        """Import the files chosen in the upload box."""
        files = [(f["name"], bytes(f["content"])) for f in self.upload.value]
        if not files:
            self.notice.show("Choose a file first, then import it.", "error")
            return None
        counts = self.import_files(files)
        self.upload.value = ()
        return counts
