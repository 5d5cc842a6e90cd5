"""Lists that update in place: rows keyed by what they show, closed only when it is safe.

A live view redraws whenever another phone commits. Rebuilding a list's widgets on every
redraw leaks them (closing a box does not close its rows' layouts and styles) and, when they
are closed, races the front end: a tap or a keystroke already on its way reaches a closed
model ("model not found", "Comm not found"). :class:`KeyedList` keeps one widget per key:
an unchanged row sends nothing, a changed row is updated through its traits, a new row is
made once, and a row that went away leaves the box at once but is closed only a few seconds
later (:func:`close_later`), when no message for it can still be in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

import ipywidgets as widgets

__all__ = [
    "CLOSE_AFTER",
    "KeyedList",
    "close_later",
    "close_retired",
    "close_tree",
    "open_widget_count",
    "widgets_in",
]

#: Seconds a widget taken off the page stays open: long enough for a tap, a keystroke or
#: the front end's last update already sent to arrive, even on a slow phone.
CLOSE_AFTER = 5.0

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
W = TypeVar("W", bound=widgets.Widget)

# Widgets taken off the page, with the time from which they may be closed.
_retired: list[tuple[float, list[widgets.Widget], tuple[widgets.Widget, ...]]] = []


def open_widget_count() -> int:
    """How many widgets are open in this kernel (each one is a comm its page holds too)."""
    from ipywidgets.widgets import widget as registry

    return len(registry._instances)


def _held(widget: widgets.Widget) -> list[widgets.Widget]:
    """The widgets ``widget`` holds in its synced traits: children, layout, style, marks..."""
    held = []
    for name in widget.keys:
        value = getattr(widget, name, None)
        values = value if isinstance(value, list | tuple) else [value]
        held.extend(v for v in values if isinstance(v, widgets.Widget))
    return held


def widgets_in(root: widgets.Widget, keep: Iterable[widgets.Widget] = ()) -> list[widgets.Widget]:
    """``root`` and every widget it holds, each once (leaving out ``keep`` and what they hold).

    >>> len(widgets_in(widgets.VBox([widgets.Label("Will")])))  # box, label, their parts
    5
    """
    kept = {id(w) for w in keep}
    seen: set[int] = set()
    todo, found = [root], []
    while todo:
        w = todo.pop()
        if id(w) in seen or id(w) in kept:
            continue
        seen.add(id(w))
        found.append(w)
        todo.extend(_held(w))
    return found


def close_tree(widget: widgets.Widget, keep: Iterable[widgets.Widget] = ()) -> int:
    """Close ``widget`` and every widget it holds (its rows, their layouts and styles, a
    chart's marks and scales), except those in ``keep`` and what they hold. Returns how
    many were closed.

    >>> row = widgets.HBox([widgets.HTML("a"), widgets.Button(description="b")])
    >>> close_tree(row)  # the box, the HTML and the button, each with its layout and style
    8
    """
    closed = 0
    for w in widgets_in(widget, keep):
        if w.comm is not None:
            w.close()
            closed += 1
    return closed


def close_later(
    old: Sequence[widgets.Widget], delay: float = CLOSE_AFTER, keep: Iterable[widgets.Widget] = ()
) -> None:
    """Close ``old`` widgets (and all they hold, but ``keep``) ``delay`` seconds from now.

    They must already be off the page. With no running event loop (tests, a script) there is
    no front end to race, so they are closed at once.
    """
    if not old:
        return
    keep = tuple(keep)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None or delay <= 0:
        for w in old:
            close_tree(w, keep)
        return
    _retired.append((time.monotonic() + delay, list(old), keep))
    loop.call_later(delay + 0.05, close_retired)


def close_retired(now: float | None = None) -> int:
    """Close the retired widgets whose time has come (all of them with ``now=math.inf``);
    returns how many were closed."""
    now = time.monotonic() if now is None else now
    due = [entry for entry in _retired if entry[0] <= now]
    closed = 0
    for entry in due:
        with contextlib.suppress(ValueError):
            _retired.remove(entry)
        for w in entry[1]:
            closed += close_tree(w, entry[2])
    return closed


class KeyedList(Generic[K, V, W]):
    """The rows of ``box``, one widget per key, updated in place.

    ``make(key, value)`` builds a row the first time a key appears; ``update(row, value)``
    brings a row up to date when its value changed (assign traits: an equal value sends
    nothing); rows whose key went away leave ``box`` at once and are closed
    ``close_after`` seconds later. ``header`` and ``footer`` widgets stay around the rows.

    >>> box = widgets.VBox()
    >>> rows = KeyedList(box, make=lambda k, v: widgets.Label(v),
    ...                  update=lambda w, v: setattr(w, "value", v))
    >>> rows.show([(1, "tea"), (2, "bus")])
    >>> first = box.children[0]
    >>> rows.show([(2, "bus"), (1, "tea, no sugar")])
    >>> box.children[1] is first, first.value
    (True, 'tea, no sugar')
    """

    def __init__(
        self,
        box: widgets.Box,
        make: Callable[[K, V], W],
        update: Callable[[W, V], Any] | None = None,
        *,
        header: Sequence[widgets.Widget] = (),
        footer: Sequence[widgets.Widget] = (),
        close_after: float = CLOSE_AFTER,
    ) -> None:
        self.box, self.make, self.update = box, make, update
        self.header, self.footer = list(header), list(footer)
        self.close_after = close_after
        self.rows: dict[K, W] = {}
        self.values: dict[K, V] = {}
        self.made = 0  # rows built so far (tests and benchmarks read it)
        if tuple(box.children) != (*self.header, *self.footer):
            box.children = (*self.header, *self.footer)

    def show(self, items: Iterable[tuple[K, V]]) -> None:
        """Show ``items`` (key, value) in this order: keep, update, add and retire rows."""
        close_retired()  # a backstop for the timer: whatever is due goes now
        rows: dict[K, W] = {}
        values: dict[K, V] = {}
        for key, value in items:
            if key in rows:
                continue  # a key shown once only
            row = self.rows.get(key)
            if row is None:
                row = self.make(key, value)
                self.made += 1
            elif self.update is not None and not _same(self.values.get(key), value):
                self.update(row, value)
            rows[key], values[key] = row, value
        gone = [row for key, row in self.rows.items() if key not in rows]
        self.rows, self.values = rows, values
        children = (*self.header, *rows.values(), *self.footer)
        if tuple(self.box.children) != children:
            self.box.children = children
        close_later(gone, self.close_after)

    def set_footer(self, footer: Sequence[widgets.Widget]) -> None:
        """Show these widgets below the rows (header and footer belong to the caller, who
        keeps them for the next time: they are not closed when they leave the box)."""
        self.footer = list(footer)
        children = (*self.header, *self.rows.values(), *self.footer)
        if tuple(self.box.children) != children:
            self.box.children = children

    def clear(self) -> None:
        """Take every row off (closed later), keep header and footer."""
        self.show(())

    def close(self) -> None:
        """Take every row, the header and the footer off and close them a moment later
        (the list's page is going away; a tap on its way still finds its widget)."""
        old = [*self.header, *self.rows.values(), *self.footer]
        self.rows, self.values, self.header, self.footer = {}, {}, [], []
        if self.box.comm is not None and self.box.children:
            self.box.children = ()
        close_later(old, self.close_after)


def _same(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except Exception:  # a value without a usable == is treated as changed
        return False
