"""LISTEN/NOTIFY on PostgreSQL: a facilitator's feed wakes on a write at once, a notification
carries a change id only, and a lost listening connection loses no change."""

from __future__ import annotations

import asyncio
import time

import psycopg
import pytest
import sqlalchemy as sa

from codesign_widgets.live import Feed
from codesign_widgets.store.notify import channel
from codesign_widgets.studio import Studio
from tests.hostile import HOSTILE

LONG = 60.0  # a fallback poll this slow never delivers within a test's waits


def _admin(url: str):
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def _listening_pids(url: str) -> list[int]:
    engine = _admin(url)
    with engine.connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND query LIKE 'LISTEN%%'"
        ).scalars()
        pids = list(pids)
    engine.dispose()
    return pids


def _terminate(url: str, pids: list[int]) -> None:
    engine = _admin(url)
    with engine.connect() as conn:
        for pid in pids:
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    engine.dispose()


async def _until(condition, seconds: float) -> float:
    """Seconds until ``condition()`` held; fails after ``seconds``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            pytest.fail(f"not within {seconds} s")
        await asyncio.sleep(0.01)
    return time.monotonic() - start


@pytest.fixture
def room(pg_url):
    studio = Studio.open(pg_url)
    workshop, _key = studio.workshops.create("Falls clinic", "codesign_day")
    other = Studio.open(pg_url, create=False)  # another kernel: a phone writing
    yield studio, workshop, other
    other.close()
    studio.close()


def test_a_write_wakes_a_listening_feed_without_waiting_for_its_poll(pg_url, room):
    studio, workshop, phone = room
    feed = Feed(studio, listen=True, fallback=LONG)
    seen = []
    feed.subscribe(workshop.id, {"stages"}, seen.append)

    async def scenario():
        assert feed.start()
        await _until(lambda: feed.listening, 10)
        await asyncio.sleep(0.3)  # past the first polls
        polls = feed.polls
        await asyncio.to_thread(phone.workshops.set_stage_state, workshop.id, "welcome", "open")
        took = await _until(lambda: seen, 5)
        woken_polls = feed.polls - polls
        feed.stop()
        return took, woken_polls

    took, woken_polls = asyncio.run(scenario())
    assert seen == [{"stages"}]
    assert took < 5 < LONG  # woken, not the 60 s fallback poll
    assert woken_polls == 1  # one poll, the one the notification asked for
    assert feed.notified == 1
    assert _listening_pids(pg_url) == []  # stop() closed the listening connection


def test_a_dropped_listening_connection_falls_back_to_polling_and_reconnects(pg_url, room):
    studio, workshop, phone = room
    feed = Feed(studio, listen=True, fallback=LONG)
    feed.reconnect_wait = 3.0
    seen = []
    feed.subscribe(workshop.id, {"stages", "participants"}, seen.append)

    async def scenario():
        assert feed.start()
        await _until(lambda: feed.listening, 10)
        pids = _listening_pids(pg_url)
        assert len(pids) == 1
        _terminate(pg_url, pids)
        await _until(lambda: not feed.listening, 5)
        notified = feed.notified
        # While it is away: the poll (every 0.1 s) delivers the change, no notification.
        await asyncio.to_thread(phone.workshops.set_stage_state, workshop.id, "welcome", "open")
        await _until(lambda: seen == [{"stages"}], 2)
        assert not feed.listening
        assert feed.notified == notified
        # Back again on a new connection: woken by notifications again.
        await _until(lambda: feed.listening, 10)
        new_pids = _listening_pids(pg_url)
        await asyncio.to_thread(phone.people.join, workshop.id, "Ann", "provider", True)
        await _until(lambda: len(seen) == 2, 5)
        feed.stop()
        return pids, new_pids, notified

    pids, new_pids, notified = asyncio.run(scenario())
    assert len(new_pids) == 1
    assert new_pids != pids
    assert seen == [{"stages"}, {"participants"}]
    assert feed.notified > notified


def test_a_lost_notification_loses_no_change(pg_url, room):
    """A change written while nobody listens (before the feed starts, or notifications that
    never arrive) is read by the fallback poll through the change feed."""
    studio, workshop, phone = room
    feed = Feed(studio, listen=True, fallback=0.5)
    seen = []
    feed.subscribe(workshop.id, {"stages"}, seen.append)
    phone.workshops.set_stage_state(workshop.id, "welcome", "open")  # before it listens

    async def scenario():
        assert feed.start()
        await _until(lambda: seen, 5)
        feed.stop()

    asyncio.run(scenario())
    assert seen == [{"stages"}]


def test_notifications_carry_a_change_id_and_no_text(pg_url, room):
    studio, workshop, phone = room
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    conninfo = sa.make_url(pg_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo, autocommit=True) as listening:
        listening.execute(f"LISTEN {channel(workshop.id)}")
        for n, text in enumerate(HOSTILE[:6]):
            person, _token = phone.people.join(workshop.id, text[:40] or f"P{n}", "provider", True)
            phone.entries.add(person, "checkin", "note", "welcome", {"text": text})
        payloads = [note.payload for note in listening.notifies(timeout=2)]
    with studio.db.read() as conn:
        ids = {
            str(i)
            for i in conn.exec_driver_sql(
                f"SELECT id FROM changes WHERE workshop_id = {workshop.id}"
            ).scalars()
        }
    assert len(payloads) == 12  # one per write transaction
    assert all(payload.isdigit() and payload in ids for payload in payloads)
    assert not any(text and text in "".join(payloads) for text in HOSTILE if len(text) > 2)


def test_a_participant_feed_does_not_listen(pg_url, room):
    studio, workshop, _phone = room
    feed = Feed(studio)
    feed.subscribe(workshop.id, {"stages"}, lambda _topics: None)

    async def scenario():
        assert feed.start()
        await asyncio.sleep(0.5)
        pids = _listening_pids(pg_url)
        feed.stop()
        return pids

    assert asyncio.run(scenario()) == []
    assert not feed.listening
