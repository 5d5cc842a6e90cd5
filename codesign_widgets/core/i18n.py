"""Words on the pages in the workshop's language: one :class:`Translator` per language.

A workshop's plan names its language (``language = "cy"``); every page of that workshop takes
its words from ``translator(plan.language)``. Lookups are per workshop, never process-global:
one studio can run a Welsh and a Spanish workshop side by side.

The catalogues are gettext ``.po`` files in ``codesign_widgets/locale/<lang>/LC_MESSAGES/
codesign.po``, read at run time with Babel (no compiled ``.mo`` to go stale) and kept in memory
per language. English is the source language and needs no catalogue, so an English workshop
never imports Babel. ``make messages`` extracts the strings from the code and updates every
catalogue.

Strings are marked for extraction by the way they are used: ``_("...")`` and
``ngettext("...", "...", n)`` where a translator is at hand (``_ = tr.gettext``), and
:func:`N_` where a message is defined before the language is known (stage states, store
errors); the view translates it later with ``tr.gettext(message)``.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import io
import json
from functools import cache
from pathlib import Path

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "Translator",
    "catalogue_path",
    "locale_path",
    "negotiate",
    "translator",
]

DOMAIN = "codesign"
DEFAULT_LANGUAGE = "en"
#: The languages with a catalogue, and what each is called in itself (for the plan's check).
LANGUAGES = {"en": "English", "cy": "Cymraeg", "es": "Español"}


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (gettext's ``N_``).

    >>> N_("Open")
    'Open'
    """
    return message


def _preferences(accept_language: str) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first (``q=0`` and
    ``*`` left out; equal weights keep the browser's order)."""
    weighted = []
    for index, item in enumerate(accept_language.split(",")[:20]):
        tag, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, index, tag[:35]))
    return [tag for _w, _i, tag in sorted(weighted)]


def negotiate(accept_language: str | None) -> str:
    """The language of ours a browser asks for first (its ``Accept-Language`` header), for
    the pages shown before a workshop's plan is known; English when it asks for none of them.

    >>> negotiate("cy-GB,cy;q=0.9,en;q=0.8"), negotiate("fr-FR,es;q=0.5"), negotiate(None)
    ('cy', 'es', 'en')
    >>> negotiate("en-GB,en;q=0.9,cy;q=0.8"), negotiate("cy;q=0, de")
    ('en', 'en')
    """
    preferred = _preferences(accept_language or "")
    if not preferred or preferred[0].lower().split("-")[0] == DEFAULT_LANGUAGE:
        return DEFAULT_LANGUAGE  # most browsers: no Babel import for them
    from babel.core import negotiate_locale

    found = negotiate_locale(preferred, list(LANGUAGES), sep="-", aliases=None)
    return found.lower() if found else DEFAULT_LANGUAGE


def locale_path() -> Path:
    """The folder of catalogues: ``locale/<lang>/LC_MESSAGES/codesign.po``.

    >>> locale_path().name
    'locale'
    """
    return Path(__file__).resolve().parents[1] / "locale"


def catalogue_path(language: str) -> Path:
    """The ``.po`` file of ``language``.

    >>> catalogue_path("cy").parts[-3:]
    ('cy', 'LC_MESSAGES', 'codesign.po')
    """
    return locale_path() / language / "LC_MESSAGES" / f"{DOMAIN}.po"


class Translator:
    """The words of one language: :meth:`gettext`, :meth:`ngettext` and :meth:`format`.

    A message without a translation stays in English (a half-finished catalogue never shows
    an empty button).

    >>> tr = translator("en")
    >>> tr.gettext("Join"), tr.ngettext("{n} dot left", "{n} dots left", 2).format(n=2)
    ('Join', '2 dots left')
    """

    def __init__(self, language: str, translations: _gettext.NullTranslations) -> None:
        self.language = language
        self._translations = translations
        self._direction: str | None = None

    @property
    def direction(self) -> str:
        """``"ltr"`` or ``"rtl"``: the page's ``dir`` in this language (Babel's locale data).

        >>> translator("en").direction, translator("cy").direction
        ('ltr', 'ltr')
        """
        if self._direction is None:
            self._direction = "ltr"
            if self.language != DEFAULT_LANGUAGE:
                from babel.core import Locale, UnknownLocaleError

                with contextlib.suppress(UnknownLocaleError, ValueError):
                    self._direction = Locale.parse(self.language, sep="-").text_direction
        return self._direction

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"

    def gettext(self, message: str) -> str:
        """``message`` in this language (itself when it has no translation).

        >>> translator("en").gettext("Open")
        'Open'
        """
        if not message:
            return message  # gettext("") is the catalogue's header
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of ``singular``/``plural`` for the number ``n`` (Welsh has six).

        >>> translator("en").ngettext("one vote", "{n} votes", 1)
        'one vote'
        """
        return self._translations.ngettext(singular, plural, n)

    def format(self, message: str, /, **params: object) -> str:
        """``message`` translated, then its ``{name}`` placeholders filled in.

        >>> translator("en").format("Welcome back, {name}.", name="Ann")
        'Welcome back, Ann.'
        """
        return self.gettext(message).format(**params)

    def messages(self, ids: list[str]) -> dict[str, str]:
        """A JSON-ready table of these messages for the page's own script (the banner).

        >>> translator("en").messages(["Reload"])
        {'Reload': 'Reload'}
        """
        return {m: self.gettext(m) for m in ids}

    def json(self, ids: list[str]) -> str:
        """:meth:`messages` as JSON, safe inside an HTML attribute once escaped.

        >>> translator("en").json(["Reload"])
        '{"Reload": "Reload"}'
        """
        return json.dumps(self.messages(ids), ensure_ascii=False)


@cache
def translator(language: str | None = None) -> Translator:
    """The :class:`Translator` of ``language`` (``"en"`` when empty), read once per process.

    >>> translator("cy").language, translator(None).language
    ('cy', 'en')
    """
    language = language or DEFAULT_LANGUAGE
    path = catalogue_path(language)
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return Translator(language, _gettext.NullTranslations())
    # Babel only for another language; the .po is read as it is (no compiled .mo to go stale),
    # compiled in memory, and looked up with the standard library's plural handling.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out: they show in English
    buffer.seek(0)
    return Translator(language, _gettext.GNUTranslations(buffer))
