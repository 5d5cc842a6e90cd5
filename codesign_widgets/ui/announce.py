"""What a screen reader hears, and where keyboard focus goes, marked in a view's HTML.

Every page (codesign-base template) has one polite live region from the moment it loads, and
a small script (``codesign-a11y.js``) that acts on two marks in rendered HTML:

- :func:`announced`: the text is read out through the live region when it appears (a
  ``role="status"`` element created together with its text is often missed by screen readers).
  ``kind="ok"`` also shows it as a confirmation next to the control the person just used.
- :func:`focus_heading`: a heading that takes keyboard focus when it appears (after Continue,
  Join or a stage change), so a person on a keyboard or a screen reader starts at the new
  section instead of the top of the page.

Views only produce markup; nothing here is sent on its own, and nothing depends on the script
running (without it the page is as it was).
"""

from __future__ import annotations

import itertools

from ..core.safe_text import escaped

__all__ = ["ANNOUNCE", "FOCUS", "announced", "focus_heading"]

#: Attribute of an element whose text the page reads out when it appears.
ANNOUNCE = "data-codesign-announce"
#: Attribute of a heading that takes focus when it appears.
FOCUS = "data-codesign-focus"

_turn = itertools.count(1)


def announced(
    text: str,
    tag: str = "div",
    css_class: str = "",
    kind: str = "info",
    *,
    again: bool = False,
    **attrs,
) -> str:
    """``text`` as inert HTML (:func:`~codesign_widgets.core.safe_text.escaped`) that the page
    reads out when it appears; ``kind="ok"`` also shows it beside the control just used.

    A widget shows a value only when it changes: with ``again=True`` the markup carries a turn
    number, so the same words said twice ("Saved." for two scores) are read twice.
    Otherwise markup drawn again unchanged (a live redraw) is not read again.

    >>> announced("Locked: no more changes", css_class="codesign-state-locked")
    '<div data-codesign-announce="info" class="codesign-state-locked">Locked: no more changes</div>'
    >>> announced("<b>Saved</b>", "p", kind="ok")
    '<p data-codesign-announce="ok">&lt;b&gt;Saved&lt;/b&gt;</p>'
    >>> announced("Saved", kind="ok", again=True) != announced("Saved", kind="ok", again=True)
    True
    """
    if again:
        attrs["data-codesign-turn"] = str(next(_turn))
    return escaped(text, tag, css_class, **{ANNOUNCE: kind}, **attrs)


def focus_heading(text: str, tag: str = "h2", css_class: str = "") -> str:
    """A heading that takes keyboard focus when shown. Each call gives new markup (a turn
    number), so showing the same heading again moves focus to it again.

    >>> first, second = focus_heading("Check-in"), focus_heading("Check-in")
    >>> first != second and first.startswith('<h2 tabindex="-1" data-codesign-focus="')
    True
    >>> focus_heading("<i>Goals</i>").endswith('">&lt;i&gt;Goals&lt;/i&gt;</h2>')
    True
    """
    return escaped(text, tag, css_class, tabindex="-1", **{FOCUS: str(next(_turn))})
