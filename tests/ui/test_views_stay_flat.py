"""No leaks per redraw: a watching page keeps its widgets while the room fills up.

Every test builds a page the way its kernel does, lets other "kernels" (a second Studio on
the same file) write through the store, delivers their commits through the live feed, and
counts the open widgets of this kernel (each is a comm its page holds too). The count is
taken once the page is full (its first page of rows shown) and must stay within 10% while
100 more items arrive from 30 other people.
"""

from __future__ import annotations

import pytest

from codesign_widgets.core.workshop import StageState
from codesign_widgets.goals.hub import GoalHub
from codesign_widgets.goals.panel import WALL_PAGE, GoalPanel
from codesign_widgets.live import Feed
from codesign_widgets.network.panel import NetworkPanel
from codesign_widgets.room.hub import FacilitatorHub
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.scoring.hub import ScoringHub
from codesign_widgets.scoring.panel import ScoringPanel
from codesign_widgets.studio import Studio
from codesign_widgets.ui.keyed import open_widget_count
from tests.hostile import HOSTILE
from tests.widget_messages import widget_tree

PERSPECTIVES = ("lived_experience", "provider", "system")
EVERYDAY = ["Will", "$5 or $10", "نمی‌خواهم تنها باشم", "🇬🇧🇮🇷 together", *HOSTILE[:6]]


def joined(studio, workshop, feed, name="Ann"):
    app = ParticipantApp(studio, code=workshop.code, feed=feed)
    app.join_form.name_input.value = name
    app.join_form.perspective_input.value = "lived_experience"
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    return app


def thirty_people(kernel, workshop_id):
    """30 people with everyday and hostile names, joined through ``kernel``."""
    return [
        kernel.people.join(workshop_id, f"{i} {EVERYDAY[i % len(EVERYDAY)]}"[:40],
                           PERSPECTIVES[i % 3], True)[0]
        for i in range(30)
    ]  # fmt: skip


@pytest.fixture
def others(db_url, workshop):
    """30 other people, writing from a kernel of their own."""
    kernel = Studio.open(db_url)
    yield kernel, thirty_people(kernel, workshop.id)
    kernel.close()


def ids(root) -> set[str]:
    return {w.model_id for w in widget_tree(root)}


# -- goal mapping --------------------------------------------------------------------------
@pytest.fixture
def goal_room(studio, workshop):
    studio.workshops.set_current_stage(workshop.id, "goals")
    studio.workshops.set_stage_state(workshop.id, "goals", StageState.OPEN)
    return studio.workshops.state(workshop.id)


def add_cards(kernel, people, feed, start, count):
    for i in range(start, start + count):
        card = {
            "what_matters": EVERYDAY[i % len(EVERYDAY)],
            "goal": f"Goal {i}: {EVERYDAY[(i + 3) % len(EVERYDAY)]}",
            "services": [("Podiatry", "GP", "Bus pass")[i % 3]],
            "theme": ("Getting out", "Rest", "Money", "Friends", "")[i % 5],
            "visibility": "shared",
        }
        kernel.goals.cards.add_goal_card(people[i % len(people)], "goals", card)
        feed.poll_once()


def test_a_watching_phone_stays_flat_while_30_people_add_100_cards(studio, goal_room, others):
    kernel, people = others
    feed = Feed(studio)
    app = joined(studio, goal_room, feed)
    panel = app.stage_view.panel
    assert isinstance(panel, GoalPanel)
    form_ids = ids(panel.form)
    add_cards(kernel, people, feed, 0, WALL_PAGE)
    panel.show_new()  # the phone's first page is full
    held = panel.wall.children[1:]
    full = open_widget_count()
    add_cards(kernel, people, feed, WALL_PAGE, 100)
    assert open_widget_count() <= full * 1.1, (full, open_widget_count())
    assert ids(panel.form) == form_ids  # the form the person types in is never rebuilt
    # While others write, the wall stays as the person last saw it, and says what is new.
    assert panel.wall.children[1:-1] == held
    assert f"Showing {WALL_PAGE} of {WALL_PAGE + 100}" in panel.wall.children[-1].value
    assert panel._wall_new.description == "Show 100 new cards"
    panel.show_new()
    assert open_widget_count() <= full * 1.1, (full, open_widget_count())
    rows = panel.wall.children[1:-2]
    assert len(rows) == WALL_PAGE
    assert "Goal 119" in rows[0].children[0].value  # the newest card is shown, first
    assert f"newest {WALL_PAGE} of {WALL_PAGE + 100}" in panel.wall.children[-2].value
    assert panel._wall_new.layout.display == "none"


