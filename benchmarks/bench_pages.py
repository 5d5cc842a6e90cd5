"""Participant page speed in a real Chromium: time to a visible widget, and live latency.

One run starts, side by side:

* the studio (``StudioServer``) with the demo workshop in a temporary SQLite file, and
* a bare Voila server with the participant server's exact flags, serving a notebook that
  displays one ``ipywidgets.Label``: the floor that Voila, the pool and the front end allow.

Then it measures:

1. time to interactive: navigation start to the first visible widget, in a fresh browser
   context per load (cold browser cache, as for a phone opening the link), bare and
   participant loads interleaved; medians, p95 and participant/bare (aim: <= 1.2);
2. stage-change latency: a participant page joined through the form; Python writes a stage
   change to the store and the page reports when the new stage title is on screen
   (aim: p95 <= 300 ms).

Usage::

    python benchmarks/bench_pages.py [--loads 10] [--changes 20] [--pool-size 4]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.processes import free_port, terminate_tree
from codesign_widgets.serving.server import StudioServer
from codesign_widgets.serving.voila_args import participant_argv, server_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}

# Runs before any page script: records when the first widget is laid out and visible,
# on the page's own clock (0 = navigation start), so no Python round trip is counted.
FIRST_WIDGET_PROBE = """
(() => {
  const check = () => {
    const el = document.querySelector("#rendered_cells .jupyter-widgets");
    if (el && el.offsetParent !== null && el.getBoundingClientRect().height > 0) {
      window.__firstWidget = performance.now();
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
})();
"""

# Watches for a text on screen and notes when it appears; Date.now() shares the wall clock
# with Python's time.time(). Returns at once: the store write happens after it is armed.
TEXT_PROBE = """
(target) => {
  window.__seenAt = undefined;
  const check = () => {
    if (document.body.innerText.includes(target)) {
      window.__seenAt = Date.now();
    } else {
      requestAnimationFrame(check);
    }
  };
  check();
}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


def bare_notebook(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as widgets\ndisplay(widgets.Label(value='bare page'))"
        )
    ]
    path = folder / "bare.ipynb"
    nbformat.write(nb, path)
    return path


class BareServer:
    """A Voila server with the participant flags, serving only ``bare.ipynb``."""

    def __init__(self, opts: ServeOptions, work: Path) -> None:
        self.folder = work / "bare"
        bare_notebook(self.folder)
        self.log = work / "bare.log"
        self.base = f"http://127.0.0.1:{opts.participant_port}"
        env = server_env(opts.db_url)
        env["VOILA_APP_IP"] = "127.0.0.1"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                participant_argv(opts, self.folder),
                cwd=self.folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def url(self) -> str:
        return f"{self.base}/voila/render/bare.ipynb"

    def wait_pool(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "Kernel pool of bare.ipynb is filled" in self.log.read_text(errors="replace"):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"bare server not ready:\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        terminate_tree(self.proc)


PHASES = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const all = [nav, ...performance.getEntriesByType("resource")];
  const total = (key) => all.reduce((sum, r) => sum + (r[key] || 0), 0);
  // encodedBodySize: what crossed the network, gzip included (the page's own Wi-Fi cost).
  const bytes = total("decodedBodySize");
  const wire = total("encodedBodySize");
  return {
    html: nav.responseEnd,
    dom: nav.domContentLoadedEventEnd,
    widget: window.__firstWidget,
    mb: bytes / 1e6,
    wire_mb: wire / 1e6,
  };
}
"""


def time_to_widget(browser, url: str) -> dict[str, float]:
    """Milliseconds from navigation start: HTML received, DOM ready, first widget visible."""
    context = browser.new_context(**PHONE)
    try:
        context.add_init_script(FIRST_WIDGET_PROBE)
        page = context.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function("window.__firstWidget !== undefined", timeout=60_000, polling=50)
        phases = page.evaluate(PHASES)
        # Lets the page's beforeunload beacon shut its kernel down, as a closing tab does.
        page.close(run_before_unload=True)
        return {k: float(v) for k, v in phases.items()}
    finally:
        context.close()


def measure_loads(
    browser, urls: dict[str, str], loads: int, gap: float, warmup: int
) -> tuple[dict[str, list[float]], dict[str, tuple[float, float]]]:
    """Times to the first widget per page, and each page's weight (MB, MB on the wire)."""
    # The first pages of a fresh browser also pay for its renderer and GPU processes, which
    # a phone that opens a link has running already: they are shown, not counted.
    for i in range(warmup):
        for name, url in urls.items():
            print(f"  warm-up {i + 1}: {name} {time_to_widget(browser, url)['widget']:.0f} ms")
            time.sleep(gap)
    results: dict[str, list[float]] = {name: [] for name in urls}
    weight: dict[str, tuple[float, float]] = {}
    for i in range(loads):
        shown = []
        for name, url in urls.items():
            phases = time_to_widget(browser, url)
            results[name].append(phases["widget"])
            weight[name] = (phases["mb"], phases["wire_mb"])
            shown.append(
                f"{name} {phases['widget']:.0f} ms (html {phases['html']:.0f}, "
                f"dom {phases['dom']:.0f}, {phases['mb']:.1f} MB, "
                f"{phases['wire_mb']:.1f} MB on the wire)"
            )
            # The pool refills one second after a kernel is taken; keep loads warm.
            time.sleep(gap)
        print(f"  load {i + 1}/{loads}: " + "; ".join(shown), flush=True)
    return results, weight


def measure_stage_changes(
    browser, server: StudioServer, studio, code: str, changes: int
) -> list[float]:
    from codesign_widgets.core.templates import load_template

    workshop = studio.workshops.by_code(code)
    stages = load_template(workshop.template).stages[:2]
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(server.participant_url(code))
        name = page.locator(".widget-text input").first
        name.wait_for(timeout=60_000)
        name.fill("Bench")
        page.locator(".widget-radio-box input[type=radio]").first.check()
        page.locator(".widget-checkbox input[type=checkbox]").first.check()
        page.get_by_role("button", name="Join").click()
        studio.workshops.set_current_stage(workshop.id, stages[0].key)
        page.get_by_text(stages[0].title).first.wait_for(timeout=30_000)
        latencies = []
        for i in range(changes):
            stage = stages[(i + 1) % 2]
            page.evaluate(TEXT_PROBE, stage.title)
            studio.workshops.set_current_stage(workshop.id, stage.key)
            committed = time.time() * 1000
            page.wait_for_function("window.__seenAt !== undefined", timeout=30_000, polling=50)
            latencies.append(float(page.evaluate("window.__seenAt")) - committed)
            time.sleep(0.3)
        return latencies
    finally:
        context.close()


def row(name: str, values: list[float]) -> str:
    return (
        f"{name:<24} {len(values):>3} {statistics.median(values):>9.0f} "
        f"{percentile(values, 95):>9.0f} {min(values):>9.0f} {max(values):>9.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=10, help="page loads per page (10)")
    parser.add_argument("--changes", type=int, default=20, help="stage changes timed (20)")
    parser.add_argument("--pool-size", type=int, default=4, help="preheated kernels (4)")
    parser.add_argument("--gap", type=float, default=1.5, help="seconds between loads (1.5)")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted loads first (1)")
    parser.add_argument(
        "--notebooks", type=Path, default=None, help="notebooks folder to serve (the packaged)"
    )
    parser.add_argument("--settle", type=float, default=10, help="seconds to let pools warm (10)")
    args = parser.parse_args(argv)
    # A killed benchmark must still stop its servers (the finally blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from playwright.sync_api import sync_playwright

    from codesign_widgets.cli.demo import create_demo
    from codesign_widgets.studio import Studio

    with tempfile.TemporaryDirectory(prefix="codesign-bench-") as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'studio.db'}"
        studio = Studio.open(db_url)
        code, _key = create_demo(studio)
        opts = ServeOptions(
            db_url=db_url,
            notebooks_root=args.notebooks,
            participant_port=free_port(),
            facilitator_port=free_port(),
            pool_size=args.pool_size,
        )
        bare_opts = ServeOptions(
            db_url=db_url,
            participant_port=free_port(),
            facilitator_port=free_port(),
            # bare.ipynb is not join.ipynb, so it takes the "activity" pool size.
            activity_pool_size=args.pool_size,
        )
        server = StudioServer(opts, work_dir=work / "studio")
        bare = BareServer(bare_opts, work)
        try:
            server.start()
            server.wait_pools()
            bare.wait_pool()
            # "Pool filled" is logged when kernels start, before they have run up to
            # waiting for their request; measuring then would time kernel start-up.
            time.sleep(args.settle)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    print(f"Time to first visible widget ({args.loads} loads each):")
                    loads, weight = measure_loads(
                        browser,
                        {"bare": bare.url(), "participant": server.participant_url(code)},
                        args.loads,
                        args.gap,
                        args.warmup,
                    )
                    time.sleep(args.settle / 2)
                    print(f"Stage change to visible on a joined page ({args.changes} changes):")
                    changes = measure_stage_changes(browser, server, studio, code, args.changes)
                finally:
                    browser.close()
        finally:
            studio.close()
            bare.stop()
            server.stop()

    print()
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'measure (ms)':<24} {'n':>3} {'median':>9} {'p95':>9} {'min':>9} {'max':>9}")
    print(row("bare page to widget", loads["bare"]))
    print(row("participant to widget", loads["participant"]))
    print(row("stage change latency", changes))
    ratio = statistics.median(loads["participant"]) / statistics.median(loads["bare"])
    print()
    print(f"participant/bare median ratio: {ratio:.2f} (aim <= 1.2)")
    print(f"stage change p95: {percentile(changes, 95):.0f} ms (aim <= 300)")
    for name, (mb, wire) in weight.items():
        print(f"{name} page weight: {mb:.1f} MB, {wire:.1f} MB on the wire")
    return 0


if __name__ == "__main__":
    sys.exit(main())
