"""A soak: a room of protocol phones acts every few seconds for minutes; nothing is lost.

Each simulated participant (``tests/protocol_phone.py``: the page's own websocket messages,
no browser) joins, then adds a shared goal card about every ``EVERY`` seconds. At the end,
every card a phone saw acknowledged (shown in its own list) is stored exactly once, and no
phone shows an error. ``make soak`` runs the workshop-sized version (60 phones, 10 minutes);
the CI version is shorter. Sizes come from the environment:

- ``CODESIGN_SOAK_PHONES`` (default 8), ``CODESIGN_SOAK_SECONDS`` (default 90),
  ``CODESIGN_SOAK_EVERY`` (default 10).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Iterator

import pytest

from codesign_widgets.core.templates import add_template, data_path, load_template

from ..protocol_phone import (
    ProtocolPhone,
    add_card,
    goal_prompts,
    goal_workshop,
    join,
    run_apart,
    stored_card_texts,
)

pytestmark = [pytest.mark.slow]

PHONES = int(os.environ.get("CODESIGN_SOAK_PHONES", "8"))
SECONDS = float(os.environ.get("CODESIGN_SOAK_SECONDS", "90"))
EVERY = float(os.environ.get("CODESIGN_SOAK_EVERY", "10"))
NAMES = ["Ann", "Bob", "Chidi", "Dana", "نمی‌خواهم", "<b>Eve</b>", "Fay 🚌", "Gus & co"]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A codesign-day workshop on its open goal-mapping stage. One person may add 30 cards
    in a stage (the plan's ``[per_person]``); a soak adds one every ``EVERY`` seconds for
    ``SECONDS``, so it follows a copy of the plan allowing that many."""
    folder = tmp_path_factory.mktemp("soak")
    cards = int(SECONDS / EVERY) + 5
    day = (data_path() / "templates" / "codesign_day.toml").read_text(encoding="utf-8")
    assert "\ngoal_cards = 30\n" in day
    plan = folder / "soak_day.toml"
    plan.write_text(day.replace("\ngoal_cards = 30\n", f"\ngoal_cards = {max(30, cards)}\n"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CODESIGN_TEMPLATES", str(folder / "plans"))  # the servers' kernels too
        key = add_template(plan)
        db_url = f"sqlite:///{folder / 'studio.db'}"
        code, workshop_id, _key = goal_workshop(db_url, "A long afternoon", key)
        yield {"db_url": db_url, "code": code, "id": workshop_id}
        load_template.cache_clear()


async def participant(server, room: dict, i: int, acked: list, problems: list, waits: list) -> None:
    """One person: joins within the first 10 s, then adds a card every ``EVERY`` s."""
    rng = random.Random(i)
    prompts = goal_prompts()
    await asyncio.sleep(rng.uniform(0, 10))
    phone = ProtocolPhone(server.participant_base, f"{NAMES[i % len(NAMES)]} {i}")
    path = server.participant_url(room["code"])[len(server.participant_base) :]
    try:
        await phone.open(path)
        await join(phone, phone.name, ("Lived", "Provider", "System")[i % 3])
        await phone.wait_for(lambda: phone.find("ButtonModel", description="Add card"), 120)
        end = time.monotonic() + SECONDS
        n = 0
        await asyncio.sleep(rng.uniform(0, EVERY))
        while time.monotonic() < end:
            marker = f"soak{i}n{n}k"
            started = time.monotonic()
            try:
                after_tap = await add_card(phone, prompts, marker)
                acked.append(marker)
                waits.append((time.monotonic() - started, after_tap))
            except RuntimeError as exc:  # the page showed an error
                problems.append(f"{phone.name} card {n}: {exc}")
            n += 1
            await asyncio.sleep(max(0.0, EVERY - (time.monotonic() - started)))
        problems.extend(f"{phone.name} shows: {text}" for text in phone.error_shown())
    except Exception as exc:
        problems.append(f"{phone.name}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await phone.close()


def test_a_room_acts_for_minutes_and_every_acknowledged_card_is_stored_once(studio_server, room):
    server = studio_server(
        room["db_url"], pool_size=3, max_kernels=PHONES + 5, cull_idle_timeout=3600
    )
    server.wait_pools()
    acked: list[str] = []
    problems: list[str] = []
    waits: list[tuple[float, float]] = []  # seconds to own list from the first letter, the tap

    async def everyone() -> None:
        await asyncio.gather(
            *(participant(server, room, i, acked, problems, waits) for i in range(PHONES))
        )

    run_apart(everyone())

    goals = stored_card_texts(room["db_url"], room["id"])
    print(f"\nsoak: {PHONES} phones, {SECONDS:.0f} s, {len(acked)} cards acknowledged")
    for i, what in enumerate(("from the first letter typed", "from the tap on Add card")):
        times = sorted(w[i] for w in waits)
        if times:
            p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
            print(f"a card in its author's list {what}: p50 {p50:.1f} s, p95 {p95:.1f} s")
    assert problems == [], problems[:10]
    for marker in acked:
        assert sum(marker in goal for goal in goals) == 1, marker
    assert len(goals) == len(acked)  # nothing stored that no phone saw acknowledged
    # Every phone acted about once per EVERY seconds: a card that takes longer than that to
    # show in its author's list means the laptop could not keep up with the room.
    expected = PHONES * max(1, int(SECONDS / EVERY) - 2)
    assert len(acked) >= expected, f"{len(acked)} cards of {expected}: the room fell behind"
