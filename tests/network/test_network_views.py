"""Widget tests without a browser: participants draw on phones, the facilitator runs the map."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import textwrap
from dataclasses import replace

import pytest

from codesign_widgets.apps import stakeholder_network_app
from codesign_widgets.core.palette import TIE_COLOURS
from codesign_widgets.core.templates import load_template
from codesign_widgets.live import Feed
from codesign_widgets.network.file_import import MAX_IMPORT_BYTES
from codesign_widgets.network.hub import NetworkHub
from codesign_widgets.network.panel import NetworkPanel
from codesign_widgets.network.tools_upload import CHUNK_BYTES
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.studio import Studio
from codesign_widgets.ui.common import Notice
from tests.hostile import HOSTILE
from tests.widget_messages import widget_tree

STAGE = "network"
RAW_HTML = ["<img", "<script", "<svg onload", "<iframe", '<a href="javascript']


def panel_for(studio, workshop, participant):
    template = load_template(workshop.template)
    return NetworkPanel(
        studio,
        studio.workshops.state(workshop.id),
        template,
        participant,
        template.stage(STAGE),
        Notice(),
    )


def fill(panel, name, kind="organisation", influence=5, interest=5, perspective=""):
    panel.name.value = name
    panel.kind.value = kind
    panel.perspective.value = perspective
    panel.influence.value = influence
    panel.interest.value = interest
    panel.add_button.click()


def tie(panel, source, target, kind="referral", direction="forward", strength=2):
    names = {name: i for i, name in panel.names.items()}
    panel.source.value = names[source]
    panel.target.value = names[target]
    panel.tie_type.value = kind
    panel.direction.value = direction
    panel.strength.value = strength
    panel.tie_button.click()


# -- participant -----------------------------------------------------------------------------------
def test_a_participant_adds_stakeholders_and_a_tie(studio, open_map, ann):
    panel = panel_for(studio, open_map, ann)
    fill(panel, "GP", "service", influence=7)
    assert "Added to the map" in panel.notice.value
    fill(panel, "Podiatry", "service")
    assert panel.name.options == ("GP", "Podiatry")  # suggested while typing
    tie(panel, "GP", "Podiatry")
    assert "Tie added" in panel.notice.value
    net = studio.network.maps.network_map(open_map.id, STAGE)
    assert [s.name for s in net.stakeholders] == ["GP", "Podiatry"]
    assert [(x.type, x.strength) for x in net.ties] == [("referral", 2)]
    assert "GP → Podiatry: Referral, strength 2" in panel.mine.children[-1].children[0].value


def test_a_known_name_in_another_case_becomes_a_rating_not_a_duplicate(
    studio, open_map, ann, created
):
    bob, _ = studio.people.join(open_map.id, "Bob", "system", True)
    panel_for(studio, open_map, ann)
    fill(panel_for(studio, open_map, ann), "Integrated Care Board", influence=4)
    panel = panel_for(studio, open_map, bob)
    panel.name.value = "integrated CARE board"
    assert "Already on the map as “Integrated Care Board”" in panel.same_name.value
    assert panel.add_button.description == "Add my rating"
    panel.influence.value = 9
    panel.add_button.click()
    assert "your rating was added" in panel.notice.value
    net = studio.network.maps.network_map(open_map.id, STAGE)
    assert len(net.stakeholders) == 1
    assert sorted((r.rater_perspective, r.influence) for r in net.ratings) == [
        ("lived_experience", 4),
        ("system", 9),
    ]


def test_problems_are_explained_and_nothing_is_stored(studio, open_map, ann):
    panel = panel_for(studio, open_map, ann)
    panel.name.value = "GP"
    panel.add_button.click()
    assert "what kind of stakeholder" in panel.notice.value
    fill(panel, "x" * 10_000)
    assert "too long" in panel.notice.value
    fill(panel, "GP")
    panel.tie_button.click()
    assert "Choose who the tie is from" in panel.notice.value
    tie(panel, "GP", "GP")
    assert "two different stakeholders" in panel.notice.value
    studio.workshops.set_stage_state(open_map.id, STAGE, "locked")
    panel.set_workshop(studio.workshops.state(open_map.id))
    assert panel.add_button.disabled  # cosmetic; the store refuses anyway:
    panel.add_button.disabled = False
    fill(panel, "Pharmacy")
    assert "locked" in panel.notice.value
    assert [s.name for s in studio.network.maps.network_map(open_map.id, STAGE).stakeholders] == [
        "GP"
    ]


def test_a_participant_withdraws_what_they_drew(studio, open_map, ann):
    panel = panel_for(studio, open_map, ann)
    fill(panel, "GP")
    (item,) = studio.network.maps.network_map(open_map.id, STAGE).stakeholders
    panel.mine.children[1].children[1].click()
    assert "Withdrawn" in panel.notice.value
    assert studio.network.maps.network_map(open_map.id, STAGE).stakeholders == ()
    assert item.id not in panel.names


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_are_shown_as_text_everywhere(studio, open_map, ann, text):
    panel = panel_for(studio, open_map, ann)
    fill(panel, text + " org", perspective="lived_experience")
    fill(panel, "GP")
    (hostile,) = [i for i, name in panel.names.items() if name != "GP"]
    tie(panel, panel.names[hostile], "GP")
    assert "Tie added" in panel.notice.value
    hub = NetworkHub(studio, open_map)
    hub.map_view.select(hostile)
    shown = [
        panel.mine,
        hub.map_view.details,
        hub.grid,
        hub.analysis,
        hub.equal_say,
        hub.map_view.summary,
    ]
    values = []
    for w in shown:
        values.append(getattr(w, "value", ""))
        for row in getattr(w, "children", ()):
            values += [getattr(c, "value", "") for c in getattr(row, "children", ())]
    html_out = " ".join(v for v in values if isinstance(v, str))
    assert html_out.count(" org") >= 5  # the name does reach every panel ...
    for raw in RAW_HTML:
        assert raw not in html_out  # ... but never as markup
    assert {n.data["label"] for n in hub.map_view.cyto.graph.nodes} == {panel.names[hostile], "GP"}


def test_the_participant_page_shows_the_network_panel_in_the_network_stage(studio, open_map, ann):
    app = ParticipantApp(studio, code=open_map.code)
    app.join_form.name_input.value = "Cara"
    app.join_form.perspective_input.value = "provider"
    app.join_form.consent_input.value = True
    app.join()
    assert isinstance(app.stage_view.panel, NetworkPanel)
    assert app.stage_view.panel in app.stage_view.activity_box.children


def test_a_participant_kernel_holds_no_one_elses_goals_or_the_key(studio, created, open_map):
    _workshop, key = created
    sam, _ = studio.people.join(open_map.id, "Secret Sam", "provider", True)
    studio.network.edits.add_stakeholder(
        sam, STAGE, "ICB", "organisation", "system", "Sam's private aim", 5, 5
    )
    app = ParticipantApp(studio, code=open_map.code)
    app.join_form.name_input.value = "Ann"
    app.join_form.perspective_input.value = "provider"
    app.join_form.consent_input.value = True
    app.join()
    states = json.dumps([w.get_state() for w in widget_tree(app)], default=str)
    assert "ICB" in states  # names on the map are shared, so the walk reaches them
    assert "Ann" in states
    for secret in (key, "Secret Sam", "private aim"):
        assert secret not in states


def test_the_participant_network_path_imports_no_networkx(db_url, studio, open_map, ann):
    """A phone in the network stage loads the panel but none of the heavy libraries."""
    _participant, token = studio.people.join(open_map.id, "Dee", "provider", True)
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["CODESIGN_DB"] = {db_url!r}
        os.environ["QUERY_STRING"] = "code={open_map.code}"
        os.environ["HTTP_COOKIE"] = "codesign_{open_map.code}={token}"
        from codesign_widgets.apps import stakeholder_network_app
        app = stakeholder_network_app()
        assert type(app.stage_view.panel).__name__ == "NetworkPanel", app.stage_view.panel
        heavy = {{"pandas", "networkx", "numpy", "ipycytoscape", "segno"}} & set(sys.modules)
        print(sorted(heavy), sorted(m for m in sys.modules if "network_hub" in m))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


# -- facilitator -----------------------------------------------------------------------------------
@pytest.fixture
def drawn(studio, open_map, ann):
    """GP -> Podiatry (referral), Podiatry <-> ICB (money), and Carer on their own."""
    bob, _ = studio.people.join(open_map.id, "Bob", "system", True)
    ids = {
        name: studio.network.edits.add_stakeholder(ann, STAGE, name, kind, persp, "", infl, 5)
        for name, kind, persp, infl in [
            ("GP", "service", "provider", 6),
            ("Podiatry", "service", "provider", 4),
            ("ICB", "organisation", "system", 9),
            ("Carer", "person", "lived_experience", 2),
        ]
    }
    studio.network.edits.rate_stakeholder(bob, STAGE, ids["Carer"], 1, 9)
    studio.network.edits.add_tie(ann, STAGE, ids["GP"], ids["Podiatry"], "referral", "forward", 2)
    studio.network.edits.add_tie(bob, STAGE, ids["Podiatry"], ids["ICB"], "money", "both", 3)
    return ids


def test_the_hub_draws_nodes_and_ties_with_a_preset_layout(studio, open_map, drawn):
    hub = NetworkHub(studio, open_map)
    nodes = {n.data["label"]: n for n in hub.map_view.cyto.graph.nodes}
    assert set(nodes) == {"GP", "Podiatry", "ICB", "Carer"}
    assert hub.map_view.cyto.cytoscape_layout["name"] == "preset"
    assert nodes["ICB"].data["size"] > nodes["Carer"].data["size"]  # size by influence
    assert nodes["ICB"].data["shape"] == "round-rectangle"
    edges = {e.data["id"]: e.data for e in hub.map_view.cyto.graph.edges}
    arrows = sorted((e["arrow"], e["back_arrow"]) for e in edges.values())
    assert arrows == [("triangle", "none"), ("triangle", "triangle")]
    assert "4 stakeholders and 2 ties shown" in hub.map_view.summary.value


def test_newcomers_do_not_move_anyone_on_the_projector(studio, open_map, drawn, ann):
    hub = NetworkHub(studio, open_map)
    before = {n.data["id"]: (n, dict(n.position)) for n in hub.map_view.cyto.graph.nodes}
    new = studio.network.edits.add_stakeholder(ann, STAGE, "Pharmacy", "service", "", "", 5, 5)
    studio.network.edits.add_tie(ann, STAGE, new, drawn["GP"], "information", "forward", 1)
    hub.refresh({"network"})
    after = {n.data["id"]: n for n in hub.map_view.cyto.graph.nodes}
    assert set(after) == set(before) | {str(new)}
    carer = str(drawn["Carer"])  # tied to nobody: on the shelf under the map, which may shift
    for node_id, (widget, position) in before.items():
        assert after[node_id] is widget  # the same element: nothing re-sent
        if node_id != carer:
            assert dict(widget.position) == position
    tied_bottom = max(n.position["y"] for i, n in after.items() if i != carer)
    assert after[carer].position["y"] > tied_bottom


def every_rater_apart(monkeypatch):
    """A plan that shows every perspective apart, however few rated (the default merges
    perspectives with fewer than 3 raters: test_small_groups_are_merged_in_influence)."""
    from codesign_widgets.network import hub as hub_module

    plain = hub_module.load_template
    monkeypatch.setattr(
        hub_module, "load_template", lambda key: replace(plain(key), smallest_group=1)
    )


def test_a_click_shows_a_stakeholders_details(monkeypatch, studio, open_map, drawn):
    every_rater_apart(monkeypatch)
    hub = NetworkHub(studio, open_map)
    hub.map_view._on_node_click({"data": {"id": str(drawn["Carer"])}})
    assert "Carer" in hub.map_view.details.value
    assert "as Lived experience sees it: 2.0" in hub.map_view.details.value
    assert "as System sees it: 1.0" in hub.map_view.details.value
    hub.map_view.hide_button.click()
    assert "Taken off the map" in hub.notice.value
    assert "Carer" not in {n.data["label"] for n in hub.map_view.cyto.graph.nodes}


def test_filters_by_tie_type_and_by_who_drew_and_colour_choice(studio, open_map, drawn):
    hub = NetworkHub(studio, open_map)
    hub.map_view.show_types(["money"])
    assert [e.data["colour"] for e in hub.map_view.cyto.graph.edges] == [TIE_COLOURS["money"]]
    hub.map_view.show_types(list(hub.map_view.type_boxes))
    hub.map_view.drawn_by.value = "system"  # Bob drew the money tie and rated the carer
    labels = {n.data["label"] for n in hub.map_view.cyto.graph.nodes}
    assert labels == {"Podiatry", "ICB", "Carer"}
    hub.map_view.drawn_by.value = "*"
    colours = {n.data["label"]: n.data["colour"] for n in hub.map_view.cyto.graph.nodes}
    hub.map_view.colour_by.value = "perspective"
    by_perspective = {n.data["label"]: n.data["colour"] for n in hub.map_view.cyto.graph.nodes}
    assert by_perspective["Carer"] == "#0072B2"  # lived experience
    assert by_perspective != colours
    assert "Lived experience" in hub.map_view.legend.value


def test_analysis_and_equal_say_panels(monkeypatch, studio, open_map, drawn):
    every_rater_apart(monkeypatch)
    hub = NetworkHub(studio, open_map)
    assert "How often each one links others is counted exactly" in hub.analysis.value
    assert "Not linked to anyone: Carer" in hub.analysis.value
    assert "Ties that are returned (of ties with a direction): 67%" in hub.analysis.value
    assert "Who decides: ICB" in hub.equal_say.value
    assert "No route to anyone who decides: Carer" in hub.equal_say.value
    assert "Carer: Lived experience 2, System 1" in hub.equal_say.value
    assert hub.grid.value.startswith("<svg")
    assert "Manage closely: ICB, GP" in hub.grid.value  # interest 5 counts as high
    assert "Keep informed: Podiatry, Carer" in hub.grid.value


def test_small_groups_are_merged_in_influence(studio, open_map, drawn):
    hub = NetworkHub(studio, open_map)  # the plan's smallest group: 3 raters
    hub.map_view._on_node_click({"data": {"id": str(drawn["Carer"])}})
    details = hub.map_view.details.value
    assert "as Other perspectives sees it: 1.5" in details
    assert "Lived experience sees it" not in details
    assert "System sees it" not in details
    assert "Carer: Lived experience 2" not in hub.equal_say.value
    assert "Other perspectives" in hub.equal_say.value


def test_merge_and_tie_types_from_the_hub(studio, open_map, drawn, ann):
    clinic = studio.network.edits.add_stakeholder(
        ann, STAGE, "Foot clinic", "service", "", "", 5, 5
    )
    hub = NetworkHub(studio, open_map)
    hub.edits.merge_button.click()
    assert "Choose the stakeholder to merge" in hub.notice.value
    hub.edits.merge_from.value = clinic
    hub.edits.merge_into.value = drawn["Podiatry"]
    hub.edits.merge_button.click()
    assert "Merged “Foot clinic” into “Podiatry”" in hub.notice.value
    assert "Foot clinic" not in {n.data["label"] for n in hub.map_view.cyto.graph.nodes}
    hub.map_view.select(drawn["Podiatry"])
    assert "Also known as: Foot clinic" in hub.map_view.details.value
    hub.edits.new_type.value = "Data sharing"
    hub.edits.type_button.click()
    assert "Tie type added" in hub.notice.value
    assert "data_sharing" in hub.map_view.type_boxes


def test_export_offers_a_download_and_import_adds_an_editable_map(studio, open_map, drawn):
    hub = NetworkHub(studio, open_map)
    data = hub.open_data.export("graphml")
    assert b"<graphml" in data[:200]
    assert 'download="stakeholder-map-' in hub.open_data.download.value
    assert hub.open_data.download.value.count("data:application/graphml+xml;base64,") == 1
    send_file(
        hub.open_data.upload, "connections.csv", b"From,To,Type,weight\nGP,Council,Money,12\n"
    )
    # The preview comes first: nothing is written, and it says what will happen.
    preview = hub.open_data.preview_text.value
    assert "2 stakeholders, 1 ties from Kumu CSV" in preview
    assert "1 names are already on the map (GP)" in preview
    assert hub.open_data.choices.layout.display == "flex"
    assert hub.open_data.confirm_button.description == "Import 2 stakeholders and 1 ties"
    assert len(studio.network.maps.network_map(open_map.id, STAGE).stakeholders) == 4
    # Changing a choice redraws the preview.
    hub.open_data.link_existing.value = True
    assert "Linked to the stakeholders already on the map: GP" in hub.open_data.preview_text.value
    assert hub.open_data.strength_from.value == "weight"
    hub.open_data.strength_from.value = None
    assert "Every tie gets strength 1" in hub.open_data.preview_text.value
    hub.open_data.strength_from.value = "weight"  # chosen again: it is used, by thirds
    assert "scaled by thirds" in hub.open_data.preview_text.value
    assert hub.open_data.strength_scale.value == "thirds"
    assert hub.open_data.default_type.value == "influence"
    hub.open_data.type_from.value = None
    hub.open_data.default_type.value = "money"
    assert "1 ties have no type in the file and become 'Money / commissioning'" in (
        html.unescape(hub.open_data.preview_text.value)
    )
    hub.open_data.confirm_button.click()
    assert "Imported 1 stakeholders and 1 ties; 1 names were already on the map" in hub.notice.value
    assert "Council" in {n.data["label"] for n in hub.map_view.cyto.graph.nodes}
    assert hub.open_data.confirm_button.disabled
    assert hub.open_data.preview_text.value == ""


def test_a_bad_import_says_why_and_leaves_the_map_alone(studio, open_map, drawn):
    hub = NetworkHub(studio, open_map)
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><graphml>&a;</graphml>'
    assert hub.open_data.import_files([("bomb.graphml", bomb)]) is None
    assert "DOCTYPE or ENTITY" in hub.notice.value
    assert "Nothing was imported" in hub.notice.value
    assert hub.open_data.confirm_button.disabled
    assert hub.open_data.confirm() is None
    assert "Choose a file first" in hub.notice.value
    assert len(studio.network.maps.network_map(open_map.id, STAGE).stakeholders) == 4


def send_file(upload, name: str, data: bytes, step: int = CHUNK_BYTES) -> None:
    """What the browser sends: start, the pieces, end."""
    upload.receive({"type": "start", "files": [{"name": name, "size": len(data)}]})
    for offset in range(0, len(data), step):
        upload.receive(
            {"type": "chunk", "file": 0, "offset": offset},
            [memoryview(data[offset : offset + step])],
        )
    upload.receive({"type": "end"})


def test_uploads_travel_in_pieces_far_under_the_pages_message_cap(studio, open_map, drawn):
    """A 15 MB map arrives in 1 MiB messages; the page's cap is 10 MiB a message."""
    from codesign_widgets.serving.options import ServeOptions

    assert ServeOptions().facilitator_max_message_bytes >= CHUNK_BYTES * 4
    assert MAX_IMPORT_BYTES >= 15 * 2**20
    hub = NetworkHub(studio, open_map)
    rows = "".join(f"Stakeholder {i},person,{'x' * 150}\n" for i in range(4000))
    data = ("Label,Type,Description\n" + rows).encode()
    data += b"\n" * (15 * 2**20 - len(data))  # padded to 15 MB with blank lines
    send_file(hub.open_data.upload, "big.csv", data)
    assert "4,000 stakeholders, 0 ties from Kumu CSV" in hub.open_data.preview_text.value


