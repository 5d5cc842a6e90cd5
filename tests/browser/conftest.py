"""Fixtures for tests that drive a real Chromium against running Voila servers.

Chromium comes from Debian (``/usr/bin/chromium``); ``playwright install`` is never used.
Without it the browser tests skip on a laptop, but fail under ``CI=true``: a CI run that
silently skipped them would report a green suite that never opened a page.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.processes import free_port
from codesign_widgets.serving.server import StudioServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Pages are on loopback or the LAN; an inherited proxy setting must not route them.
    "--no-proxy-server",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium shared by the session; each test opens its own context."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core's script, fetched once by ``make axe`` (the tests never reach a network)."""
    from .axe import AXE_JS

    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS.name} of axe-core not found: run 'make axe' once")
    return AXE_JS


@pytest.fixture
def phone() -> dict[str, Any]:
    """``browser.new_context(**phone)`` options: a 360x740 touch screen."""
    return {**PHONE, "viewport": dict(PHONE["viewport"])}


@pytest.fixture(scope="module")
def studio_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., StudioServer]]:
    """Factory: ``studio_server(db_url, **options)`` starts both servers on free ports.

    Every server it started is stopped when the module ends, failed tests included.
    Options default to a pool of 1 so a two-core machine is not busy warming kernels, and
    to no per-device page limit (``test_resource_limits.py`` tests it).
    """
    started: list[StudioServer] = []

    def start(db_url: str, **options: Any) -> StudioServer:
        options.setdefault(
            "participant_port", free_port(options.get("participant_host", "127.0.0.1"))
        )
        options.setdefault("facilitator_port", free_port())
        options.setdefault("pool_size", 1)
        # One machine plays every phone; on a LAN each phone has an address of its own.
        options.setdefault("max_kernels_per_client", 0)
        server = StudioServer(
            ServeOptions(db_url=db_url, **options),
            work_dir=tmp_path_factory.mktemp("serve"),
        )
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def demo_workshop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A demo workshop in a fresh SQLite file: ``db_url``, ``code``, ``key``, ``title``."""
    from codesign_widgets.cli.demo import create_demo
    from codesign_widgets.studio import Studio

    db_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'studio.db'}"
    studio = Studio.open(db_url)
    try:
        code, key = create_demo(studio)
        title = studio.workshops.by_code(code).title
    finally:
        studio.close()
    return {"db_url": db_url, "code": code, "key": key, "title": title}
