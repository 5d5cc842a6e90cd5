"""A tap whose handler fails unexpectedly says so on the page, instead of doing nothing.

ipywidgets runs a button's click handlers inside ``CallbackDispatcher`` and hands any
exception to the kernel's ``showtraceback``, whose output a Voila page never shows; an
exception in a handler of a changed value (a score chosen, a slider moved) is logged by the
``comm`` package in the kernel's log. Either way the person taps, nothing happens, and nobody
learns why (a revealed round with one prototype once
showed no results and no error). Expected problems are :class:`CodesignError` and are told
by :func:`~codesign_widgets.ui.common.run_action`; this is for the rest, the bugs.

:func:`tell_unexpected` wraps the kernel's ``showtraceback`` (one page per kernel): an
exception raised by a tap's handler writes its traceback to a log file and shows one sentence
in the page's notice, in the page's language; the facilitator's pages also name the log
file. The traceback still goes where it went before (a notebook in JupyterLab shows it).
A changed value's handler is caught from the ``comm`` package's ``"Comm"`` logger.
Exceptions from anything else (a notebook cell) are left to IPython as they were.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from ipywidgets.widgets.widget import CallbackDispatcher

from ..core.failure_log import write_failure_log
from ..core.i18n import N_
from .common import Notice

__all__ = ["COMM_LOGGER", "FOR_FACILITATOR", "FOR_PARTICIPANT", "from_a_tap", "tell_unexpected"]

_TAP_CODE = CallbackDispatcher.__call__.__code__
#: Where the ``comm`` package logs an exception raised while a widget takes a changed value.
COMM_LOGGER = "Comm"

#: What a participant reads: what happened and what to do next.
FOR_PARTICIPANT = N_(
    "Something went wrong in the studio, so that may not have worked. Please try again; if "
    "it happens again, tell the facilitator."
)
#: What a facilitator reads: the same, and where the details are.
FOR_FACILITATOR = N_(
    "Something went wrong in the studio ({error}), so that may not have worked. Try again; "
    "if it happens again, the details are in {path}."
)


def from_a_tap(tb: TracebackType | None) -> bool:
    """Whether a traceback passes through the handler of a widget's tap (``on_click``).

    >>> try:
    ...     1 / 0
    ... except ZeroDivisionError:
    ...     from_a_tap(sys.exc_info()[2])
    False
    """
    while tb is not None:
        if tb.tb_frame.f_code is _TAP_CODE:
            return True
        tb = tb.tb_next
    return False


class _Watcher(logging.Handler):
    """Tells the page's notice about a bug met by a tap (``showtraceback``) or by a changed
    value's handler (the ``comm`` package logs those to its ``"Comm"`` logger)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.notice: Notice | Callable[[], Notice | None] | None = None
        self.facilitator = False
        self.log: Callable[[str, str], Path] = write_failure_log

    def tell(self, kind, exc, tb) -> None:
        notice = self.notice if isinstance(self.notice, Notice) or self.notice is None else None
        if notice is None and self.notice is not None:
            notice = self.notice()
        if notice is not None:
            _tell(notice, self.facilitator, self.log, kind, exc, tb)

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.tell(*record.exc_info)


def tell_unexpected(
    notice: Notice | Callable[[], Notice | None],
    *,
    facilitator: bool,
    shell=None,
    log: Callable[[str, str], Path] = write_failure_log,
) -> bool:
    """From now on, an unexpected exception in this kernel's widget handlers (a tap's, or a
    changed value's) is logged in full (``log("page", details)``) and told in ``notice`` (or
    the notice a function gives, for a page that changes what it shows). Whether a kernel
    shell was found to watch (``shell`` defaults to the running IPython's; there is none
    outside a kernel). Called again, the newest page's notice is told (once).

    >>> tell_unexpected(Notice(), facilitator=False)  # no kernel here
    False
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        return False
    watcher = getattr(shell, "_codesign_trouble", None)
    if watcher is None:
        watcher = shell._codesign_trouble = _Watcher()
        before = shell.showtraceback

        def showtraceback(*args, **kwargs):
            kind, exc, tb = sys.exc_info()
            if exc is not None and from_a_tap(tb):
                watcher.tell(kind, exc, tb)
            return before(*args, **kwargs)

        shell.showtraceback = showtraceback
        logging.getLogger(COMM_LOGGER).addHandler(watcher)
    watcher.notice, watcher.facilitator, watcher.log = notice, facilitator, log
    return True


def _tell(notice: Notice, facilitator: bool, log, kind, exc, tb) -> None:
    details = "".join(traceback.format_exception(kind, exc, tb))
    try:
        path = log("page", details)
    except OSError as problem:  # a full disk must not hide the first problem
        path = f"(no log written: {problem.strerror or problem})"
    if facilitator:
        text = notice.tr.format(FOR_FACILITATOR, error=kind.__name__, path=str(path))
    else:
        text = notice.tr.gettext(FOR_PARTICIPANT)
    notice.show(text, "error")