def test_an_upload_that_is_too_big_or_broken_says_so(studio, open_map, drawn):
    hub = NetworkHub(studio, open_map)
    upload = hub.open_data.upload
    upload.receive({"type": "too_big", "names": "huge.gexf", "size": 30 * 2**20})
    assert "huge.gexf: 30.0 MB is more than the 20 MB a map can be" in hub.notice.value
    upload.receive({"type": "start", "files": [{"name": "x.csv", "size": 30 * 2**20}]})
    assert "more than 20 MB together" in hub.notice.value
    upload.receive({"type": "start", "files": [{"name": "x.csv", "size": 10}]})
    upload.receive({"type": "chunk", "file": 0, "offset": 5}, [memoryview(b"abc")])
    assert "out of order" in hub.notice.value
    upload.receive({"type": "start", "files": [{"name": "x.csv", "size": 10}]})
    upload.receive({"type": "chunk", "file": 0, "offset": 0}, [memoryview(b"Label\n")])
    upload.receive({"type": "end"})
    assert "x.csv did not arrive whole" in hub.notice.value
    assert hub.open_data.plan is None


def test_the_live_feed_brings_a_phones_stakeholder_to_the_projector(db_url, studio, open_map, ann):
    feed = Feed(studio)
    hub = NetworkHub(studio, open_map, feed=feed)
    other = Studio.open(db_url)  # another kernel's connection
    other.network.edits.add_stakeholder(ann, STAGE, "Peer support", "group", "", "", 5, 5)
    feed.poll_once()
    assert "Peer support" in {n.data["label"] for n in hub.map_view.cyto.graph.nodes}
    other.close()