def test_an_unchanged_redraw_makes_and_closes_nothing_and_a_changed_row_keeps_its_widget(
    studio, goal_room, others
):
    kernel, people = others
    feed = Feed(studio)
    panel = joined(studio, goal_room, feed).stage_view.panel
    add_cards(kernel, people, feed, 0, 5)
    panel.show_new()
    before_ids, before = ids(panel), open_widget_count()
    panel.refresh({"entries", "votes", "goals", "stages"})
    assert ids(panel) == before_ids
    assert open_widget_count() == before
    row = panel.wall.children[1]
    newest = studio.goals.cards.goal_cards(goal_room.id, "goals")[-1]  # shown first
    panel.vote("card", str(newest.id))
    assert panel.wall.children[1] is row  # same widget, new words
    assert "Your dots: 1" in row.children[0].value
    assert ids(panel) == before_ids


def test_show_more_pages_earlier_cards_on_a_phone(studio, goal_room, others):
    kernel, people = others
    feed = Feed(studio)
    panel = joined(studio, goal_room, feed).stage_view.panel
    add_cards(kernel, people, feed, 0, 50)
    panel.show_new()
    newest = panel.wall.children[1:-2]
    panel.show_more()
    rows = panel.wall.children[1:-2]
    assert len(rows) == 2 * WALL_PAGE
    assert rows[:WALL_PAGE] == newest  # the rows shown already are the same widgets
    panel.show_more()
    panel.show_more()
    assert len(panel.wall.children) == 1 + 50  # all of them, and no "Show more" left


def test_the_goal_hub_stays_flat_while_100_cards_arrive(studio, goal_room, others):
    kernel, people = others
    feed = Feed(studio)
    hub = GoalHub(studio, studio.workshops.state(goal_room.id), feed=feed)
    add_cards(kernel, people, feed, 0, 20)
    full = open_widget_count()
    add_cards(kernel, people, feed, 20, 100)
    assert open_widget_count() <= full * 1.1, (full, open_widget_count())
    assert "120 shared cards" in hub.wall.now.value


# -- the room: check-in and moderation ------------------------------------------------------
def test_the_room_hub_and_a_phone_stay_flat_while_100_lines_arrive(studio, workshop, others):
    kernel, people = others
    stage = studio.workshops.state(workshop.id).current_stage
    studio.workshops.set_stage_state(workshop.id, stage, "open")
    feed = Feed(studio)
    hub = FacilitatorHub(studio, workshop, feed=feed)
    app = joined(studio, workshop, feed)

    def lines(start, count):
        for i in range(start, start + count):
            text = f"Line {i}: {EVERYDAY[i % len(EVERYDAY)]}"
            kernel.entries.add(people[i % 30], "checkin", "note", stage, {"text": text})
            feed.poll_once()

    lines(0, 50)  # the moderation list holds the last 50
    full = open_widget_count()
    moderation = hub.room_wall.moderation.children
    lines(50, 100)
    assert open_widget_count() <= full * 1.1, (full, open_widget_count())
    assert "Line 149" in hub.room_wall.moderation.children[0].children[1].value
    assert "Line 149" in hub.room_wall.wall.value
    assert not set(moderation) & set(hub.room_wall.moderation.children[50:])
    assert app.checkin.my_notes.children[1:] == ()  # the phone shows only its own lines


