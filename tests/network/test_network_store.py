"""The store checks every network action itself, inside the transaction, and loses nothing."""

from __future__ import annotations

import unicodedata

import pytest

from codesign_widgets.core.errors import InvalidInput, NotAllowed, NotFound
from codesign_widgets.network.file_import import read_network
from codesign_widgets.network.graph import build_graph

STAGE = "network"


@pytest.fixture
def open_map(store, workshop):
    store.set_stage_state(workshop.id, STAGE, "open")
    return workshop


@pytest.fixture
def bob(store, workshop):
    participant, _token = store.join(workshop.id, "Bob", "system", True)
    return participant


def add(store, who, name, kind="organisation", perspective="", influence=5, interest=5):
    return store.add_stakeholder(who, STAGE, name, kind, perspective, "", influence, interest)


def test_the_network_stage_is_found_from_the_plan(store, workshop):
    assert store.network_stage(workshop.id).key == STAGE
    with pytest.raises(NotFound, match="not a stakeholder-network stage"):
        store.network_stage(workshop.id, "welcome")
    care = store.create_workshop("Care", "care_planning")[0]
    with pytest.raises(NotFound, match="no stakeholder-network stage"):
        store.network_stage(care.id)


@pytest.mark.parametrize("state", ["closed", "locked", "revealed"])
def test_nothing_is_added_unless_the_stage_is_open(store, workshop, ann, state):
    if state != "closed":
        store.set_stage_state(workshop.id, STAGE, state)
    with pytest.raises(NotAllowed):
        add(store, ann, "GP")
    assert store.network_map(workshop.id, STAGE).stakeholders == ()


def test_a_stakeholder_is_added_with_its_authors_rating_and_perspective(store, open_map, ann):
    sid = add(store, ann, "GP <b>", "service", "provider", influence=7, interest=3)
    net = store.network_map(open_map.id, STAGE)
    (gp,) = net.stakeholders
    assert (gp.id, gp.name, gp.author_id, gp.author_perspective) == (
        sid, "GP <b>", ann.id, "lived_experience",
    )  # fmt: skip
    assert [(r.rater_perspective, r.influence, r.interest) for r in net.ratings] == [
        ("lived_experience", 7, 3)
    ]
    assert "network" in {topic for _i, _w, topic in store.changes_since(0)}


@pytest.mark.parametrize(
    "again", ["gp", "  GP ", "ＧＰ", unicodedata.normalize("NFD", "GP"), "Gp\u200b"]
)
def test_the_same_name_in_another_case_or_form_is_refused(store, open_map, ann, bob, again):
    add(store, ann, "GP")
    with pytest.raises(InvalidInput, match="'GP' is already on the map"):
        add(store, bob, again)
    assert len(store.network_map(open_map.id, STAGE).stakeholders) == 1


def test_names_with_accents_in_either_unicode_form_are_one_body(store, open_map, ann, bob):
    add(store, ann, "Café Nero")
    with pytest.raises(InvalidInput, match="already"):
        add(store, bob, unicodedata.normalize("NFD", "café nero"))


@pytest.mark.parametrize(
    ("name", "message"),
    [("x" * 10_000, "too long"), ("", "empty"), ("\u202e\u200b", "empty")],
)
def test_bad_names_are_refused(store, open_map, ann, name, message):
    with pytest.raises(InvalidInput, match=message):
        add(store, ann, name)


def test_crafted_values_meet_the_same_checks(store, open_map, ann):
    with pytest.raises(InvalidInput):
        store.add_stakeholder(ann, STAGE, "GP", "service", "", "", 11, 5)
    with pytest.raises(InvalidInput):
        store.add_stakeholder(ann, STAGE, "GP", "spaceship", "", "", 5, 5)
    with pytest.raises(InvalidInput):
        store.add_stakeholder(ann, STAGE, "GP", "service", "", "g" * 5000, 5, 5)
    gp, icb = add(store, ann, "GP"), add(store, ann, "ICB")
    with pytest.raises(InvalidInput):
        store.add_tie(ann, STAGE, gp, icb, "money", "forward", 9)
    with pytest.raises(InvalidInput):
        store.add_tie(ann, STAGE, str(gp), icb, "money", "forward", 1)
    with pytest.raises(NotAllowed, match="does not take"):
        store.add_tie(ann, "welcome", gp, icb, "money", "forward", 1)
    assert store.network_map(open_map.id, STAGE).ties == ()