def test_the_app_gives_the_hub_only_with_the_key(studio, created, open_map, monkeypatch, db_url):
    _workshop, key = created
    monkeypatch.setenv("QUERY_STRING", f"code={open_map.code}&key={key}")
    assert isinstance(stakeholder_network_app(db_url), NetworkHub)
    monkeypatch.setenv("QUERY_STRING", f"code={open_map.code}&key=wrong")
    assert "does not match" in stakeholder_network_app(db_url).value
    monkeypatch.setenv("QUERY_STRING", f"code={open_map.code}&key={key}&stage=welcome")
    assert "not a stakeholder-network stage" in stakeholder_network_app(db_url).value
    monkeypatch.setenv("CODESIGN_ROLE", "participant")
    monkeypatch.setenv("QUERY_STRING", f"code={open_map.code}&key={key}")
    assert isinstance(stakeholder_network_app(db_url), ParticipantApp)


def test_the_demo_workshop_has_a_map_to_show(studio):
    from codesign_widgets.cli.demo import create_demo

    code, _key = create_demo(studio)
    workshop = studio.workshops.by_code(code)
    hub = NetworkHub(studio, workshop)
    assert "8 stakeholders and 9 ties shown" in hub.map_view.summary.value
    assert "Peer support group: 3 steps" in hub.equal_say.value  # a conflict is not a route
    assert workshop.state_of("network").value == "closed"


