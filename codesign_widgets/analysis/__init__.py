"""The analyst's side: load workshops as pandas DataFrames and networkx graphs
(:mod:`.workshop_data`), charts, comparisons across workshops, the equal-say summary, the open
data package and the report."""
