"""Analysts load workshops read-only as DataFrames and graphs, pseudonymised by default."""

from __future__ import annotations

import doctest
import hashlib
import shutil
import sqlite3

import pandas as pd
import pytest

from codesign_widgets.analysis.compare import (
    compare_prototypes,
    compare_services,
    compare_stakeholders,
    compare_themes,
)
from codesign_widgets.analysis.open_data_schema import TABLES
from codesign_widgets.analysis.workshop_data import (
    load_database,
    load_workshop,
    load_workshops,
    readonly_url,
)
from codesign_widgets.cli.demo import create_demo
from codesign_widgets.cli.demo_played import play_demo
from codesign_widgets.core import equal_say
from codesign_widgets.core.errors import CodesignError, InvalidInput
from codesign_widgets.studio import Studio

DISPLAY_NAMES = ["Amara (demo)", "Dr Lewis (demo)", "Nurse Kim (demo)",
                 "Priya, podiatrist (demo)", "Joe (demo)"]  # fmt: skip


@pytest.fixture(scope="module")
def data(played_demo):
    return load_workshop(played_demo["code"], played_demo["path"])


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_one_call_loads_every_table_typed_as_the_data_dictionary_says(data):
    assert set(data.tables) == set(TABLES)
    for name, frame in data.tables.items():
        assert list(frame.columns) == TABLES[name].columns, name
    assert len(data.participants) == 6
    assert data.goals["confidence"].dtype == "Int64"
    assert set(data.scores["round"]) == {1, 2}


def test_loading_never_writes_to_the_workshop_file(played_demo, tmp_path):
    """Read-only: the file is byte for byte the same after a load, and nothing was logged to
    its write-ahead log (SQLite may create an empty one for readers)."""
    path = tmp_path / "copy.db"
    shutil.copy(played_demo["path"], path)
    before = _digest(path)
    load_workshop(played_demo["code"], path)
    assert _digest(path) == before
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert "mode=ro" in readonly_url(path)


def test_loading_does_not_wait_for_or_block_a_live_workshops_writes(played_demo, tmp_path):
    path = tmp_path / "live.db"
    shutil.copy(played_demo["path"], path)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("BEGIN IMMEDIATE")  # a participant's write in progress
    try:
        loaded = load_workshop(played_demo["code"], path)
        writer.execute("INSERT INTO changes (workshop_id, topic, at) VALUES (1, 'x', 0)")
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert len(loaded.goals) == len(load_workshop(played_demo["code"], path).goals)


def test_private_cards_never_load_but_withdrawn_and_hidden_ones_are_marked(data):
    goals = data.goals
    assert "A private goal" not in set(goals["goal"])
    assert goals.loc[goals["goal"] == "A card its author withdrew", "status"].item() == "withdrawn"
    assert goals.loc[goals["goal"] == "A card the facilitator hid", "hidden"].item()
    assert set(data.entries["status"]) == {"active", "withdrawn"}
    assert data.entries["hidden"].any()
    assert "withdrawn" in set(data.ties["status"])
    # ... while the wall (what the projector showed) leaves them out.
    shown = {c.goal for c in data.goal_cards()}
    assert "A card its author withdrew" not in shown
    assert "A card the facilitator hid" not in shown


def test_sealed_rounds_are_never_loaded(played_demo, tmp_path):
    path = tmp_path / "sealed.db"
    shutil.copy(played_demo["path"], path)
    studio = Studio.open(f"sqlite:///{path}")
    workshop = studio.workshops.by_code(played_demo["code"])
    stage = studio.scoring.prototypes.scoring_stage(workshop.id)
    studio.scoring.rounds.open_round(workshop.id, stage)
    round_id = studio.scoring.rounds.rounds(workshop.id, stage)[-1].id
    someone = studio.people.participants(workshop.id)[0]
    prototype = studio.scoring.prototypes.prototypes(workshop.id, stage)[0].id
    studio.scoring.scores.save_scores(someone, round_id, prototype, {"desirability": 1})
    studio.close()
    loaded = load_workshop(played_demo["code"], path)
    assert set(loaded.scores["round"]) == {1, 2}
    assert loaded.rounds["state"].tolist() == ["revealed", "revealed", "open"]


def test_display_names_are_replaced_everywhere_unless_asked_for(data, played_demo):
    text = "\n".join(frame.astype(str).to_csv() for frame in data.tables.values())
    for name in DISPLAY_NAMES:
        assert name not in text
    assert (data.participants["display_name"] == data.participants["participant"]).all()
    named = load_workshop(played_demo["code"], played_demo["path"], names=True)
    assert "Nurse Kim (demo)" in set(named.participants["display_name"])
    assert not named.workshops["pseudonymised"].item()


def test_a_name_typed_into_free_text_becomes_the_pseudonym(studio, workshop, db_url):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    ann, _ = studio.people.join(workshop.id, "Ann Smith", "provider", True)
    studio.entries.add(
        ann, "checkin", "note", "welcome", {"text": "Ann Smith hopes for Annual reviews"}
    )
    loaded = load_workshop(workshop.code, db_url.removeprefix("sqlite:///"))
    assert loaded.entries["text"].item() == f"{ann.public_id} hopes for Annual reviews"
    [replaced] = loaded.name_replacements.itertuples()
    assert (replaced.table, replaced.column, replaced.kind) == ("entries", "text", "replaced")
    assert replaced.context == f"{ann.public_id} hopes for Annual reviews"