def test_a_large_map_is_computed_off_the_event_loop(studio, open_map, drawn, ann, monkeypatch):
    """Above INLINE_UP_TO stakeholders the redraw runs in a thread; the loop stays free, and a
    change that arrives meanwhile is drawn after it."""
    import asyncio

    from codesign_widgets.network import hub as network_hub

    monkeypatch.setattr(network_hub, "INLINE_UP_TO", 0)

    async def scenario():
        hub = NetworkHub(studio, open_map)
        assert (
            "4 stakeholders" in hub.map_view.summary.value
        )  # the first drawing: while the cell runs
        studio.network.edits.add_stakeholder(ann, STAGE, "Optician", "service", "", "", 5, 5)
        hub.refresh({"network"})
        assert "Updating the map" in hub.map_view.summary.value  # not computed on the loop
        studio.network.edits.add_stakeholder(ann, STAGE, "Pharmacy", "service", "", "", 5, 5)
        hub.refresh({"network"})  # arrives while the pass runs: drawn after it
        ticks = 0
        while (hub._task is not None or hub._dirty) and ticks < 3000:
            await asyncio.sleep(0.01)
            ticks += 1
        return hub, ticks

    hub, ticks = asyncio.run(scenario())
    assert ticks > 0  # the loop kept running while the map was computed
    assert {"Optician", "Pharmacy"} <= {n.data["label"] for n in hub.map_view.cyto.graph.nodes}
    assert "6 stakeholders and 2 ties shown" in hub.map_view.summary.value


