"""Prototype scoring: ideas scored against weighted criteria in sealed rounds.

Layers, one module each: criteria sets (``criteria``), rounds, scores and aggregation
(``model``, ``results``), the store part (``store*``), the participant panel (``panel``), the
facilitator hub (``hub``, ``prototypes_tab``, ``room_tab``, ``results_panel``,
``criteria_form``), analysis and open data."""
