"""The store checks every network action itself, inside the transaction, and loses nothing."""

from __future__ import annotations

import dataclasses
import json
import unicodedata

import pytest

from codesign_widgets.core.errors import InvalidInput, NotAllowed, NotFound
from codesign_widgets.network.graph import build_graph

STAGE = "network"


@pytest.fixture
def open_map(studio, workshop):
    studio.workshops.set_stage_state(workshop.id, STAGE, "open")
    return workshop


@pytest.fixture
def bob(studio, workshop):
    participant, _token = studio.people.join(workshop.id, "Bob", "system", True)
    return participant


def add(studio, who, name, kind="organisation", perspective="", influence=5, interest=5):
    return studio.network.edits.add_stakeholder(
        who, STAGE, name, kind, perspective, "", influence, interest
    )


def test_the_network_stage_is_found_from_the_plan(studio, workshop):
    assert studio.network.maps.network_stage(workshop.id).key == STAGE
    with pytest.raises(NotFound, match="not a stakeholder-network stage"):
        studio.network.maps.network_stage(workshop.id, "welcome")
    care = studio.workshops.create("Care", "care_planning")[0]
    with pytest.raises(NotFound, match="no stakeholder-network stage"):
        studio.network.maps.network_stage(care.id)


@pytest.mark.parametrize("state", ["closed", "locked", "revealed"])
def test_nothing_is_added_unless_the_stage_is_open(studio, workshop, ann, state):
    if state != "closed":
        studio.workshops.set_stage_state(workshop.id, STAGE, state)
    with pytest.raises(NotAllowed):
        add(studio, ann, "GP")
    assert studio.network.maps.network_map(workshop.id, STAGE).stakeholders == ()


def test_a_stakeholder_is_added_with_its_authors_rating_and_perspective(studio, open_map, ann):
    sid = add(studio, ann, "GP <b>", "service", "provider", influence=7, interest=3)
    net = studio.network.maps.network_map(open_map.id, STAGE)
    (gp,) = net.stakeholders
    assert (gp.id, gp.name, gp.author_id, gp.author_perspective) == (
        sid,
        "GP <b>",
        ann.id,
        "lived_experience",
    )
    assert [(r.rater_perspective, r.influence, r.interest) for r in net.ratings] == [
        ("lived_experience", 7, 3)
    ]
    assert "network" in {topic for _i, _w, topic in studio.db.changes_since(0)}


@pytest.mark.parametrize(
    "again", ["gp", "  GP ", "ＧＰ", unicodedata.normalize("NFD", "GP"), "Gp\u200b"]
)
def test_the_same_name_in_another_case_or_form_is_refused(studio, open_map, ann, bob, again):
    add(studio, ann, "GP")
    with pytest.raises(InvalidInput, match="'GP' is already on the map"):
        add(studio, bob, again)
    assert len(studio.network.maps.network_map(open_map.id, STAGE).stakeholders) == 1


def test_names_with_accents_in_either_unicode_form_are_one_body(studio, open_map, ann, bob):
    add(studio, ann, "Café Nero")
    with pytest.raises(InvalidInput, match="already"):
        add(studio, bob, unicodedata.normalize("NFD", "café nero"))


@pytest.mark.parametrize(
    ("name", "message"),
    [("x" * 10_000, "too long"), ("", "empty"), ("\u202e\u200b", "empty")],
)
def test_bad_names_are_refused(studio, open_map, ann, name, message):
    with pytest.raises(InvalidInput, match=message):
        add(studio, ann, name)


def test_crafted_values_meet_the_same_checks(studio, open_map, ann):
    with pytest.raises(InvalidInput):
        studio.network.edits.add_stakeholder(ann, STAGE, "GP", "service", "", "", 11, 5)
    with pytest.raises(InvalidInput):
        studio.network.edits.add_stakeholder(ann, STAGE, "GP", "spaceship", "", "", 5, 5)
    with pytest.raises(InvalidInput):
        studio.network.edits.add_stakeholder(ann, STAGE, "GP", "service", "", "g" * 5000, 5, 5)
    gp, icb = add(studio, ann, "GP"), add(studio, ann, "ICB")
    with pytest.raises(InvalidInput):
        studio.network.edits.add_tie(ann, STAGE, gp, icb, "money", "forward", 9)
    with pytest.raises(InvalidInput):
        studio.network.edits.add_tie(ann, STAGE, str(gp), icb, "money", "forward", 1)
    with pytest.raises(NotAllowed, match="does not take"):
        studio.network.edits.add_tie(ann, "welcome", gp, icb, "money", "forward", 1)
    assert studio.network.maps.network_map(open_map.id, STAGE).ties == ()


