"""Prototype scoring, widgets without a browser: a facilitator and participants act."""

from __future__ import annotations

import pytest

from codesign_widgets.live import Feed
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.scoring.hub import ScoringHub
from codesign_widgets.scoring.model import CANT_SAY, RoundState
from codesign_widgets.scoring.panel import ScoringPanel
from tests.widget_messages import widget_tree

STAGE = "prototypes"
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def hub(studio, workshop):
    return ScoringHub(studio, workshop)


def ready(hub, criteria="impact_effort", titles=("Walk-in clinic", "Peer group")):
    """The facilitator adds prototypes, picks criteria and opens round 1."""
    for title in titles:
        hub.prototypes_tab.title_input.value = title
        hub.prototypes_tab.save_button.click()
    hub.criteria_tab.criteria_picker.value = criteria
    hub.criteria_tab.use_criteria.click()
    hub.rounds_tab.open_button.click()
    return hub


def phone(studio, workshop, name, perspective):
    """A participant joins and the room is on the scoring stage: their panel."""
    app = ParticipantApp(studio, code=workshop.code)
    app.join_form.name_input.value = name
    app.join_form.perspective_input.value = perspective
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    assert isinstance(app.stage_view.panel, ScoringPanel), app.stage_view.activity_box.children
    return app.stage_view.panel


@pytest.fixture
def room(studio, workshop, hub):
    studio.workshops.set_current_stage(workshop.id, STAGE)
    return ready(hub)


def test_the_facilitator_sets_up_and_opens_a_round(studio, workshop, room):
    assert [p.title for p in room.prototypes] == ["Walk-in clinic", "Peer group"]
    assert room.rounds[-1].state is RoundState.OPEN
    assert "Round 1" in room.room_tab.round_status.value
    assert room.rounds_tab.close_button.disabled is False
    assert room.rounds_tab.open_button.disabled is True
    assert "0 people have scored" in room.room_tab.progress.value


def test_setup_problems_are_explained(studio, workshop, hub):
    hub.rounds_tab.open_button.click()
    assert "Choose the criteria first" in hub.notice.value
    hub.criteria_tab.use_criteria.click()  # the first template set
    hub.rounds_tab.open_button.click()
    assert "Add at least one prototype" in hub.notice.value
    hub.prototypes_tab.save_button.click()
    assert "title is empty" in hub.notice.value


def test_a_participant_scores_one_prototype_at_a_time(studio, workshop, room):
    panel = phone(studio, workshop, "Ann", "lived_experience")
    assert "Walk-in clinic" in panel.title.value
    panel.rows["impact"].buttons.value = 5
    panel.rows["effort"].buttons.value = CANT_SAY
    assert "Saved" in panel.notice.value
    assert "Your score: 5 A great deal" in panel.rows["impact"].chosen.value
    assert "Your score: Can&#x27;t say" in panel.rows["effort"].chosen.value
    panel.comment.value = HOSTILE
    panel.comment_button.click()
    panel.next_button.click()
    assert "Peer group" in panel.title.value
    assert panel.rows["impact"].buttons.value is None
    assert "Not scored yet" in panel.rows["impact"].chosen.value
    panel.rows["impact"].buttons.value = 2
    panel.rows["impact"].buttons.value = 3  # changed before the round closes
    round_id = room.rounds[-1].id
    mine, comments = studio.scoring.scores.my_scores(panel.participant, round_id)
    walk, peer = (p.id for p in room.prototypes)
    assert mine == {(walk, "impact"): 5, (walk, "effort"): None, (peer, "impact"): 3}
    assert comments == {walk: HOSTILE}
    assert "1 of 2" in panel.progress.value
    room.refresh({"scores"})
    assert "1 person has scored" in room.room_tab.progress.value