def test_a_huge_map_draws_its_most_connected_part_and_says_so(studio, open_map, drawn, monkeypatch):
    from codesign_widgets.network import hub as network_hub

    monkeypatch.setattr(network_hub, "MAX_DRAWN", 2)
    hub = NetworkHub(studio, open_map)
    assert {n.data["label"] for n in hub.map_view.cyto.graph.nodes} == {"Podiatry", "GP"}
    assert "shows the 2 most connected of 4 stakeholders" in hub.map_view.summary.value
    assert "Not linked to anyone: Carer" in hub.analysis.value  # the analysis covers everyone


def test_a_participants_tie_follows_a_merge_in_their_list(studio, open_map, ann):
    panel = panel_for(studio, open_map, ann)
    fill(panel, "Foot clinic")
    fill(panel, "GP")
    fill(panel, "Podiatry")
    tie(panel, "GP", "Foot clinic")
    ids = {name: i for i, name in panel.names.items()}
    studio.network.facilitator.merge_stakeholders(
        open_map.id, STAGE, ids["Foot clinic"], ids["Podiatry"]
    )
    panel.refresh({"network"})
    rows = [row.children[0].value for row in panel.mine.children[1:]]
    assert "<div>GP → Podiatry: Referral, strength 2</div>" in rows
    assert "Foot clinic" not in dict(panel.source.options)


