"""The catalogues: every marked string is translated in every language, placeholders match,
plural forms are right for Welsh (6) and Spanish (2), and lookups are per workshop."""

from __future__ import annotations

import gettext
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from codesign_widgets.core.errors import InvalidInput
from codesign_widgets.core.i18n import LANGUAGES, catalogue_path, translator
from codesign_widgets.ui.page_language import BANNER_MESSAGES, PageLanguage

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
BANNER_JS = (
    ROOT
    / "codesign_widgets/serving/share/jupyter/voila/templates/codesign-base/codesign-connection.js"
)


def extracted() -> dict[str | tuple[str, str], None]:
    """Every string the code marks for translation, as `make messages` extracts it."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found[message] = None
    return found


def catalogue(lang: str):
    with catalogue_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def fields(text: str) -> set[str]:
    """The ``{name}`` placeholders of a message, with their conversion and format spec."""
    return {
        f"{name}!{conv}:{spec}"
        for _lit, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    }


def test_extraction_finds_the_participant_pages_strings():
    """A smoke check that extraction reads Python and the banner script."""
    found = extracted()
    assert "Join a workshop" in found
    assert "Reload" in found  # from codesign-connection.js
    assert ("You have {left} of {n} dot left.", "You have {left} of {n} dots left.") in found
    assert len(found) > 200


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_marked_string_is_translated(lang):
    """No msgid used in the code is missing, empty or fuzzy in the catalogue."""
    cat = catalogue(lang)
    missing = []
    for message in extracted():
        key = message[0] if isinstance(message, tuple) else message
        entry = cat.get(key)
        strings = (
            (entry.string if isinstance(entry.string, tuple) else (entry.string,)) if entry else ()
        )
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(message)
    assert missing == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_match_between_msgid_and_msgstr(lang):
    """A translation keeps every {name} of its message and adds none (a wrong one would
    raise on the page or show the wrong value)."""
    wrong = []
    for entry in catalogue(lang):
        if not entry.id:
            continue
        if isinstance(entry.id, tuple):
            wanted = fields(entry.id[0]) | fields(entry.id[1])
            forms = [fields(s) for s in entry.string]
            # A form may leave the number out ("no dots left"), never add or lose others.
            if any(not f <= wanted for f in forms) or set().union(*forms) != wanted:
                wrong.append(entry.id)
        elif fields(entry.string) != fields(entry.id):
            wrong.append(entry.id)
    assert wrong == []


@pytest.mark.parametrize(
    ("lang", "forms", "examples"),
    [
        ("cy", 6, {0: 0, 1: 1, 2: 2, 3: 3, 6: 4, 4: 5, 5: 5, 11: 5, 100: 5}),
        ("es", 2, {1: 0, 0: 1, 2: 1, 5: 1, 1000000: 1}),
    ],
)
def test_plural_forms(lang, forms, examples):
    """Welsh has six plural forms (zero, one, two, few, many, other), Spanish two; every
    plural message has them all."""
    cat = catalogue(lang)
    assert cat.num_plurals == forms
    rule = gettext.c2py(cat.plural_expr)
    assert {n: rule(n) for n in examples} == examples
    for entry in cat:
        if isinstance(entry.id, tuple):
            assert len(entry.string) == forms, entry.id
            assert all(entry.string), entry.id


def test_a_plural_is_chosen_by_the_number():
    tr = translator("es")
    one = tr.ngettext("You have {left} of {n} dot left.", "You have {left} of {n} dots left.", 1)
    many = tr.ngettext("You have {left} of {n} dot left.", "You have {left} of {n} dots left.", 5)
    assert (one.format(left=1, n=1), many.format(left=2, n=5)) == (
        "Le quedan 1 de 1 punto.",
        "Le quedan 2 de 5 puntos.",
    )


def test_translators_are_per_language_side_by_side():
    """One process serves a Welsh and a Spanish workshop: neither changes the other."""
    cy, es, en = translator("cy"), translator("es"), translator("en")
    assert (cy.gettext("Join"), es.gettext("Join"), en.gettext("Join")) == (
        "Ymuno",
        "Entrar",
        "Join",
    )
    assert cy.gettext("A sentence nobody marked") == "A sentence nobody marked"


def test_store_errors_stay_english_for_logs_and_are_translated_on_the_page():
    """An error's str() is English (logs, the command line); the page shows it translated,
    its parameters filled in and a parameter that is itself a message translated too."""
    from codesign_widgets.core.workshop import clean_text

    with pytest.raises(InvalidInput) as info:
        clean_text("x" * 50, what="Your line", max_length=10)
    error = info.value
    assert str(error) == (
        "Your line is too long (50 characters): please shorten it to at most 10 characters."
    )
    assert error.translated(translator("cy")) == (
        "Eich llinell: mae'n rhy hir (50 llythyren). Gwnewch ef yn fyrrach, hyd at 10 llythyren."
    )
    assert error.translated(translator("en")) == str(error)


def test_banner_messages_are_the_scripts_strings():
    """The sentences the kernel sends for the banner are the ones codesign-connection.js
    looks up (a changed sentence in one place would show English on a Welsh page)."""
    in_script = [m for _l, m, _c, _x in extract_from_file("javascript", str(BANNER_JS))]
    assert set(in_script) == set(BANNER_MESSAGES)


def test_page_language_carries_the_banner_words():
    marker = PageLanguage(translator("cy"))
    assert 'data-codesign-lang="cy"' in marker.value
    assert "Ail-lwytho" in marker.value  # "Reload"
    assert "<script" not in marker.value


def test_a_plan_names_its_language(tmp_path):
    """A plan's language is checked: an unknown one is refused with what to use instead."""
    from codesign_widgets.core.templates import data_path, load_template, read_template

    assert load_template("codesign_day").language == "en"
    text = (data_path() / "templates" / "care_planning.toml").read_text(encoding="utf-8")
    plan = tmp_path / "plan_xx.toml"
    plan.write_text('language = "xx"\n' + text, encoding="utf-8")
    with pytest.raises(InvalidInput, match="use one of en"):
        read_template(plan)


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("cy-GB,cy;q=0.9,en-GB;q=0.8,en;q=0.7", "cy"),
        ("en-GB,en;q=0.9,cy;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,es;q=0.4,cy;q=0.3", "es"),
        ("de, CY-gb;q=0.2", "cy"),
        ("es;q=0, cy;q=0.1", "cy"),
        ("ES-419", "es"),
        ("*", "en"),
        ("fr", "en"),
        ("", "en"),
        (";;;q=,,=;", "en"),
        ("x" * 5000, "en"),
    ],
)
def test_a_browser_header_is_negotiated_against_our_catalogues(header, lang):
    """The first of our languages the browser asks for, by weight; English when none."""
    from codesign_widgets.core.i18n import negotiate

    assert negotiate(header) == lang