def test_the_projector_shows_counts_only_until_the_reveal(studio, workshop, room):
    ann = phone(studio, workshop, "Ann", "lived_experience")
    bo = phone(studio, workshop, "Bo", "provider")
    ann.rows["impact"].buttons.value = 5
    ann.comment.value = HOSTILE
    ann.comment_button.click()
    bo.rows["impact"].buttons.value = 1
    room.refresh({"scores"})
    assert room.room_tab.results_panel is None
    assert "onerror" not in repr([w.get_state() for w in widget_tree(room)])  # sealed
    assert "sealed" in room.room_tab.progress.value
    room.rounds_tab.close_button.click()
    assert room.room_tab.results_panel is None
    room.rounds_tab.reveal_button.click()
    assert room.room_tab.results_panel is not None
    assert set(room.room_tab.results_panel.charts) >= {
        "ranking",
        "heatmap",
        "perspectives",
        "two_by_two",
    }
    text = repr([w.value for w in room.room_tab.results_panel.children if hasattr(w, "value")])
    assert "CONTESTED" in text  # 5 against 1: two camps
    assert "&lt;img src=x onerror" in text  # the comment, revealed, as text
    assert "<img" not in text


def test_revealed_charts_tell_series_apart_by_shape_as_well_as_colour(studio, workshop, room):
    """Pooled is a diamond beside the equal-say bars, in a grey readable as text; each
    perspective has its own marker; chart text follows the projector's type size."""
    from codesign_widgets.core.palette import POOLED, contrast_ratio

    # Three each: smaller perspectives are merged (small-group protection).
    for name, perspective, score in [("Ann", "lived_experience", 5), ("Al", "lived_experience", 4),
                                     ("Amy", "lived_experience", 5), ("Bo", "provider", 2),
                                     ("Ben", "provider", 1), ("Bea", "provider", 2)]:  # fmt: skip
        phone(studio, workshop, name, perspective).rows["impact"].buttons.value = score
    room.rounds_tab.close_button.click()
    room.rounds_tab.reveal_button.click()
    charts = room.room_tab.results_panel.charts
    ranking = {m.labels[0]: m for m in charts["ranking"].marks}
    assert ranking["Pooled (diamond)"].marker == "diamond"
    assert ranking["Pooled (diamond)"].colors == [POOLED]
    assert contrast_ratio(POOLED) >= 4.5
    shapes = [m.marker for m in charts["perspectives"].marks]
    assert len(shapes) == 2
    assert len(set(shapes)) == len(shapes)
    assert all("(" in m.labels[0] for m in charts["perspectives"].marks)  # legend names shape
    assert "--jp-widgets-font-size" in charts["ranking"].title_style["font-size"]


def test_a_score_on_a_closed_round_is_refused_even_from_a_crafted_message(studio, workshop, room):
    panel = phone(studio, workshop, "Ann", "lived_experience")
    room.rounds_tab.close_button.click()
    # The panel has not redrawn yet (or the browser ignores `disabled`): the store refuses.
    panel.rows["impact"].buttons.value = 4
    assert "closed" in panel.notice.value
    assert studio.scoring.scores.my_scores(panel.participant, room.rounds[-1].id) == ({}, {})
    assert panel.rows["impact"].buttons.value is None  # shows what is really stored
    assert panel.rows["impact"].buttons.disabled


def test_a_withdrawn_prototype_takes_no_scores(studio, workshop, room):
    panel = phone(studio, workshop, "Ann", "lived_experience")
    walk = room.prototypes[0].id
    room.prototypes_tab.withdraw_prototype(walk)
    panel.rows["impact"].buttons.value = 4  # still on screen: the feed has not redrawn yet
    assert "withdrawn" in panel.notice.value
    assert studio.scoring.scores.my_scores(panel.participant, room.rounds[-1].id) == ({}, {})
    assert [p.title for p in panel.prototypes] == ["Peer group"]
    assert "withdrawn" in room.prototypes_tab.prototype_list.children[0].children[0].value


def test_a_value_off_the_scale_is_refused(studio, workshop, room):
    panel = phone(studio, workshop, "Ann", "lived_experience")
    assert not panel.score("impact", 9)
    assert "outside the scale" in panel.notice.value
    with pytest.raises(Exception, match="Invalid selection"):
        panel.rows["impact"].buttons.value = 9  # the widget itself refuses it too


