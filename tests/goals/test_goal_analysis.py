"""The analyst's view of goal mapping: documented DataFrames, the goal-to-service graph, and
the results as functions of a loaded workshop's tables."""

from __future__ import annotations

import pytest

from codesign_widgets.core.safe_text import spreadsheet_safe
from codesign_widgets.core.workshop import StageState
from codesign_widgets.goals import frames as ga
from codesign_widgets.goals.analysis import (
    barriers_named,
    confidence,
    goal_cards,
    goal_priorities,
    goal_service_graph,
    services_needed,
    themes,
)
from tests.tables import goal_tables

STAGE = "goals"


@pytest.fixture
def mapped(studio, workshop, ann):
    """Ann (lived experience) and Bob (provider) add cards; Cy (system) keeps one private."""
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    cy, _ = studio.people.join(workshop.id, "Cy", "system", True)
    studio.workshops.set_stage_state(workshop.id, STAGE, StageState.OPEN)
    base = {"what_matters": "Home", "visibility": "shared"}
    a = studio.goals.cards.add_goal_card(
        ann,
        STAGE,
        {**base, "goal": "Walk", "services": ["GP", "=SUM(A1)"], "confidence": 4, "theme": "Out"},
    )
    b = studio.goals.cards.add_goal_card(bob, STAGE, {**base, "goal": "Sleep", "barriers": "Noise"})
    studio.goals.cards.add_goal_card(cy, STAGE, {"what_matters": "x", "goal": "Private plan"})
    studio.goals.votes.vote(ann, STAGE, "card", str(b))
    studio.goals.votes.vote(bob, STAGE, "card", str(a))
    studio.goals.votes.vote(cy, STAGE, "card", str(a))
    return workshop, a, b


def test_goals_frame_has_the_documented_columns_and_no_private_card(studio, mapped):
    workshop, a, b = mapped
    frame = ga.goals_frame(studio, workshop.id)
    assert list(frame.columns) == ga.GOAL_COLUMNS
    assert list(frame["card_id"]) == [a, b]
    assert "Private plan" not in frame["goal"].tolist()
    row = frame.set_index("card_id").loc[a]
    assert row["services"] == "GP; =SUM(A1)"
    assert row["n_services"] == 2
    assert row["confidence"] == 4
    assert row["group"] == "lived_experience"
    assert row["stage"] == STAGE


def test_links_and_themes(studio, mapped):
    workshop, _a, _b = mapped
    links = ga.links_frame(studio, workshop.id)
    assert list(links.columns) == ga.LINK_COLUMNS
    assert links["service"].tolist() == ["GP", "=SUM(A1)"]
    themes = ga.themes_frame(studio, workshop.id).set_index("theme")
    assert themes.loc["Out", "cards"] == 1
    assert themes.loc["No theme yet", "gaps"] == 1


def test_votes_appear_in_frames_only_once_revealed(studio, mapped):
    workshop, a, b = mapped
    assert ga.votes_frame(studio, workshop.id, STAGE).empty
    assert ga.priorities_frame(studio, workshop.id, STAGE).empty
    studio.workshops.set_stage_state(workshop.id, STAGE, StageState.REVEALED)
    votes = ga.votes_frame(studio, workshop.id, STAGE)
    assert list(votes.columns) == ga.VOTE_COLUMNS
    assert len(votes) == 3
    prio = ga.priorities_frame(studio, workshop.id, STAGE).set_index("target")
    # Pooled: A 2/3, B 1/3. Equal say: lived experience all on B; provider, system on A.
    assert prio.loc[str(a), "pooled"] == pytest.approx(2 / 3)
    assert prio.loc[str(a), "equal_say"] == pytest.approx(2 / 3)
    assert prio.loc[str(b), "label"] == "Sleep"
    assert prio.loc[str(a), "votes_system"] == 1


def test_the_goal_to_service_graph_keeps_gaps_as_isolated_goals(studio, mapped):
    workshop, a, b = mapped
    graph = ga.goal_service_graph(studio, workshop.id)
    assert graph.nodes[f"goal:{a}"]["label"] == "Walk"
    assert set(graph[f"goal:{a}"]) == {"service:gp", "service:=sum(a1)"}
    assert graph.degree(f"goal:{b}") == 0
    by_theme = ga.goal_service_graph(studio, workshop.id, by="theme")
    assert by_theme.nodes["theme:out"]["kind"] == "theme"


def test_exports_neutralise_formulas():
    assert spreadsheet_safe("=SUM(A1)") == "'=SUM(A1)"
    assert spreadsheet_safe("-3 or +4") == "'-3 or +4"
    assert spreadsheet_safe("Plain") == "Plain"
    assert spreadsheet_safe(7) == 7


def test_the_export_writes_every_table_with_formulas_neutralised(studio, mapped, tmp_path):
    workshop, _a, _b = mapped
    paths = ga.export_goal_mapping(studio, workshop.id, STAGE, tmp_path)
    assert sorted(p.name for p in paths) == [
        "goal_mapping_goals.csv",
        "goal_mapping_links.csv",
        "goal_mapping_priorities.csv",
        "goal_mapping_themes.csv",
        "goal_mapping_votes.csv",
    ]
    links = (tmp_path / "goal_mapping_links.csv").read_text()
    assert "'=SUM(A1)" in links
    assert "\n=SUM" not in links
    assert ",=SUM" not in links
    assert "Private plan" not in (tmp_path / "goal_mapping_goals.csv").read_text()
    votes = (tmp_path / "goal_mapping_votes.csv").read_text()
    assert votes.strip() == ",".join(ga.VOTE_COLUMNS)  # not revealed: header only


def test_the_wall_leaves_out_hidden_and_withdrawn_cards_in_every_result():
    """Results are functions of the tables alone: no WorkshopData, no store."""
    tables = goal_tables()
    assert [c.goal for c in goal_cards(tables)] == ["Walk to the shops", "Sleep through"]
    assert len(goal_cards(tables, on_wall=False)) == 4
    assert services_needed(tables).values.tolist() == [["GP", 2], ["Podiatry", 1]]
    assert barriers_named(tables).values.tolist() == [["Cost", 1], ["Transport", 1]]
    theme = themes(tables).set_index("theme").loc["Getting out"]
    assert (theme["cards"], theme["services"], theme["gaps"]) == (2, 2, 0)
    assert theme["mean_confidence"] == 5.5
    table = confidence(tables)
    assert table.loc["all", 4] == 1
    assert table.loc["provider", 7] == 1
    assert table.loc["system"].sum() == 0


def test_dot_priorities_give_each_perspective_an_equal_say():
    """Providers placed three of the four dots; with an equal say, lived experience's one dot
    weighs as much as theirs, so "Walk to the shops" comes first (2/3 against 1/3)."""
    table = goal_priorities(goal_tables()).set_index("priority")
    assert table.loc["Walk to the shops", "pooled"] == pytest.approx(0.5)
    assert table.loc["Walk to the shops", "equal_say"] == pytest.approx(2 / 3)
    assert table.loc["Sleep through", "dots_provider"] == 2
    assert table.index[0] == "Walk to the shops"


def test_the_goal_service_graph_of_the_tables_joins_services_by_theme():
    graph = goal_service_graph(goal_tables(), by="theme")
    labels = sorted(d["label"] for _n, d in graph.nodes(data=True))
    assert labels == ["GP", "Getting out", "Podiatry"]