def test_ties_refuse_self_duplicates_and_reverse_of_both_ways(store, open_map, ann, bob):
    gp, icb = add(store, ann, "GP"), add(store, ann, "ICB")
    with pytest.raises(InvalidInput, match="two different"):
        store.add_tie(ann, STAGE, gp, gp, "money", "forward", 1)
    store.add_tie(ann, STAGE, icb, gp, "money", "both", 3)
    with pytest.raises(InvalidInput, match="already a money / commissioning tie"):
        store.add_tie(bob, STAGE, icb, gp, "money", "forward", 1)
    with pytest.raises(InvalidInput, match="already"):
        store.add_tie(bob, STAGE, gp, icb, "money", "forward", 1)  # covered by "both ways"
    store.add_tie(bob, STAGE, gp, icb, "information", "forward", 1)
    store.add_tie(bob, STAGE, icb, gp, "information", "forward", 1)  # a returned tie is new
    assert len(store.network_map(open_map.id, STAGE).ties) == 3


def test_ties_to_withdrawn_merged_hidden_or_unknown_stakeholders_are_refused(
    store, open_map, ann, bob
):
    gp, foot, clinic, gone, hidden = (
        add(store, ann, n) for n in ["GP", "Podiatry", "Foot clinic", "Gone", "Rude name"]
    )
    store.withdraw_network_item(ann, gone)
    store.merge_stakeholders(open_map.id, STAGE, clinic, foot)
    store.hide_network_item(open_map.id, hidden)
    with pytest.raises(InvalidInput, match="'Gone' was taken off the map"):
        store.add_tie(bob, STAGE, gp, gone, "referral", "forward", 1)
    with pytest.raises(InvalidInput, match="'Foot clinic' was merged into 'Podiatry'"):
        store.add_tie(bob, STAGE, gp, clinic, "referral", "forward", 1)
    with pytest.raises(InvalidInput, match="taken off the map"):
        store.add_tie(bob, STAGE, hidden, gp, "referral", "forward", 1)
    with pytest.raises(NotFound):
        store.add_tie(bob, STAGE, gp, 99_999, "referral", "forward", 1)
    with pytest.raises(InvalidInput, match="merged"):
        store.rate_stakeholder(bob, STAGE, clinic, 3, 3)
    assert store.network_names(open_map.id, STAGE) == {gp: "GP", foot: "Podiatry"}


def test_a_stakeholder_of_another_workshop_is_not_on_this_map(store, open_map, ann):
    other, _key = store.create_workshop("Other", "codesign_day")
    store.set_stage_state(other.id, STAGE, "open")
    eve, _token = store.join(other.id, "Eve", "provider", True)
    theirs = store.add_stakeholder(eve, STAGE, "Theirs", "group", "", "", 5, 5)
    mine = add(store, ann, "Mine")
    with pytest.raises(NotFound):
        store.add_tie(ann, STAGE, mine, theirs, "care", "forward", 1)
    with pytest.raises(NotFound):
        store.merge_stakeholders(open_map.id, STAGE, theirs, mine)
    with pytest.raises(NotFound):
        store.hide_network_item(open_map.id, theirs)


def test_only_the_author_withdraws_and_the_record_stays(store, open_map, ann, bob):
    gp = add(store, ann, "GP")
    with pytest.raises(NotAllowed, match="only withdraw what you drew"):
        store.withdraw_network_item(bob, gp)
    store.set_stage_state(open_map.id, STAGE, "locked")
    store.withdraw_network_item(ann, gp)  # taking back is allowed in any state
    assert store.network_map(open_map.id, STAGE).stakeholders == ()
    everything = store.network_map(open_map.id, STAGE, include_withdrawn=True)
    assert [(s.name, s.status) for s in everything.stakeholders] == [("GP", "withdrawn")]
    with pytest.raises(NotAllowed, match="withdrew it"):
        store.hide_network_item(open_map.id, gp, hidden=False)


