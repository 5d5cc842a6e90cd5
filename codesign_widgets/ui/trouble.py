"""A tap whose handler fails unexpectedly says so on the page, instead of doing nothing.

ipywidgets runs a button's click handlers (``CallbackDispatcher``) and a changed value's
handlers (a score chosen, a slider moved: ``Widget._handle_msg``) inside a ``try`` that hands
any exception to the kernel's ``showtraceback``, whose output a Voila page never shows: the
person taps, nothing happens, and nobody learns why (a revealed round with one prototype once
showed no results and no error). Expected problems are :class:`CodesignError` and are told
by :func:`~codesign_widgets.ui.common.run_action`; this is for the rest, the bugs.

:func:`tell_unexpected` wraps the kernel's ``showtraceback`` (one page per kernel): an
exception raised by a tap's handler writes its traceback to a log file and shows one sentence
in the page's notice, in the page's language; the facilitator's pages also name the log
file. The traceback still goes where it went before (a notebook in JupyterLab shows it).
Exceptions from anything else (a notebook cell) are left to IPython as they were.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from ipywidgets.widgets.widget import CallbackDispatcher, Widget

from ..core.failure_log import write_failure_log
from ..core.i18n import N_
from .common import Notice

__all__ = ["FOR_FACILITATOR", "FOR_PARTICIPANT", "from_a_handler", "tell_unexpected"]

# The frames that catch a handler's exception for showtraceback: a click's dispatcher, and
# the wrapper ipywidgets puts around a widget's message handler (a changed value).
_HANDLER_CODES = (CallbackDispatcher.__call__.__code__, Widget._handle_msg.__code__)

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


def from_a_handler(tb: TracebackType | None) -> bool:
    """Whether a traceback passes through a widget's handlers (a tap's or a changed value's).

    >>> try:
    ...     1 / 0
    ... except ZeroDivisionError:
    ...     from_a_handler(sys.exc_info()[2])
    False
    """
    while tb is not None:
        if tb.tb_frame.f_code in _HANDLER_CODES:
            return True
        tb = tb.tb_next
    return False


class _Watcher:
    """The page whose notice is told, and how."""

    def __init__(self) -> None:
        self.notice: Notice | Callable[[], Notice | None] | None = None
        self.facilitator = False
        self.log: Callable[[str, str], Path] = write_failure_log

    def tell(self, kind, exc, tb) -> None:
        notice = self.notice
        if notice is not None and not isinstance(notice, Notice):
            notice = notice()
        if notice is not None:
            _tell(notice, self.facilitator, self.log, kind, exc, tb)


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
            if exc is not None and from_a_handler(tb):
                watcher.tell(kind, exc, tb)
            return before(*args, **kwargs)

        shell.showtraceback = showtraceback
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
