"""Stakeholder map results as functions of a loaded workshop's tables (no WorkshopData)."""

from __future__ import annotations

import pytest

from codesign_widgets.core.errors import NotFound
from codesign_widgets.network.analysis import (
    influence_views,
    network_graph,
    network_map,
    network_metrics,
    stakeholder_table,
    voice_distances,
)
from tests.tables import network_tables, tables_of


def test_the_map_of_the_tables_has_its_stakeholders_ties_and_the_plans_tie_types():
    tables = network_tables()
    net = network_map(tables)
    assert [s.name for s in net.stakeholders] == ["GP practice", "Amara", "Commissioner"]
    assert {t.type for t in net.ties} == {"care", "money"}
    assert "care" in {t.key for t in net.settings.tie_types}  # from the plan (codesign_day)
    graph = network_graph(tables)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (3, 2)


def test_the_gp_practice_sits_between_the_commissioner_and_amara():
    tables = network_tables()
    table = stakeholder_table(tables).set_index("name")
    assert table.index[0] == "GP practice"  # highest betweenness first
    assert table.loc["GP practice", "ties"] == 2
    assert table.loc["GP practice", "betweenness"] == network_metrics(tables).betweenness[1]
    assert table.loc["Amara", "influence"] == pytest.approx(1.5)  # 2 and 1, equally weighted


def test_lived_experience_is_two_steps_from_the_decider_and_views_of_amara_differ():
    tables = network_tables()
    assert voice_distances(tables).values.tolist() == [["Amara", 2, "Commissioner"]]
    views = influence_views(tables).set_index("stakeholder")
    assert views.loc["Amara", "lived_experience"] == 2
    assert views.loc["Amara", "system"] == 1
    assert views.loc["Amara", "spread"] == 1


def test_a_workshop_without_a_map_stage_has_an_empty_map_that_says_so():
    tables = tables_of(stages=[{"stage": "goals", "activity": "goal_mapping"}])
    assert network_map(tables).stakeholders == ()
    assert stakeholder_table(tables).empty
    assert stakeholder_table(tables).attrs["note"] == "This workshop's plan has no stakeholder map."
    with pytest.raises(NotFound, match="not a stakeholder network stage"):
        network_map(tables, "goals")  # a stage named wrongly is still an error
