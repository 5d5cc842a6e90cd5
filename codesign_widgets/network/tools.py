"""The facilitator's edits and open data on the stakeholder map: merge two stakeholders, add a
tie type, take an item off the map, export the map and import one made elsewhere.
"""

from __future__ import annotations

import base64
import html

from ..core.errors import CodesignError
from ..ui.common import run_action
from .file_export import FORMATS, export_network
from .file_import import read_network
from .graph import build_graph

__all__ = ["NetworkToolsMixin"]


def _download_link(data: bytes, filename: str, mime: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<a download="{html.escape(filename)}" href="data:{mime};base64,{encoded}" '
        f'class="codesign-download">{html.escape("Save " + filename)}</a>'
    )


class NetworkToolsMixin:
    """The Edit and Open data tabs of :class:`~codesign_widgets.network.hub.NetworkHub`."""

    # -- actions ----------------------------------------------------------------------
    def merge(self, merged: int | None, kept: int | None) -> bool:
        if merged is None or kept is None:
            self.notice.show("Choose the stakeholder to merge and the one to keep.", "error")
            return False
        names = self._names()
        ok = run_action(
            self.notice,
            self.studio.network.facilitator.merge_stakeholders,
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
            self.studio.network.facilitator.add_tie_type,
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
            self.studio.network.facilitator.hide_network_item,
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
            net = self.studio.network.maps.network_map(self.workshop.id, self.stage.key)
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
            settings = self.studio.network.maps.network_settings(self.workshop.id, self.stage.key)
            imported = read_network(files, settings, lookup)
            source = ", ".join(name for name, _data in files)
            counts = self.studio.network.facilitator.import_network(
                self.workshop.id, self.stage.key, imported, source
            )
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

    # -- drawing ----------------------------------------------------------------------
    def _names(self) -> dict[int, str]:
        if self.computed is None:
            return {}
        return {s.id: s.name for s in self.computed.net.stakeholders}

    def _draw_choices(self) -> None:
        current = sorted(
            ((s.name, s.id) for s in self.computed.net.current()), key=lambda x: x[0].casefold()
        )
        ids = {i for _n, i in current}
        for dropdown in (self.merge_from, self.merge_into):
            keep = dropdown.value if dropdown.value in ids else None
            dropdown.options = current
            dropdown.value = keep
