"""Participant text made safe to show and to hand on: the one escaping rule and the one
spreadsheet-formula rule.

Participant text is untrusted. On a page it goes through :func:`escaped` (or a text widget),
and a value inside hand-built markup (an SVG shape, an inline style) through
:func:`escaped_attribute`;
in a file a spreadsheet opens (CSV, Kumu, the open-data package) it goes through
:func:`spreadsheet_safe`, so ``=HYPERLINK(...)`` stays text. Importers of files written by
the studio take the added apostrophe off again (:data:`FORMULA_START`).
"""

from __future__ import annotations

import html

__all__ = [
    "FORMULA_START",
    "as_description",
    "escaped",
    "escaped_attribute",
    "isolated_names",
    "spreadsheet_safe",
]

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


def escaped(
    text: str, tag: str = "div", css_class: str = "", style: str = "", **attributes: str
) -> str:
    """``text`` as inert HTML: every character shown, nothing run.

    Further ``attributes`` (an ``href``, a ``role``) come before ``class`` and ``style``,
    escaped the same way.

    >>> escaped("<img src=x onerror=alert(1)>")
    '<div>&lt;img src=x onerror=alert(1)&gt;</div>'
    >>> escaped("Will", "b", css_class="name")
    '<b class="name">Will</b>'
    >>> escaped("Save", "a", "codesign-download", href="data:text/csv;base64,eA==", download='"')
    '<a href="data:text/csv;base64,eA==" download="&quot;" class="codesign-download">Save</a>'
    """
    attrs = "".join(f' {name}="{escaped_attribute(value)}"' for name, value in attributes.items())
    if css_class:
        attrs += f' class="{escaped_attribute(css_class)}"'
    if style:
        attrs += f' style="{escaped_attribute(style)}"'
    body = html.escape(str(text)).replace("\n", "<br>")
    return f"<{tag}{attrs}>{body}</{tag}>"


def as_description(text: object) -> str:
    r"""``text`` as a widget's description that shows as typed: ``$`` and ``\`` escaped for
    the maths typesetter.

    Voila's front end sets a widget's description (and a Label's value) as text, then runs
    MathJax over it, so a pair of dollars became italic maths: a service "Taxi $5 or $10"
    showed as "Taxi 5or10", an HTML description no better (its markup is shown as text
    first). MathJax, as JupyterLab configures it, shows ``\$`` as a dollar and ``\\`` as a
    backslash. For anything longer, an HTML widget with :func:`escaped` is not typeset at all.

    >>> print(as_description("Taxi $5 or $10"))
    Taxi \$5 or \$10
    >>> print(as_description(r"\(x\)"))
    \\(x\\)
    """
    return str(text).replace("\\", "\\\\").replace("$", "\\$")


def escaped_attribute(value: object) -> str:
    """``value`` made safe inside a quoted attribute of hand-built markup (an SVG shape, a
    colour in an inline style), where :func:`escaped` cannot build the element.

    >>> escaped_attribute('#fff" onload="alert(1)')
    '#fff&quot; onload=&quot;alert(1)'
    """
    return html.escape(str(value), quote=True)


def isolated_names(names, separator: str = ", ") -> str:
    """Names as inert HTML, each isolated in a ``<bdi>`` so a right-to-left name does not
    carry the separator or the next name (or a number after it) along with it.

    >>> isolated_names(["Will", "نرگس 6", "<b>May</b>"])
    '<bdi>Will</bdi>, <bdi>نرگس 6</bdi>, <bdi>&lt;b&gt;May&lt;/b&gt;</bdi>'
    """
    return html.escape(separator).join(escaped(name, "bdi") for name in names)
