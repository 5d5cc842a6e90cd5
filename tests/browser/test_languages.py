"""A Welsh workshop is Welsh on the phone: every participant state, rendered in real Chromium
in English and in Welsh, shows no English word left except what people typed (names, the
title, prototypes) and numbers. The connection banner and ``<html lang>`` follow too."""

from __future__ import annotations

import re
from typing import Any

import pytest

from codesign_widgets.core.i18n import negotiate, translator
from codesign_widgets.core.templates import load_template
from codesign_widgets.core.workshop import StageState
from codesign_widgets.studio import Studio

pytestmark = pytest.mark.browser

TITLE = "Foot care"  # typed by the facilitator: the same in both workshops
PROTOTYPE = ("Walk-in clinic", "Saturday mornings")
NAME = "Ann"
#: Text people typed, shown as typed in any language.
TYPED = {TITLE, *PROTOTYPE, NAME}
#: Visible text that may stay the same in Welsh: words Welsh shares with English.
ALLOWED = {"System"}  # a perspective's label in both plans ("system" is Welsh too)
PLANS = {"en": ("codesign_day", "impact_effort"), "cy": ("codesign_day_cy", "impact_effort_cy")}
STAGES = ["welcome", "goals", "network", "prototypes", "close"]
#: Each state's own element: the page shows it once that state is drawn.
READY = {
    "welcome": ".codesign-participant textarea",
    "goals": ".codesign-goals",
    "network": ".codesign-network",
    "prototypes": ".codesign-criterion",
    "close": ".codesign-participant textarea",
}
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest("script, style, [hidden]")) continue;
    if (el.tagName === "OPTION" || el.getClientRects().length) out.push(text);
  }
  for (const el of document.querySelectorAll("[placeholder], [title]")) {
    if (!el.getClientRects().length) continue;
    if (el.placeholder) out.push(el.placeholder.trim());
    // A widget without a tooltip gets title="null" from ipywidgets: not words.
    if (el.title && el.title !== "null") out.push(el.title.trim());
  }
  return out;
}"""


@pytest.fixture(scope="module")
def workshops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """One English and one Welsh workshop of the same day, every stage open, a round open."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('languages') / 'studio.db'}"
    studio = Studio.open(db_url)
    found = {"db_url": db_url}
    try:
        for lang, (plan, criteria) in PLANS.items():
            workshop, key = studio.workshops.create(TITLE, plan)
            for stage in STAGES:
                studio.workshops.set_stage_state(workshop.id, stage, "open")
            studio.scoring.prototypes.add_prototype(workshop.id, "prototypes", *PROTOTYPE)
            studio.scoring.rounds.set_criteria(workshop.id, "prototypes", criteria)
            studio.scoring.rounds.open_round(workshop.id, "prototypes")
            found[lang] = {"id": workshop.id, "code": workshop.code, "key": key, "plan": plan}
    finally:
        studio.close()
    return found


def button(page, text: str):
    """The button whose name is ``text`` (after its icon's glyph, if it has one)."""
    return page.get_by_role("button", name=re.compile(rf"(^|\s){re.escape(text)}$"))


def lines(page) -> list[str]:
    """The page's visible text, one string per text node (spaces made plain)."""
    return [" ".join(t.split()) for t in page.evaluate(VISIBLE_TEXT) if t.strip()]


def typed(text: str) -> bool:
    """Text people typed, as shown (a list may number it: "1. Walk-in clinic")."""
    return re.sub(r"^\d+\.\s*", "", text) in TYPED


def wordy(text: str) -> bool:
    """Text with a word in it (not only numbers, codes and punctuation)."""
    return re.search(r"[^\W\d_]{2,}", text) is not None and not re.fullmatch(r"[A-Z0-9]{6}", text)


def walk(page, server, workshops, lang: str) -> dict[str, list[str]]:
    """Every participant state of the workshop in ``lang``: its visible text, by state."""
    _ = translator(lang).gettext
    info = workshops[lang]
    plan = load_template(info["plan"])
    seen = {}
    page.goto(server.participant_url(info["code"]))
    button(page, _("Join")).wait_for(timeout=90_000)
    page.wait_for_function(f"document.documentElement.lang === {lang!r}", timeout=10_000)
    seen["join form"] = lines(page)
    page.get_by_label(_("Your name (shown to the group)")).fill(NAME)
    page.locator(".widget-radio-box input").first.check()
    page.get_by_label(_("I agree")).check()
    button(page, _("Join")).click()
    studio = Studio.open(workshops["db_url"], create=False)
    try:
        for stage in STAGES:
            studio.workshops.set_current_stage(info["id"], stage)
            page.get_by_text(plan.stage(stage).title, exact=True).wait_for(timeout=30_000)
            page.locator(READY[stage]).first.wait_for(timeout=60_000)
            page.wait_for_timeout(1_500)  # the panel's first live redraw
            seen[stage] = lines(page)
    finally:
        studio.close()
    button(page, _("Leave and withdraw everything I added")).click()
    button(page, _("Yes, withdraw everything")).wait_for(timeout=10_000)
    seen["leave step"] = lines(page)
    assert page.evaluate("document.documentElement.lang") == lang
    return seen


