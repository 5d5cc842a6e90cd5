"""Participant text made safe to show and to hand on: the one escaping rule and the one
spreadsheet-formula rule.

Participant text is untrusted. On a page it goes through :func:`escaped` (or a text widget);
in a file a spreadsheet opens (CSV, Kumu, the open-data package) it goes through
:func:`spreadsheet_safe`, so ``=HYPERLINK(...)`` stays text. Importers of files written by
the studio take the added apostrophe off again (:data:`FORMULA_START`).
"""

from __future__ import annotations

import html

__all__ = ["FORMULA_START", "escaped", "spreadsheet_safe"]

#: What a spreadsheet reads as the start of a formula (OWASP's CSV-injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: object) -> object:
    """Text that a spreadsheet will not run as a formula (a leading ``'``), for exports.

    Anything that is not text is returned as it is.

    >>> spreadsheet_safe('=HYPERLINK("x")')
    '\\'=HYPERLINK("x")'
    >>> spreadsheet_safe("$5 or $10")
    '$5 or $10'
    """
    if isinstance(text, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def escaped(text: str, tag: str = "div", css_class: str = "", style: str = "") -> str:
    """``text`` as inert HTML: every character shown, nothing run.

    >>> escaped("<img src=x onerror=alert(1)>")
    '<div>&lt;img src=x onerror=alert(1)&gt;</div>'
    >>> escaped("Will", "b", css_class="name")
    '<b class="name">Will</b>'
    """
    attrs = ""
    if css_class:
        attrs += f' class="{html.escape(css_class)}"'
    if style:
        attrs += f' style="{html.escape(style)}"'
    body = html.escape(str(text)).replace("\n", "<br>")
    return f"<{tag}{attrs}>{body}</{tag}>"
