"""Shared by the whole run: notebooks under nbval get a demo workshop to open.

Kernels that nbval starts inherit this process's environment, so the database and the page
request (``QUERY_STRING``) they see are set here, before any kernel starts.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_folder = Path(tempfile.mkdtemp(prefix="codesign-tests-"))
_db = f"sqlite:///{_folder / 'nbval.db'}"


def pytest_configure(config):
    if os.environ.get("CODESIGN_DB"):
        return
    from codesign_widgets.cli.demo import create_demo
    from codesign_widgets.cli.demo_played import play_demo
    from codesign_widgets.studio import Studio

    studio = Studio.open(_db)
    code, _key = create_demo(studio)
    play_demo(studio, code)  # every activity has data, so the analyst notebooks show charts
    studio.close()
    os.environ["CODESIGN_DB"] = _db
    os.environ["QUERY_STRING"] = f"code={code}"


def pytest_collection_modifyitems(session, config, items):
    """Browser tests run last. Playwright's sync API keeps an event loop running in this
    thread for the whole session, and tests that start their own loop (``asyncio.run``)
    cannot run after it has started."""
    items.sort(key=lambda item: "browser" in item.path.parts)