def test_last_rounds_scores_are_shown_beside_the_new_round(studio, workshop, room):
    panel = phone(studio, workshop, "Ann", "lived_experience")
    panel.rows["impact"].buttons.value = 4
    room.rounds_tab.close_button.click()
    room.rounds_tab.reveal_button.click()
    panel.refresh()
    assert "Results" in panel.results.value
    room.rounds_tab.open_button.click()
    panel.refresh()
    assert panel.round.number == 2
    assert panel.rows["impact"].buttons.value is None
    assert "round 1: 4 A lot" in panel.rows["impact"].last.value
    assert "round 1: not scored" in panel.rows["effort"].last.value


def test_decisions_and_movement_show_after_a_second_round(studio, workshop, room):
    ann = phone(studio, workshop, "Ann", "lived_experience")
    bo = phone(studio, workshop, "Bo", "provider")
    ann.rows["impact"].buttons.value = 5
    bo.rows["impact"].buttons.value = 1
    room.rounds_tab.close_button.click()
    room.rounds_tab.reveal_button.click()
    room.rounds_tab.open_button.click()
    ann.refresh()
    bo.refresh()
    ann.rows["impact"].buttons.value = 4
    bo.rows["impact"].buttons.value = 3
    room.rounds_tab.close_button.click()
    room.rounds_tab.reveal_button.click()
    walk = room.prototypes[0].id
    room.rounds_tab.decision_picker.value = walk
    room.rounds_tab.decision_input.value = "iterate"
    room.rounds_tab.reason_input.value = "Agree on impact, <b>unsure</b> on effort"
    room.rounds_tab.decide_button.click()
    assert "Decision recorded" in room.notice.value
    assert studio.scoring.prototypes.decisions(workshop.id, STAGE)[walk].decision == "iterate"
    text = repr([w.value for w in room.room_tab.results_panel.children if hasattr(w, "value")])
    assert "2 of 2 people changed" in text
    assert "closer together" in text  # impact: 5 and 1, then 4 and 3
    assert "&lt;b&gt;unsure" in text
    assert "<b>unsure" not in text
    assert room.room_tab.round_picker.layout.display == ""
    room.room_tab.show_round(room.rounds[0].id)
    assert "Round 1: results" in room.room_tab.results_panel.children[0].value


def test_a_decision_needs_a_choice_and_a_reason(studio, workshop, room):
    room.rounds_tab.decision_picker.value = room.prototypes[0].id
    room.rounds_tab.decide_button.click()
    assert "adopt, iterate or drop" in room.notice.value
    room.rounds_tab.decision_input.value = "drop"
    room.rounds_tab.decide_button.click()
    assert "reason is empty" in room.notice.value


def test_custom_criteria_are_built_in_the_form(studio, workshop, hub):
    hub.criteria_tab.criteria_picker.value = "custom"
    assert hub.criteria_tab.custom in hub.criteria_tab.children
    first, second = hub.criteria_tab.custom.rows
    first["label"].value = "Kindness"
    first["weight"].value = 0
    second["label"].value = "Speed"
    second["weight"].value = 0
    hub.criteria_tab.use_criteria.click()
    assert "add up to zero" in hub.notice.value
    second["weight"].value = 2
    second["scale"].value = "0-10"
    hub.criteria_tab.use_criteria.click()
    chosen = studio.scoring.rounds.criteria_for(workshop.id, STAGE)
    assert [c.label for c in chosen.criteria] == ["Kindness", "Speed"]
    assert (chosen.criteria[1].min, chosen.criteria[1].max) == (0, 10)
    hub.criteria_tab.custom.rows[1]["label"].value = ""
    hub.criteria_tab.use_criteria.click()
    assert "one criterion" in hub.notice.value  # allowed, with a note on what it means


def test_prototype_text_is_shown_as_text_everywhere(studio, workshop, hub):
    ready(hub, titles=(HOSTILE,))
    studio.workshops.set_current_stage(workshop.id, STAGE)
    panel = phone(studio, workshop, "Ann", "provider")
    assert "&lt;img" in panel.title.value
    assert "<img" not in panel.title.value
    assert "<img" not in hub.prototypes_tab.prototype_list.children[0].children[0].value