def test_every_participant_state_is_in_the_workshops_language(
    browser, studio_server, workshops, phone
):
    server = studio_server(workshops["db_url"])
    english, welsh = ({} for _ in range(2))
    for lang, seen in (("en", english), ("cy", welsh)):
        ctx = browser.new_context(**phone)
        try:
            seen.update(walk(ctx.new_page(), server, workshops, lang))
        finally:
            ctx.close()
    assert set(english) == set(welsh)
    left = {}
    for state, shown in welsh.items():
        same = set(shown) & set(english[state])
        english_left = {t for t in same if wordy(t) and not typed(t) and t not in ALLOWED}
        if english_left:
            left[state] = sorted(english_left)
        # The state really was drawn: it has words, and the Welsh ones are not English.
        assert sum(map(wordy, shown)) >= 3, (state, shown)
    assert left == {}


def code_form_lines(browser, server, phone, accept_language: str) -> tuple[Any, list[str]]:
    """A phone whose browser asks for ``accept_language`` opens the plain join link: its
    context (close it) and the code form's visible text."""
    lang = negotiate(accept_language)
    ctx = browser.new_context(**phone, extra_http_headers={"Accept-Language": accept_language})
    page = ctx.new_page()
    page.goto(f"{server.participant_base}/voila/render/join.ipynb")
    button(page, translator(lang).gettext("Continue")).wait_for(timeout=90_000)
    page.wait_for_function(f"document.documentElement.lang === {lang!r}", timeout=10_000)
    return ctx, lines(page)


def test_a_welsh_phone_sees_the_code_form_in_welsh(browser, studio_server, workshops, phone):
    """Before the code is typed the workshop is not known: the phone's own language (its
    browser's ``Accept-Language``) is the page's, with no English left; the code of an
    English workshop then turns the page English (the plan's language takes over)."""
    server = studio_server(workshops["db_url"])
    en_ctx, english = code_form_lines(browser, server, phone, "en-GB,en;q=0.9")
    en_ctx.close()
    ctx, welsh = code_form_lines(browser, server, phone, "cy-GB,cy;q=0.9,en-GB;q=0.8")
    try:
        assert sum(map(wordy, welsh)) >= 3, welsh
        assert {t for t in set(welsh) & set(english) if wordy(t)} == set()
        page = ctx.pages[0]
        assert page.evaluate("document.documentElement.dir") == "ltr"
        page.get_by_label(translator("cy").gettext("Join code")).fill(workshops["en"]["code"])
        button(page, translator("cy").gettext("Continue")).click()
        button(page, "Join").wait_for(timeout=30_000)
        page.wait_for_function("document.documentElement.lang === 'en'", timeout=10_000)
    finally:
        ctx.close()


def test_the_connection_banner_speaks_the_workshops_language(
    browser, studio_server, workshops, phone
):
    """A phone that loses the studio is told so in Welsh, and its page is ``lang="cy"``."""
    server = studio_server(workshops["db_url"])
    tr = translator("cy")
    ctx = browser.new_context(**phone)
    try:
        page = ctx.new_page()
        page.goto(server.participant_url(workshops["cy"]["code"]))
        button(page, tr.gettext("Join")).wait_for(timeout=90_000)
        assert page.evaluate("document.documentElement.lang") == "cy"
        ctx.set_offline(True)
        banner = page.locator("#codesign-connection")
        banner.wait_for(state="visible", timeout=30_000)
        expected = tr.gettext(
            "Connection lost: this page is paused until it is back. Trying again…"
        )
        assert banner.locator("p").inner_text() == expected
        assert expected != "Connection lost: this page is paused until it is back. Trying again…"
        ctx.set_offline(False)
    finally:
        ctx.close()


def test_the_projector_page_has_the_plans_language(browser, studio_server, workshops):
    """The facilitator's hub on the projector shows the plan's words and what people wrote:
    its ``<html lang>`` is the plan's, so a screen reader reads them in Welsh."""
    server = studio_server(workshops["db_url"])
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        info = workshops["cy"]
        page.goto(server.facilitator_url(info["code"], info["key"]))
        page.wait_for_function("document.documentElement.lang === 'cy'", timeout=90_000)
    finally:
        ctx.close()


