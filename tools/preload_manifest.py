"""Write the list of front-end files every participant page needs (``preload.json``).

    .venv/bin/python tools/preload_manifest.py

Starts the studio with a small workshop, opens the join page in Chromium, joins, and writes
the files the page fetched from the versioned addresses, in the order it first asked for
them, to ``codesign_widgets/serving/share/jupyter/voila/templates/codesign-base/preload.json``.
Pages then ask for all of them at once (``<link rel="preload">``) instead of in four waves
of round trips. Run it again after upgrading Voila, ipywidgets or anywidget:
``tests/browser/test_static_files.py`` fails until the list matches what pages fetch.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from codesign_widgets.serving.options import ServeOptions  # noqa: E402
from codesign_widgets.serving.processes import free_port  # noqa: E402
from codesign_widgets.serving.server import StudioServer  # noqa: E402
from codesign_widgets.serving.static_files import PRELOAD_MANIFEST  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from tests.browser.phone import NO_PRELOAD, front_end_files  # noqa: E402
from tests.protocol_phone import goal_workshop  # noqa: E402

#: Packages whose front end the list describes (written into the file, for the reader).
PACKAGES = ("voila", "ipywidgets", "anywidget", "jupyterlab_widgets")


def main() -> int:
    """Record the join page's front-end files and write them to :data:`PRELOAD_MANIFEST`."""
    from playwright.sync_api import sync_playwright

    os.environ.update(NO_PRELOAD)  # what pages ask for by themselves
    with tempfile.TemporaryDirectory(prefix="codesign-preload-") as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'studio.db'}"
        code, _workshop_id, _key = goal_workshop(db_url, "Preload")
        opts = ServeOptions(
            db_url=db_url, participant_port=free_port(), facilitator_port=free_port()
        )
        with StudioServer(opts, work_dir=work / "studio") as server:
            server.wait_pools()
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    page = browser.new_context(**PHONE).new_page()
                    files = front_end_files(page, server.participant_url(code))
                finally:
                    browser.close()
    manifest = {
        "about": "Written by tools/preload_manifest.py: the front-end files a participant "
        "page fetches, in order. Run it again after upgrading the packages below.",
        "packages": {name: version(name) for name in PACKAGES},
        "files": files,
    }
    PRELOAD_MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"{len(files)} files written to {PRELOAD_MANIFEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