def test_editing_a_prototype_keeps_the_old_version(studio, workshop, room):
    walk = room.prototypes[0].id
    room.prototypes_tab.edit_prototype(walk)
    assert room.prototypes_tab.title_input.value == "Walk-in clinic"
    room.prototypes_tab.title_input.value = "Walk-in clinic, evenings"
    room.prototypes_tab.more_goals.value = "Work full time"
    room.prototypes_tab.save_button.click()
    assert room.prototypes[0].title == "Walk-in clinic, evenings"
    assert room.prototypes[0].goals == ("Work full time",)
    assert room.prototypes_tab.save_button.description == "Add prototype"


def test_a_participant_kernel_holds_no_other_persons_scores_before_the_reveal(
    studio, workshop, room
):
    bo = phone(studio, workshop, "Zebedee", "provider")
    bo.comment.value = "Zebedee's secret comment"
    bo.comment_button.click()
    for key in ("impact", "effort"):
        bo.rows[key].buttons.value = 1
    ann = phone(studio, workshop, "Ann", "lived_experience")
    ann.rows["impact"].buttons.value = 5
    ann.refresh()
    state = repr([w.get_state() for w in widget_tree(ann)])
    assert "Walk-in clinic" in state  # the walk reaches the panel
    assert "secret comment" not in state
    assert "Zebedee" not in state
    # Nothing in the panel's Python objects holds Bo's scores either.
    assert all(key[0] in {p.id for p in ann.prototypes} for key in ann.mine)
    assert ann.mine == {(room.prototypes[0].id, "impact"): 5}


