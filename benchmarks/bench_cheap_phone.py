"""A cheap phone: the participant page in Chromium with a 4x slower CPU on slow 4G.

Chromium's DevTools protocol slows the page down as a low-end phone on a weak network would
(``Emulation.setCPUThrottlingRate`` 4, ``Network.emulateNetworkConditions`` 150 ms latency,
1.6 Mbit/s down, 750 kbit/s up). Each page is visited twice by each phone: first with an
empty cache (a fresh browser profile), then again later (the link opened again: the cache
holds what the page let it keep). Five rows of pages, measured in the same run:

* the studio's widget join page (``/voila/render/join.ipynb?code=``, the old path): time to
  the first visible widget, to "You're in" (the join form filled and sent) and to the goal
  wall usable ("Add card" on screen); on the second visit, to "Welcome back" and the wall;
* the studio's HTML join form (``/codesign/enter?code=``, quick_join.py): time to the form,
  to "You're in" (the page the posted form is sent on to) and to the goal wall usable on the
  activity page it then opens; once sent at once, and once after ``--pause`` seconds of
  reading and typing (the form fetches Voila's files meanwhile). Joined and usable count the
  seconds the person waits: the pause and the typing itself are left out, on every row;
* the baseline: plain Voila with default settings serving a one-label notebook;
* a static HTML form of the same fields (the floor any web page has on that phone).

Bytes are what crossed the network (``encodedDataLength``, gzip included; websocket frames
not counted) and requests the HTTP requests that were not answered from the cache. The last
column is what a room of ``--phones`` phones doing the same sends over the venue Wi-Fi.

Usage::

    python benchmarks/bench_cheap_phone.py [--loads 3] [--phones 30] [--pause 20]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_pages import CHROMIUM, CHROMIUM_ARGS, FIRST_WIDGET_PROBE, PHONE
from bench_room import PlainVoila

from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.processes import free_port
from codesign_widgets.serving.server import StudioServer
from tests.protocol_phone import goal_workshop

SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}
STATIC_FORM = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Join</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;font-size:16px}
label,input,button{display:block;margin:.5rem 0;min-height:44px}</style></head><body><main>
<h2>A full room</h2><form method="post">
<label>Your name (shown to the group)<input name="name"></label>
<fieldset><legend>I take part as</legend>
<label><input type="radio" name="p" value="l"> Lived experience</label>
<label><input type="radio" name="p" value="p"> Provider</label>
<label><input type="radio" name="p" value="s"> System</label></fieldset>
<label><input type="checkbox" name="consent"> I agree</label>
<button>Join</button></form></main></body></html>"""
#: The first visible form field (a static form, the studio's HTML form) or widget.
STATIC_PROBE = """
(() => {
  const check = () => {
    const el = document.querySelector(
      "form input:not([type=hidden]), #rendered_cells .jupyter-widgets");
    if (el && el.getBoundingClientRect().height > 0) window.__firstWidget = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""


def serve_static(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(STATIC_FORM, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/index.html"


def _fill_and_send(page) -> float:
    """Fill the join form (widget or HTML) as a person would and send it; the moment sent."""
    page.get_by_label("Your name (shown to the group)").fill("Cheap phone")
    page.get_by_label("Provider", exact=False).first.check()
    page.get_by_label("I agree").check()
    sent = time.monotonic()
    page.get_by_role("button", name="Join").click()
    return sent


def _visit(page, cdp, url: str, join: str, pause: float = 0.0) -> dict[str, float]:
    """One visit of ``url`` on the throttled phone: seconds to the first widget (or form
    field), to joined and to the goal wall usable, and what crossed the network. Joined and
    usable leave out the ``pause`` and the typing (seconds the person waits)."""
    sizes: dict[str, float] = {}
    requests: list[str] = []
    from_cache: set[str] = set()
    told: list[float] = []
    listeners = {
        "Network.requestWillBeSent": lambda e: requests.append(e["requestId"]),
        "Network.requestServedFromCache": lambda e: from_cache.add(e["requestId"]),
        "Network.loadingFinished": lambda e: sizes.__setitem__(
            e["requestId"], e.get("encodedDataLength", 0)
        ),
    }
    for event, listener in listeners.items():
        cdp.on(event, listener)

    def answered(response) -> None:  # the HTML form's "You're in" page arrived
        if "/codesign/enter?" in response.url and "joined=1" in response.url:
            told.append(time.monotonic())

    page.on("response", answered)
    try:
        page.goto(url, wait_until="commit", timeout=300_000)
        page.wait_for_function("window.__firstWidget !== undefined", timeout=300_000, polling=100)
        figures = {"widget": page.evaluate("window.__firstWidget") / 1000}
        wall = page.get_by_role("button", name="Add card")
        if join in ("form", "html"):
            time.sleep(pause)
            sent = _fill_and_send(page)
            if join == "form":
                page.get_by_text("You're in").wait_for(timeout=300_000)
                told.append(time.monotonic())
            else:  # "See other" to "You're in", which opens the activity page
                page.wait_for_url("**/join.ipynb?*joined=1", timeout=300_000)
            figures["joined"] = figures["widget"] + told[0] - sent
            wall.wait_for(timeout=300_000)
            figures["usable"] = figures["widget"] + time.monotonic() - sent
        elif join == "back":  # the phone that joined opens the link again
            page.get_by_text("Welcome back").wait_for(timeout=120_000)
            figures["joined"] = page.evaluate("performance.now()") / 1000
            wall.wait_for(timeout=120_000)
            figures["usable"] = page.evaluate("performance.now()") / 1000
        page.wait_for_load_state("networkidle", timeout=300_000)
        figures["kb"] = sum(sizes.values()) / 1000
        figures["requests"] = len([r for r in set(requests) if r not in from_cache])
        return figures
    finally:
        page.remove_listener("response", answered)
        for event, listener in listeners.items():
            cdp.remove_listener(event, listener)


def _wait_for_identity(context, timeout: float = 60) -> None:
    """Until the page has handed over the participant's cookie (``codesign_<code>``), which
    lets the phone be welcomed back."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        names = {c["name"] for c in context.cookies()}
        if any(n.startswith("codesign_") and n not in ("codesign_page",) for n in names):
            return
        time.sleep(0.2)
    raise RuntimeError("the joined phone never received its participant cookie")


