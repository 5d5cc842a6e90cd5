"""The page's language, from the workshop's plan: ``<html lang dir>`` and the banner's words.

Before a workshop is known (the join-code form), the page speaks the language the browser
asks for (``Accept-Language``, negotiated against our catalogues); once the code is typed,
the plan's language takes over.

The page is served before its kernel knows the workshop, so the kernel says it: an invisible
element carries ``data-codesign-lang`` and, as JSON, the connection banner's sentences in
that language; ``codesign-lang.js`` in the page template sets ``<html lang>`` from it and
hands the sentences to ``codesign-connection.js``. Screen readers then read the page in
the workshop's language, and a lost connection is told in it too.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..core.i18n import N_, Translator, translator

__all__ = ["BANNER_MESSAGES", "PageLanguage"]

#: The sentences of codesign-connection.js (tests/test_i18n.py checks the two lists agree).
BANNER_MESSAGES = [
    N_("Connection lost: this page is paused until it is back. Trying again…"),
    N_("Back in touch with the studio: bringing your page back…"),
    N_("This page is still empty. Loading it again…"),
    N_("Part of this page did not arrive. Loading it again…"),
    N_(
        "The studio is not answering (check that this device is on the workshop's Wi-Fi): "
        "this page comes back by itself when it answers, or tap Reload."
    ),
    N_(
        "This page could not come back by itself. Tap Reload; if it stays like this, "
        "tell the facilitator."
    ),
    N_("Reload"),
]


class PageLanguage(widgets.HTML):
    """Invisible: tells the page its language and the banner's words in it.

    >>> marker = PageLanguage(translator("en"))
    >>> 'data-codesign-lang="en"' in marker.value
    True
    """

    def __init__(self, tr: Translator | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.add_class("codesign-page-language")
        self.layout.display = "none"
        self.set_translator(tr or translator())

    def set_translator(self, tr: Translator) -> None:
        """Say ``tr``'s language (the page follows at once)."""
        self.language = tr.language
        self.value = (
            f'<span hidden data-codesign-lang="{html.escape(tr.language)}" '
            f'data-codesign-dir="{html.escape(tr.direction)}" '
            f'data-codesign-text="{html.escape(tr.json(BANNER_MESSAGES))}"></span>'
        )
