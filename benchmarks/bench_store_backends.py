"""The store on SQLite (baseline) and on PostgreSQL, measured in the same run.

    python benchmarks/bench_store_backends.py

Starts its own PostgreSQL (Debian's package, as the tests do: initdb in a temporary folder,
a free loopback port, durability off like the tests, so these are lower bounds for a real
server with fsync). Measures one participant write (a check-in line), one dot (the budget
check and the write), one idle live-feed poll, and 50 writers at once (each with its own
connection, like 50 kernels): the time until all 50 have saved one line.

Then the card-to-projector wake-up: another kernel (a phone) saves a goal card at a random
moment and the projector's live feed calls its view; on SQLite and on PostgreSQL with the
100 ms poll every kernel uses (the baseline), and on PostgreSQL with the facilitator's
LISTEN/NOTIFY (fallback poll every second). Only the store and the feed: the projector's
redraw and the websocket to its page come on top, the same in each column.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codesign_widgets.live import Feed  # noqa: E402
from codesign_widgets.studio import Studio  # noqa: E402
from tests.postgres import PostgresServer, find_pg_bin  # noqa: E402

REPEAT = 200
WRITERS = 50
CARDS = 60


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"{statistics.median(samples) * 1000:.2f} / {p95 * 1000:.2f}"


def measure(url: str) -> dict[str, str]:
    studio = Studio.open(url)
    workshop, _key = studio.workshops.create("Bench", "codesign_day")
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    studio.workshops.set_stage_state(workshop.id, "goals", "open")
    ann, _token = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    card = studio.goals.cards.add_goal_card(
        ann, "goals", {"what_matters": "My dog", "goal": "Walk", "visibility": "shared"}
    )
    studio.goals.cards.set_dot_budget(workshop.id, "goals", 20)
    results = {}

    # A person may share 20 lines in a stage (the plan's cap): a new person every 20.
    liners = [
        studio.people.join(workshop.id, f"L{i}", "provider", True)[0] for i in range(REPEAT // 20)
    ]
    samples = []
    for n in range(REPEAT):
        start = time.perf_counter()
        studio.entries.add(liners[n // 20], "checkin", "note", "welcome", {"text": f"{n}"})
        samples.append(time.perf_counter() - start)
    results["one check-in line, median / p95 ms"] = _ms(samples)

    samples = []
    for n in range(REPEAT):
        start = time.perf_counter()
        studio.goals.votes.vote(ann, "goals", "card", str(card), 1 if n % 2 == 0 else -1)
        samples.append(time.perf_counter() - start)
    results["one dot (budget checked), median / p95 ms"] = _ms(samples)

    feed = Feed(studio)
    feed.poll_once()
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        feed.poll_once()
        samples.append(time.perf_counter() - start)
    feed.stop()
    results["idle live-feed poll, median / p95 ms"] = _ms(samples)

    kernels = [Studio.open(url, create=False) for _ in range(WRITERS)]
    people = [studio.people.join(workshop.id, f"W{i}", "provider", True)[0] for i in range(WRITERS)]
    barrier = threading.Barrier(WRITERS + 1)

    def write(i: int) -> None:
        barrier.wait()
        kernels[i].entries.add(people[i], "checkin", "note", "welcome", {"text": "at once"})

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    results[f"{WRITERS} writers at once, all saved, ms"] = (
        f"{(time.perf_counter() - start) * 1000:.0f}"
    )
    for k in kernels:
        k.close()
    studio.close()
    return results


def card_to_feed(url: str, *, listen: bool) -> dict[str, str]:
    """A phone's card saved at a random moment until the projector's feed has it, and how
    often that feed polls the store while waiting."""
    projector = Studio.open(url)
    workshop, _key = projector.workshops.create("Wake", "codesign_day")
    projector.workshops.set_stage_state(workshop.id, "goals", "open")
    phone = Studio.open(url, create=False)
    # Up to 30 goal cards a person (the plan's cap): a new person every 20.
    people = [
        phone.people.join(workshop.id, f"P{i}", "lived_experience", True)[0]
        for i in range(CARDS // 20)
    ]
    feed = Feed(projector, listen=listen)
    rng = random.Random(7)

    async def run() -> tuple[list[float], float]:
        arrived = asyncio.Event()
        feed.subscribe(workshop.id, {"entries"}, lambda _topics: arrived.set())
        feed.start()
        while listen and not feed.listening:
            await asyncio.sleep(0.05)
        samples, polls, waited = [], feed.polls, 0.0
        for n in range(CARDS):
            pause = rng.uniform(0.05, 0.4)
            await asyncio.sleep(pause)
            waited += pause
            arrived.clear()
            start = time.perf_counter()
            await asyncio.to_thread(
                phone.goals.cards.add_goal_card,
                people[n // 20],
                "goals",
                {"what_matters": f"Card {n}", "goal": "Walk", "visibility": "shared"},
            )
            await asyncio.wait_for(arrived.wait(), 10)
            samples.append(time.perf_counter() - start)
        feed.stop()
        return samples, (feed.polls - polls) / max(waited + sum(samples), 1e-9)

    samples, rate = asyncio.run(run())
    phone.close()
    projector.close()
    return {
        "card saved by a phone to the projector's feed, median / p95 ms": _ms(samples),
        "projector feed polls per second": f"{rate:.1f}",
    }


def main() -> None:
    import tempfile

    bin_dir = find_pg_bin()
    if bin_dir is None:
        sys.exit("PostgreSQL is not installed: run 'sudo apt-get install -y postgresql'.")
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    sqlite = measure(f"sqlite:///{folder / 'studio.db'}")
    server = PostgresServer(bin_dir)
    try:
        server.start()
        postgres = measure(server.database_url("postgres"))
        wake = {
            "SQLite, poll (baseline)": card_to_feed(
                f"sqlite:///{folder / 'wake.db'}", listen=False
            ),
            "PostgreSQL, poll (baseline)": card_to_feed(
                server.database_url("postgres"), listen=False
            ),
            "PostgreSQL, LISTEN/NOTIFY": card_to_feed(server.database_url("postgres"), listen=True),
        }
    finally:
        server.stop()
    print("| measure | SQLite (baseline) | PostgreSQL 15 |")
    print("| --- | --- | --- |")
    for key, value in sqlite.items():
        print(f"| {key} | {value} | {postgres[key]} |")
    print()
    print(f"| measure ({CARDS} cards) | {' | '.join(wake)} |")
    print("| --- |" + " --- |" * len(wake))
    for key in next(iter(wake.values())):
        print(f"| {key} | {' | '.join(w[key] for w in wake.values())} |")


if __name__ == "__main__":
    main()
