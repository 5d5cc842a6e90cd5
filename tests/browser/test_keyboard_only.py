"""A participant on a keyboard alone (Tab, Enter, Space, arrows): joins, then adds a goal
card, a stakeholder and a tie, and a score, as the facilitator moves the room. After
Continue, Join and every stage change, focus is on the new section's heading; every saved
message is heard through the live region and shown beside the control that caused it.
"""

from __future__ import annotations

import pytest

from codesign_widgets.core.workshop import StageState
from codesign_widgets.studio import Studio

from .phone import heard

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The focused element's accessible name, near enough: its label, or its own text.
FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (!el) return "";
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  const row = el.closest(".widget-inline-hbox, .widget-textarea, .widget-text");
  const described = row && row.querySelector(":scope > .widget-label");
  return (el.getAttribute("aria-label") || label || (described && described.textContent)
          || el.textContent || "").trim();
}"""


def tab_to(page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused control's name starts with ``name``."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED_NAME)
        if now.startswith(name):
            return
        passed.append(now)
    pytest.fail(f"Tab never reached {name!r}; it passed {passed[-12:]}")


def focused_heading(page, text: str) -> None:
    """Focus is on the heading that says ``text`` (it arrives with the kernel's redraw)."""
    page.wait_for_function(
        """(text) => { const el = document.activeElement;
                       return /^H[1-6]$/.test(el.tagName) && el.textContent.includes(text); }""",
        arg=text,
        timeout=30_000,
    )


def saved(page, message: str) -> None:
    """``message`` shows in the notice, beside the control, and is heard."""
    try:
        page.locator(".codesign-notice", has_text=message).wait_for(timeout=15_000)
    except Exception:
        pytest.fail(
            f"not saved: the page says {page.locator('.codesign-notice').all_inner_texts()}"
        )
    page.locator(f'.codesign-confirm[data-text*="{message}"]').wait_for(timeout=5_000)
    assert message in heard(page)


def move(db_url: str, code: str, stage: str) -> None:
    studio = Studio.open(db_url, create=False)
    try:
        workshop = studio.workshops.by_code(code)
        studio.workshops.set_stages(workshop.id, {stage: StageState.OPEN}, current=stage)
        if stage == "prototypes":
            studio.scoring.rounds.open_round(workshop.id, stage)
    finally:
        studio.close()


def test_one_contribution_in_each_activity_by_keyboard_alone(
    browser, studio_server, demo_workshop, phone, axe_js
):
    server = studio_server(demo_workshop["db_url"])
    code, db_url = demo_workshop["code"], demo_workshop["db_url"]
    context = browser.new_context(**phone)
    page = context.new_page()
    keys = page.keyboard
    try:
        page.goto(server.participant_url(code).split("?")[0])
        page.get_by_role("button", name="Continue").wait_for(timeout=60_000)
        tab_to(page, "Join code")
        keys.type(code)
        tab_to(page, "Continue")
        keys.press("Enter")
        focused_heading(page, demo_workshop["title"])

        tab_to(page, "Your name")
        keys.type("Kim")
        tab_to(page, "Lived experience")
        keys.press("Space")
        tab_to(page, "I agree")
        keys.press("Space")
        tab_to(page, "Join")
        # The ring: black (21:1 on the white page) outside a white band that parts it from
        # the blue button, so it shows against both.
        ring = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; }"""
        )
        assert ring == ["solid", "3px", "rgb(0, 0, 0)", "rgb(255, 255, 255) 0px 0px 0px 2px"]
        keys.press("Enter")
        focused_heading(page, "Welcome and check-in")
        assert "You're in, Kim." in heard(page)

        move(db_url, code, "goals")
        focused_heading(page, "What matters: goals")
        tab_to(page, "What matters to me")
        keys.type("Walking to the shops")
        tab_to(page, "The goal, in their own words")
        keys.type("Keep walking on my own")
        tab_to(page, "Podiatry")
        keys.press("Space")
        tab_to(page, "The group (shown on the big screen)")
        keys.press("Space")
        tab_to(page, "Add card")
        keys.press("Enter")
        saved(page, "Card shared with the group.")

        move(db_url, code, "network")
        focused_heading(page, "Who is involved")
        tab_to(page, "Name")
        keys.type("Podiatry bus")
        tab_to(page, "Kind")
        keys.press("ArrowDown")
        tab_to(page, "Add stakeholder")
        keys.press("Enter")
        saved(page, "Added to the map.")
        # The tie form lists the new stakeholder, under the whole name typed: the name went
        # to the kernel when focus left its box, before the key press on Add.
        options = page.get_by_label("To", exact=True).locator("option")
        try:
            options.filter(has_text="Podiatry bus").wait_for(state="attached", timeout=10_000)
        except Exception:
            pytest.fail(
                f"'Podiatry bus' is not offered; the tie form has {options.all_inner_texts()}"
            )
        page.wait_for_timeout(1_000)
        tab_to(page, "From")
        keys.press("ArrowDown")
        tab_to(page, "To")
        chosen = """() => [...document.querySelectorAll("select")].filter(s => s.labels[0]
                     && ["From", "To"].includes(s.labels[0].textContent.trim()))
                     .map(s => s.selectedOptions[0]?.textContent ?? "")"""
        for _ in range(5):  # down the list to someone other than "from"
            keys.press("ArrowDown")
            page.wait_for_timeout(200)
            source, target = page.evaluate(chosen)
            if target and target != source:
                break
        tab_to(page, "Type of tie")
        keys.press("ArrowDown")
        tab_to(page, "Add tie")
        keys.press("Enter")
        saved(page, "Tie added to the map.")

        move(db_url, code, "prototypes")
        page.locator(".codesign-criterion").first.wait_for(timeout=30_000)
        focused_heading(page, "Score the prototypes")
        tab_to(page, "4")
        keys.press("Space")
        first = page.locator(".codesign-criterion").first
        first.locator(".codesign-chosen", has_text="Your score: 4").wait_for(timeout=15_000)
        pressed = first.get_by_role("button", pressed=True)
        assert pressed.all_inner_texts() == ["4"]
        assert first.get_by_role("button", pressed=False).count() == 5  # 1, 2, 3, 5, can't say
        saved(page, "Saved. You can change it until the round closes.")
        # The next criterion: the same words are heard again, and now shown beside it.
        tab_to(page, "2")
        keys.press("Space")
        second = page.locator(".codesign-criterion").nth(1)
        second.locator(".codesign-chosen", has_text="Your score: 2").wait_for(timeout=15_000)
        page.wait_for_function(
            """() => document.querySelector(".codesign-confirm")?.previousElementSibling
                     === document.querySelectorAll(".codesign-criterion")[1]""",
            timeout=5_000,
        )
        assert heard(page).count("Saved. You can change it until the round closes.") == 2
    finally:
        context.close()


def current_stage(db_url: str, code: str) -> str:
    """The title of the stage the room is on, from the store."""
    from codesign_widgets.core.templates import load_template

    studio = Studio.open(db_url, create=False)
    try:
        workshop = studio.workshops.by_code(code)
        return load_template(workshop.template).stage(workshop.current_stage).title
    finally:
        studio.close()


def test_the_hub_by_keyboard_alone_puts_focus_on_each_new_section(
    browser, studio_server, demo_workshop
):
    """The facilitator takes the guided run's next step with Enter: focus lands on the room's
    new stage heading; choosing the run tab by keyboard puts focus on its heading, and a step
    taken there keeps focus on it (not the top of the page)."""
    server = studio_server(demo_workshop["db_url"])
    code, db_url = demo_workshop["code"], demo_workshop["db_url"]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(server.facilitator_url(code))
        step = page.locator(".codesign-next-step").first
        step.wait_for(timeout=90_000)
        tab_to(page, step.inner_text().strip())
        page.keyboard.press("Enter")
        focused_heading(page, "Now: ")
        moved_to = current_stage(db_url, code)
        focused_heading(page, f"Now: {moved_to}")
        assert page.evaluate("document.activeElement.closest('.codesign-room') !== null")

        # The tab bar by keyboard: arrow to the run tab, Enter chooses it.
        tab_to(page, "Room (project this)", limit=200)
        page.keyboard.press("ArrowRight")
        assert page.evaluate(FOCUSED_NAME) == "Run the workshop"
        assert page.locator(".codesign-room").first.is_visible()  # arrowing chose nothing
        page.keyboard.press("Enter")
        focused_heading(page, "Next step")

        # A step taken on the run tab: focus comes back to its heading, on this tab.
        label = page.locator(".codesign-next-step:visible").inner_text().strip()
        tab_to(page, label)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(t) => document.activeElement.tagName === 'H2'"
            " && document.activeElement.textContent === 'Next step'"
            " && document.activeElement.getClientRects().length > 0",
            arg=label,
            timeout=30_000,
        )
        page.wait_for_function(
            "(t) => ![...document.querySelectorAll('.codesign-next-step')]"
            ".some((b) => b.innerText.trim() === t)",
            arg=label,
            timeout=30_000,
        )
    finally:
        context.close()
