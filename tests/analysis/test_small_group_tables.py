"""Small-group protection in the report and the open data export: 1, 2 and 3 people per
perspective, and a room where only one perspective is small (the projector's rule, applied
to the rows: tests/goals/test_small_groups_goals.py and tests/scoring for the pages)."""

from __future__ import annotations

import pandas as pd
import pytest

from codesign_widgets.analysis.small_group_tables import PEOPLE_COLUMNS
from codesign_widgets.analysis.workshop_data import load_workshop
from codesign_widgets.cli.main import main
from codesign_widgets.core.workshop import StageState

GROUPS = ("lived_experience", "provider", "system")


def play(studio, workshop, sizes: dict[str, int]) -> None:
    """Everyone writes a goal card, places a dot, rates a stakeholder and scores a prototype."""
    wid = workshop.id
    people = [
        studio.people.join(wid, f"{group} {i}", group, True)[0]
        for group, n in sizes.items()
        for i in range(n)
    ]
    studio.workshops.set_stage_state(wid, "goals", StageState.OPEN)
    cards = [
        studio.goals.cards.add_goal_card(
            p, "goals", {"what_matters": "Walking", "goal": f"Goal {i}", "visibility": "shared"}
        )
        for i, p in enumerate(people)
    ]
    for p in people:
        studio.goals.votes.vote(p, "goals", "card", str(cards[0]))
    studio.workshops.set_stage_state(wid, "goals", StageState.REVEALED)
    network = studio.network.maps.network_stage(wid).key
    studio.workshops.set_stage_state(wid, network, StageState.OPEN)
    gp = studio.network.edits.add_stakeholder(people[0], network, "GP", "service", "", "", 5, 5)
    for i, p in enumerate(people[1:], start=1):
        studio.network.edits.add_stakeholder(p, network, f"Service {i}", "service", "", "", 5, 5)
        studio.network.edits.rate_stakeholder(p, network, gp, 7, 3)
    scoring = studio.scoring.prototypes.scoring_stage(wid)
    idea = studio.scoring.prototypes.add_prototype(wid, scoring, "Foot check")
    studio.scoring.rounds.set_criteria(wid, scoring, "desirability_feasibility_viability")
    studio.workshops.set_stage_state(wid, scoring, StageState.OPEN)
    round_id = studio.scoring.rounds.open_round(wid, scoring)
    criteria = studio.scoring.rounds.criteria_for(wid, scoring).criteria
    for i, p in enumerate(people):
        values = {c.key: 1 + i % 5 for c in criteria}
        studio.scoring.scores.save_scores(p, round_id, idea, values, f"Comment {i}")
    studio.scoring.rounds.close_round(wid, scoring)
    studio.scoring.rounds.reveal_round(wid, scoring)


def perspectives_shown(data) -> set[str]:
    """Every perspective a person is shown under, in every table."""
    shown = set()
    for name, (_person, perspective, group, _by) in PEOPLE_COLUMNS.items():
        frame = data.tables[name]
        shown |= set(frame[perspective].dropna())
        if group:
            shown |= set(frame[group].dropna())
    return shown | set(data.tables["comments"]["perspective"].dropna())


@pytest.mark.parametrize("per_group", [1, 2])
def test_one_or_two_per_perspective_show_nobody_apart(studio, db_url, workshop, per_group):
    play(studio, workshop, dict.fromkeys(GROUPS, per_group))
    raw = load_workshop(workshop.code, db_url)
    assert perspectives_shown(raw) >= set(GROUPS)  # the analyst's own data keeps them
    data = raw.protected()
    assert perspectives_shown(data) == {"other"}
    assert any("Results are not shown by perspective" in n for n in data.small_group_notes)
    assert "Small groups are not shown apart" in data.report_summary()
    # The results are still there, for everyone together.
    assert len(data.scores) == len(raw.scores)
    assert data.goal_votes["delta"].sum() == raw.goal_votes["delta"].sum()
    assert not data.ranking().empty


def test_three_per_perspective_show_every_perspective(studio, db_url, workshop):
    play(studio, workshop, dict.fromkeys(GROUPS, 3))
    data = load_workshop(workshop.code, db_url).protected()
    assert data.small_group_notes == []
    assert perspectives_shown(data) == set(GROUPS)
    assert "other" not in data.groups()


def test_one_small_perspective_joins_the_smallest_other(studio, db_url, workshop):
    """System has one person: shown alone they would be picked out, and "Other" with them
    alone would be the same, so the smallest perspective shown apart joins them."""
    play(studio, workshop, {"lived_experience": 4, "provider": 3, "system": 1})
    data = load_workshop(workshop.code, db_url).protected()
    assert perspectives_shown(data) == {"lived_experience", "other"}
    assert any("System had fewer than 3 people" in n for n in data.small_group_notes)
    scores = data.scores.groupby("group")["participant"].nunique().to_dict()
    assert scores == {"lived_experience": 4, "other": 4}
    # The comments follow the scores of their round.
    assert set(data.comments["perspective"]) == {"lived_experience", "other"}


def test_codesign_export_protects_small_groups_unless_asked(
    studio, db_url, workshop, tmp_path, capsys
):
    play(studio, workshop, {"lived_experience": 3, "provider": 3, "system": 1})
    out = tmp_path / "package"
    assert main(["export", "--db", db_url, "--code", workshop.code, "--out", str(out)]) == 0
    assert "Small perspective groups are exported as 'other'" in capsys.readouterr().out
    scores = pd.read_csv(out / "data/scores.csv")
    assert "system" not in set(scores["group"])
    assert "other" in set(scores["group"])
    assert "System had fewer than 3 people" in (out / "README.txt").read_text(encoding="utf-8")
    kept = tmp_path / "kept"
    args = ["export", "--db", db_url, "--code", workshop.code, "--out", str(kept)]
    assert main([*args, "--all-perspectives"]) == 0
    assert "do not share" in capsys.readouterr().out
    assert "system" in set(pd.read_csv(kept / "data/scores.csv")["group"])
