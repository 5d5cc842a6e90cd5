"""Small pieces every view uses: notices, perspective colours, running an action, swapping a
box's rows. Text on a page goes through :func:`codesign_widgets.core.safe_text.escaped`."""

from __future__ import annotations

import time
from collections.abc import Callable

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.i18n import Translator, translator
from ..core.palette import FALLBACK_COLOURS, GROUP_COLOURS
from ..core.safe_text import escaped
from ..core.workshop import StageState
from .announce import announced
from .keyed import close_later

__all__ = [
    "Notice",
    "RepeatTap",
    "perspective_colour",
    "replace_children",
    "run_action",
    "state_buttons",
]


def perspective_colour(group: str, index: int = 0) -> str:
    """The colour of a perspective group (:mod:`codesign_widgets.core.palette`); groups a
    template invents take the fallbacks by ``index``.

    >>> perspective_colour("provider"), perspective_colour("students", 1)
    ('#D55E00', '#555555')
    """
    return GROUP_COLOURS.get(group, FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)])


class RepeatTap:
    """What a button last saved, so the same tap again within ``window`` seconds (a double
    tap, or a page that reconnected sending its tap again) adds nothing and shows no false
    error: it finds the box emptied by the first tap, or the same words still in it.

    >>> now = [0.0]
    >>> taps = RepeatTap(clock=lambda: now[0])
    >>> taps.repeats("Hello"), taps.saved("Hello"), taps.repeats(""), taps.repeats("Hello")
    (False, None, True, True)
    >>> taps.repeats("Something else")
    False
    >>> now[0] = 4.0; taps.repeats("Hello")
    False
    """

    def __init__(self, window: float = 3.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window, self._clock = window, clock
        self._last: tuple[float, object] | None = None

    def saved(self, words: object) -> None:
        """The tap saved ``words``."""
        self._last = (self._clock(), words)

    def repeats(self, words: object, empty: object = "") -> bool:
        """Whether a tap now, finding ``words`` in the form, is the last one again."""
        if self._last is None or self._clock() - self._last[0] > self.window:
            return False
        return words in (empty, self._last[1])


class Notice(widgets.HTML):
    """A line that tells the person what happened: info, success or a problem.

    A problem is an alert; info and success are read out through the page's live region, and
    a success also shows beside the button that caused it (:mod:`.announce`).

    >>> notice = Notice()
    >>> notice.show("Saved.", "ok")
    >>> 'data-codesign-announce="ok"' in notice.value
    True
    >>> notice.show("Nothing saved: the stage is locked.", "error")
    >>> 'role="alert"' in notice.value and "announce" not in notice.value
    True
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.add_class("codesign-notice")
        # The page's words (the workshop's language); errors are shown in it.
        self.tr = translator()

    def show(self, text: str, kind: str = "info") -> None:
        colour = {"info": "#1a1a1a", "ok": "#05620b", "error": "#a50000"}[kind]
        style = f"color:{colour};font-weight:600"
        if kind == "error":
            self.value = escaped(text, "div", style=style, role="alert")
        else:
            self.value = announced(text, "div", style=style, kind=kind, again=True)
        self.kind = kind

    def clear(self) -> None:
        self.value = ""
        self.kind = ""


def run_action(notice: Notice, action, *args, ok: str = "", **kwargs):
    """Run a user action; a :class:`CodesignError` becomes a message, not a traceback."""
    try:
        result = action(*args, **kwargs)
    except CodesignError as exc:
        notice.show(exc.translated(notice.tr), "error")
        return None
    if ok:
        notice.show(ok, "ok")
    else:
        notice.clear()
    return result if result is not None else True


def replace_children(box: widgets.Box, children: list[widgets.Widget]) -> None:
    """Swap a box's rows; the old ones (with everything they hold) are closed a moment
    later, once no tap on its way can reach them. For lists redrawn live, use
    :class:`~codesign_widgets.ui.keyed.KeyedList`, which keeps unchanged rows."""
    old = [w for w in box.children if w not in children]
    box.children = children
    close_later(old, keep=children)


def withdraw_row(
    text: str, on_withdraw: Callable[[], object], tooltip: str, tr: Translator | None = None
) -> widgets.HBox:
    """A row of a person's own list: the text, shown as text, and a Withdraw button (in
    ``tr``'s language)."""
    _ = (tr or translator()).gettext
    button = widgets.Button(description=_("Withdraw"), icon="undo", tooltip=tooltip)
    button.on_click(lambda _b: on_withdraw())
    return widgets.HBox([widgets.HTML(escaped(text)), button])


def update_withdraw_row(row: widgets.HBox, text: str) -> None:
    """Show new ``text`` in a row made by :func:`withdraw_row` (the same widgets kept)."""
    row.children[0].value = escaped(text)


def state_buttons(
    on_press: Callable[[StageState], object], reveal: str = "Reveal"
) -> dict[StageState, widgets.Button]:
    """The facilitator's Open, Lock, Reveal and Close buttons for a stage, by the state each
    one sets; a click calls ``on_press(state)``. ``reveal`` words the reveal button."""
    buttons = {}
    for state, label, icon in [
        (StageState.OPEN, "Open", "play"),
        (StageState.LOCKED, "Lock", "lock"),
        (StageState.REVEALED, reveal, "eye"),
        (StageState.CLOSED, "Close", "stop"),
    ]:
        button = widgets.Button(description=label, icon=icon)
        button.on_click(lambda _b, s=state: on_press(s))
        buttons[state] = button
    return buttons
