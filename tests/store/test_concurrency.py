"""Many kernels write at once: every acknowledged write is in the file afterwards."""

from __future__ import annotations

import multiprocessing as mp

from codesign_widgets.core.errors import StoreUnavailable
from codesign_widgets.studio import Studio

WRITERS = 20
WRITES_EACH = 15


def _again(action, *args):
    """Like a participant who taps again after "busy, try again": at most three times.

    A refused write is reported to the person and not acknowledged; only what returned is
    counted below.
    """
    for attempt in range(3):
        try:
            return action(*args)
        except StoreUnavailable:
            if attempt == 2:
                raise
    return None


def _writer(db_url: str, workshop_id: int, index: int, queue) -> None:
    studio = Studio.open(db_url, create=False)
    participant, _token = _again(
        studio.people.join, workshop_id, f"Writer {index}", "provider", True
    )
    acknowledged = []
    for n in range(WRITES_EACH):
        entry_id = _again(
            studio.entries.add,
            participant,
            "checkin",
            "note",
            "welcome",
            {"text": f"{index}-{n}"},
        )
        acknowledged.append(entry_id)
        if n % 5 == 0:
            _again(studio.entries.revise, participant, entry_id, {"text": f"{index}-{n}-edited"})
    queue.put((index, acknowledged))


def test_twenty_processes_writing_at_once_lose_nothing(studio, workshop, db_url):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(db_url, workshop.id, i, queue)) for i in range(WRITERS)
    ]
    for p in procs:
        p.start()
    results = dict(queue.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    acknowledged = {entry_id for ids in results.values() for entry_id in ids}
    assert len(acknowledged) == WRITERS * WRITES_EACH
    stored = {e.id: e.body["text"] for e in studio.entries.find(workshop.id)}
    assert acknowledged <= set(stored)
    assert len(studio.people.participants(workshop.id)) == WRITERS
    edited = [text for text in stored.values() if text.endswith("-edited")]
    assert len(edited) == WRITERS * len(range(0, WRITES_EACH, 5))
