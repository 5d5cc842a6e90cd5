"""A full wall in real Chromium: 30 people write 200 cards while two phones type at human pace.

The 30 are simulated through the store (a writer thread, as their kernels would write); the two
phones and the projector are real pages. Every page must stay in step with the database, no
page may see a message for a widget it does not know ("model not found", "Comm not found"),
every card a phone added must be stored, and a watching phone's JavaScript heap and its
kernel's memory must stay flat.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import psutil
import pytest

from codesign_widgets.core.workshop import StageState
from codesign_widgets.studio import Studio

from .phone import join as phone_join

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STAGE = "goals"
OTHERS, OTHER_CARDS, PHONE_CARDS = 30, 200, 8
KEY_DELAY = 0.09  # seconds between keystrokes: a person typing on a phone
BROKEN = re.compile(r"model not found|comm not found|could not create a model", re.IGNORECASE)
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')
WHAT_MATTERS = "What matters to me (or to the person I support)"
GOAL = "The goal, in their own words"
#: Runs before the page's scripts: keeps the page's kernel socket, so the test can ask the
#: kernel (on the page's own connection) how many widget comms it holds open.
KEEP_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = function (url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    window.__sockets.push(ws);
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""
#: Sends a ``comm_info_request`` for ``jupyter.widget`` and answers the number of open comms.
COMM_COUNT = (Path(__file__).parent / "comm_count.js").read_text()
EVERYDAY = ["Will", "$5 or $10", "نمی‌خواهم تنها باشم", "🇬🇧🇮🇷 together", "<b>bold</b> & co"]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """An open goal stage and 30 other participants who will write from the store."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('wall') / 'studio.db'}"
    studio = Studio.open(db_url)
    try:
        workshop, key = studio.workshops.create("A full wall", "codesign_day")
        studio.workshops.set_current_stage(workshop.id, STAGE)
        studio.workshops.set_stage_state(workshop.id, STAGE, StageState.OPEN)
        people = [
            studio.people.join(workshop.id, f"P{i} {EVERYDAY[i % 5]}"[:40], persp, True)[0]
            for i, persp in enumerate(["lived_experience", "provider", "system"] * 10)
        ]
    finally:
        studio.close()
    return {
        "db_url": db_url,
        "code": workshop.code,
        "key": key,
        "id": workshop.id,
        "people": people,
    }


class Writer(threading.Thread):
    """The 30 others: 200 shared cards through the store, one every ``pause`` seconds."""

    def __init__(self, room: dict, pause: float, hold_at: int) -> None:
        super().__init__(daemon=True)
        self.room, self.pause, self.written, self.error = room, pause, 0, None
        # After ``hold_at`` cards the writer waits (``held``) until ``resume`` is set: the
        # test measures the pages once their first page of cards is full and settled.
        self.hold_at, self.held, self.resume = hold_at, threading.Event(), threading.Event()

    def run(self) -> None:
        studio = Studio.open(self.room["db_url"])
        try:
            for i in range(OTHER_CARDS):
                if i == self.hold_at:
                    self.held.set()
                    self.resume.wait(timeout=300)
                card = {
                    "what_matters": f"{EVERYDAY[i % 5]} matters ({i})",
                    "goal": f"Other goal {i}: {EVERYDAY[(i + 2) % 5]}",
                    "services": [("Podiatry", "GP")[i % 2]],
                    "theme": ("Getting out", "Rest", "Money", "")[i % 4],
                    "visibility": "shared",
                }
                studio.goals.cards.add_goal_card(self.room["people"][i % OTHERS], STAGE, card)
                self.written += 1
                time.sleep(self.pause)
        except Exception as exc:  # reported by the test
            self.error = exc
        finally:
            studio.close()


def typist(page, name: str, refused: list, added: list):
    """One phone adding PHONE_CARDS shared cards at human pace: yields after every action,
    so two phones take turns as two people would type at the same time."""
    for i in range(PHONE_CARDS):
        matters, goal = f"{name}'s card {i}: $5 or $10", f"{name} {i}: walk to the bus 🚌"
        for label, text in ((WHAT_MATTERS, matters), (GOAL, goal)):
            page.get_by_label(label).click()
            yield
            for ch in text:
                page.keyboard.type(ch)
                yield
        page.get_by_label("The group (shown on the big screen)").check()
        yield
        page.get_by_role("button", name="Add card").click()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            alert = page.locator(".codesign-notice [role=alert]")
            if alert.count():
                refused.append((name, i, alert.first.inner_text()))
                page.get_by_label(WHAT_MATTERS).fill("")
                page.get_by_label(GOAL).fill("")
                break
            mine = page.locator(".codesign-card", has_text=f"{name} {i}: walk")
            if mine.count() and page.get_by_label(WHAT_MATTERS).input_value() == "":
                added.append(goal)
                break
            yield
        else:
            refused.append((name, i, "no answer within 60 s"))