def test_the_map_view_draws_what_it_is_handed_and_asks_for_redraws(studio, open_map, drawn):
    """The map tab reads nothing itself: the hub hands it the map; filters call back."""
    from codesign_widgets.network.graph import build_graph
    from codesign_widgets.network.layout import stable_layout
    from codesign_widgets.network.map_view import MapView
    from codesign_widgets.network.measures import network_metrics
    from codesign_widgets.ui.wiring import HubWiring

    net = studio.network.maps.network_map(open_map.id, STAGE)
    graph = build_graph(net)
    redraws, changes = [], []
    wiring = HubWiring(studio, open_map.id, Notice(), changes.append, stage_key=STAGE)
    view = MapView(wiring, load_template(open_map.template), lambda: redraws.append("again"))
    view.show(net, graph, graph, stable_layout(graph, {}), network_metrics(graph))
    assert {n.data["label"] for n in view.cyto.graph.nodes} == {"GP", "Podiatry", "ICB", "Carer"}
    assert "4 stakeholders and 2 ties shown" in view.summary.value
    view.set_colour_by("perspective")
    assert redraws == ["again"]
    assert view.filters() == {"tie_types": None, "drawn_by": None}
    view.select(drawn["Carer"])
    assert view.take_off_map(view.selected)
    assert changes == [{"network"}]
    assert view.selected is None


