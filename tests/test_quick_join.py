"""The HTML join form's server side (quick_join.py): the store decides, the page says why,
hostile text stays text, and the workshop's language wins over the browser's."""

from __future__ import annotations

import html
import re

import pytest

from codesign_widgets.core.i18n import translator
from codesign_widgets.core.templates import load_template
from codesign_widgets.quick_join import FormFields, QuickJoin, code_page, join_page, joined_page
from codesign_widgets.serving.kernel_guard import SERVER_FULL

from .hostile import HOSTILE

NEXT = "/voila/render/join.ipynb?code={code}"
#: A tag from what was typed: escaping leaves none in a page (the pages' own tags are these).
OURS = {"html", "head", "meta", "title", "style", "link", "body", "main", "h1", "p", "a"}
OURS |= {"form", "input", "label", "fieldset", "legend", "div", "button"}


def tags(page: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", page)}


def join(studio, code, name="Ann", perspective="provider", consent=True, **kwargs):
    fields = FormFields(name, perspective, consent)
    return QuickJoin(studio).join(code, fields, "/codesign/enter", **kwargs)


def test_a_person_joins_once_with_the_stores_rules(studio, workshop):
    out = join(studio, workshop.code.lower())
    assert out.code == workshop.code
    person = studio.people.participant_by_token(workshop.id, out.token)
    assert (person.display_name, person.perspective, person.consent) == ("Ann", "provider", True)
    # Joined: the handler answers "see other", so a reload never posts the form twice.
    assert (out.status, out.page) == (303, "")


def test_youre_in_names_the_person_as_text_and_opens_the_activity_page():
    page = joined_page(translator("cy"), "<b>Ann</b> 🇺🇦", NEXT.format(code="KP7QXA"), ["/a.js"])
    said = html.escape(translator("cy").format("You're in, {name}.", name="<b>Ann</b> 🇺🇦"))
    assert said in page
    assert "<html lang='cy'" in page
    refresh = "<meta http-equiv='refresh' content='0; url=/voila/render/join.ipynb?code=KP7QXA'>"
    assert refresh in page
    assert "<a href='/voila/render/join.ipynb?code=KP7QXA'>" in page  # if the refresh does not
    assert "<link rel='prefetch' href='/a.js'>" in page
    assert tags(page) <= OURS


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"consent": False}, 'tick "I agree" to take part'),
        ({"perspective": ""}, "Please choose how you take part (one of the options)."),
        ({"perspective": "<b>boss</b>"}, None),  # a crafted value: the store's own sentence
        ({"name": "x" * 41}, "Your name is too long (41 characters)"),
    ],
)
def test_each_refusal_says_why_keeps_what_was_typed_and_joins_no_one(
    studio, workshop, fields, said
):
    out = join(studio, workshop.code, **fields)
    assert out.status == 400
    assert not out.token
    assert studio.people.participants(workshop.id) == []
    error = re.search(r"<p class='error' role='alert' id='form-error'>(.*?)</p>", out.page)
    assert error, out.page
    if said:
        assert said in html.unescape(error.group(1))
    assert "<b>" not in out.page
    if fields.get("name"):
        assert f"value='{fields['name']}'" in out.page
    if fields.get("consent") is not False:
        assert "aria-describedby='consent-note' checked" in out.page


def test_a_wrong_code_says_so_in_the_browsers_language_and_escapes_it(studio):
    out = QuickJoin(studio).join(
        "<svg onload=x>", FormFields(), "/codesign/enter", translator("cy")
    )
    assert out.status == 404
    assert "<html lang='cy'" in out.page
    assert "<svg" not in out.page
    assert "&lt;svg onload=x&gt;" in out.page
    assert "No workshop" not in out.page  # the store's sentence, in Welsh


def test_a_full_server_joins_no_one_and_says_what_to_do(studio, workshop):
    out = join(studio, workshop.code, full=(SERVER_FULL.title, SERVER_FULL.advice))
    assert out.status == 503
    assert not out.token
    assert studio.people.participants(workshop.id) == []
    assert "The workshop is full right now Every place on this laptop is taken." in out.page
    assert "try again in a minute" in out.page


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_field_and_the_plan_stays_text(studio, text):
    workshop, _key = studio.workshops.create(text[:80] or "x", "codesign_day")
    out = join(studio, workshop.code, name=text[:40], perspective=text, consent=True)
    assert tags(out.page) <= OURS, tags(out.page) - OURS
    form = join_page(
        translator("en"),
        workshop,
        load_template("codesign_day"),
        "/codesign/enter",
        FormFields(text, text, True),
        error=text,
        prefetch=[text],
    )
    assert tags(form) <= OURS, tags(form) - OURS
    assert tags(code_page(translator("en"), "/x", code=text, error=text)) <= OURS


def test_the_workshops_language_wins_over_the_browsers(studio):
    welsh, _key = studio.workshops.create("Gofal traed", "codesign_day_cy")
    out = join(studio, welsh.code, consent=False, browser=translator("es"))
    assert "<html lang='cy'" in out.page
    assert html.escape(translator("cy").gettext("I agree")) in out.page
    assert "I agree" not in out.page
