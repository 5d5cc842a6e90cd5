"""The projector at 1280x720 and 1920x1080, with a full room (tests/room_size.py): each
stage's live result is above the fold, labels never overlap, long text wraps, no console
errors. A screenshot of every stage is saved with the test's files for a look by eye.

"Above the fold": the live result (marked ``codesign-live-result`` by its view) starts in the top
half of the first screen; a result of fixed size (the join code and QR, the map, the ranking
chart) lies wholly inside it, and a growing one (a wall of 60 cards, the priorities) fills
the screen from there down.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codesign_widgets.core.templates import load_template
from codesign_widgets.studio import Studio

from ..room_size import fill_room

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = [(1280, 720), (1920, 1080)]

#: stage activity -> (facilitator notebook, elements that must lie wholly in the first screen)
PAGES = {
    "checkin": ("facilitator.ipynb", [".codesign-qr", ".codesign-room-join"]),
    "goal_mapping": ("goal_mapping.ipynb", []),
    "stakeholder_network": ("stakeholder_network.ipynb", [".codesign-live-result"]),
    "prototype_scoring": ("prototype_scoring.ipynb", [".codesign-live-result"]),
}

MEASURE = """(selectors) => {
    const shown = (e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0;
    };
    const box = (e) => {
        const r = e.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height};
    };
    const all = (s) => [...document.querySelectorAll(s)].filter(shown).map(box);
    const live = all('.codesign-live-result');
    const whole = selectors.flatMap(all);
    const scrollers = [
        document.scrollingElement, ...document.querySelectorAll('#rendered_cells, .jp-Notebook'),
    ];
    const wide = scrollers
        .filter((e) => e && e.scrollWidth > e.clientWidth + 1)
        .map((e) => e.id || e.className);
    return {live, whole, wide, height: window.innerHeight};
}"""

OVERLAPS = """(selector) => {
    const boxes = [...document.querySelectorAll(selector)]
        .filter((e) => e.textContent.trim())
        .map((e) => { const r = e.getBoundingClientRect();
            return {text: e.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom}; })
        .filter((b) => b.r > b.l);
    const hits = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], c = boxes[j];
        if (a.l < c.r - 0.5 && c.l < a.r - 0.5 && a.t < c.b - 0.5 && c.t < a.b - 0.5)
            hits.push([a.text, c.text]);
    }
    return {count: boxes.length, hits};
}"""


@pytest.fixture(scope="module")
def full_room(demo_workshop: dict[str, str]) -> dict[str, str]:
    """The demo workshop filled as a full room plays it."""
    studio = Studio.open(demo_workshop["db_url"], create=False)
    try:
        fill_room(studio, demo_workshop["code"])
    finally:
        studio.close()
    return demo_workshop


def _check_fold(page, whole: list[str], where: str) -> None:
    found = page.evaluate(MEASURE, whole)
    height = found["height"]
    assert found["live"], f"{where}: no live result shown"
    for box in found["live"]:
        assert 0 <= box["top"] <= height / 2, f"{where}: live result starts at {box['top']:.0f}"
        assert box["bottom"] <= height + 1 or box["height"] > height - box["top"], where
    for box in found["whole"]:
        assert box["top"] >= 0, f"{where}: {box} starts above the screen"
        assert box["bottom"] <= height + 1, f"{where}: {box} is not wholly in the first screen"
    assert not found["wide"], f"{where}: text wider than the screen in {found['wide']}"


def test_every_stage_at_projector_sizes(browser, studio_server, full_room, tmp_path: Path):
    server = studio_server(full_room["db_url"])
    code, key = full_room["code"], full_room["key"]
    studio = Studio.open(full_room["db_url"], create=False)
    workshop = studio.workshops.by_code(code)
    plan = load_template(workshop.template)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        seen = set()
        for stage in plan.stages:
            if stage.activity in seen or stage.activity not in PAGES:
                continue
            seen.add(stage.activity)
            notebook, whole = PAGES[stage.activity]
            studio.workshops.set_current_stage(workshop.id, stage.key)
            page.set_viewport_size({"width": 1280, "height": 720})
            page.goto(server.facilitator_url(code, key, notebook=notebook))
            page.locator(".codesign-live-result:visible").first.wait_for(timeout=90_000)
            if stage.activity == "prototype_scoring":
                page.locator(".codesign-live-result .tick text").first.wait_for(timeout=30_000)
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(1_500)  # the map and charts fit themselves to the new size
                where = f"{stage.key} at {width}x{height}"
                page.screenshot(path=str(tmp_path / f"{stage.key}-{width}x{height}.png"))
                _check_fold(page, whole, where)
                if stage.activity == "prototype_scoring":
                    ticks = page.evaluate(OVERLAPS, ".codesign-live-result .axis .tick text")
                    assert ticks["count"] >= 8, (where, ticks)
                    assert not ticks["hits"], (where, ticks)
            if stage.activity == "stakeholder_network":
                page.get_by_role("tab", name="Power and interest").click()
                page.locator("svg[aria-label='Power and interest grid']").wait_for()
                labels = page.evaluate(OVERLAPS, "svg[aria-label='Power and interest grid'] text")
                assert labels["count"] >= 10, labels
                assert not labels["hits"], labels
        assert seen == set(PAGES), seen
        assert not errors, errors[:5]
    finally:
        studio.close()
        context.close()
