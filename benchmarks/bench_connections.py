"""How many connections a phone's page holds open: what ``--max-connections-per-client`` (24)
must leave room for.

Chromium (one browser context: one device) opens the studio's participant page, waits for
the join form, and stays on it; the participant server's established TCP connections to its
port are sampled every 50 ms (psutil). Peak: the most at once while the page loads; steady:
after it has been idle for 5 s. Measured for one tab and for four tabs of the same device
(``--max-kernels-per-client``'s default), and for the baseline in the same run: plain Voila
with default settings serving a one-label notebook.

Usage::

    python benchmarks/bench_connections.py
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_pages import CHROMIUM, CHROMIUM_ARGS, PHONE
from bench_room import PlainVoila

from codesign_widgets.serving.connection_cap import DEFAULT_PER_CLIENT
from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.processes import free_port
from codesign_widgets.serving.server import StudioServer
from tests.protocol_phone import goal_workshop

SETTLE_S = 5.0


class Sampler:
    """The most established connections to ``port`` of ``pid``, sampled in a thread."""

    def __init__(self, pid: int, port: int) -> None:
        self.process, self.port = psutil.Process(pid), port
        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> int:
        return sum(
            1
            for c in self.process.net_connections(kind="tcp")
            if c.laddr and c.laddr.port == self.port and c.status == psutil.CONN_ESTABLISHED
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            time.sleep(0.05)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(browser, url: str, pid: int, port: int, tabs: int, ready: str) -> tuple[int, int]:
    """Peak and steady connections while ``tabs`` tabs of one device open ``url``."""
    context = browser.new_context(**PHONE)
    try:
        with Sampler(pid, port) as sampler:
            pages = [context.new_page() for _ in range(tabs)]
            for page in pages:
                page.goto(url, wait_until="domcontentloaded", timeout=180_000)
            for page in pages:
                page.wait_for_selector(ready, state="visible", timeout=180_000)
            time.sleep(SETTLE_S)
            steady = sampler.now()
        return sampler.peak, steady
    finally:
        context.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'studio.db'}"
        code, _id, _key = goal_workshop(db_url, "Connections")
        server = StudioServer(
            ServeOptions(
                db_url=db_url,
                participant_port=free_port(),
                facilitator_port=free_port(),
                pool_size=4,
                max_kernels_per_client=0,
            ),
            work_dir=work / "serve",
        )
        server.start()
        plain = None
        try:
            server.wait_pools()
            plain = PlainVoila(work, db_url)
            pid = server._procs["participant"].pid
            port = server.opts.participant_port
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for tabs in (1, 4):
                        studio = measure(
                            browser,
                            server.participant_url(code),
                            pid,
                            port,
                            tabs,
                            "text=Your name (shown to the group)",
                        )
                        baseline = measure(
                            browser,
                            f"{plain.base}/",
                            plain.proc.pid,
                            plain.port,
                            tabs,
                            "#rendered_cells .jupyter-widgets",
                        )
                        rows.append((tabs, *studio, *baseline))
                finally:
                    browser.close()
        finally:
            if plain is not None:
                plain.stop()
            server.stop()
    print(f"Connections one device holds (cap: {DEFAULT_PER_CLIENT} per address)")
    print(f"{'tabs':>4} | {'studio peak':>11} | {'studio steady':>13} | "
          f"{'plain Voila peak':>16} | {'plain steady':>12}")  # fmt: skip
    for tabs, peak, steady, base_peak, base_steady in rows:
        print(f"{tabs:>4} | {peak:>11} | {steady:>13} | {base_peak:>16} | {base_steady:>12}")


if __name__ == "__main__":
    main()
