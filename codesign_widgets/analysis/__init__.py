"""The analyst's side: load workshops as pandas DataFrames and networkx graphs
(:mod:`.workshop_data`) into a :class:`~.loaded_data.WorkshopData`, charts by activity
(:mod:`.goal_charts`, :mod:`.network_charts`, :mod:`.scoring_charts`), comparisons across
workshops, the equal-say summary, the open data package and the report."""
