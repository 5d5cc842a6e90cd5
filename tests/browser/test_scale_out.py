"""Two participant servers behind Debian's nginx (the shipped example config), one database.

A card written through /p1/ shows on /p2/'s page; then /p1/'s server is killed (kill -9), and
the phone that was on it comes back by itself on /p2/ as the same person, with every card it
added. Run on one SQLite file (WAL) shared by both servers, and on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal

import psutil
import pytest

from codesign_widgets.serving.processes import free_port
from codesign_widgets.studio import Studio

from ..protocol_phone import goal_workshop
from .phone import join

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WHAT_MATTERS = "What matters to me (or to the person I support)"
GOAL = "The goal, in their own words"
SHARED = "The group (shown on the big screen)"


def add_card(page, goal: str) -> None:
    """Share a goal card, as a person does, and wait for the confirmation."""
    page.get_by_label(WHAT_MATTERS).fill("Getting out")
    page.get_by_label(GOAL).fill(goal)
    page.get_by_label(SHARED).check()
    page.get_by_role("button", name="Add card").click()
    page.get_by_text("Card shared with the group.").wait_for(timeout=30_000)


def show_new_card(page, goal: str) -> None:
    """Another person's card arrives live: the wall offers it (it never moves by itself under
    the person's thumb), and shows it when tapped."""
    page.get_by_role("button", name="Show 1 new card").click(timeout=30_000)
    page.get_by_text(goal).first.wait_for(timeout=30_000)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'studio.db'}"
    return request.getfixturevalue("pg_url")


def test_two_servers_behind_nginx_share_cards_and_a_killed_one_hands_its_phone_over(
    browser, phone, studio_server, nginx_proxy, store_url
):
    code, workshop_id, _key = goal_workshop(store_url, "Two rooms, one wall")
    ports = [free_port(), free_port()]
    proxy_port = free_port()
    public = f"http://127.0.0.1:{proxy_port}/"
    servers = [
        studio_server(
            store_url,
            roles=("participant",),
            base_url=f"/p{i}/",
            participant_port=port,
            public_url=public,
        )
        for i, port in enumerate(ports, 1)
    ]
    proxy = nginx_proxy(ports, port=proxy_port)
    assert servers[0].participant_url(code) == f"{public}?code={code}"

    ann_ctx, bob_ctx = browser.new_context(**phone), browser.new_context(**phone)
    ann, bob = ann_ctx.new_page(), bob_ctx.new_page()
    kernels: list[psutil.Process] = []
    try:
        # Each phone on its own server, through the proxy.
        join(ann, f"{proxy.base}/p1/voila/render/join.ipynb?code={code}", "Ann", "Lived")
        ann.get_by_role("button", name="Add card").wait_for(timeout=60_000)
        add_card(ann, "Walk to the bus stop zq1")
        join(bob, f"{proxy.base}/p2/voila/render/join.ipynb?code={code}", "Bob", "Provider")
        bob.get_by_role("button", name="Add card").wait_for(timeout=60_000)
        # Written through /p1/, shown on /p2/'s page: when Bob's page opens, and live.
        bob.get_by_text("Walk to the bus stop zq1").first.wait_for(timeout=30_000)
        add_card(ann, "Dance on Fridays zq2")
        show_new_card(bob, "Dance on Fridays zq2")

        # kill -9 of /p1/'s server (its kernels are orphaned: collected, killed at the end).
        p1 = servers[0]._procs["participant"]
        kernels = psutil.Process(p1.pid).children(recursive=True)
        os.kill(p1.pid, signal.SIGKILL)
        p1.wait(timeout=10)

        # No tap: Ann's page notices its server is gone, reloads, and nginx sends it to /p2/,
        # where the cookie makes her Ann again, with both her cards.
        ann.get_by_text("Welcome back, Ann").wait_for(timeout=90_000)
        assert re.search(r"/p2/voila/render/join\.ipynb\?code=" + code, ann.url), ann.url
        ann.get_by_role("button", name="Add card").wait_for(timeout=60_000)
        for goal in ("Walk to the bus stop zq1", "Dance on Fridays zq2"):
            ann.get_by_text(goal).first.wait_for(timeout=30_000)
        add_card(ann, "Garden with my son zq3")
        show_new_card(bob, "Garden with my son zq3")
        # The dead server's kernels noticed they lost their parent and ended: no memory or
        # database connection is held by a server that is gone.
        _gone, alive = psutil.wait_procs(kernels, timeout=20)
        assert not alive, [k.pid for k in alive]

        # A new phone opens the join link while /p1/ is down: nginx sends it to /p2/.
        cat_ctx = browser.new_context(**phone)
        try:
            cat = cat_ctx.new_page()
            join(cat, servers[1].participant_url(code), "Cat", "System")
            cat.get_by_role("button", name="Add card").wait_for(timeout=60_000)
            assert "/p2/" in cat.url
        finally:
            cat_ctx.close()
    finally:
        ann_ctx.close()
        bob_ctx.close()
        for kernel in kernels:
            with contextlib.suppress(psutil.NoSuchProcess):
                kernel.kill()

    # Every card stored once, Ann's three under one person.
    studio = Studio.open(store_url)
    try:
        cards = studio.goals.cards.goal_cards(
            workshop_id, "goals", include_hidden=True, include_withdrawn=True
        )
    finally:
        studio.close()
    anns = [c for c in cards if c.goal.endswith(("zq1", "zq2", "zq3"))]
    assert sorted(c.goal[-3:] for c in anns) == ["zq1", "zq2", "zq3"], [c.goal for c in cards]
    assert len({c.author_id for c in anns}) == 1