def heap_mb(cdp) -> float:
    """The page's JavaScript heap in use after a garbage collection, in MB."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["JSHeapUsedSize"] / 1e6


def open_comms(page) -> int:
    """Widget comms the kernel behind ``page`` holds open (asked on the page's own socket)."""
    return page.evaluate(COMM_COUNT)


def kernel_rss_mb(page) -> float:
    """Resident memory of the kernel behind ``page``, in MB."""
    kernel_id = KERNEL_ID.search(page.content()).group(1)
    for proc in psutil.process_iter(["cmdline"]):
        if any(kernel_id in part for part in proc.info["cmdline"] or ()):
            return proc.memory_info().rss / 1e6
    pytest.fail(f"no kernel process for {kernel_id}")


def test_two_phones_type_while_30_people_fill_the_wall(browser, studio_server, room, phone):
    server = studio_server(room["db_url"])
    console: list[tuple[str, str]] = []

    def watch(page, name):
        page.on("console", lambda m: console.append((name, m.text)))
        page.on("pageerror", lambda e: console.append((name, str(e))))

    hub_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    hub = hub_ctx.new_page()
    watch(hub, "projector")
    hub.goto(server.facilitator_url(room["code"], room["key"], notebook="goal_mapping.ipynb"))
    hub.get_by_text("No shared cards yet").wait_for(timeout=90_000)

    # Ann and Bob type cards; Cat only watches the wall fill up.
    contexts, phones, cdps = [], {}, {}
    for name, perspective in (("Ann", "Lived experience"), ("Bob", "Provider"), ("Cat", "System")):
        ctx = browser.new_context(**phone)
        ctx.add_init_script(KEEP_SOCKETS)
        page = ctx.new_page()
        watch(page, name)
        phone_join(page, server.participant_url(room["code"], "goal_mapping.ipynb"), name,
                   perspective)  # fmt: skip
        page.get_by_role("button", name="Add card").wait_for(timeout=90_000)
        contexts.append(ctx)
        phones[name] = page
        cdps[name] = ctx.new_cdp_session(page)
        cdps[name].send("Performance.enable")
    figures = {name: {"heap_start": heap_mb(cdp)} for name, cdp in cdps.items()}

    writer = Writer(room, pause=0.25, hold_at=20)
    writer.start()
    refused, added = [], []
    turns = [typist(phones[name], name, refused, added) for name in ("Ann", "Bob")]
    measured, held_since = set(), None
    while turns:
        for turn in list(turns):
            try:
                next(turn)
            except StopIteration:
                turns.remove(turn)
        if writer.held.is_set() and held_since is None:
            held_since = time.monotonic()
        for mark in (20, 120):
            # At 20, once the pages settled: rows taken off are closed after a grace of 5 s.
            settled = mark != 20 or (held_since and time.monotonic() - held_since > 7)
            if writer.written >= mark and mark not in measured and settled:
                measured.add(mark)
                for name, page in phones.items():
                    figures[name][f"heap_{mark}"] = heap_mb(cdps[name])
                    figures[name][f"rss_{mark}"] = kernel_rss_mb(page)
                    figures[name][f"comms_{mark}"] = open_comms(page)
                writer.resume.set()
        time.sleep(KEY_DELAY / 2)
    if 20 not in measured:  # the phones finished before the pages settled
        assert writer.held.wait(timeout=120)
        time.sleep(7)
        for name, page in phones.items():
            figures[name]["heap_20"] = heap_mb(cdps[name])
            figures[name]["rss_20"] = kernel_rss_mb(page)
            figures[name]["comms_20"] = open_comms(page)
    writer.resume.set()
    writer.join(timeout=300)
    time.sleep(7)  # rows taken off the page are closed after their grace
    assert writer.error is None, writer.error
    assert writer.written == OTHER_CARDS

    studio = Studio.open(room["db_url"])
    try:
        stored = studio.goals.cards.goal_cards(room["id"], STAGE)
    finally:
        studio.close()
    shared = [c for c in stored if c.shared and not c.hidden]
    goals = {c.goal for c in stored}
    total = len(shared)

    # Every page shows what the database holds.
    for name, page in phones.items():
        page.get_by_text(f"of {total} shared cards", exact=False).wait_for(timeout=60_000)
        figures[name]["heap_end"] = heap_mb(cdps[name])
        figures[name]["rss_end"] = kernel_rss_mb(page)
        figures[name]["comms_end"] = open_comms(page)
    hub.locator(".codesign-room").get_by_text(f"{total} shared cards", exact=False).first.wait_for(
        timeout=60_000
    )
    print(f"\nfull wall: {total} shared cards; per phone (MB): {figures}")
    broken = [(who, text) for who, text in console if BROKEN.search(text)]
    for ctx in [hub_ctx, *contexts]:
        ctx.close()

    assert refused == [], refused  # no card refused while the box showed the text
    assert len(added) == 2 * PHONE_CARDS
    # Every card a phone added is stored (and shared: they chose "The group").
    typed = sorted(g for g in goals if g.startswith(("Ann", "Bob")))
    assert set(added) <= goals, (sorted(set(added) - goals), typed)
    assert total == OTHER_CARDS + 2 * PHONE_CARDS
    assert broken == [], broken[:10]
    for name, got in figures.items():
        assert got["heap_end"] < 60, (name, got)
        assert got["rss_end"] <= got["rss_20"] * 1.10, (name, got)
    watcher = figures["Cat"]  # its own cards do not grow: only the wall changes
    assert watcher["comms_end"] <= watcher["comms_20"] * 1.10, watcher