def test_the_code_form_speaks_the_browsers_language_until_the_plan_does(studio):
    """A Welsh phone sees the code form, and a wrong code's error and the wait after many, in
    Welsh; the code of an English workshop turns the page English (the plan wins)."""
    from codesign_widgets.room.join import ParticipantApp

    cy = translator("cy")
    english, _key = studio.workshops.create("Foot care", "codesign_day")
    app = ParticipantApp(studio, language="cy")
    assert app.code_form.code_button.description == cy.gettext("Continue")
    assert app.code_form.code_input.description == cy.gettext("Join code") == "Cod ymuno"
    assert 'data-codesign-lang="cy"' in app.language.value
    app.enter_code("ZZZZZ1")
    assert "ZZZZZ1" in app.notice.value
    assert "No workshop" not in app.notice.value  # the store's error, in Welsh
    now = [0.0]
    app._tries._clock = lambda: now[0]
    for i in range(6):
        app.enter_code(f"ZZZZZ{i}")
    assert "Arhoswch 2 eiliad" in app.notice.value
    now[0] = 10.0
    assert app.enter_code(english.code)
    assert app.join_form.join_button.description == "Join"
    assert 'data-codesign-lang="en"' in app.language.value


def test_pages_before_any_workshop_speak_the_browsers_language():
    """The server's refusal and sign-in pages: Welsh words, lang and dir, escaped."""
    from codesign_widgets.serving.kernel_guard import CLIENT_FULL, SERVER_FULL, refusal_page
    from codesign_widgets.serving.session_routes import USED_LINK, sign_in_page

    cy = translator("cy")
    for refusal in (CLIENT_FULL, SERVER_FULL):
        page = refusal_page(refusal, cy)
        assert page.startswith("<!doctype html><html lang='cy' dir='ltr'>")
        assert refusal.title not in page
        assert cy.gettext(refusal.title).replace("'", "&#x27;") in page
        assert f"<a href=''>{cy.gettext('Try again')}</a>" in page
    for page in (sign_in_page(cy), sign_in_page(cy, USED_LINK)):
        assert "<html lang='cy' dir='ltr'>" in page
        assert "<code>codesign serve</code>" in page
        assert "{command}" not in page
        assert "Sign in" not in page
        assert "Each hub link" not in page
    assert "<html lang='en' dir='ltr'>" in sign_in_page(translator("en"))
