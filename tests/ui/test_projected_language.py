"""The activity pages' projected parts in a Welsh workshop: the goal wall (headings, cards,
counts, dots and priorities, the map in words), every projected tab of the stakeholder map
(the drawing's filters, legend, words and a chosen stakeholder's details; power and interest;
analysis; equal say) and the scoring room with its revealed results (tables, leaving one
perspective out, movement since the last round) are drawn in English and in Welsh from the
same contributions (the played workshop's tabs in Spanish too); no English is left in the
Welsh render but what people typed, names, numbers and the plan's shared words."""

from __future__ import annotations

import html
import re

import pytest

from codesign_widgets.core.templates import load_template
from codesign_widgets.core.workshop import StageState
from codesign_widgets.goals.hub import GoalHub
from codesign_widgets.network.hub import NetworkHub
from codesign_widgets.scoring.hub import ScoringHub
from tests.widget_messages import widget_tree

PLANS = {"en": "codesign_day", "cy": "codesign_day_cy", "es": "codesign_day_es"}
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


def english_left(english: set[str], welsh: set[str], typed: set[str] = TYPED) -> set[str]:
    """Text in both renders with a word that is not typed or shared ("Podiatry: 1" is typed)."""
    words = "|".join(rf"\b{re.escape(w)}\b" for w in sorted(typed | SHARED, key=len, reverse=True))
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


# -- every projected tab of a played workshop ------------------------------------------------
#: What the played workshops' people typed (names, prototypes, comments, reasons).
PLAYED = {"Walk-in clinic", "Peer group", "Closer to home", "Start in May", "Ann", "Bo"}
PLAYED |= {f"P{i}" for i in range(9)} | {"Foot clinic", "ICB"}
CRITERIA = {"en": "impact_effort", "cy": "impact_effort_cy", "es": "impact_effort_es"}


def visible(widget) -> set[str]:
    """Every piece of text a widget tree shows: HTML and labels (tags out, aria-labels and
    SVG text in), descriptions, tooltips, placeholders, menu entries, tab titles, and the
    charts' titles, axis words and legends."""
    found = texts(widget)
    for w in widget_tree(widget):
        pieces = [getattr(w, name, None) for name in ("description", "tooltip", "placeholder")]
        if type(w).__name__ == "Label":
            pieces.append(w.value)
        pieces += list(getattr(w, "_options_labels", ()) or ())
        pieces += list(getattr(w, "titles", ()) or ())
        if type(w).__module__.startswith("bqplot"):
            pieces += [getattr(w, "title", None), getattr(w, "label", None)]
            pieces += list(getattr(w, "labels", ()) or ())
        found |= {" ".join(p.split()) for p in pieces if isinstance(p, str)}
    return {t for t in found if re.search(r"[^\W\d_]{2,}", t)}


def play_scoring(studio, workshop, lang: str) -> None:
    """Two rounds by nine people (three per perspective, so every perspective shows apart
    and can be left out), with comments, revealed; a decision with its reason."""
    stage = "prototypes"
    studio.workshops.set_stage_state(workshop.id, stage, "open")
    ids = [
        studio.scoring.prototypes.add_prototype(workshop.id, stage, title, "")
        for title in ("Walk-in clinic", "Peer group")
    ]
    studio.scoring.rounds.set_criteria(workshop.id, stage, CRITERIA[lang])
    perspectives = [p.key for p in load_template(PLANS[lang]).perspectives]
    people = [
        studio.people.join(workshop.id, f"P{i}", perspectives[i % 3], True)[0] for i in range(9)
    ]
    for number in (1, 2):
        studio.scoring.rounds.open_round(workshop.id, stage)
        round_id = studio.scoring.rounds.rounds(workshop.id, stage)[-1].id
        for i, person in enumerate(people):
            for j, prototype in enumerate(ids):
                impact = 1 + (i * (j + 2) + number * (i % 3)) % 5  # split, then moving
                comment = "Closer to home" if i == 0 and j == 0 else None
                studio.scoring.scores.save_scores(
                    person, round_id, prototype, {"impact": impact, "effort": 1 + i % 5}, comment
                )
        studio.scoring.rounds.close_round(workshop.id, stage)
        studio.scoring.rounds.reveal_round(workshop.id, stage)
    studio.scoring.prototypes.record_decision(workshop.id, stage, ids[0], "iterate", "Start in May")


