"""The join as a plain HTML form (``/codesign/enter``, quick_join.py) in a real browser.

A phone types a wrong code, then the right one; is told each thing it left out (perspective,
consent), keeping what it typed, with a hostile name; joins, is told "You're in", lands on
the goal wall as that person (still "You're in"), and the join link again is "Welcome back"
without the form. The form pages pass axe-core,
and fetch Voila's files in the background. A form posted from another site is refused, and
when the server has no place for another page the form says so and joins no one.
"""

from __future__ import annotations

import re

import pytest

from codesign_widgets.core.workshop import MAX_DISPLAY_NAME
from codesign_widgets.studio import Studio
from tests.protocol_phone import goal_workshop

from ..hostile import near_limit
from .axe import failures, violations
from .test_hostile_text import WATCH

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = near_limit(MAX_DISPLAY_NAME)  # '<img src=x onerror="window.__pwned=1">\x00\u202e<s'
#: What the store keeps of it (no NUL, no bidi override): shown as text, never as HTML.
SHOWN = re.escape('<img src=x onerror="window.__pwned=1"><s')


def people(db_url: str, code: str) -> list[str]:
    studio = Studio.open(db_url, create=False)
    try:
        workshop = studio.workshops.by_code(code)
        return [p.display_name for p in studio.people.participants(workshop.id)]
    finally:
        studio.close()


@pytest.fixture(scope="module")
def room(tmp_path_factory, studio_server):
    db_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'studio.db'}"
    code, _id, _key = goal_workshop(db_url, "Walking <b>group</b>")
    server = studio_server(db_url)
    server.wait_pools()
    return {"db_url": db_url, "code": code, "server": server}


def test_a_phone_joins_with_the_html_form_and_lands_on_the_goal_wall(browser, phone, axe_js, room):
    server, code = room["server"], room["code"]
    context = browser.new_context(**phone)
    context.add_init_script(WATCH)
    page = context.new_page()
    prefetched: list[str] = []
    page.on(
        "request",
        lambda r: prefetched.append(r.url) if "/voila/v/" in r.url else None,
    )
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{server.participant_base}/codesign/enter")
        assert failures(violations(page)) == []
        page.get_by_label("Join code").fill("ZZZZZZ")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("alert").get_by_text("No workshop has the code ZZZZZZ").wait_for()
        assert page.get_by_label("Join code").get_attribute("aria-invalid") == "true"
        console.clear()  # the wrong code's page is a 404, which the console reports
        page.get_by_label("Join code").fill(code.lower())
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Walking <b>group</b>").wait_for()
        assert failures(violations(page)) == []
        assert any(url.endswith(".js") for url in prefetched), "nothing was prefetched"
        assert console == []  # not even a favicon's 404

        page.get_by_label("Your name (shown to the group)").fill(NAME + "abc")
        page.get_by_label("I agree").check()
        page.get_by_label(re.compile("^Provider")).check()
        page.get_by_role("button", name="Join").click()
        page.get_by_role("alert").get_by_text("Your name is too long").wait_for()
        page.get_by_label("Your name (shown to the group)").fill(NAME)
        page.get_by_label(re.compile("^Provider")).evaluate("el => { el.checked = false; }")
        page.get_by_role("button", name="Join").click()
        page.get_by_role("alert").get_by_text("Please choose how you take part").wait_for()
        typed = page.get_by_label("Your name (shown to the group)").input_value()
        assert typed == NAME.replace("\x00", "")  # a page cannot hold a NUL
        assert page.get_by_label("I agree").is_checked()

        page.get_by_label("I agree").uncheck()
        page.get_by_label(re.compile("^Provider")).check()
        page.get_by_role("button", name="Join").click()
        page.get_by_role("alert").get_by_text('tick "I agree" to take part').wait_for()
        assert page.get_by_label(re.compile("^Provider")).is_checked()
        assert failures(violations(page)) == []
        assert people(room["db_url"], code) == []

        page.get_by_label("I agree").check()
        seen: list[tuple[str, int, str]] = []  # what the browser asked the form, and got
        page.on(
            "response",
            lambda r: (
                seen.append((r.request.method, r.status, r.url.split("/codesign/")[-1]))
                if "/codesign/enter" in r.url
                else None
            ),
        )
        page.get_by_role("button", name="Join").click()
        # "See other" to "You're in", which opens the activity page by itself.
        page.wait_for_url(re.compile(r"/voila/render/join\.ipynb\?code=\w+&joined=1$"))
        joined = f"enter?code={code}&joined=1"
        assert seen == [("POST", 303, "enter"), ("GET", 200, joined)]
        said = context.request.get(f"{server.participant_base}/codesign/{joined}").text()
        assert (
            "You&#x27;re in, &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&lt;s." in said
        )
        assert people(room["db_url"], code) == ['<img src=x onerror="window.__pwned=1"><s']
        # The activity page: the same person, on the goal wall, greeted as new.
        page.get_by_text(re.compile("You're in, " + SHOWN)).wait_for(timeout=90_000)
        page.get_by_role("button", name="Add card").wait_for(timeout=60_000)
        page.reload()  # the same address, just after joining: still "You're in"
        page.get_by_text(re.compile("You're in, " + SHOWN)).wait_for(timeout=90_000)
        # The join link again: straight to the activity page, no form.
        page.goto(f"{server.participant_base}/codesign/enter?code={code}")
        page.wait_for_url(re.compile(r"/voila/render/join\.ipynb\?code="), timeout=60_000)
        page.get_by_text(re.compile("Welcome back, " + SHOWN)).wait_for(timeout=90_000)
        assert people(room["db_url"], code) == ['<img src=x onerror="window.__pwned=1"><s']
        assert page.evaluate("window.__pwnedWrites") == []
        [cookie] = [c for c in context.cookies() if c["name"] == f"codesign_{code}"]
        assert cookie["httpOnly"]
        assert cookie["sameSite"] == "Strict"
    finally:
        context.close()