def test_free_text_can_be_withheld(played_demo):
    data = load_workshop(played_demo["code"], played_demo["path"], free_text=False)
    assert (data.goals["what_matters"] == "").all()
    assert data.goals["goal"].str.startswith("Goal ").all()
    assert data.stakeholders["name"].str.match(r"^S\d+$").all()
    assert not data.workshops["free_text_shared"].item()


def test_the_results_are_the_ones_the_room_saw(data):
    priorities = data.goal_priorities()
    assert priorities["dots"].sum() == 10
    assert priorities["pooled"].sum() == pytest.approx(1)
    assert priorities["equal_say"].sum() == pytest.approx(1)
    assert data.services_needed().iloc[0]["cards"] == 3
    graph = data.network_graph()
    assert graph.number_of_nodes() == 8
    assert graph.number_of_edges() == 9  # the withdrawn tie is on record, not on the map
    ranking = data.ranking()
    assert ranking.iloc[0]["prototype"] == "Foot check at the pharmacy"
    assert ranking.iloc[0]["decision"] == "adopt"
    movement = data.round_movement()
    assert movement[["from_round", "to_round"]].values.tolist() == [[1, 2]]
    assert movement["people_changed"].item() >= 1


def test_every_projected_chart_is_a_png_with_words(data):
    names = [
        "services_chart", "barriers_chart", "confidence_chart", "priorities_chart",
        "goal_map_chart", "network_chart", "power_interest_chart", "ranking_chart",
        "criteria_chart", "two_by_two_chart", "perspectives_chart", "equal_say_chart",
    ]  # fmt: skip
    for name in names:
        chart = getattr(data, name)()
        assert chart.png.startswith(b"\x89PNG"), name
        assert chart.alt, name
        assert chart.alt != "Nothing yet.", name
        assert "data:image/png;base64," in chart._repr_html_()


def test_the_equal_say_formulas_hold_their_worked_example():
    assert doctest.testmod(equal_say).failed == 0


def test_equal_say_summary_covers_all_three_activities(data):
    summary = data.equal_say()
    assert [g.group for g in summary.groups] == ["lived_experience", "provider", "system"]
    assert sum(g.people for g in summary.groups) == 6
    assert sum(g.contribution_share for g in summary.groups) == pytest.approx(1)
    for g in summary.groups:
        assert set(g.outcomes) == {"priorities", "map", "prototypes"}
        for voice in g.outcomes.values():
            assert 0 <= voice.alignment <= 1
    assert "<script" not in summary._repr_html_()
    assert len(summary.sentences()) == 4


def test_one_group_alone_decides_everything_when_it_placed_every_dot():
    voices = equal_say.outcome_voice(
        "priorities", {"provider": {"A": 1.0}}, {"A": 1.0}, {"provider": {}}, kind="shares"
    )
    summary = equal_say.summarise({"provider": 2, "system": 1},
                                  {"provider": {"dots": 4}, "system": {}}, voices)  # fmt: skip
    assert voices[0].alignment == 1
    assert voices[0].shift == pytest.approx(0.5)  # A's share 1 vs nothing left
    assert [round(g.balance, 1) for g in summary.groups] == [2.0, 0.0]
    assert "least heard: System" in " ".join(summary.sentences())


def test_several_workshops_load_and_compare(played_demo, tmp_path):
    path = tmp_path / "two.db"
    shutil.copy(played_demo["path"], path)
    studio = Studio.open(f"sqlite:///{path}")
    second, _ = create_demo(studio)
    play_demo(studio, second)
    studio.close()
    both = load_workshops([played_demo["code"], second], path)
    assert both.codes == [played_demo["code"], second]
    assert len(load_database(path).codes) == 2
    for table in (compare_themes(both), compare_services(both), compare_stakeholders(both),
                  compare_prototypes(both)):  # fmt: skip
        assert list(table.columns) == both.codes
        assert table.notna().all().all()
    with pytest.raises(InvalidInput, match="name one"):
        both.ranking()
    assert len(both.only(second).ranking()) == 3


def test_an_unknown_code_or_file_says_what_to_do(played_demo, tmp_path):
    with pytest.raises(CodesignError, match="No workshop has the code"):
        load_workshop("ZZZZZZ", played_demo["path"])
    with pytest.raises(CodesignError, match="no workshop file"):
        load_workshop("ZZZZZZ", tmp_path / "missing.db")


def test_frames_stack_across_workshops_with_a_workshop_column(data):
    for name, frame in data.tables.items():
        assert (frame["workshop"] == data.codes[0]).all(), name
    assert isinstance(data.overview(), pd.DataFrame)


def test_leaving_a_perspective_out_and_influence_by_perspective_are_tables(data):
    """The projector's leave-one-out table and the map's equal-say panel, from stored data."""
    table = data.leave_one_out()
    assert {"rank_without_lived_experience", "rank_without_provider"} <= set(table.columns)
    assert table["prototype"].iloc[0] == "Foot check at the pharmacy"
    views = data.influence_views()
    amara = views[views["stakeholder"] == "Amara (lives with diabetes)"].iloc[0]
    assert amara["spread"] == 1  # lived experience rated 2, the system 1