@pytest.fixture
def played(studio):
    """The workshop of :func:`make` in each language, its map with a stakeholder who has
    another name, ratings from every perspective and ties both ways, and scoring played."""
    workshops = {}
    for lang in PLANS:
        workshop = make(studio, lang)
        perspectives = [p.key for p in load_template(PLANS[lang]).perspectives]
        bo, _t = studio.people.join(workshop.id, "Bo", perspectives[2], True)
        network = studio.network
        icb = network.edits.add_stakeholder(bo, "network", "ICB", "organisation", "", "", 9, 2)
        names = {v: k for k, v in network.maps.network_names(workshop.id, "network").items()}
        gp = names["GP"]
        network.edits.add_tie(bo, "network", icb, gp, "money", "both", 3)
        network.edits.add_tie(bo, "network", gp, icb, "information", "forward", 1)
        network.edits.rate_stakeholder(bo, "network", gp, 9, 8)
        clinic = network.edits.add_stakeholder(
            bo, "network", "Foot clinic", "service", "", "", 4, 4
        )
        network.facilitator.merge_stakeholders(workshop.id, "network", clinic, gp)
        play_scoring(studio, workshop, lang)
        workshops[lang] = workshop
    return workshops


@pytest.mark.parametrize("lang", ["cy", "es"])
def test_every_projected_tab_of_the_map_is_in_the_plans_language(studio, played, lang):
    """The map tab (filters, legend, words and a chosen stakeholder's details), power and
    interest, analysis and equal say: no English left in the Welsh or Spanish render."""
    renders = {}
    for language, workshop in played.items():
        hub = NetworkHub(studio, workshop)
        names = {v: k for k, v in studio.network.maps.network_names(workshop.id, "network").items()}
        hub.map_view.select(names["GP"])
        shown = visible(hub.map_view) | set(hub.tabs.titles[:4])
        shown |= visible(hub.grid) | visible(hub.analysis) | visible(hub.equal_say)
        renders[language] = shown
    english, translated = renders["en"], renders[lang]
    assert any(t.startswith("Also known as: Foot clinic") for t in english), english
    assert any("strength 3" in t for t in english)  # the details show GP's ties
    assert len(translated) >= 60, translated
    assert english_left(english, translated, TYPED | PLAYED) == set()
    assert "Betweenness" not in repr(translated)


@pytest.mark.parametrize("lang", ["cy", "es"])
def test_the_revealed_results_are_in_the_plans_language(studio, played, lang):
    """The scoring room tab of a played workshop: notes, charts, every table, leaving one
    perspective out, movement since the last round, decisions and comments."""
    renders = {}
    for language, workshop in played.items():
        hub = ScoringHub(studio, workshop)
        assert hub.room_tab.results_panel is not None, hub.notice.value
        renders[language] = visible(hub.room_tab) | {hub.tabs.titles[0]}
    english, translated = renders["en"], renders[lang]
    for part in ("If one perspective were left out", "Since the last round", "Ranking"):
        assert part in english
    assert any(t.startswith("Without ") for t in english)
    assert any("Start in May" in t for t in english)  # the decision and its reason
    assert len(translated) >= 40, translated
    assert english_left(english, translated, TYPED | PLAYED) == set()


def test_the_goal_walls_tab_is_in_the_plans_language(studio, played):
    titles = {lang: GoalHub(studio, played[lang]).tabs.titles[0] for lang in PLANS}
    assert titles["cy"] != titles["en"] != titles["es"]


@pytest.mark.parametrize("language", ["cy", "es"])
def test_the_projected_steps_to_trust_the_studio_follow_the_plan(language):
    """Under --tls the room tab shows, beside the join code, how a phone trusts the studio's
    certificate: the room reads it from the projector, so in the plan's language."""
    from codesign_widgets.core.i18n import translator
    from codesign_widgets.room.hub import FacilitatorHub

    url = "http://192.0.2.5:8868/codesign-ca.crt"
    english = FacilitatorHub._trust_html(url, translator("en"))
    other = FacilitatorHub._trust_html(url, translator(language))
    assert "Certificate Trust Settings" in english
    for words in ("Phones: scan this first", "Trust this studio", "QR code of the studio"):
        assert words in english
        assert words not in other
    assert url in other