def test_ties_refuse_self_duplicates_and_reverse_of_both_ways(studio, open_map, ann, bob):
    gp, icb = add(studio, ann, "GP"), add(studio, ann, "ICB")
    with pytest.raises(InvalidInput, match="two different"):
        studio.network.edits.add_tie(ann, STAGE, gp, gp, "money", "forward", 1)
    studio.network.edits.add_tie(ann, STAGE, icb, gp, "money", "both", 3)
    with pytest.raises(InvalidInput, match="already a money / commissioning tie"):
        studio.network.edits.add_tie(bob, STAGE, icb, gp, "money", "forward", 1)
    with pytest.raises(InvalidInput, match="already"):
        studio.network.edits.add_tie(
            bob, STAGE, gp, icb, "money", "forward", 1
        )  # covered by "both ways"
    studio.network.edits.add_tie(bob, STAGE, gp, icb, "information", "forward", 1)
    studio.network.edits.add_tie(
        bob, STAGE, icb, gp, "information", "forward", 1
    )  # a returned tie is new
    assert len(studio.network.maps.network_map(open_map.id, STAGE).ties) == 3


def test_ties_to_withdrawn_merged_hidden_or_unknown_stakeholders_are_refused(
    studio, open_map, ann, bob
):
    gp, foot, clinic, gone, hidden = (
        add(studio, ann, n) for n in ["GP", "Podiatry", "Foot clinic", "Gone", "Rude name"]
    )
    studio.network.edits.withdraw_network_item(ann, gone)
    studio.network.facilitator.merge_stakeholders(open_map.id, STAGE, clinic, foot)
    studio.network.facilitator.hide_network_item(open_map.id, hidden)
    with pytest.raises(InvalidInput, match="'Gone' was taken off the map"):
        studio.network.edits.add_tie(bob, STAGE, gp, gone, "referral", "forward", 1)
    with pytest.raises(InvalidInput, match="'Foot clinic' was merged into 'Podiatry'"):
        studio.network.edits.add_tie(bob, STAGE, gp, clinic, "referral", "forward", 1)
    with pytest.raises(InvalidInput, match="taken off the map"):
        studio.network.edits.add_tie(bob, STAGE, hidden, gp, "referral", "forward", 1)
    with pytest.raises(NotFound):
        studio.network.edits.add_tie(bob, STAGE, gp, 99_999, "referral", "forward", 1)
    with pytest.raises(InvalidInput, match="merged"):
        studio.network.edits.rate_stakeholder(bob, STAGE, clinic, 3, 3)
    assert studio.network.maps.network_names(open_map.id, STAGE) == {gp: "GP", foot: "Podiatry"}


def test_a_stakeholder_of_another_workshop_is_not_on_this_map(studio, open_map, ann):
    other, _key = studio.workshops.create("Other", "codesign_day")
    studio.workshops.set_stage_state(other.id, STAGE, "open")
    eve, _token = studio.people.join(other.id, "Eve", "provider", True)
    theirs = studio.network.edits.add_stakeholder(eve, STAGE, "Theirs", "group", "", "", 5, 5)
    mine = add(studio, ann, "Mine")
    with pytest.raises(NotFound):
        studio.network.edits.add_tie(ann, STAGE, mine, theirs, "care", "forward", 1)
    with pytest.raises(NotFound):
        studio.network.facilitator.merge_stakeholders(open_map.id, STAGE, theirs, mine)
    with pytest.raises(NotFound):
        studio.network.facilitator.hide_network_item(open_map.id, theirs)


def test_only_the_author_withdraws_and_the_record_stays(studio, open_map, ann, bob):
    gp = add(studio, ann, "GP")
    with pytest.raises(NotAllowed, match="only withdraw what you drew"):
        studio.network.edits.withdraw_network_item(bob, gp)
    studio.workshops.set_stage_state(open_map.id, STAGE, "locked")
    studio.network.edits.withdraw_network_item(ann, gp)  # taking back is allowed in any state
    assert studio.network.maps.network_map(open_map.id, STAGE).stakeholders == ()
    everything = studio.network.maps.network_map(open_map.id, STAGE, include_withdrawn=True)
    assert [(s.name, s.status) for s in everything.stakeholders] == [("GP", "withdrawn")]
    with pytest.raises(NotAllowed, match="withdrew it"):
        studio.network.facilitator.hide_network_item(open_map.id, gp, hidden=False)