def test_a_merge_moves_ties_and_keeps_both_names(store, open_map, ann, bob):
    foot, clinic, gp = (
        add(store, ann, "Podiatry"),
        add(store, bob, "Foot clinic"),
        add(store, ann, "GP"),
    )
    store.add_tie(bob, STAGE, gp, clinic, "referral", "forward", 2)
    store.add_tie(ann, STAGE, foot, clinic, "information", "forward", 1)
    store.rate_stakeholder(bob, STAGE, clinic, 8, 8)
    store.merge_stakeholders(open_map.id, STAGE, clinic, foot)
    g = build_graph(store.network_map(open_map.id, STAGE))
    assert sorted(g.nodes) == [foot, gp]
    assert [(u, v, d["type"]) for u, v, d in g.edges(data=True)] == [(gp, foot, "referral")]
    assert g.nodes[foot]["aliases"] == ("Foot clinic",)
    assert g.nodes[foot]["influence_by"] == {"lived_experience": 5.0, "system": 8.0}
    with pytest.raises(InvalidInput, match="already on the map"):
        add(store, ann, "foot CLINIC")  # the merged name still counts
    with pytest.raises(InvalidInput, match="already a referral tie"):
        store.add_tie(ann, STAGE, gp, foot, "referral", "forward", 1)
    with pytest.raises(InvalidInput, match="two different"):
        store.merge_stakeholders(open_map.id, STAGE, foot, foot)
    with pytest.raises(InvalidInput, match="merged"):
        store.merge_stakeholders(open_map.id, STAGE, clinic, gp)
    assert len(store.network_map(open_map.id, STAGE, include_withdrawn=True).stakeholders) == 3


def test_the_facilitators_tie_types_reach_participants(store, open_map, ann):
    store.add_tie_type(open_map.id, STAGE, "Data sharing")
    with pytest.raises(InvalidInput, match="already"):
        store.add_tie_type(open_map.id, STAGE, "data SHARING")
    a, b = add(store, ann, "A"), add(store, ann, "B")
    store.add_tie(ann, STAGE, a, b, "data_sharing", "both", 2)
    labels = [t.label for t in store.network_settings(open_map.id, STAGE).tie_types]
    assert labels[-1] == "Data sharing"


def test_my_network_holds_only_my_own_items(store, open_map, ann, bob):
    mine, theirs = add(store, ann, "Mine"), add(store, bob, "Theirs")
    store.add_tie(bob, STAGE, theirs, mine, "care", "forward", 1)
    stakeholders, ties = store.my_network(ann, STAGE)
    assert [s.id for s in stakeholders] == [mine]
    assert ties == []


def test_an_import_links_known_names_adds_tie_types_and_is_all_or_nothing(store, open_map, ann):
    gp = add(store, ann, "GP")
    settings = store.network_settings(open_map.id, STAGE)
    csv_text = (
        "From,To,Type,Direction,Strength\ngp,Council,Data sharing,mutual,3\n"
        "Council,Carers group,Care / support,directed,1\n"
    )
    imported = read_network([("connections.csv", csv_text.encode())], settings)
    counts = store.import_network(open_map.id, STAGE, imported, "connections.csv")
    assert counts == {"stakeholders": 2, "linked": 1, "ties": 2, "skipped_ties": 0}
    net = store.network_map(open_map.id, STAGE)
    g = build_graph(net)
    council = next(s.id for s in net.stakeholders if s.name == "Council")
    assert g.has_edge(gp, council)
    assert {s.origin for s in net.stakeholders} == {"participant", "import"}
    assert "data_sharing" in {t.key for t in net.settings.tie_types}
    # The same file again adds nothing new.
    again = store.import_network(open_map.id, STAGE, imported, "connections.csv")
    assert again == {"stakeholders": 0, "linked": 3, "ties": 0, "skipped_ties": 2}
    # An imported stakeholder is editable like any other: ties can be drawn to it.
    store.add_tie(ann, STAGE, gp, council, "referral", "forward", 1)


def test_an_import_that_fails_midway_changes_nothing(store, open_map, ann, monkeypatch):
    add(store, ann, "GP")
    settings = store.network_settings(open_map.id, STAGE)
    imported = read_network([("x.csv", b"From,To\nA,B\nB,C\n")], settings)
    imported.ties[1]["target"] = 99  # a broken row: the transaction must roll back
    with pytest.raises(IndexError):
        store.import_network(open_map.id, STAGE, imported, "x.csv")
    assert [s.name for s in store.network_map(open_map.id, STAGE).stakeholders] == ["GP"]
