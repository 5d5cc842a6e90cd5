"""Idle pages: nobody acted on them and nobody sees them; a full workshop makes room with them."""

from __future__ import annotations

import pytest

from codesign_widgets.serving.idle_pages import PageActivity
from codesign_widgets.serving.kernel_guard import KernelGuard


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pages(clock) -> PageActivity:
    return PageActivity(idle_after=60, clock=clock)


def test_a_hidden_untouched_page_becomes_idle_after_the_timeout(pages, clock):
    since = clock.now
    pages.report("k", visible=False, acted=False)
    clock.now += 59
    assert not pages.idle("k", since)
    clock.now += 2
    assert pages.idle("k", since)


def test_a_visible_page_is_never_idle_even_untouched(pages, clock):
    since = clock.now
    for _ in range(100):
        clock.now += 2.5
        pages.report("k", visible=True, acted=False)
    assert not pages.idle("k", since)


def test_a_touch_keeps_a_page_from_being_idle(pages, clock):
    since = clock.now
    pages.report("k", visible=False, acted=False)
    clock.now += 50
    pages.report("k", visible=False, acted=True)
    clock.now += 50
    assert not pages.idle("k", since)  # hidden 100 s, but touched 50 s ago
    clock.now += 11
    assert pages.idle("k", since)


def test_a_page_that_stops_beating_is_idle_a_new_one_is_not(pages, clock):
    """A locked phone runs no script: silence counts as unseen. A page still loading is not
    idle before the timeout, counted from when its kernel was handed out."""
    pages.report("k", visible=True, acted=True)
    since_new = clock.now + 30
    clock.now += 61
    assert pages.idle("k", since=1000.0)
    assert not pages.idle("never-beat", since=since_new)
    clock.now += 30
    assert pages.idle("never-beat", since=since_new)


def test_shown_again_is_no_longer_idle(pages, clock):
    pages.report("k", visible=False, acted=False)
    clock.now += 120
    assert pages.idle("k", 1000.0)
    pages.report("k", visible=True, acted=True)
    assert not pages.idle("k", 1000.0)


def test_no_timeout_means_no_idle_page(clock):
    pages = PageActivity(idle_after=0, clock=clock)
    pages.report("k", visible=False, acted=False)
    clock.now += 10_000
    assert not pages.idle("k", 0.0)


def test_room_is_made_from_the_busiest_device_first_and_never_from_busy_pages(pages, clock):
    holders = {
        "crowd-1": ("10.0.0.9", 1000.0),
        "crowd-2": ("10.0.0.9", 1001.0),
        "crowd-3": ("10.0.0.9", 1002.0),
        "alone": ("10.0.0.2", 1000.0),
        "reading": ("10.0.0.3", 1000.0),
    }
    for kernel in holders:
        pages.report(kernel, visible=kernel == "reading", acted=False)
    clock.now += 120
    pages.report("crowd-2", visible=False, acted=False)
    pages.report("reading", visible=True, acted=False)  # still beating: someone reads it
    order = pages.make_room(holders)
    assert order[:3] == ["crowd-1", "crowd-2", "crowd-3"]  # the busiest device loses first
    assert order[-1] == "alone"  # one person with one idle page, last
    assert "reading" not in order  # visible: never


def test_abandoned_pages_make_room_too(pages, clock):
    holders = {"tab": ("10.0.0.5", clock.now), "phone": ("10.0.0.6", clock.now)}
    pages.report("tab", visible=True, acted=True)
    pages.report("phone", visible=True, acted=True)
    assert pages.make_room(holders, abandoned=lambda k: k == "tab") == ["tab"]


def test_forgotten_kernels_are_dropped(pages, clock):
    pages.report("gone", visible=False, acted=False)
    pages.forget_gone(["other"])
    clock.now += 120
    assert pages.idle("gone", since=clock.now - 1) is False  # counted from its start again


def test_a_guard_tells_its_holders_and_when_it_is_full():
    guard, live = KernelGuard(total=2, per_client=0), set()
    for kernel in ("a", "b"):
        ticket = guard.admit("10.0.0.1", live)
        ticket.claim(kernel)
        ticket.release()
        live.add(kernel)
    assert guard.full()
    assert set(guard.holders()) == {"a", "b"}
    assert guard.holders()["a"][0] == "10.0.0.1"
    guard.release_kernel("a")
    assert not guard.full()