def test_a_moderation_row_is_kept_when_its_line_is_hidden(studio, workshop, ann):
    stage = studio.workshops.state(workshop.id).current_stage
    studio.workshops.set_stage_state(workshop.id, stage, "open")
    hub = FacilitatorHub(studio, workshop)
    entry = studio.entries.add(ann, "checkin", "note", stage, {"text": "Will"})
    hub.refresh({"entries"})
    row = hub.room_wall.moderation.children[0]
    row.children[0].click()
    assert hub.room_wall.moderation.children[0] is row
    assert row.children[0].description == "Show"
    assert "[hidden]" in row.children[1].value
    assert studio.entries.find(workshop.id, activity="checkin", include_hidden=True)[0].hidden
    assert entry


# -- stakeholder network ----------------------------------------------------------------------
def test_a_watching_phone_stays_flat_while_100_stakeholders_arrive(studio, workshop, others):
    kernel, people = others
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    studio.workshops.set_current_stage(workshop.id, "network")
    feed = Feed(studio)
    panel = joined(studio, workshop, feed).stage_view.panel
    assert isinstance(panel, NetworkPanel)

    def stakeholders(start, count):
        for i in range(start, start + count):
            name = f"Org {i} {EVERYDAY[i % len(EVERYDAY)]}"[:60]
            kernel.network.edits.add_stakeholder(
                people[i % 30], "network", name, "organisation", "", "", 5, 5
            )
            feed.poll_once()

    stakeholders(0, 20)
    full = open_widget_count()
    stakeholders(20, 100)
    assert open_widget_count() <= full * 1.1, (full, open_widget_count())
    assert len(panel.source.options) == 120


# -- prototype scoring -------------------------------------------------------------------------
def test_a_scoring_phone_and_the_projector_stay_flat_while_people_score(studio, workshop, others):
    kernel, people = others
    feed = Feed(studio)
    hub = ScoringHub(studio, workshop, feed=feed)
    for title in ("Walk-in clinic", "Peer group", "Bus pass"):
        hub.prototypes_tab.title_input.value = title
        hub.prototypes_tab.save_button.click()
    hub.criteria_tab.criteria_picker.value = "impact_effort"
    hub.criteria_tab.use_criteria.click()
    hub.rounds_tab.open_button.click()
    studio.workshops.set_current_stage(workshop.id, hub.stage)
    panel = joined(studio, workshop, feed).stage_view.panel
    assert isinstance(panel, ScoringPanel)
    round_ = hub.rounds[-1]
    criteria = round_.criteria.criteria
    prototypes = [p.id for p in hub.prototypes]

    def scores(start, count):
        for i in range(start, start + count):
            criterion = criteria[i % len(criteria)]
            value = criterion.points[i % len(criterion.points)]
            kernel.scoring.scores.save_scores(
                people[i % 30], round_.id, prototypes[i % 3], {criterion.key: value}
            )
            feed.poll_once()

    scores(0, 10)
    full, rows = open_widget_count(), dict(panel.rows)
    scores(10, 100)
    assert open_widget_count() <= full * 1.1, (full, open_widget_count())
    assert panel.rows == rows  # the criterion rows are the same widgets

    hub.rounds_tab.close_button.click()
    hub.rounds_tab.reveal_button.click()
    results = hub.room_tab.results_panel
    assert results is not None, hub.notice.value
    revealed = open_widget_count()
    for _ in range(5):
        hub.refresh({"scoring"})
        feed.poll_once()
    assert hub.room_tab.results_panel is results  # charts kept: nothing they show changed
    assert open_widget_count() == revealed


def test_many_themes_are_paged_on_a_phone(studio, goal_room, others):
    kernel, people = others
    feed = Feed(studio)
    panel = joined(studio, goal_room, feed).stage_view.panel
    for i in range(WALL_PAGE + 5):
        card = {"what_matters": "x", "goal": f"g{i}", "theme": f"Theme {i:02d}"}
        kernel.goals.cards.add_goal_card(people[i % 30], "goals", {**card, "visibility": "shared"})
    feed.poll_once()
    rows = panel.themes.children[1:-1]
    assert len(rows) == WALL_PAGE
    more = panel.themes.children[-1]
    assert more.description == "Show 5 more themes"
    more.click()
    assert panel.themes.children[1 : WALL_PAGE + 1] == rows  # the rows shown stay
    assert len(panel.themes.children) == 1 + WALL_PAGE + 5
