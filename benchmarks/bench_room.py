"""A full room: N phones open the participant link within 10 s, join and reach the first activity.

One run starts, one after the other on the same machine:

* the studio (``StudioServer``, default settings) with a workshop whose current stage is an open
  goal-mapping stage (the first activity a phone reaches after joining), and
* the baseline: plain Voila with default settings (``voila bare.ipynb``: no pool, no limits)
  serving a notebook that displays one ``ipywidgets.Label``, opened by the same N phones.

Most phones are *protocol phones* (``tests/protocol_phone.py``): HTTP and the kernel websocket
as Voila's page sends them, so the two cores measure the server, not N browsers. A few are real
Chromium pages (``--browsers``, Debian's Chromium) for the end-to-end figure. Each row of the
table says which kind of phone it comes from.

Measured per wave: time to interactive (page request to every widget's state loaded; in
Chromium, to the first visible widget), time to joined ("You're in" on screen), time to the
first activity (the "Add card" form), errors (refused or blank pages, error notices), the
participant server's CPU seconds (server and kernels) and resident memory per kernel. Then,
with every phone joined: idle CPU per phone, and card submit to projector: the time from a
phone's tap on "Add card" to the facilitator's wall (a protocol client on the facilitator
server's goal-mapping page) showing that card, while all N phones are active.

Usage::

    python benchmarks/bench_room.py --phones 10 [--browsers 2] [--cards 2] [--no-baseline]

Figures depend on the machine's load: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_pages import CHROMIUM, CHROMIUM_ARGS, FIRST_WIDGET_PROBE, PHONE, bare_notebook

from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.processes import free_port, terminate_tree
from codesign_widgets.serving.server import StudioServer
from codesign_widgets.serving.voila_args import server_env
from tests.protocol_phone import (
    PageRefused,
    ProtocolPhone,
    add_card,
    goal_prompts,
    goal_workshop,
    join,
    percentile,
)

PERSPECTIVES = ("Lived", "Provider", "System")
ADD_CARD = "Add card"


# -- the servers ------------------------------------------------------------------------------
class PlainVoila:
    """``voila bare.ipynb`` with Voila's default settings (the baseline)."""

    def __init__(self, work: Path, db_url: str) -> None:
        folder = work / "plain"
        notebook = bare_notebook(folder)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = work / "plain.log"
        argv = [sys.executable, "-m", "voila", "--no-browser", f"--port={self.port}"]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [*argv, str(notebook)],
                cwd=folder,
                env=server_env(db_url),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        from codesign_widgets.serving.processes import answers_http

        # Any answer will do: a 404 here, never "/", which starts a kernel per request.
        while not answers_http(self.base + "/codesign-ready", timeout=1.0):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()  # and the kernels it started meanwhile
                raise RuntimeError(f"plain Voila did not start:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        terminate_tree(self.proc)


# -- CPU and memory of a server and its kernels -----------------------------------------------
class TreeMeter:
    """CPU seconds used by a process and its descendants (kernels that come and go included);
    by several servers and theirs when given several pids."""

    def __init__(self, pid: int | tuple[int, ...]) -> None:
        self.roots = [psutil.Process(p) for p in ((pid,) if isinstance(pid, int) else pid)]
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.sample(first=True)

    def _family(self) -> list[psutil.Process]:
        family = []
        for root in self.roots:
            try:
                family += [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
        return family

    def sample(self, first: bool = False) -> None:
        for proc in self._family():
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            used = times.user + times.system
            if first:
                self.first[proc.pid] = used
            self.first.setdefault(proc.pid, 0.0)
            self.last[proc.pid] = used

    def seconds(self) -> float:
        self.sample()
        return sum(self.last[p] - self.first.get(p, 0.0) for p in self.last)

    def server_seconds(self) -> float:
        """CPU seconds of the server processes alone (they relay every kernel's messages)."""
        pids = [root.pid for root in self.roots]
        return sum(self.last.get(p, 0.0) - self.first.get(p, 0.0) for p in pids)

    def kernel_rss_mb(self) -> list[float]:
        sizes = []
        for proc in self._family():
            try:
                if any("ipykernel" in part for part in proc.cmdline()):
                    sizes.append(proc.memory_info().rss / 1e6)
            except psutil.Error:
                continue
        return sizes


async def sampling(meter: TreeMeter, stop: asyncio.Event) -> None:
    while not stop.is_set():
        meter.sample()
        await asyncio.sleep(0.5)


# -- one phone --------------------------------------------------------------------------------
async def protocol_phone(
    base: str, path: str, name: str, delay: float, joining: bool, result: dict
) -> ProtocolPhone | None:
    await asyncio.sleep(delay)
    phone = ProtocolPhone(base, name)
    started = time.monotonic()
    try:
        await phone.open(path)
        result["interactive"] = phone.times["interactive"]
        if joining:
            await join(phone, name, PERSPECTIVES[hash(name) % 3])
            result["joined"] = time.monotonic() - started
            await phone.wait_for(lambda: phone.find("ButtonModel", description=ADD_CARD), 120)
            result["activity"] = time.monotonic() - started
            shown = phone.error_shown()
            if shown:
                result["error"] = f"error shown: {shown[0]}"
        return phone
    except PageRefused as exc:
        result["error"] = f"refused {exc.status}"
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {str(exc)[:120]}"
    await phone.close()
    return None


async def browser_phone(browser, url: str, name: str, delay: float, result: dict) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(**PHONE)
    try:
        await context.add_init_script(FIRST_WIDGET_PROBE)
        page = await context.new_page()
        await page.goto(url, wait_until="commit", timeout=180_000)
        await page.wait_for_function(
            "window.__firstWidget !== undefined", timeout=180_000, polling=50
        )
        result["interactive"] = await page.evaluate("window.__firstWidget") / 1000
        join_button = page.get_by_role("button", name="Join")
        if await join_button.count():
            await page.get_by_label("Your name (shown to the group)").fill(name)
            await page.get_by_label("Provider", exact=False).first.check()
            await page.get_by_label("I agree").check()
            await join_button.click()
            await page.get_by_text("You're in").wait_for(timeout=120_000)
            result["joined"] = await page.evaluate("performance.now()") / 1000
            await page.get_by_role("button", name=ADD_CARD).wait_for(timeout=120_000)
            result["activity"] = await page.evaluate("performance.now()") / 1000
        result["page"] = page
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {str(exc)[:120]}"
        await context.close()


# -- a wave -----------------------------------------------------------------------------------
async def wave(
    base: str,
    path: str,
    n: int,
    browsers: int,
    window: float,
    joining: bool,
    pid: int | tuple[int, ...],
) -> dict:
    """N phones open ``path`` at random moments within ``window`` seconds."""
    rng = random.Random(n)
    delays = sorted(rng.uniform(0, window) for _ in range(n))
    meter = TreeMeter(pid)
    stop = asyncio.Event()
    sampler = asyncio.create_task(sampling(meter, stop))
    results = [{"kind": "chromium" if i < browsers else "protocol"} for i in range(n)]
    pw = browser = None
    tasks = []
    if browsers:
        from playwright.async_api import async_playwright

        pw = await async_playwright().start()
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    started = time.monotonic()
    # Chromium pages open at spread moments of the wave (every n/browsers-th slot).
    slots = set(range(0, n, max(1, n // max(1, browsers)))[:browsers]) if browsers else set()
    order = iter(range(browsers))
    protocol_index = browsers
    for i, delay in enumerate(delays):
        if i in slots:
            k = next(order)
            tasks.append(browser_phone(browser, base + path, f"Chromium {k}", delay, results[k]))
        else:
            k = protocol_index
            protocol_index += 1
            tasks.append(protocol_phone(base, path, f"Phone {k}", delay, joining, results[k]))
    phones = await asyncio.gather(*tasks)
    took = time.monotonic() - started
    cpu = meter.seconds()
    stop.set()
    await sampler
    return {
        "results": results,
        "phones": [p for p in phones if p is not None],
        "cpu": cpu,
        "took": took,
        "rss": meter.kernel_rss_mb(),
        "meter": meter,
        "browser": (pw, browser),
    }


async def idle_cpu(pid: int | tuple[int, ...], seconds: float) -> float:
    meter = TreeMeter(pid)
    await asyncio.sleep(seconds)
    return meter.seconds()


async def cards_to_projector(
    server: StudioServer, code: str, phones: list[ProtocolPhone], cards: int, prompts: dict
) -> tuple[list[float], list[float], list[str]]:
    """Every phone adds ``cards`` shared cards at random moments; seconds from each tap to
    the phone's own "Card shared" and to the projector's wall showing the card."""
    projector = ProtocolPhone(server.facilitator_base, "projector")
    url = server.facilitator_url(code, notebook="goal_mapping.ipynb")
    await projector.open(url[len(server.facilitator_base) :])
    seen: dict[str, float] = {}

    def watch(_model_id: str, state: dict) -> None:
        for value in state.values():
            if isinstance(value, str) and "zq" in value:
                for marker in pending:
                    if marker not in seen and marker in value:
                        seen[marker] = time.monotonic()

    pending: dict[str, float] = {}

    def tap_at(marker: str) -> None:
        pending[marker] = time.monotonic()

    projector.watchers.append(watch)
    acks: list[float] = []
    errors: list[str] = []
    rng = random.Random(7)

    async def one(phone: ProtocolPhone) -> None:
        for i in range(cards):
            await asyncio.sleep(rng.uniform(0.5, 5.0))
            marker = f"zq{phone.name.split()[-1]}x{i}zq"
            try:
                acks.append(
                    await add_card(phone, prompts, marker, on_tap=lambda m=marker: tap_at(m))
                )
            except Exception as exc:
                errors.append(f"{phone.name}: {type(exc).__name__}: {str(exc)[:100]}")

    await asyncio.gather(*(one(p) for p in phones))
    deadline = time.monotonic() + 60
    while len(seen) < len(pending) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    shown = [seen[m] - t for m, t in pending.items() if m in seen]
    missing = [m for m in pending if m not in seen]
    if missing:
        errors.append(f"{len(missing)} cards never reached the projector")
    await projector.close()
    return acks, shown, errors


# -- the table --------------------------------------------------------------------------------
def stats(values: list[float]) -> str:
    if not values:
        return f"{'-':>7} {'-':>7} {'-':>7}"
    return f"{statistics.median(values):>7.2f} {percentile(values, 95):>7.2f} {max(values):>7.2f}"


def report(label: str, outcome: dict, n: int) -> list[str]:
    rows = []
    for kind in ("protocol", "chromium"):
        results = [r for r in outcome["results"] if r["kind"] == kind]
        if not results:
            continue
        for measure in ("interactive", "joined", "activity"):
            values = [r[measure] for r in results if measure in r]
            if values or measure == "interactive":
                rows.append(
                    f"{label:<10} {kind:<9} {measure:<12} {len(values):>3}/{len(results):<3} "
                    f"{stats(values)}"
                )
    errors = [r["error"] for r in outcome["results"] if "error" in r]
    rss = outcome["rss"]
    rows.append(
        f"{label:<10} wave of {n}: {len(errors)} errors, {outcome['cpu']:.0f} CPU-s in "
        f"{outcome['took']:.0f} s (server + kernels; the server process alone "
        f"{outcome['meter'].server_seconds():.0f}), {len(rss)} kernels, "
        f"RSS per kernel {statistics.mean(rss) if rss else 0:.0f} MB"
    )
    for error in sorted(set(errors))[:5]:
        rows.append(f"{'':<10}   {errors.count(error)} x {error}")
    return rows


async def run(args: argparse.Namespace, work: Path) -> list[str]:
    db_url = f"sqlite:///{work / 'studio.db'}"
    code, _workshop_id, _key = goal_workshop(db_url, "A full room")
    prompts = goal_prompts()
    lines = []
    n = args.phones
    server = StudioServer(
        ServeOptions(db_url=db_url, participant_port=free_port(), facilitator_port=free_port()),
        work_dir=work / "studio",
    )
    server.start()
    try:
        server.wait_pools()
        await asyncio.sleep(args.settle)
        pid = server._procs["participant"].pid
        load = os.getloadavg()[0]
        path = server.participant_url(code)[len(server.participant_base) :]
        print(
            f"studio: {n} phones ({args.browsers} Chromium) within {args.window:.0f} s ...",
            flush=True,
        )
        outcome = await wave(server.participant_base, path, n, args.browsers, args.window,
                             True, pid)  # fmt: skip
        lines += [f"load average before the studio wave: {load:.1f}"]
        lines += report("studio", outcome, n)
        await asyncio.sleep(5)
        idle = await idle_cpu(pid, args.idle)
        joined = sum(1 for r in outcome["results"] if "joined" in r)
        lines.append(
            f"studio     idle: {100 * idle / args.idle:.1f}% of a core for {joined} joined "
            f"phones = {1000 * idle / args.idle / max(1, joined):.1f} ms CPU per phone per "
            f"second (server + kernels, {args.idle:.0f} s)"
        )
        if args.cards:
            print(f"cards: {len(outcome['phones'])} phones add {args.cards} cards each", flush=True)
            load = os.getloadavg()[0]
            client_cpu = time.process_time()
            server_cpu = TreeMeter(pid)
            received = sum(p.received for p in outcome["phones"])
            received_bytes = sum(p.received_bytes for p in outcome["phones"])
            cards_started = time.monotonic()
            acks, shown, errors = await cards_to_projector(
                server, code, outcome["phones"], args.cards, prompts
            )
            lines.append(
                f"studio     card tap to the card in the phone's own list: n={len(acks)} "
                f"p50/p95/max {stats(acks)} s (load {load:.1f})"
            )
            lines.append(
                f"studio     card tap to the projector's wall (protocol projector): "
                f"n={len(shown)} p50/p95/max {stats(shown)} s, {len(errors)} errors"
            )
            # All phones are played by this one process: if it used a whole core, the phones'
            # figures are partly its own queue, not the server's.
            used = server_cpu.seconds()
            lines.append(
                f"studio     during the cards: server + kernels {used:.0f} CPU-s in "
                f"{time.monotonic() - cards_started:.0f} s, "
                f"{1000 * used / max(1, len(acks)):.0f} ms per card added (the server process "
                f"alone {server_cpu.server_seconds():.0f} CPU-s); "
                f"the phones' own process {time.process_time() - client_cpu:.0f} CPU-s"
            )
            received = sum(p.received for p in outcome["phones"]) - received
            received_bytes = sum(p.received_bytes for p in outcome["phones"]) - received_bytes
            lines.append(
                f"studio     per card added, the phones received {received / max(1, len(acks)):.0f}"
                f" websocket messages, {received_bytes / max(1, len(acks)) / 1000:.0f} KB in all"
            )
            for error in sorted(set(errors))[:5]:
                lines.append(f"{'':<10}   {errors.count(error)} x {error}")
        await close_wave(outcome)
    finally:
        server.stop()
    if args.baseline:
        try:
            lines += await baseline(args, work, db_url)
        except Exception as exc:  # the studio's figures are still printed
            lines.append(f"baseline failed: {type(exc).__name__}: {str(exc)[:300]}")
    return lines


async def close_wave(outcome: dict) -> None:
    """Close a wave's protocol phones and its Chromium, if it had one."""
    for phone in outcome["phones"]:
        await phone.close()
    pw, browser = outcome["browser"]
    if browser is not None:
        await browser.close()
        await pw.stop()


async def baseline(args: argparse.Namespace, work: Path, db_url: str) -> list[str]:
    """The same wave against plain Voila serving one label."""
    lines: list[str] = []
    n = args.phones
    await asyncio.sleep(args.settle)
    plain = PlainVoila(work, db_url)
    try:
        load = os.getloadavg()[0]
        print(f"baseline: {n} phones on plain Voila within {args.window:.0f} s", flush=True)
        outcome = await wave(plain.base, "/", n, args.browsers, args.window, False,
                             plain.proc.pid)  # fmt: skip
        lines += [f"load average before the baseline wave: {load:.1f}"]
        lines += report("baseline", outcome, n)
        await close_wave(outcome)
    finally:
        plain.stop()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=10, help="phones in the wave: 10, 30, 60")
    parser.add_argument("--browsers", type=int, default=2, help="of which Chromium pages (2)")
    parser.add_argument("--window", type=float, default=10, help="seconds the wave lasts (10)")
    parser.add_argument("--cards", type=int, default=2, help="cards each phone adds (2; 0: none)")
    parser.add_argument("--idle", type=float, default=20, help="seconds of idle measured (20)")
    parser.add_argument("--settle", type=float, default=10, help="seconds to let pools warm (10)")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the plain Voila wave")  # fmt: skip
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="codesign-room-") as tmp:
        lines = asyncio.run(run(args, Path(tmp)))
    print()
    print(f"{os.cpu_count()} cores; load average now {os.getloadavg()[0]:.1f}")
    print(f"{'server':<10} {'phones':<9} {'to (s)':<12} {'n':>7} {'p50':>7} {'p95':>7} {'max':>7}")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