def test_a_merge_moves_ties_and_keeps_both_names(studio, open_map, ann, bob):
    foot, clinic, gp = (
        add(studio, ann, "Podiatry"),
        add(studio, bob, "Foot clinic"),
        add(studio, ann, "GP"),
    )
    studio.network.edits.add_tie(bob, STAGE, gp, clinic, "referral", "forward", 2)
    studio.network.edits.add_tie(ann, STAGE, foot, clinic, "information", "forward", 1)
    studio.network.edits.rate_stakeholder(bob, STAGE, clinic, 8, 8)
    studio.network.facilitator.merge_stakeholders(open_map.id, STAGE, clinic, foot)
    g = build_graph(studio.network.maps.network_map(open_map.id, STAGE))
    assert sorted(g.nodes) == [foot, gp]
    assert [(u, v, d["type"]) for u, v, d in g.edges(data=True)] == [(gp, foot, "referral")]
    assert g.nodes[foot]["aliases"] == ("Foot clinic",)
    assert g.nodes[foot]["influence_by"] == {"lived_experience": 5.0, "system": 8.0}
    with pytest.raises(InvalidInput, match="already on the map"):
        add(studio, ann, "foot CLINIC")  # the merged name still counts
    with pytest.raises(InvalidInput, match="already a referral tie"):
        studio.network.edits.add_tie(ann, STAGE, gp, foot, "referral", "forward", 1)
    with pytest.raises(InvalidInput, match="two different"):
        studio.network.facilitator.merge_stakeholders(open_map.id, STAGE, foot, foot)
    with pytest.raises(InvalidInput, match="merged"):
        studio.network.facilitator.merge_stakeholders(open_map.id, STAGE, clinic, gp)
    assert (
        len(
            studio.network.maps.network_map(open_map.id, STAGE, include_withdrawn=True).stakeholders
        )
        == 3
    )


def test_the_facilitators_tie_types_reach_participants(studio, open_map, ann):
    studio.network.facilitator.add_tie_type(open_map.id, STAGE, "Data sharing")
    with pytest.raises(InvalidInput, match="already"):
        studio.network.facilitator.add_tie_type(open_map.id, STAGE, "data SHARING")
    a, b = add(studio, ann, "A"), add(studio, ann, "B")
    studio.network.edits.add_tie(ann, STAGE, a, b, "data_sharing", "both", 2)
    labels = [t.label for t in studio.network.maps.network_settings(open_map.id, STAGE).tie_types]
    assert labels[-1] == "Data sharing"


def test_my_network_holds_only_my_own_items(studio, open_map, ann, bob):
    mine, theirs = add(studio, ann, "Mine"), add(studio, bob, "Theirs")
    studio.network.edits.add_tie(bob, STAGE, theirs, mine, "care", "forward", 1)
    stakeholders, ties = studio.network.maps.my_network(ann, STAGE)
    assert [s.id for s in stakeholders] == [mine]
    assert ties == []