def load(
    browser, url: str, probe: str, join: str, pause: float = 0.0
) -> dict[str, dict[str, float]]:
    """A phone with an empty cache opens ``url`` (and joins with the ``join`` form: "form",
    the widgets; "html", the HTML form, after ``pause`` s), then opens it again later (warm
    cache: what it kept; the studio's phone is welcomed back)."""
    context = browser.new_context(**PHONE)
    try:
        context.add_init_script(probe)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        first = _visit(page, cdp, url, join, pause)
        if join:
            _wait_for_identity(context)
        warm = _visit(page, cdp, url, "back" if join else "")
        page.close(run_before_unload=True)
        return {"first": first, "warm": warm}
    finally:
        context.close()


def _median(runs: list[dict[str, float]], key: str, digits: int) -> str:
    values = [r[key] for r in runs if key in r]
    return f"{statistics.median(values):.{digits}f}" if values else "-"


def report(results: dict[str, list[dict[str, dict[str, float]]]], phones: int) -> None:
    """Print the table: first and warm visits of each page, and a room joining at once."""
    print()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; 4x CPU, slow 4G")
    print(
        f"{'page':<32} {'visit':<6} {'n':>2} {'widget s':>9} {'joined s':>9} {'usable s':>9} "
        f"{'KB':>7} {'requests':>9} {f'{phones} phones MB':>14}"
    )
    for name, loads in results.items():
        for visit in ("first", "warm"):
            runs = [load[visit] for load in loads]
            room = phones * statistics.median(r["kb"] for r in runs) / 1000
            print(
                f"{name:<32} {visit:<6} {len(runs):>2} {_median(runs, 'widget', 2):>9} "
                f"{_median(runs, 'joined', 2):>9} {_median(runs, 'usable', 2):>9} "
                f"{_median(runs, 'kb', 0):>7} "
                f"{_median(runs, 'requests', 0):>9} {room:>14.1f}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=3, help="phones per page (3)")
    parser.add_argument(
        "--phones", type=int, default=30, help="room size for the bytes over Wi-Fi (30)"
    )
    parser.add_argument(
        "--pause",
        type=float,
        default=20.0,
        help="seconds a person reads the HTML form and types before sending it (20)",
    )
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name contains this text"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    results: dict[str, list[dict[str, dict[str, float]]]] = {}
    failed: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="codesign-cheap-") as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'studio.db'}"
        code, _id, _key = goal_workshop(db_url, "A cheap phone")
        opts = ServeOptions(
            db_url=db_url, participant_port=free_port(), facilitator_port=free_port()
        )
        server = StudioServer(opts, work_dir=work / "studio")
        plain = static = None
        try:
            server.start()
            server.wait_pools()
            plain = PlainVoila(work, db_url)
            static, static_url = serve_static(work / "static")
            time.sleep(10)  # the pool's kernels reach their wait for a request
            form_url = f"{server.participant_base}/codesign/enter?code={code}"
            pages = {
                "studio widget join (old)": (
                    server.participant_url(code),
                    FIRST_WIDGET_PROBE,
                    "form",
                    0.0,
                ),
                "studio HTML form, sent at once": (form_url, STATIC_PROBE, "html", 0.0),
                f"studio HTML form, {args.pause:.0f} s typing": (
                    form_url,
                    STATIC_PROBE,
                    "html",
                    args.pause,
                ),
                "plain Voila, one label": (plain.base + "/", FIRST_WIDGET_PROBE, "", 0.0),
                "static HTML form": (static_url, STATIC_PROBE, "", 0.0),
            }
            pages = {name: page for name, page in pages.items() if args.only in name}
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for i in range(args.loads):
                        for name, (url, probe, join, pause) in pages.items():
                            try:
                                got = load(browser, url, probe, join, pause)
                            except PlaywrightError as exc:  # a page stuck: say so, go on
                                failed[name] = failed.get(name, 0) + 1
                                print(f"  phone {i + 1}: {name}: FAILED {exc}"[:300], flush=True)
                                continue
                            results.setdefault(name, []).append(got)
                            print(f"  phone {i + 1}: {name}: {got}", flush=True)
                            time.sleep(2)
                finally:
                    browser.close()
        finally:
            server.stop()
            if plain is not None:
                plain.stop()
            if static is not None:
                static.shutdown()
    report(results, args.phones)
    for name, count in failed.items():
        print(f"{name}: {count} of {args.loads} phones never got there (not in the medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
