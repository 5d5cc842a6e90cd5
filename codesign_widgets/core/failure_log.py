"""Where ``codesign`` writes what went wrong in detail, so the terminal shows one sentence.

A report or export that fails prints one plain sentence and the path of a log file holding
the details (the traceback, what the notebook's kernel said). The folder is
``$CODESIGN_LOG_DIR`` if set, else the user's log folder (``platformdirs``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

__all__ = ["LOG_ENV", "plain", "write_failure_log"]

LOG_ENV = "CODESIGN_LOG_DIR"
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def plain(text: str) -> str:
    """``text`` without terminal colour codes.

    >>> plain("\\x1b[0;31mNotFound\\x1b[0m: no round")
    'NotFound: no round'
    """
    return _ANSI.sub("", text)


def _folder() -> Path:
    if os.environ.get(LOG_ENV):
        return Path(os.environ[LOG_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_log_dir("codesign-studio", appauthor=False))


def write_failure_log(command: str, details: str) -> Path:
    """Write ``details`` (colour codes removed) to a new log file for ``command``; its path.

    >>> import os, tempfile
    >>> os.environ[LOG_ENV] = tempfile.mkdtemp()
    >>> path = write_failure_log("report", "Traceback: \\x1b[31mboom\\x1b[0m")
    >>> path.name.startswith("codesign-report-"), path.read_text()
    (True, 'Traceback: boom\\n')
    >>> del os.environ[LOG_ENV]
    """
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"codesign-{command}-{stamp}.log"
    path.write_text(plain(details).rstrip() + "\n", encoding="utf-8")
    return path