#: The projector's parts the room reads (the hub marks them), as text nodes and image alts.
PROJECTED_TEXT = """() => {
  const out = [];
  for (const part of document.querySelectorAll(".codesign-projected")) {
    if (!part.getClientRects().length) continue;
    const walker = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const text = node.textContent.trim();
      const el = node.parentElement;
      if (text && el && !el.closest("script, style, [hidden]") && el.getClientRects().length) {
        out.push(text);
      }
    }
    for (const img of part.querySelectorAll("img[alt]")) out.push(img.alt.trim());
  }
  return out;
}"""
#: A state per stage, so the projector shows each state's name once.
PROJECTOR_STATES = {
    "welcome": "open",
    "goals": "locked",
    "network": "revealed",
    "prototypes": "open",
    "close": "closed",
}
LINE = "Ready to listen"  # a check-in line someone typed


@pytest.fixture(scope="module")
def rooms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """An English and a Welsh workshop of the same day with two people joined, a check-in
    line in each check-in stage, a state per stage and a timer running."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('projector') / 'studio.db'}"
    studio = Studio.open(db_url)
    found = {"db_url": db_url}
    try:
        for lang, (plan, _criteria) in PLANS.items():
            workshop, key = studio.workshops.create(TITLE, plan)
            perspectives = [p.key for p in load_template(plan).perspectives]
            for stage in STAGES:
                studio.workshops.set_stage_state(workshop.id, stage, "open")
            ann, _t = studio.people.join(workshop.id, NAME, perspectives[0], True)
            studio.people.join(workshop.id, "Bo", perspectives[-1], True)
            for stage in ("welcome", "close"):
                studio.entries.add(ann, "checkin", "note", stage, {"text": LINE})
            for stage, state in PROJECTOR_STATES.items():
                studio.workshops.set_stage_state(workshop.id, stage, state)
            found[lang] = {"id": workshop.id, "code": workshop.code, "key": key, "plan": plan}
    finally:
        studio.close()
    return found


def projector_walk(page, server, rooms, lang: str) -> dict[str, list[str]]:
    """The hub's projected parts at every stage of the workshop in ``lang``, by stage."""
    _ = translator(lang).gettext
    info = rooms[lang]
    plan = load_template(info["plan"])
    page.goto(server.facilitator_url(info["code"]))
    page.locator(".codesign-projected").first.wait_for(timeout=90_000)
    page.wait_for_function(f"document.documentElement.lang === {lang!r}", timeout=10_000)
    seen = {}
    studio = Studio.open(rooms["db_url"], create=False)
    try:
        for stage in STAGES:
            studio.workshops.set_current_stage(info["id"], stage)
            studio.workshops.start_timer(info["id"], stage, 600)
            now = _("Now: {stage}").format(stage=plan.stage(stage).title)
            page.get_by_text(now, exact=True).wait_for(timeout=30_000)
            page.get_by_text(_("Time left: {time}").format(time="")).first.wait_for(timeout=10_000)
            seen[stage] = [" ".join(t.split()) for t in page.evaluate(PROJECTED_TEXT)]
    finally:
        studio.close()
    return seen


def test_the_projector_speaks_the_plans_language_at_every_stage(browser, studio_server, rooms):
    """The hub's projected parts (join instructions, counts, who joined, the stage and its
    state, the timer, the check-in wall) in a Welsh workshop have no English left: each
    stage rendered in English and in Welsh shares no words but what people typed."""
    server = studio_server(rooms["db_url"])
    english, welsh = {}, {}
    for lang, seen in (("en", english), ("cy", welsh)):
        ctx = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            seen.update(projector_walk(ctx.new_page(), server, rooms, lang))
        finally:
            ctx.close()
    left = {}
    for stage, shown in welsh.items():
        same = set(shown) & set(english[stage])
        # "System: 1" is a perspective's label in both plans, with its count.
        english_left = {
            t
            for t in same
            if wordy(t)
            and not typed(t)
            and re.sub(r"[:\s\d]+$", "", t).strip() not in ALLOWED | {LINE, "Bo"}
        }
        if english_left:
            left[stage] = sorted(english_left)
        assert sum(map(wordy, shown)) >= 8, (stage, shown)
    assert left == {}
    # Each stage's state, in Welsh words, was on the screen.
    cy = translator("cy")
    for stage, state in PROJECTOR_STATES.items():
        word = cy.gettext(StageState(state).label)
        assert word in welsh[stage], (stage, word)
    assert any(LINE in t for t in welsh["welcome"])  # the check-in wall was drawn