def test_the_notebook_runs_as_the_facilitators_hub(tmp_path):
    """nbval with ``?code=..&key=..``: the notebook builds the scoring hub, not the phone page."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from codesign_widgets.cli.demo import create_demo
    from codesign_widgets.studio import Studio

    db_url = f"sqlite:///{tmp_path / 'hub.db'}"
    studio = Studio.open(db_url)
    code, key = create_demo(studio)
    studio.close()
    notebook = Path(__file__).resolve().parents[2] / "notebooks" / "prototype_scoring.ipynb"
    env = {**os.environ, "CODESIGN_DB": db_url, "QUERY_STRING": f"code={code}&key={key}"}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         str(notebook), "--rootdir", str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:]


def test_the_app_gives_the_hub_only_with_the_right_key(monkeypatch, db_url, studio, created):
    from codesign_widgets.apps import ROLE_ENV, prototype_scoring_app

    workshop, key = created
    monkeypatch.setenv("CODESIGN_DB", db_url)
    monkeypatch.setenv("QUERY_STRING", f"code={workshop.code}&key={key}")
    assert isinstance(prototype_scoring_app(), ScoringHub)
    monkeypatch.setenv("QUERY_STRING", f"code={workshop.code}&key=wrong")
    assert "key does not match" in prototype_scoring_app().value
    monkeypatch.setenv("QUERY_STRING", f"code={workshop.code}&key={key}&stage=welcome")
    assert "not a prototype-scoring stage" in prototype_scoring_app().value
    monkeypatch.setenv("QUERY_STRING", f"code={workshop.code}&key={key}")
    monkeypatch.setenv(ROLE_ENV, "participant")  # the LAN server never builds the hub
    assert isinstance(prototype_scoring_app(), ParticipantApp)
    monkeypatch.delenv(ROLE_ENV)
    monkeypatch.setenv("QUERY_STRING", f"code={workshop.code}")
    assert isinstance(prototype_scoring_app(), ParticipantApp)


def test_the_panel_closes_and_stops_following_when_the_room_moves_on(studio, workshop, room):
    feed = Feed.for_studio(studio, start=False)
    app = ParticipantApp(studio, code=workshop.code, feed=feed)
    app.join_form.name_input.value = "Ann"
    app.join_form.perspective_input.value = "provider"
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    panel = app.stage_view.panel
    assert isinstance(panel, ScoringPanel)
    subscribed = len(feed._subscribers)
    studio.workshops.set_current_stage(workshop.id, "close")
    app.on_change({"stages"})
    assert app.stage_view.panel is None
    assert panel.comm is None  # closed: its widgets are gone from the kernel
    assert len(feed._subscribers) == subscribed - 1


def test_a_round_with_no_scores_or_one_person_is_explained_on_the_projector(studio, workshop, room):
    room.rounds_tab.close_button.click()
    room.rounds_tab.reveal_button.click()
    notes = room.room_tab.results_panel.children[1].value
    assert "No scores in this round yet." in notes
    assert room.room_tab.results_panel.charts == {}  # no empty charts on the wall
    room.rounds_tab.open_button.click()
    panel = phone(studio, workshop, "Ann", "system")
    panel.rows["impact"].buttons.value = 3
    room.rounds_tab.close_button.click()
    room.rounds_tab.reveal_button.click()
    notes = room.room_tab.results_panel.children[1].value
    assert "Only one person scored" in notes
    assert "Nobody from Lived experience, Provider scored." in notes  # the plan's labels


def test_a_custom_set_of_two_can_have_a_2x2(studio, workshop, hub):
    hub.criteria_tab.criteria_picker.value = "custom"
    first, second = hub.criteria_tab.custom.rows
    first["label"].value = "Value to families"
    second["label"].value = "Cost"
    second["reverse"].value = True
    hub.criteria_tab.custom.two_by_two.value = True
    hub.criteria_tab.use_criteria.click()
    chosen = studio.scoring.rounds.criteria_for(workshop.id, STAGE)
    assert chosen.axes == ("cost", "value_to_families")
    second["label"].value = ""
    hub.criteria_tab.use_criteria.click()
    assert "A 2x2 needs two criteria" in hub.notice.value


def test_prototypes_can_serve_goals_from_goal_mapping(studio, workshop, hub):
    studio.workshops.set_stage_state(workshop.id, "goals", "open")
    ann, _ = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    card = {"what_matters": "My dog", "goal": "Walk to the park", "visibility": "shared"}
    studio.goals.cards.add_goal_card(ann, "goals", card)
    studio.goals.cards.add_goal_card(
        ann, "goals", {**card, "goal": "A private hope", "visibility": "private"}
    )
    hub.refresh({"scoring"})
    assert hub.prototypes_tab.goals_input.options == ("Walk to the park",)  # shared cards only
    hub.prototypes_tab.title_input.value = "Dog-friendly clinic"
    hub.prototypes_tab.goals_input.value = ("Walk to the park",)
    hub.prototypes_tab.more_goals.value = "Sleep through the night"
    hub.prototypes_tab.save_button.click()
    assert hub.prototypes[0].goals == ("Walk to the park", "Sleep through the night")


def test_a_redraw_keeps_the_prototype_chosen_for_a_decision(studio, workshop, room):
    peer = room.prototypes[1].id
    room.rounds_tab.decision_picker.value = peer
    room.rounds_tab.reason_input.value = "Half typed"
    studio.scoring.prototypes.add_prototype(
        workshop.id, STAGE, "A third idea"
    )  # someone else's change
    room.refresh({"scoring"})
    assert room.rounds_tab.decision_picker.value == peer
    assert room.rounds_tab.reason_input.value == "Half typed"


def test_a_live_redraw_keeps_a_comment_being_typed(studio, workshop, room):
    panel = phone(studio, workshop, "Ann", "provider")
    panel.comment.value = "Half a thought"
    studio.scoring.prototypes.record_decision(
        workshop.id, STAGE, room.prototypes[1].id, "iterate", "Try it"
    )
    panel.refresh({"scoring"})  # what the live feed does after the facilitator's change
    assert panel.comment.value == "Half a thought"
    panel.next_button.click()
    assert panel.comment.value == ""  # the next prototype's own (empty) comment


def test_moving_on_saves_a_typed_comment_or_stays_with_the_message(studio, workshop, room):
    panel = phone(studio, workshop, "Ann", "provider")
    walk, peer = (p.id for p in room.prototypes)
    panel.comment.value = "Saved on the way"
    panel.next_button.click()
    assert panel.current == peer
    assert studio.scoring.scores.my_scores(panel.participant, room.rounds[-1].id)[1] == {
        walk: "Saved on the way"
    }
    panel.comment.value = "x" * 600  # too long: refused, and the words stay on screen
    panel.previous_button.click()
    assert panel.current == peer
    assert "too long" in panel.notice.value
    assert panel.comment.value == "x" * 600
    panel.picker.value = walk  # the menu too: it goes back to where the page stayed
    assert panel.current == peer
    assert panel.picker.value == peer


def test_a_welsh_workshops_projected_results_are_in_welsh(studio):
    """The room tab of a Welsh workshop: its status and counts, and the revealed charts'
    titles, axis words and legends, are Welsh (the tables under them stay for later)."""
    from codesign_widgets.core.i18n import translator
    from codesign_widgets.core.templates import load_template

    cy = translator("cy")
    workshop, _key = studio.workshops.create("Gofal traed", "codesign_day_cy")
    studio.workshops.set_stage_state(workshop.id, "prototypes", "open")
    prototypes = [
        studio.scoring.prototypes.add_prototype(workshop.id, "prototypes", title, "")
        for title in ("Clinig galw heibio", "Grŵp cymheiriaid")
    ]
    studio.scoring.rounds.set_criteria(workshop.id, "prototypes", "impact_effort_cy")
    studio.scoring.rounds.open_round(workshop.id, "prototypes")
    hub = ScoringHub(studio, workshop)
    assert "aros yn gudd tan y datgelu" in hub.room_tab.progress.value
    perspectives = [p.key for p in load_template("codesign_day_cy").perspectives]
    round_id = studio.scoring.rounds.rounds(workshop.id, "prototypes")[-1].id
    for name, perspective, score in (("Ann", perspectives[0], 5), ("Bo", perspectives[1], 2)):
        person, _t = studio.people.join(workshop.id, name, perspective, True)
        for prototype in prototypes:
            studio.scoring.scores.save_scores(
                person, round_id, prototype, {"impact": score, "effort": 3}
            )
    hub.refresh({"scores"})
    assert "2 person wedi rhoi sgôr hyd yma" in hub.room_tab.progress.value
    studio.scoring.rounds.close_round(workshop.id, "prototypes")
    studio.scoring.rounds.reveal_round(workshop.id, "prototypes")
    hub.refresh({"scoring"})
    panel = hub.room_tab.results_panel
    ranking = panel.charts["ranking"]
    assert ranking.title == cy.gettext(
        "Ranking: equal say and pooled, with the spread of people's scores"
    )
    assert [a.label for a in ranking.axes if a.label] == ["Sgôr wedi'i bwysoli (0-100)"]
    assert {m.labels[0] for m in ranking.marks} == {
        "Llais cyfartal (bar)",
        "Cyfun (diemwnt)",
        "Hanner canol y bobl (llinell)",
    }
    words = repr(
        [w.value for w in widget_tree(panel) if isinstance(getattr(w, "value", None), str)]
    )
    for english in ("Equal say (bar)", "Pooled (diamond)", "Ranking</h3>", "results</h2>"):
        assert english not in words
    assert "Rownd 1: canlyniadau" in words
    assert "Rownd 1 (" in hub.room_tab.round_status.value


@pytest.mark.parametrize(
    ("criteria", "titles"),
    [("impact_effort", ("Walk-in clinic",)), ("impact_effort", ("Walk-in clinic", "Peer group"))],
)
def test_a_round_with_one_prototype_reveals_its_results(studio, workshop, hub, criteria, titles):
    """One prototype (a small workshop, or all but one withdrawn): a one-row heatmap is what
    bqplot cannot draw; the results still show, with the criteria as a table."""
    studio.workshops.set_current_stage(workshop.id, STAGE)
    ready(hub, criteria, titles)
    for name, perspective in (("Ann", "lived_experience"), ("Will", "provider")):
        panel = phone(studio, workshop, name, perspective)
        for row in panel.rows.values():
            row.buttons.value = 4
    hub.rounds_tab.close_button.click()
    hub.rounds_tab.reveal_button.click()
    results = hub.room_tab.results_panel
    assert results is not None, hub.notice.value
    text = repr([w.value for w in results.children if hasattr(w, "value")])
    assert "Walk-in clinic" in text
    assert "Criteria: agreement and disagreement" in text
    assert ("heatmap" in results.charts) == (len(titles) > 1)
