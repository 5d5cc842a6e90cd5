"""Goal mapping: what matters to people, their goals, the supports and services that would
help and the barriers, with dots to set priorities.

Layers, one module each: the model (``cards``, ``themes``, ``summary``), the store part
(``store*``), the participant panel (``panel``), the facilitator hub (``hub``, ``wall``,
``controls``), the analyst frames (``frames``, ``analysis``) and the open-data tables
(``open_data``)."""
