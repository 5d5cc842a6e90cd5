"""Typed words reach the kernel before the tap that sends them.

The browser holds a widget's next value while the kernel has not answered its last message,
but a button's click goes at once: on a busy kernel a box updated per keystroke lets the tap
on "Join" or "Add stakeholder" overtake the last letters ("Podiatry bu", or a name cut
short). A box that sends its value when the person leaves it (``continuous_update=False``)
sends it once, before the click that took the focus away. Every text box on every page a
phone or the facilitator sees does that.
"""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from codesign_widgets.core.workshop import StageState
from codesign_widgets.goals.hub import GoalHub
from codesign_widgets.live import Feed
from codesign_widgets.network.hub import NetworkHub
from codesign_widgets.room.hub import FacilitatorHub
from codesign_widgets.room.hub_start import HubStart
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.scoring.hub import ScoringHub
from tests.widget_messages import widget_tree

TYPED = (widgets.Text, widgets.Textarea)  # Combobox is a Text


def per_keystroke(root) -> list[str]:
    return [
        f"{type(w).__name__} {w.description!r}"
        for w in widget_tree(root)
        if isinstance(w, TYPED) and w.continuous_update
    ]


def test_the_facilitator_pages_send_typed_text_once_per_box(studio, workshop):
    assert per_keystroke(HubStart(studio)) == []
    pages = [
        FacilitatorHub(studio, workshop),
        GoalHub(studio, workshop),
        NetworkHub(studio, workshop),
        ScoringHub(studio, workshop),
    ]
    boxes = [w for page in pages for w in widget_tree(page) if isinstance(w, TYPED)]
    assert {"New service", "Theme", "New tie type", "Title", "Why"} <= {
        box.description for box in boxes
    }
    assert [box for page in pages for box in per_keystroke(page)] == []


@pytest.mark.parametrize("stage", ["welcome", "goals", "network", "prototypes", "close"])
def test_a_phone_sends_typed_text_once_per_box(studio, workshop, stage):
    feed = Feed(studio)
    app = ParticipantApp(studio, code=workshop.code, feed=feed)
    assert per_keystroke(app) == []  # the join form
    app.join_form.name_input.value = "Will"
    app.join_form.perspective_input.value = "lived_experience"
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    studio.workshops.set_stages(workshop.id, {stage: StageState.OPEN}, current=stage)
    feed.poll_once()
    boxes = [w for w in widget_tree(app) if isinstance(w, TYPED)]
    if stage != "prototypes":  # scoring's comment box comes with a prototype to score
        assert boxes, "the stage's form is on the page"
    assert per_keystroke(app) == []


def typed_boxes(root) -> dict[str, str]:
    return {w.model_id: w.description for w in widget_tree(root) if isinstance(w, TYPED)}


def test_a_live_redraw_never_touches_a_box_someone_may_be_typing_in(db_url, studio, workshop):
    """Words typed but not yet sent live only in the browser: any change the kernel makes to
    that box (its suggestions, say) redraws it from the value the kernel last heard and wipes
    them. Other people's work reaches the phone and the hub without touching a text box."""
    from codesign_widgets.studio import Studio
    from tests.widget_messages import SentMessages

    feed = Feed(studio)
    studio.workshops.set_stages(workshop.id, {"goals": StageState.OPEN}, current="goals")
    app = ParticipantApp(studio, code=workshop.code, feed=feed)
    app.join_form.name_input.value = "Will"
    app.join_form.perspective_input.value = "lived_experience"
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    hub = GoalHub(studio, studio.workshops.state(workshop.id), feed=feed)
    other = Studio.open(db_url)
    bob, _ = other.people.join(workshop.id, "Bob", "provider", True)
    feed.poll_once()  # the stage opening (a stage change may redraw everything)
    boxes = {**typed_boxes(app), **typed_boxes(hub)}
    with SentMessages() as sent:
        for i, theme in enumerate(("Getting out", "Rest", "$5 or $10", "نمی‌خواهم")):
            card = {"what_matters": "Home", "goal": f"Goal {i}", "theme": theme,
                    "visibility": "shared"}  # fmt: skip
            other.goals.cards.add_goal_card(bob, "goals", card)
            feed.poll_once()
    assert sent.count > 0  # the wall and the hub did redraw
    assert [(boxes[i], *m) for i, *m in sent.sent if i in boxes] == []

    other.workshops.set_stages(workshop.id, {"network": StageState.OPEN}, current="network")
    feed.poll_once()
    boxes = typed_boxes(app)
    assert "Name" in boxes.values()
    with SentMessages() as sent:
        for name in ("Podiatry bus", "Will", "$5 or $10 fund"):
            other.network.edits.add_stakeholder(bob, "network", name, "service", "", "", 5, 5)
            feed.poll_once()
    assert sent.count > 0
    assert [(boxes[i], *m) for i, *m in sent.sent if i in boxes] == []
    other.close()
