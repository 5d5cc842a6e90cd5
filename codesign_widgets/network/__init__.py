"""Stakeholder network drawing: who is involved, how they are linked, who has influence.

Layers, one module each: the model and rules (``model``, ``rules``), measures and layout
(``graph``, ``measures``, ``layout``), files in and out (``file_import``, ``file_xml``,
``import_map`` for the preview, ``file_export``), the store part (``store*``), the participant
panel (``panel``), the facilitator hub (``hub``, ``map_view``, ``tools``, ``tools_upload``,
``reports``), analysis and open data."""