def test_an_import_links_known_names_when_chosen_adds_tie_types_and_keeps_values(
    studio, open_map, ann
):
    gp = add(studio, ann, "GP")
    csv_text = (
        "From,To,Type,Direction,Strength,Note\ngp,Council,Data sharing,mutual,3,since 2019\n"
        "Council,Carers group,Care / support,directed,1,\n"
    )
    files = [("connections.csv", csv_text.encode())]
    facilitator = studio.network.facilitator
    plan = facilitator.plan_import(open_map.id, STAGE, files)
    assert plan.same_names == [(0, gp, "gp")]
    assert plan.links == {}
    plan = facilitator.plan_import(
        open_map.id, STAGE, files, dataclasses.replace(plan.mapping, link_existing=True)
    )
    assert len(studio.network.maps.network_map(open_map.id, STAGE).stakeholders) == 1  # no write
    counts = facilitator.import_network(open_map.id, STAGE, plan, "connections.csv")
    assert counts == {"stakeholders": 2, "linked": 1, "ties": 2, "skipped_ties": 0, "attributes": 9}
    net = studio.network.maps.network_map(open_map.id, STAGE)
    g = build_graph(net)
    council = next(s.id for s in net.stakeholders if s.name == "Council")
    assert g.has_edge(gp, council)
    assert {s.origin for s in net.stakeholders} == {"participant", "import"}
    assert "data_sharing" in {t.key for t in net.settings.tie_types}
    values = studio.network.maps.network_attributes(open_map.id, STAGE)
    tie_id = next(key for u, v, key in g.edges(keys=True) if (u, v) == (gp, council))
    assert values[tie_id] == {
        "Type": "Data sharing",
        "Direction": "mutual",
        "Strength": "3",
        "Note": "since 2019",
    }
    # The same file again, names linked, adds nothing new.
    again = facilitator.plan_import(open_map.id, STAGE, files, plan.mapping)
    counts = facilitator.import_network(open_map.id, STAGE, again, "connections.csv")
    assert counts == {"stakeholders": 0, "linked": 3, "ties": 0, "skipped_ties": 2, "attributes": 0}
    # An imported stakeholder is editable like any other: ties can be drawn to it.
    studio.network.edits.add_tie(ann, STAGE, gp, council, "referral", "forward", 1)


def test_per_perspective_influence_survives_the_store_exactly(studio, open_map, ann):
    """An imported 1.5 is kept as 1.5 (schema 2 ratings keep fractions), per perspective."""
    data = {
        "directed": True,
        "nodes": [
            {
                "id": "a",
                "label": "ICB",
                "influence_by_provider": 1.5,
                "influence_by_system": 9,
                "interest": 4,
            },
            {"id": "b", "label": "GP"},
        ],
        "links": [{"source": "a", "target": "b", "weight": 0.25}],
    }
    files = [("map.json", json.dumps(data).encode())]
    plan = studio.network.facilitator.plan_import(open_map.id, STAGE, files)
    studio.network.facilitator.import_network(open_map.id, STAGE, plan, "map.json")
    graph = build_graph(studio.network.maps.network_map(open_map.id, STAGE))
    icb = next(n for n, d in graph.nodes(data=True) if d["name"] == "ICB")
    assert graph.nodes[icb]["influence_by"] == {"provider": 1.5, "system": 9.0}
    assert graph.nodes[icb]["interest"] == 4.0
    out = json.loads(studio.network.facilitator.export_map(open_map.id, STAGE, "json"))
    node = next(n for n in out["nodes"] if n["label"] == "ICB")
    assert (node["influence_by_provider"], node["influence_by_system"]) == (1.5, 9.0)
    assert out["links"][0]["weight"] == 0.25


def test_an_analyst_and_the_open_data_package_see_the_imported_fraction(
    studio, db_url, open_map, tmp_path
):
    from codesign_widgets.analysis.open_data import export_package
    from codesign_widgets.analysis.workshop_data import load_package, load_workshop
    from codesign_widgets.network.analysis import network_graph

    data = {"nodes": [{"id": "a", "label": "ICB", "influence_by_provider": 1.5}], "links": []}
    files = [("map.json", json.dumps(data).encode())]
    plan = studio.network.facilitator.plan_import(open_map.id, STAGE, files)
    studio.network.facilitator.import_network(open_map.id, STAGE, plan, "map.json")
    loaded = load_workshop(open_map.code, db_url)
    graph = network_graph(loaded.one().tables, STAGE)
    assert [d["influence_provider"] for _n, d in graph.nodes(data=True)] == [1.5]
    folder = export_package(loaded, tmp_path / "package")
    assert list(load_package(folder).tables["ratings"]["influence"]) == [1.5]


def test_an_import_that_fails_midway_changes_nothing(studio, open_map, ann, monkeypatch):
    add(studio, ann, "GP")
    imported = studio.network.facilitator.plan_import(
        open_map.id, STAGE, [("x.csv", b"From,To\nA,B\nB,C\n")]
    )
    imported.ties[1]["target"] = 99  # a broken row: the transaction must roll back
    with pytest.raises(IndexError):
        studio.network.facilitator.import_network(open_map.id, STAGE, imported, "x.csv")
    assert [s.name for s in studio.network.maps.network_map(open_map.id, STAGE).stakeholders] == [
        "GP"
    ]
