"""Open data for stakeholder maps: GraphML and GEXF (Gephi, networkx), Kumu CSV, JSON.

The public face of :mod:`codesign_widgets.network_export` (maps out) and
:mod:`codesign_widgets.network_import` (files made elsewhere in, read into an
:class:`~codesign_widgets.network_import_map.ImportedMap`). Files are untrusted: size caps,
no XML DOCTYPE or ENTITY, spreadsheet formulas neutralised; see those modules.
"""

from __future__ import annotations

from .network_export import FORMATS, export_network
from .network_import import MAX_IMPORT_BYTES, read_network
from .network_import_map import MAX_IMPORT_STAKEHOLDERS, ImportedMap

__all__ = [
    "FORMATS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_STAKEHOLDERS",
    "ImportedMap",
    "export_network",
    "read_network",
]
