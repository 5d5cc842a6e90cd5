"""The activity pages' projected parts in a Welsh workshop: the goal wall (headings, cards,
counts, dots and priorities, the map in words) and the stakeholder map's legend, summary and
words are drawn in English and in Welsh from the same contributions; no English sentence is
left in the Welsh render but what people typed and the plan's shared words."""

from __future__ import annotations

import html
import re

import pytest

from codesign_widgets.core.templates import load_template
from codesign_widgets.core.workshop import StageState
from codesign_widgets.goals.hub import GoalHub
from codesign_widgets.network.hub import NetworkHub
from tests.widget_messages import widget_tree

PLANS = {"en": "codesign_day", "cy": "codesign_day_cy"}
#: What people typed (the same in both workshops).
TYPED = {"Foot care", "Home", "Walk to the shop", "Getting out", "Podiatry", "Stairs", "A lift"}
TYPED |= {"GP", "Carer", "Alone", "Ann"}
SHARED = {"System", "Map", "2x2", "dot"}  # words Welsh shares with English


def texts(widget) -> set[str]:
    """The text pieces of every HTML widget under ``widget`` (tags out, one per element)."""
    found = set()
    for w in widget_tree(widget):
        value = getattr(w, "value", None)
        if type(w).__name__ != "HTML" or not isinstance(value, str):
            continue
        found |= {html.unescape(t).strip() for t in re.split(r"<[^>]*>", value)}
        found |= {html.unescape(a) for a in re.findall(r'aria-label="([^"]*)"', value)}
    return {" ".join(t.split()) for t in found if re.search(r"[^\W\d_]{2,}", t)}


def english_left(english: set[str], welsh: set[str]) -> set[str]:
    """Text in both renders with a word that is not typed or shared ("Podiatry: 1" is typed)."""
    words = "|".join(rf"\b{re.escape(w)}\b" for w in sorted(TYPED | SHARED, key=len, reverse=True))
    return {t for t in english & welsh if re.search(r"[^\W\d_]{2,}", re.sub(words, "", t))}


def make(studio, lang: str):
    """A workshop of the day in ``lang`` with a shared goal card, a dot, two stakeholders and
    a tie, the goal stage revealed."""
    plan = PLANS[lang]
    workshop, _key = studio.workshops.create("Foot care", plan)
    perspectives = [p.key for p in load_template(plan).perspectives]
    for stage in ("goals", "network"):
        studio.workshops.set_stage_state(workshop.id, stage, "open")
    ann, _t = studio.people.join(workshop.id, "Ann", perspectives[0], True)
    card = {
        "what_matters": "Home",
        "goal": "Walk to the shop",
        "theme": "Getting out",
        "services": ["Podiatry"],
        "barriers": ["Stairs"],
        "confidence": 4,
        "to_seven": "A lift",
        "visibility": "shared",
    }
    card_id = studio.goals.cards.add_goal_card(ann, "goals", card)
    studio.goals.votes.vote(ann, "goals", "card", str(card_id))
    studio.workshops.set_stage_state(workshop.id, "goals", StageState.REVEALED)
    gp = studio.network.edits.add_stakeholder(ann, "network", "GP", "service", "", "", 6, 5)
    carer = studio.network.edits.add_stakeholder(
        ann, "network", "Carer", "person", perspectives[0], "", 2, 5
    )
    studio.network.edits.add_tie(ann, "network", gp, carer, "care", "forward", 2)
    studio.network.edits.add_stakeholder(ann, "network", "Alone", "group", "", "", 3, 3)
    return workshop


@pytest.fixture
def both(studio):
    return {lang: make(studio, lang) for lang in PLANS}


def test_the_goal_wall_is_in_the_plans_language(studio, both):
    english, welsh = (texts(GoalHub(studio, both[lang]).wall) for lang in ("en", "cy"))
    assert len(welsh) >= 15, welsh
    assert english_left(english, welsh) == set()
    assert "Blaenoriaethau o'r dotiau" in welsh  # the priorities' heading


def test_the_maps_legend_summary_and_words_are_in_the_plans_language(studio, both):
    views = {lang: NetworkHub(studio, both[lang]).map_view for lang in ("en", "cy")}
    english, welsh = (
        texts(views[lang].legend) | texts(views[lang].summary) | texts(views[lang].words)
        for lang in ("en", "cy")
    )
    assert len(welsh) >= 12, welsh
    assert english_left(english, welsh) == set()
    assert "Y map mewn geiriau" in welsh
    assert any("Gofal / cymorth" in t for t in welsh)  # the plan's tie type, with its line
