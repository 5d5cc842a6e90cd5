"""The live feed: one poller per kernel, notices other connections' commits, per topic."""

from __future__ import annotations

import asyncio
import gc
import threading
import time

import pytest
import sqlalchemy as sa

from codesign_widgets.live import Feed
from codesign_widgets.store import schema as t
from codesign_widgets.store.engine import changed
from codesign_widgets.studio import Studio


def test_a_commit_from_another_kernel_reaches_subscribers_of_that_topic(db_url, studio, workshop):
    feed = Feed(studio)
    stages, people = [], []
    feed.subscribe(workshop.id, {"stages"}, stages.append)
    feed.subscribe(workshop.id, {"participants"}, people.append)
    other_kernel = Studio.open(db_url, create=False)
    other_kernel.workshops.set_stage_state(workshop.id, "welcome", "open")
    feed.poll_once()
    assert stages == [{"stages"}]
    assert people == []
    feed.poll_once()  # nothing new: nobody is called again
    assert stages == [{"stages"}]
    other_kernel.people.join(workshop.id, "Bob", "provider", True)
    other_kernel.workshops.set_stage_state(workshop.id, "welcome", "locked")
    feed.poll_once()  # the poller keeps seeing new commits, not a stale snapshot
    assert stages == [{"stages"}, {"stages"}]
    assert people == [{"participants"}]
    feed.stop()


def test_other_workshops_changes_are_not_delivered(db_url, studio, workshop):
    feed = Feed(studio)
    seen = []
    feed.subscribe(workshop.id, {"stages"}, seen.append)
    other, _ = studio.workshops.create("Other", "codesign_day")
    Studio.open(db_url).workshops.set_stage_state(other.id, "welcome", "open")
    feed.poll_once()
    assert seen == []


def test_views_that_are_gone_stop_being_called(studio, workshop):
    feed = Feed(studio)

    class View:
        calls = 0

        def on_change(self, topics):
            View.calls += 1

    view = View()
    unsubscribe_kept = feed.subscribe(workshop.id, {"stages"}, view.on_change)
    del view
    gc.collect()
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    feed.poll_once()
    assert View.calls == 0
    unsubscribe_kept()  # harmless after the view is gone


def test_a_failing_view_does_not_stop_the_others(studio, workshop):
    feed = Feed(studio)
    seen = []

    def broken(_topics):
        raise RuntimeError("boom")

    feed.subscribe(workshop.id, {"stages"}, broken)
    feed.subscribe(workshop.id, {"stages"}, seen.append)
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    feed.poll_once()
    assert seen == [{"stages"}]


def test_rerunning_a_cell_reuses_the_running_poller(db_url, studio, workshop):
    async def scenario():
        first = Feed.for_studio(studio)
        again = Feed.for_studio(Studio.open(db_url))
        assert first is again
        assert first.running
        tasks = [t for t in asyncio.all_tasks() if t.get_coro().__qualname__ == "Feed._run"]
        assert len(tasks) == 1
        seen = []
        first.subscribe(workshop.id, {"stages"}, seen.append)
        Studio.open(db_url).workshops.set_stage_state(workshop.id, "welcome", "locked")
        for _ in range(30):
            await asyncio.sleep(0.05)
            if seen:
                break
        first.stop()
        return seen

    assert asyncio.run(scenario()) == [{"stages"}]


def test_without_an_event_loop_the_feed_does_not_start(studio):
    feed = Feed(studio)
    assert feed.start() is False
    assert not feed.running


def test_a_change_that_commits_out_of_id_order_is_still_delivered(db_url, studio, workshop):
    """Two writers that bypass the write lock: the lower id commits last, after the feed
    has already moved past it. (Through the store this cannot happen, see the next test.)"""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: its ids cannot commit out of order")
    feed = Feed(studio)
    seen = []
    feed.subscribe(workshop.id, {"early", "late"}, seen.append)
    engine = sa.create_engine(db_url)
    with engine.connect() as slow, engine.connect() as quick:
        slow.execute(sa.insert(t.changes).values(workshop_id=workshop.id, topic="early", at=0))
        quick.execute(sa.insert(t.changes).values(workshop_id=workshop.id, topic="late", at=0))
        quick.commit()
        assert feed.poll_once() == {workshop.id: {"late"}}
        slow.commit()
    assert feed.poll_once() == {workshop.id: {"early"}}
    assert feed.poll_once() == {}
    assert seen == [{"late"}, {"early"}]
    engine.dispose()


def test_store_writes_commit_in_id_order(db_url, studio, workshop):
    """A write holds the write lock until it commits: a second write waits for it, so the
    changes commit in the order of their ids and the feed's cursor never skips one."""
    other = Studio.open(db_url, create=False)
    first_wrote, first_may_commit = threading.Event(), threading.Event()
    order = []

    def first():
        with studio.db.write() as conn:
            changed(conn, workshop.id, "first")
            first_wrote.set()
            first_may_commit.wait(10)
        order.append("first")

    def second():
        first_wrote.wait(10)
        with other.db.write() as conn:
            changed(conn, workshop.id, "second")
        order.append("second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    assert order == []  # the second write is waiting for the first
    first_may_commit.set()
    for thread in threads:
        thread.join(20)
    other.close()
    assert order == ["first", "second"]
    ids = {topic: change_id for change_id, _w, topic in studio.db.changes_since(0)}
    assert ids["first"] < ids["second"]