def test_a_double_tap_adds_one_stakeholder_and_one_tie_and_reports_no_error(
    studio, open_map, ann, monkeypatch
):
    from tests.widget_messages import send_click

    panel = panel_for(studio, open_map, ann)
    fill(panel, "Podiatry bus", "service")
    send_click(panel.add_button)  # the second tap finds the name box emptied by the first
    assert "Added to the map" in panel.notice.value
    fill(panel, "Will", "person")
    tie(panel, "Podiatry bus", "Will")
    send_click(panel.tie_button)  # the same tie, the form unchanged
    assert "Tie added" in panel.notice.value
    net = studio.network.maps.network_map(open_map.id, STAGE)
    assert [s.name for s in net.stakeholders] == ["Podiatry bus", "Will"]
    assert len(net.ties) == 1
    # Later, the same tap is a real second try: the store explains why nothing was added.
    monkeypatch.setattr(panel._tie_taps, "window", 0.0)
    send_click(panel.tie_button)
    assert "already a referral tie" in panel.notice.value
    monkeypatch.setattr(panel._stakeholder_taps, "window", 0.0)
    send_click(panel.add_button)
    assert 'role="alert"' in panel.notice.value
    assert len(studio.network.maps.network_map(open_map.id, STAGE).stakeholders) == 2
