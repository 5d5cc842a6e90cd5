"""Two phones add stakeholders and a tie; the projector's network drawing shows them."""

from __future__ import annotations

import pytest

from codesign_widgets.studio import Studio

from .phone import join

pytestmark = pytest.mark.browser

# cytoscape.js keeps its instance on the container element: read what the drawing holds.
DRAWN = """() => {
  const box = Array.from(document.querySelectorAll('div')).find(d => d._cyreg && d._cyreg.cy);
  if (!box) return null;
  const cy = box._cyreg.cy;
  const rect = box.getBoundingClientRect();
  return {
    nodes: cy.nodes().map(n => ({label: n.data('label'), x: rect.left + n.renderedPosition('x'),
                                 y: rect.top + n.renderedPosition('y')})),
    edges: cy.edges().map(e => [e.source().data('label'), e.target().data('label')]),
    box: [rect.left, rect.top, rect.right, rect.bottom],
  };
}"""


def add_stakeholder(page, name: str, kind: str) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Kind", exact=True).select_option(label=kind)
    page.get_by_role("button", name="Add stakeholder").click()
    try:
        page.get_by_text("Added to the map.").wait_for(timeout=30_000)
    except Exception:
        pytest.fail(
            f"not added: the page says {page.locator('.codesign-notice').all_inner_texts()}; "
            f"the form holds {page.get_by_label('Name', exact=True).input_value()!r}, "
            f"{page.get_by_label('Kind', exact=True).input_value()!r}"
        )


def drawn(page) -> dict:
    return page.evaluate(DRAWN) or {"nodes": [], "edges": []}


def test_two_phones_draw_and_the_projector_shows_it(browser, studio_server, demo_workshop, phone):
    studio = Studio.open(demo_workshop["db_url"], create=False)
    workshop = studio.workshops.by_code(demo_workshop["code"])
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    studio.workshops.set_current_stage(workshop.id, "network")
    studio.close()
    server = studio_server(demo_workshop["db_url"])
    code, key = demo_workshop["code"], demo_workshop["key"]

    hub_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    hub = hub_ctx.new_page()
    hub.goto(server.facilitator_url(code, key, notebook="stakeholder_network.ipynb"))
    hub.get_by_text("8 stakeholders and 9 ties shown").wait_for(timeout=90_000)
    hub.wait_for_function(f"() => ({DRAWN})()?.nodes.length === 8", timeout=30_000)

    phones = [browser.new_context(**phone) for _ in range(2)]
    pages = [ctx.new_page() for ctx in phones]
    join(pages[0], server.participant_url(code), "Ann", "Lived experience")
    join(pages[1], server.participant_url(code), "Bob", "System")
    for page in pages:
        page.get_by_role("button", name="Add stakeholder").wait_for(timeout=30_000)

    add_stakeholder(pages[0], "Foot clinic <b>", "Service")
    add_stakeholder(pages[1], "Community pharmacy", "Service")
    # A name already on the map, typed in another case, becomes a rating, not a duplicate.
    pages[1].get_by_label("Name", exact=True).fill("gp PRACTICE")
    pages[1].keyboard.press("Tab")  # the name is sent when they leave the box
    pages[1].get_by_text("Already on the map as “GP practice”").wait_for(timeout=30_000)
    pages[1].get_by_role("button", name="Add my rating").click()
    pages[1].get_by_text("your rating was added").wait_for(timeout=30_000)

    # Bob draws a tie between the two new stakeholders (his list updates live).
    tie_form = pages[1]
    tie_form.get_by_label("From", exact=True).select_option(label="Community pharmacy")
    tie_form.get_by_label("To", exact=True).select_option(label="Foot clinic <b>")
    tie_form.get_by_label("Type of tie").select_option(label="Referral")
    tie_form.get_by_role("button", name="Add tie").click()
    tie_form.get_by_text("Tie added to the map.").wait_for(timeout=30_000)

    hub.get_by_text("10 stakeholders and 10 ties shown").wait_for(timeout=30_000)
    hub.wait_for_function(f"() => ({DRAWN})()?.nodes.length === 10", timeout=30_000)
    picture = drawn(hub)
    labels = {n["label"] for n in picture["nodes"]}
    assert {"Foot clinic <b>", "Community pharmacy"} <= labels
    assert ["Community pharmacy", "Foot clinic <b>"] in picture["edges"]

    # The whole map is on the screen (fitted again as stakeholders arrive).
    hub.wait_for_timeout(1_000)
    picture = drawn(hub)
    left, top, right, bottom = picture["box"]
    for n in picture["nodes"]:
        assert left <= n["x"] <= right, n
        assert top <= n["y"] <= bottom, n

    # A click on a node reaches Python: its details appear beside the drawing.
    node = next(n for n in picture["nodes"] if n["label"] == "Community pharmacy")
    hub.mouse.click(node["x"], node["y"])
    hub.get_by_text("Referral (strength 2)").wait_for(timeout=30_000)
    assert hub.evaluate("() => window.__pwned") is None  # "<b>" stayed text

    studio = Studio.open(demo_workshop["db_url"], create=False)
    net = studio.network.maps.network_map(workshop.id, "network")
    assert len(net.stakeholders) == 10
    assert len(net.ties) == 10
    studio.close()
    for ctx in [hub_ctx, *phones]:
        ctx.close()
