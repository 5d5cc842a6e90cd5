"""Prototype scoring results as functions of a loaded workshop's tables (no WorkshopData).

The hand-built workshop (``tests.tables.scoring_tables``): one criterion, impact 1-5. Round 1:
the clinic 5 and 1, the phone line 2 and 5 (lived experience, provider); in round 2 the
provider moved the clinic to 3.
"""

from __future__ import annotations

from codesign_widgets.scoring.analysis import (
    criteria_set,
    leave_one_out,
    prototype_titles,
    ranking,
    revealed_rounds,
    round_movement,
    score_frame,
    scoring_results,
)
from tests.tables import scoring_tables, tables_of


def test_the_rounds_criteria_and_prototypes_come_from_the_tables():
    tables = scoring_tables()
    assert revealed_rounds(tables) == [1, 2]
    assert criteria_set(tables).keys == ("impact",)
    assert prototype_titles(tables) == {1: "Walk-in clinic", 2: "Phone line"}
    assert score_frame(tables)["round_number"].unique().tolist() == [2]  # the last round
    assert scoring_results(tables, round=1).people == 2


def test_the_ranking_is_the_last_revealed_rounds_unless_one_is_named():
    tables = scoring_tables()
    first = ranking(tables, round=1)
    assert first["prototype"].tolist() == ["Phone line", "Walk-in clinic"]
    assert first["equal_say"].tolist() == [62.5, 50.0]
    assert first.set_index("prototype").loc["Phone line", "decision"] == "adopt"
    assert ranking(tables)["prototype"].tolist() == ["Walk-in clinic", "Phone line"]


def test_leaving_the_providers_out_puts_the_clinic_first():
    table = leave_one_out(scoring_tables(), round=1).set_index("prototype")
    assert table.loc["Walk-in clinic", "rank"] == 2
    assert table.loc["Walk-in clinic", "rank_without_provider"] == 1
    assert table.loc["Walk-in clinic", "shift_without_provider"] == 1


def test_one_person_changing_one_score_is_the_rounds_movement():
    moved = round_movement(scoring_tables()).iloc[0]
    assert (moved["from_round"], moved["to_round"]) == (1, 2)
    assert (moved["people_compared"], moved["people_changed"], moved["up"]) == (2, 1, 1)
    assert moved["narrowed"] == 1


def test_results_before_any_round_is_revealed_say_so():
    tables = tables_of(stages=[{"stage": "scoring", "activity": "prototype_scoring"}])
    assert revealed_rounds(tables) == []
    assert score_frame(tables).empty
    assert score_frame(tables).attrs["note"] == "No scoring round was revealed in this workshop."
    assert scoring_results(tables) is None
    assert ranking(tables).empty
    assert ranking(tables).attrs["note"] == "No scoring round was revealed in this workshop."
    assert leave_one_out(tables).empty
    assert criteria_set(tables) is None


def test_a_plan_without_scoring_has_empty_results_that_say_so():
    tables = tables_of(stages=[{"stage": "goals", "activity": "goal_mapping"}])
    assert revealed_rounds(tables) == []
    assert prototype_titles(tables) == {}
    assert ranking(tables).attrs["note"] == "This workshop's plan has no prototype scoring."
    assert round_movement(tables).empty
