"""Goal mapping widgets without a browser: a participant's panel and the facilitator's wall."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from codesign_widgets.core.workshop import StageState
from codesign_widgets.goals.panel import GoalPanel
from codesign_widgets.live import Feed
from codesign_widgets.room.join import ParticipantApp

STAGE = "goals"
HOSTILE = '<img src=x onerror="alert(1)">'


def joined(studio, workshop, name="Ann", perspective="lived_experience", feed=None):
    app = ParticipantApp(studio, code=workshop.code, feed=feed)
    app.join_form.name_input.value = name
    app.join_form.perspective_input.value = perspective
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    return app


@pytest.fixture
def goal_room(studio, workshop):
    """The room is on the goal-mapping stage and it is open."""
    studio.workshops.set_current_stage(workshop.id, STAGE)
    studio.workshops.set_stage_state(workshop.id, STAGE, StageState.OPEN)
    return studio.workshops.state(workshop.id)


def panel_of(app) -> GoalPanel:
    assert isinstance(app.stage_view.panel, GoalPanel)
    assert app.stage_view.activity_box.children == (app.stage_view.panel,)
    return app.stage_view.panel


def fill(panel, **fields):
    panel.form.what_matters.value = fields.get("what_matters", "Seeing my grandchildren")
    panel.form.goal.value = fields.get("goal", "Walk to the bus stop")
    for name in fields.get("services", ()):
        panel.form.service_boxes[name].value = True
    panel.form.new_service.value = fields.get("new_service", "")
    panel.form.confidence.value = fields.get("confidence", 8)
    panel.form.to_seven.value = fields.get("to_seven", "")
    panel.form.theme.value = fields.get("theme", "")
    panel.form.visibility.value = fields.get("visibility", "shared")


def test_the_goal_stage_shows_the_goal_panel_with_template_wording(studio, goal_room):
    app = joined(studio, goal_room)
    panel = panel_of(app)
    assert panel.form.goal.description == "The goal, in their own words"  # codesign_day wording
    assert panel.form.steps.description == "First steps: who does what, by when"
    assert "Podiatry" in panel.form.service_boxes
    assert not panel.form.save_button.disabled


def test_a_participant_adds_a_shared_card_with_services_and_a_date(studio, goal_room):
    panel = panel_of(joined(studio, goal_room))
    fill(panel, services=["Podiatry"], new_service="Foot club", theme="Getting out")
    panel.form.review_date.value = dt.date(2027, 3, 1)
    panel.form.save_button.click()
    assert "shared with the group" in panel.notice.value
    [card] = studio.goals.cards.goal_cards(goal_room.id)
    assert card.services == ("Podiatry", "Foot club")
    assert card.review_date == "2027-03-01"
    assert card.theme == "Getting out"
    assert panel.form.goal.value == ""  # the form is ready for the next card
    assert "Your cards" in panel.my_cards.children[0].value


def test_low_confidence_asks_what_would_make_it_a_seven(studio, goal_room):
    panel = panel_of(joined(studio, goal_room))
    panel.form.confidence.value = 8
    assert panel.form.to_seven.layout.display == "none"
    panel.form.confidence.value = 6
    assert panel.form.to_seven.layout.display == ""
    fill(panel, confidence=3, to_seven="A lift to the bus stop")
    panel.add_card()
    assert studio.goals.cards.goal_cards(goal_room.id)[0].to_seven == "A lift to the bus stop"


def test_problems_are_explained_and_nothing_is_lost(studio, goal_room):
    panel = panel_of(joined(studio, goal_room))
    panel.form.save_button.click()
    assert "empty" in panel.notice.value
    fill(panel, goal="x" * 10_000)
    panel.form.save_button.click()
    assert "too long" in panel.notice.value
    assert panel.form.goal.value == "x" * 10_000  # the words stay in the box to shorten
    assert studio.goals.cards.goal_cards(goal_room.id) == []


def test_hostile_emoji_and_rtl_text_is_shown_as_text(studio, goal_room):
    panel = panel_of(joined(studio, goal_room))
    fill(panel, what_matters=HOSTILE, goal="أريد أن أمشي 👨‍👩‍👧", new_service='=HYPERLINK("x")')
    panel.add_card()
    other = panel_of(joined(studio, goal_room, name="Bob", perspective="provider"))
    html = "".join(w.value for w in other.wall.children[1].children if hasattr(w, "value"))
    assert "&lt;img" in html
    assert "<img" not in html
    assert "أريد أن أمشي 👨‍👩‍👧" in html
    assert studio.goals.cards.goal_cards(goal_room.id)[0].services == ('=HYPERLINK("x")',)


def test_private_cards_never_reach_another_participants_kernel(studio, goal_room):
    from tests.widget_messages import widget_tree

    ann = panel_of(joined(studio, goal_room))
    fill(ann, goal="My private goal", visibility="private")
    ann.add_card()
    assert "only you can see it" in ann.notice.value
    assert "My private goal" in repr([w.get_state() for w in widget_tree(ann)])
    bob_app = joined(studio, goal_room, name="Bob", perspective="provider")
    states = repr([w.get_state() for w in widget_tree(bob_app)])
    assert "My private goal" not in states
    assert "No shared cards yet" in states


def test_edit_and_withdraw_own_cards_and_nothing_is_lost(studio, goal_room):
    panel = panel_of(joined(studio, goal_room))
    fill(panel, new_service="Foot club")
    panel.add_card()
    [card] = studio.goals.cards.my_goal_cards(panel.participant)
    assert panel.edit_card(card.id)
    assert panel.form.goal.value == "Walk to the bus stop"
    assert panel.form.service_boxes["Foot club"].value  # the typed service is kept
    panel.form.goal.value = "Walk to the shop"
    panel.form.save_button.click()
    assert "earlier version is kept" in panel.notice.value
    assert studio.goals.cards.goal_cards(goal_room.id)[0].goal == "Walk to the shop"
    assert studio.goals.cards.goal_cards(goal_room.id)[0].services == ("Foot club",)
    assert not panel.edit_card(card.id + 1000)
    assert "your own" in panel.notice.value
    panel.withdraw(card.id)
    assert studio.goals.cards.goal_cards(goal_room.id) == []
    assert [h["status"] for h in studio.entries.history(card.id)] == [
        "active",
        "active",
        "withdrawn",
    ]


def test_editing_someone_elses_card_is_refused_even_when_crafted(studio, goal_room):
    ann = panel_of(joined(studio, goal_room))
    fill(ann)
    ann.add_card()
    [card] = studio.goals.cards.goal_cards(goal_room.id)
    bob = panel_of(joined(studio, goal_room, name="Bob", perspective="provider"))
    bob.editing = card.id  # a crafted state: the store still checks ownership
    fill(bob, goal="Hijacked")
    assert not bob.save_edit()
    assert "your own" in bob.notice.value
    assert not bob.withdraw(card.id)
    assert studio.goals.cards.goal_cards(goal_room.id)[0].goal == "Walk to the bus stop"


def test_dots_within_the_budget_and_hidden_totals_until_revealed(studio, goal_room):
    studio.goals.cards.set_dot_budget(goal_room.id, STAGE, 2)
    ann = panel_of(joined(studio, goal_room))
    fill(ann, theme="Getting out")
    ann.add_card()
    [card] = studio.goals.cards.goal_cards(goal_room.id)
    bob = panel_of(joined(studio, goal_room, name="Bob", perspective="provider"))
    assert "2 of 2 dots left" in bob.dots_label.value
    assert bob.vote("card", card.id)
    assert bob.vote("theme", "Getting out")
    assert not bob.vote("card", card.id)
    assert "used all 2" in bob.notice.value
    assert "0 of 2 dots left" in bob.dots_label.value
    assert "Everyone" not in repr([w.get_state() for w in bob.wall.children[1].children])
    bob.vote("card", card.id, -1)
    assert "1 of 2 dots left" in bob.dots_label.value
    studio.workshops.set_stage_state(goal_room.id, STAGE, StageState.REVEALED)
    bob.set_workshop(studio.workshops.state(goal_room.id))
    text = bob.wall.children[1].children[0].value
    assert "Your dots: 0" in text
    assert "Everyone: 0" in text
    assert "Everyone: 1" in bob.themes.children[1].children[0].value


@pytest.mark.parametrize("state", ["locked", "revealed"])
def test_a_crafted_vote_or_card_while_locked_is_refused(studio, goal_room, state):
    ann = panel_of(joined(studio, goal_room))
    fill(ann)
    ann.add_card()
    [card] = studio.goals.cards.goal_cards(goal_room.id)
    studio.workshops.set_stage_state(goal_room.id, STAGE, state)
    # The page has not redrawn: it still thinks the stage is open, as a crafted message would.
    assert not ann.vote("card", card.id)
    assert "changes are no longer taken" in ann.notice.value
    fill(ann, goal="Late")
    assert not ann.add_card()
    assert studio.goals.votes.votes_placed(goal_room.id, STAGE) == 0
    assert len(studio.goals.cards.goal_cards(goal_room.id)) == 1


def test_the_panel_follows_other_kernels_through_the_live_feed(db_url, studio, goal_room):
    from codesign_widgets.studio import Studio

    feed = Feed(studio)
    ann = panel_of(joined(studio, goal_room, feed=feed))
    other_kernel = Studio.open(db_url)
    bob, _ = other_kernel.people.join(goal_room.id, "Bob", "provider", True)
    other_kernel.goals.cards.add_goal_card(
        bob, STAGE, {"what_matters": "Sleep", "goal": "Sleep through", "visibility": "shared"}
    )
    other_kernel.goals.cards.add_service(goal_room.id, STAGE, "Sleep clinic")
    feed.poll_once()
    # Bob's card waits behind a button: Ann's wall does not move under her thumb.
    assert len(ann.wall.children) == 2  # the heading and "No shared cards yet"
    assert ann._wall_new.description == "Show 1 new card"
    assert ann._wall_new.layout.display == ""
    ann._wall_new.click()
    assert "Sleep through" in ann.wall.children[1].children[0].value
    assert ann._wall_new.layout.display == "none"
    assert "Sleep clinic" in ann.form.service_boxes
    other_kernel.workshops.set_stage_state(goal_room.id, STAGE, StageState.LOCKED)
    feed.poll_once()
    assert ann.form.save_button.disabled


# -- the facilitator's goal wall ---------------------------------------------------------------
def hub_for(studio, workshop, feed=None):
    from codesign_widgets.goals.hub import GoalHub

    return GoalHub(studio, studio.workshops.state(workshop.id), feed=feed)


def add(studio, participant, **fields):
    card = {"what_matters": "Home", "goal": "A goal", "visibility": "shared", **fields}
    return studio.goals.cards.add_goal_card(participant, STAGE, card)


def test_the_wall_groups_shared_cards_by_theme_as_text(studio, goal_room, ann):
    bob, _ = studio.people.join(goal_room.id, "Bob", "provider", True)
    add(studio, ann, goal=HOSTILE, theme="Getting out", services=["Podiatry"])
    add(studio, bob, goal="Sleep through", theme="Rest")
    add(studio, bob, goal="Hidden plan", visibility="private")
    hub = hub_for(studio, goal_room)
    wall = hub.wall.by_theme.value
    assert "Getting out (1)" in wall
    assert "Rest (1)" in wall
    assert "&lt;img" in wall
    assert "<img" not in wall
    assert "Hidden plan" not in repr([w.get_state() for w in _tree(hub)])
    assert "2 shared cards" in hub.wall.now.value
    # Each card names its author's perspective in words, not only by its edge's colour.
    rest = wall[wall.index("Rest (1)") :]
    assert '<div class="codesign-card-group">Provider</div>' in rest.split("</li>")[0]
    assert "Card edge: the author's perspective." in wall


def test_new_cards_reach_the_wall_through_the_live_feed(db_url, studio, goal_room, ann):
    from codesign_widgets.studio import Studio

    feed = Feed(studio)
    hub = hub_for(studio, goal_room, feed=feed)
    assert "No shared cards yet" in hub.wall.by_theme.value
    phone = Studio.open(db_url)
    add(phone, ann, goal="Walk to the shop")
    feed.poll_once()
    assert "Walk to the shop" in hub.wall.by_theme.value


def test_the_facilitator_themes_merges_and_hides_cards(studio, goal_room, ann):
    first = add(studio, ann, goal="Walk", theme="walks")
    second = add(studio, ann, goal="Swim", theme="Water")
    hub = hub_for(studio, goal_room)
    hub.controls.card_picker.value = second
    hub.controls.theme_input.value = "Moving more"
    hub.controls.assign_button.click()
    assert "Moving more (1)" in hub.wall.by_theme.value
    hub.controls.merge_from.value = "walks"
    hub.controls.merge_into.value = "Moving more"
    hub.controls.merge_button.click()
    assert "Moving more (2)" in hub.wall.by_theme.value
    assert "walks" not in hub.wall.by_theme.value
    hub.controls.card_picker.value = first
    hub.controls.hide_button.click()
    assert "Walk" not in hub.wall.by_theme.value.replace("Swim", "")
    assert len(studio.goals.cards.goal_cards(goal_room.id, include_hidden=True)) == 2  # kept
    assert "[hidden]" in hub.controls.card_picker.label
    hub.controls.show_button.click()
    assert "Walk" in hub.wall.by_theme.value


def test_the_facilitator_sets_dots_and_adds_services(studio, goal_room):
    hub = hub_for(studio, goal_room)
    hub.controls.budget_input.value = 3
    hub.controls.budget_button.click()
    assert studio.goals.cards.goal_settings(goal_room.id, STAGE).budget == 3
    assert not hub.controls.set_budget(0)
    assert "between 1 and" in hub.notice.value
    hub.controls.service_input.value = '=HYPERLINK("http://x","y")'
    hub.controls.service_button.click()
    assert (
        "&quot;" in hub.controls.services_text.value or "&#x27;" in hub.controls.services_text.value
    )
    assert (
        '=HYPERLINK("http://x","y")'
        in studio.goals.cards.goal_settings(goal_room.id, STAGE).services
    )
    hub.controls.service_input.value = ""
    hub.controls.service_button.click()
    assert "empty" in hub.notice.value


def test_the_map_summary_and_gaps(studio, goal_room, ann):
    add(studio, ann, goal="Walk", services=["Podiatry", "GP practice"], barriers="Stairs")
    add(
        studio, ann, goal="Lonely evenings", barriers="stairs\nCost", confidence=3, to_seven="A bus"
    )
    hub = hub_for(studio, goal_room)
    assert "What would make it a 7: A bus" in hub.wall.by_theme.value
    summary = hub.wall.summary.value
    assert "Podiatry: 1" in summary
    assert "gaps): 1" in summary
    assert "Lonely evenings" in summary
    assert "Stairs: 2" in summary
    hub.wall.map_by.value = "goal"
    assert len(hub.wall.map.graph.nodes) == 4
    assert "Lonely evenings → no service (gap)" in hub.wall.map_text.value
    assert "Walk → GP practice, Podiatry" in hub.wall.map_text.value


def test_votes_stay_hidden_on_the_projector_until_revealed(studio, goal_room, ann):
    bob, _ = studio.people.join(goal_room.id, "Bob", "provider", True)
    cy, _ = studio.people.join(goal_room.id, "Cy", "system", True)
    a = add(studio, ann, goal="Walk")
    b = add(studio, bob, goal="Sleep")
    for voter, target in [(bob, a), (bob, a), (bob, a), (ann, b), (cy, b)]:
        studio.goals.votes.vote(voter, STAGE, "card", str(target))
    hub = hub_for(studio, goal_room)
    # One person per perspective: shown apart only in a plan that allows it (the default
    # merges them; tests/goals/test_small_groups_goals.py).
    hub.wall.template = dataclasses.replace(hub.wall.template, smallest_group=1)
    assert "5 dots placed" in hub.wall.now.value
    assert "hidden until you reveal" in hub.wall.priorities.value
    assert "dots" not in hub.wall.by_theme.value
    assert "Equal say" not in hub.wall.priorities.value
    # While cards come in, the wall is the projector's live result, straight under the stage.
    assert hub.wall.children.index(hub.wall.by_theme) < hub.wall.children.index(hub.wall.priorities)
    hub.controls.state_buttons[StageState.REVEALED].click()
    assert "Votes revealed" in hub.notice.value
    # Once revealed, the priorities come first and the wall follows them.
    assert hub.wall.children.index(hub.wall.priorities) < hub.wall.children.index(hub.wall.by_theme)
    summary = hub.wall.priorities.value
    # Pooled: Walk 3/5, Sleep 2/5. Equal say: provider all on Walk, the others on Sleep.
    assert "<span>Walk</span></td><td>3</td><td>60%</td><td>33%</td>" in summary
    assert "<span>Sleep</span></td><td>2</td><td>40%</td><td>67%</td>" in summary
    assert "● 3 dots" in hub.wall.by_theme.value


def test_the_goal_mapping_app_picks_the_view_from_the_link(monkeypatch, studio, created, db_url):
    from codesign_widgets.apps import goal_mapping_app
    from codesign_widgets.goals.hub import GoalHub

    workshop, key = created
    monkeypatch.setenv("CODESIGN_DB", db_url)
    monkeypatch.setenv("QUERY_STRING", f"code={workshop.code}&key={key}")
    assert isinstance(goal_mapping_app(), GoalHub)
    monkeypatch.setenv("QUERY_STRING", f"code={workshop.code}&key=wrong")
    assert "does not match" in goal_mapping_app().value
    monkeypatch.setenv("QUERY_STRING", f"code={workshop.code}")
    assert isinstance(goal_mapping_app(), ParticipantApp)
    monkeypatch.setenv("QUERY_STRING", f"code={workshop.code}&key={key}")
    monkeypatch.setenv("CODESIGN_ROLE", "participant")
    assert isinstance(goal_mapping_app(), ParticipantApp)


def _tree(root):
    from tests.widget_messages import widget_tree

    return widget_tree(root)


def test_moving_on_closes_the_goal_panel_and_its_feed(studio, goal_room):
    feed = Feed(studio)
    app = joined(studio, goal_room, feed=feed)
    panel = panel_of(app)
    subscribed = len(feed._subscribers)
    studio.workshops.set_current_stage(goal_room.id, "close")
    app.on_change({"stages"})
    assert app.stage_view.panel is None
    assert app.checkin in app.stage_view.activity_box.children
    assert len(feed._subscribers) == subscribed - 1
    assert panel.comm is None  # closed: its widgets are gone from the kernel
    studio.workshops.set_current_stage(goal_room.id, STAGE)
    app.on_change({"stages"})
    assert isinstance(app.stage_view.panel, GoalPanel)


def test_a_burst_of_changes_is_drawn_once_per_batch():
    import asyncio

    from codesign_widgets.ui.batching import Batcher

    drawn = []
    batcher = Batcher(lambda topics: drawn.append(sorted(topics)), interval=0.05)

    async def burst():
        batcher({"entries"})  # the first change draws at once
        batcher({"votes"})
        batcher({"entries", "goals"})
        await asyncio.sleep(0.1)

    asyncio.run(burst())
    assert drawn == [["entries"], ["entries", "goals", "votes"]]


def test_html_in_every_field_is_shown_as_text_everywhere(studio, goal_room):
    ann = panel_of(joined(studio, goal_room, name=HOSTILE))
    for box in (
        ann.form.what_matters,
        ann.form.goal,
        ann.form.steps,
        ann.form.barriers,
        ann.form.to_seven,
    ):
        box.value = HOSTILE
    ann.form.new_service.value = HOSTILE
    ann.form.theme.value = HOSTILE
    ann.form.confidence.value = 2
    ann.form.visibility.value = "shared"
    assert ann.add_card()
    studio.goals.cards.add_service(goal_room.id, STAGE, HOSTILE + "svc")
    bob = panel_of(joined(studio, goal_room, name="Bob", perspective="provider"))
    hub = hub_for(studio, goal_room)
    hub.wall.map_by.value = "goal"
    shown = [
        ann.my_cards,
        bob.wall,
        bob.themes,
        hub.wall.by_theme,
        hub.wall.summary,
        hub.wall.map_text,
    ]
    shown += [hub.controls.services_text]
    for widget in _tree(ann) + _tree(bob) + _tree(hub):
        value = getattr(widget, "value", None)
        if type(widget).__name__ in ("HTML", "Notice") and isinstance(value, str):
            assert "<img" not in value, widget
    for widget in shown:
        html = widget.value if hasattr(widget, "value") else ""
        html += "".join(getattr(w, "value", "") or "" for w in _tree(widget) if w is not widget)
        assert "&lt;img" in html, widget


def test_the_goal_wall_shows_only_what_it_is_handed(studio, workshop):
    """The projected wall reads nothing itself: the cards, dots and state come in."""
    from types import SimpleNamespace

    from codesign_widgets.core.templates import load_template
    from codesign_widgets.goals.cards import GoalCard
    from codesign_widgets.goals.wall import Dots, GoalWall

    template = load_template(workshop.template)
    wall = GoalWall(template, "Falls <b>day</b>", workshop.code)
    card = GoalCard(
        id=7, author_id=1, author_public_id="P-1", perspective="provider", group="provider",
        what_matters="Home", goal="Walk " + HOSTILE, steps="", services=("Podiatry",),
        barriers=(), confidence=4, to_seven="", review_date="", theme="Getting out",
        visibility="shared",
    )  # fmt: skip
    dot = SimpleNamespace(
        target_kind="card", target="7", group="provider", participant_public_id="P-X", delta=1
    )
    stage = template.stage(STAGE)
    wall.show(
        [card], Dots(1, 3, (dot,)), StageState.OPEN, stage=stage, here=False, labels={"7": "W"}
    )
    assert "Getting out (1)" in wall.by_theme.value
    assert "<img" not in wall.by_theme.value
    assert "dots" not in wall.by_theme.value  # not revealed: no dots on the cards
    assert "(the room is on another stage)" in wall.now.value
    assert "1 dot placed (each person has 3)" in wall.now.value
    wall.show(
        [card], Dots(1, 3, (dot,)), StageState.REVEALED, stage=stage, here=True, labels={"7": "W"}
    )
    assert "● 1 dot" in wall.by_theme.value
    assert "<span>W</span></td><td>1</td>" in wall.priorities.value
    assert "Falls &lt;b&gt;day" in wall.children[0].value


def test_a_double_tap_or_a_resent_tap_adds_one_card_and_reports_no_error(
    studio, goal_room, monkeypatch
):
    from ..widget_messages import send_click, send_update

    panel = panel_of(joined(studio, goal_room))
    fill(panel, what_matters="Sleep 🌙", goal="Rest after lunch")
    send_click(panel.form.save_button)
    send_click(panel.form.save_button)  # the second tap finds the form emptied by the first
    assert "shared with the group" in panel.notice.value
    # A page that reconnected sends the card's values and the tap once more.
    send_update(panel.form.what_matters, value="Sleep 🌙")
    send_update(panel.form.goal, value="Rest after lunch")
    send_update(panel.form.visibility, index=1)
    send_click(panel.form.save_button)
    assert "shared with the group" in panel.notice.value
    assert [c.goal for c in studio.goals.cards.goal_cards(goal_room.id)] == ["Rest after lunch"]
    # Later, the same words are a card of their own (someone adding it on purpose).
    monkeypatch.setattr(panel._taps, "window", 0.0)
    send_click(panel.form.save_button)
    assert len(studio.goals.cards.goal_cards(goal_room.id)) == 2
    # And an empty form then is the usual explained refusal.
    send_click(panel.form.save_button)
    assert 'role="alert"' in panel.notice.value
    assert len(studio.goals.cards.goal_cards(goal_room.id)) == 2