def test_back_and_a_form_posted_again_never_make_a_second_person(browser, phone, room):
    """Joined, the back button opens the join link again (a GET: the person's page), never
    the posted form; a browser whose cookie names someone that posts the form again (a
    resubmitted page) is sent to that person's page and joins no one."""
    server, code = room["server"], room["code"]
    context = browser.new_context(**phone)
    page = context.new_page()
    posts: list[int] = []
    page.on("response", lambda r: posts.append(r.status) if r.request.method == "POST" else 0)
    try:
        before = people(room["db_url"], code)
        page.goto(f"{server.participant_base}/codesign/enter?code={code}")
        page.get_by_label("Your name (shown to the group)").fill("Will")
        page.get_by_label(re.compile("^Lived experience")).check()
        page.get_by_label("I agree").check()
        page.get_by_role("button", name="Join").click()
        page.get_by_text("You're in, Will.").wait_for(timeout=90_000)
        page.go_back()
        page.wait_for_url(re.compile(r"/voila/render/join\.ipynb\?code=\w+$"), timeout=60_000)
        page.get_by_text("Welcome back, Will.").wait_for(timeout=90_000)
        assert posts == [303]
        again = context.request.post(
            f"{server.participant_base}/codesign/enter",
            form={"code": code, "name": "Will", "perspective": "provider", "consent": "yes"},
            headers={"Sec-Fetch-Site": "same-origin"},
            max_redirects=0,
        )
        assert again.status == 303
        assert again.headers["location"].endswith(f"/voila/render/join.ipynb?code={code}")
        assert people(room["db_url"], code) == [*before, "Will"]
    finally:
        context.close()


def test_a_form_posted_from_another_site_joins_no_one(browser, room):
    server, code = room["server"], room["code"]
    context = browser.new_context()
    try:
        before = people(room["db_url"], code)
        answer = context.request.post(
            f"{server.participant_base}/codesign/enter",
            form={"code": code, "name": "Mallory", "perspective": "provider", "consent": "yes"},
            headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert answer.status == 403
        assert "Open your own link instead" in answer.text()
        assert people(room["db_url"], code) == before
        assert not [c for c in context.cookies() if c["name"].startswith("codesign_")]
    finally:
        context.close()


def test_a_full_server_says_so_and_joins_no_one(browser, phone, tmp_path, studio_server):
    db_url = f"sqlite:///{tmp_path / 'full.db'}"
    code, _id, _key = goal_workshop(db_url, "Full")
    server = studio_server(db_url, max_kernels=1)
    first = browser.new_context(**phone)
    second = browser.new_context(**phone)
    try:
        holder = first.new_page()  # takes the only place: the widget page and its kernel
        holder.goto(server.participant_url(code))
        holder.get_by_role("button", name="Join").wait_for(timeout=90_000)
        page = second.new_page()
        page.goto(f"{server.participant_base}/codesign/enter?code={code}")
        page.get_by_label("Your name (shown to the group)").fill("Bea")
        page.get_by_label(re.compile("^System")).check()
        page.get_by_label("I agree").check()
        page.get_by_role("button", name="Join").click()
        page.get_by_role("alert").get_by_text("The workshop is full right now").wait_for()
        page.get_by_text("Tell the facilitator, and try again in a minute.").wait_for()
        assert page.get_by_label("Your name (shown to the group)").input_value() == "Bea"
        assert people(db_url, code) == []
    finally:
        first.close()
        second.close()
