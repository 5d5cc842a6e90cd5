"""Kill -9 at random moments: the participant server, a phone's kernel, a writer process.

Twenty kills in all, taking turns: the participant Voila server (then the studio is started
again), the kernel behind a phone that is adding a card (then the phone reloads, as its page
does when its kernel is gone), and a separate process writing cards through the store in a
loop (mid-transaction, most likely). Afterwards the SQLite file passes ``PRAGMA
integrity_check``, every card that was acknowledged (shown in the phone's own list, or
reported written by the writer) is stored exactly once, and every phone comes back as itself
with its cookie ("Welcome back, <name>" and its own cards).

Phones are protocol phones (``tests/protocol_phone.py``); no browser is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import psutil
import pytest

from ..protocol_phone import (
    PageRefused,
    ProtocolPhone,
    add_card,
    goal_prompts,
    goal_workshop,
    join,
    run_apart,
    stored_card_texts,
)

pytestmark = [pytest.mark.slow]

KILLS = 20
KINDS = ("kernel", "writer", "server")
NAMES = ("Ann", "Bob 🚌")
PROMPTS = goal_prompts()
WRITER = """
import sys
from codesign_widgets.studio import Studio
db_url, workshop_id, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
studio = Studio.open(db_url)
person, _token = studio.people.join(workshop_id, prefix, "provider", True)
i = 0
while True:
    marker = f"{prefix}n{i}k"
    card = {"what_matters": marker, "goal": f"Goal {marker}", "visibility": "shared"}
    studio.goals.cards.add_goal_card(person, "goals", card)
    print(marker, flush=True)  # acknowledged: the transaction committed
    i += 1
"""


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A codesign-day workshop on its open goal-mapping stage, in a SQLite file."""
    path = tmp_path_factory.mktemp("crash") / "studio.db"
    code, workshop_id, _key = goal_workshop(f"sqlite:///{path}", "Power cuts")
    return {"db_url": f"sqlite:///{path}", "path": path, "code": code, "id": workshop_id}


def kernel_process(kernel_id: str) -> psutil.Process:
    for proc in psutil.process_iter(["cmdline"]):
        if any(kernel_id in part for part in proc.info["cmdline"] or ()):
            return proc
    raise LookupError(f"no process for kernel {kernel_id}")


class Room:
    """The phones, what each saw acknowledged, and the writers' acknowledged cards."""

    def __init__(self, server, room: dict) -> None:
        self.server, self.room = server, room
        self.phones: dict[str, ProtocolPhone] = {}
        self.acked: dict[str, list[str]] = {name: [] for name in NAMES}
        self.written: list[str] = []
        self.rng = random.Random(20)
        self.counter = 0

    @property
    def path(self) -> str:
        return self.server.participant_url(self.room["code"])[len(self.server.participant_base) :]

    async def first_join(self) -> None:
        for i, name in enumerate(NAMES):
            phone = ProtocolPhone(self.server.participant_base, name)
            await phone.open(self.path)
            await join(phone, name, ("Lived", "Provider")[i])
            await phone.wait_for(lambda p=phone: p.find("ButtonModel", description="Add card"))
            self.phones[name] = phone

    async def come_back(self, name: str) -> None:
        """``name``'s phone reloads with its cookies and must be recognised, cards and all."""
        old = self.phones[name]
        await old.close()
        phone = ProtocolPhone(self.server.participant_base, name, cookies=old.cookies)
        deadline = time.monotonic() + 90
        while True:  # a server starting again answers a moment later
            try:
                await phone.open(self.path)
                break
            except (OSError, ConnectionError, TimeoutError, PageRefused):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
        await phone.wait_for(lambda: f"Welcome back, {name}." in phone.notices(), 60)
        for marker in self.acked[name]:
            await phone.wait_text(marker, 30)
        self.phones[name] = phone

    async def add(self, name: str) -> None:
        """``name`` adds a card; it counts as acknowledged only once the phone shows it."""
        self.counter += 1
        marker = f"{name.split()[0]}c{self.counter}k"
        with contextlib.suppress(Exception):  # cut off by a kill: not acknowledged
            await add_card(self.phones[name], PROMPTS, marker, timeout=30)
            self.acked[name].append(marker)

    async def kill_kernel(self) -> None:
        name = self.rng.choice(NAMES)
        victim = kernel_process(self.phones[name].kernel_id)
        adding = asyncio.create_task(self.add(name))
        await asyncio.sleep(self.rng.uniform(0.0, 0.3))
        victim.send_signal(signal.SIGKILL)
        await adding
        await self.come_back(name)

    async def kill_writer(self) -> None:
        prefix = f"w{self.counter}x"
        self.counter += 1
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, self.room["db_url"], str(self.room["id"]), prefix],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        # Let it import and start writing, then kill it at a random moment of its loop.
        await asyncio.sleep(3.0 + self.rng.uniform(0.0, 1.5))
        writer.send_signal(signal.SIGKILL)
        out, _err = writer.communicate(timeout=10)
        self.written += out.split()

    async def kill_server(self) -> None:
        adding = [asyncio.create_task(self.add(name)) for name in NAMES]
        await asyncio.sleep(self.rng.uniform(0.0, 0.4))
        os.kill(self.server._procs["participant"].pid, signal.SIGKILL)
        await asyncio.gather(*adding)
        await asyncio.to_thread(self.server.stop)
        await asyncio.to_thread(self.server.start)
        for name in NAMES:
            await self.come_back(name)


def test_kill_9_anywhere_loses_nothing_acknowledged(studio_server, room):
    server = studio_server(room["db_url"], pool_size=2, cull_idle_timeout=3600)
    server.wait_pools()
    crash = Room(server, room)
    kills: list[str] = []

    async def run() -> None:
        await crash.first_join()
        for i in range(KILLS):
            kind = KINDS[i % len(KINDS)]
            kills.append(kind)
            await getattr(crash, f"kill_{kind}")()
            if kind != "server":  # phones keep acting between kills
                await crash.add(crash.rng.choice(NAMES))
        for phone in crash.phones.values():
            await phone.close()

    run_apart(run())

    with sqlite3.connect(room["path"]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    texts = stored_card_texts(room["db_url"], room["id"])
    acked = [m for markers in crash.acked.values() for m in markers]
    print(f"\ncrash: kills {kills}; {len(acked)} cards acknowledged on phones, "
          f"{len(crash.written)} by writers, {len(texts)} stored")  # fmt: skip
    assert len(kills) == KILLS
    assert len(acked) >= KILLS // 2  # the phones did act between the kills
    assert len(crash.written) >= 1
    for marker in [*acked, *crash.written]:
        assert sum(marker in text for text in texts) == 1, marker


def test_a_killed_kernel_closes_its_page_and_the_reload_welcomes_back(studio_server, room):
    """Not restarted empty behind a page that still shows its widgets (taps went nowhere)."""
    server = studio_server(room["db_url"], pool_size=1)
    path = server.participant_url(room["code"])[len(server.participant_base) :]

    async def run() -> None:
        phone = ProtocolPhone(server.participant_base, "Kim")
        await phone.open(path)
        await join(phone, "Kim", "System")
        kernel_process(phone.kernel_id).send_signal(signal.SIGKILL)
        with pytest.raises(ConnectionError):
            await phone.wait_for(lambda: False, 60)
        assert phone.close_code == 1001  # the page's banner reloads on this (kernel gone)
        again = ProtocolPhone(server.participant_base, "Kim", cookies=phone.cookies)
        await again.open(path)
        await again.wait_for(lambda: "Welcome back, Kim." in again.notices(), 60)
        await again.close()

    run_apart(run())
