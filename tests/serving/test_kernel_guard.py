"""The participant server's kernel limits, without a server (see also
``tests/browser/test_resource_limits.py``)."""

from __future__ import annotations

import pytest

from codesign_widgets.serving.kernel_guard import (
    CLIENT_FULL,
    SERVER_FULL,
    KernelGuard,
    Ticket,
    refusal_page,
)
from codesign_widgets.serving.voila_main import host_allowed

PHONE, OTHER = "192.168.1.20", "192.168.1.21"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def take(guard: KernelGuard, client: str, kernel_id: str, live: set[str]) -> Ticket:
    ticket = guard.admit(client, live)
    assert isinstance(ticket, Ticket), ticket
    ticket.claim(kernel_id)
    ticket.release()
    live.add(kernel_id)
    return ticket


def test_a_device_is_refused_past_its_limit_and_others_are_not():
    guard, live = KernelGuard(total=10, per_client=2), set()
    take(guard, PHONE, "k1", live)
    take(guard, PHONE, "k2", live)
    assert guard.admit(PHONE, live) is CLIENT_FULL
    assert isinstance(guard.admit(OTHER, live), Ticket)


def test_page_loads_still_waiting_for_a_kernel_count():
    """Two loads at the same moment cannot both slip in under the limit."""
    guard = KernelGuard(total=10, per_client=2)
    first, second = guard.admit(PHONE, set()), guard.admit(PHONE, set())
    assert isinstance(first, Ticket)
    assert isinstance(second, Ticket)
    assert guard.admit(PHONE, set()) is CLIENT_FULL
    # A load that ends without a kernel (a redirect, an error) gives its place back.
    first.release()
    assert isinstance(guard.admit(PHONE, set()), Ticket)


def test_the_total_limit_covers_every_device():
    guard, live = KernelGuard(total=3, per_client=2), set()
    take(guard, "10.0.0.1", "k1", live)
    take(guard, "10.0.0.2", "k2", live)
    take(guard, "10.0.0.3", "k3", live)
    assert guard.admit("10.0.0.4", live) is SERVER_FULL
    assert guard.in_use() == 3


def test_kernels_shut_down_or_culled_stop_counting():
    guard, live = KernelGuard(total=2, per_client=2), set()
    take(guard, PHONE, "k1", live)
    take(guard, PHONE, "k2", live)
    live.discard("k1")  # the tab was closed: Voila shut its kernel down
    assert isinstance(guard.admit(PHONE, live), Ticket)
    assert guard.held_by(PHONE) == ["k2"]


def test_only_unconnected_kernels_older_than_the_grace_are_reclaimable():
    clock = Clock()
    guard, live = KernelGuard(total=10, per_client=3, grace=30, clock=clock), set()
    take(guard, PHONE, "old", live)
    clock.now += 20
    take(guard, PHONE, "connected", live)
    take(guard, PHONE, "young", live)
    clock.now += 15  # "old" is 35 s old, the others 15 s
    connections = {"old": 0, "connected": 1, "young": 0}
    assert guard.reclaimable(PHONE, connections.__getitem__) == ["old"]
    clock.now += 30
    assert guard.reclaimable(PHONE, connections.__getitem__) == ["old", "young"]
    assert guard.reclaimable(OTHER, connections.__getitem__) == []


def test_the_grace_counts_from_when_the_page_was_sent_not_from_its_admission():
    """A wave of 60 phones on two cores renders pages for 40 s and more: counted from its
    admission, such a page's kernel was abandoned (no websocket yet) before its phone even
    had the page, and a load making room could shut it down."""
    clock = Clock()
    guard, live = KernelGuard(total=10, per_client=3, grace=30, clock=clock), set()
    ticket = guard.admit(PHONE, live)
    ticket.claim("slow")
    clock.now += 40  # still rendering: never given back
    assert guard.reclaimable(PHONE, lambda _k: 0) == []
    assert not guard.abandoned("slow", lambda _k: 0)
    ticket.release()  # sent
    live.add("slow")
    clock.now += 20
    assert guard.reclaimable(PHONE, lambda _k: 0) == []
    clock.now += 11
    assert guard.reclaimable(PHONE, lambda _k: 0) == ["slow"]


def test_a_released_kernel_frees_the_place():
    guard, live = KernelGuard(total=10, per_client=1), set()
    take(guard, PHONE, "k1", live)
    assert guard.admit(PHONE, live) is CLIENT_FULL
    guard.release_kernel("k1")
    assert isinstance(guard.admit(PHONE, live), Ticket)


def test_the_laptops_own_browser_has_no_per_device_limit_but_counts_in_the_total():
    guard, live = KernelGuard(total=3, per_client=1), set()
    for n in range(3):
        take(guard, "127.0.0.1", f"k{n}", live)
    assert guard.admit("::1", live) is SERVER_FULL
    assert guard.admit(PHONE, live) is SERVER_FULL


def test_zero_turns_a_limit_off():
    guard, live = KernelGuard(total=0, per_client=0), set()
    for n in range(50):
        take(guard, PHONE, f"k{n}", live)
    assert isinstance(guard.admit(PHONE, live), Ticket)


def test_a_ticket_claims_one_kernel_only_once():
    guard = KernelGuard(total=10, per_client=5)
    ticket = guard.admit(PHONE, set())
    ticket.claim("k1")
    ticket.claim("k2")  # a second start in the same request is not this page's
    ticket.release()
    ticket.release()
    assert guard.held_by(PHONE) == ["k1"]
    assert guard.in_use() == 1


@pytest.mark.parametrize("refusal", [CLIENT_FULL, SERVER_FULL])
def test_refusal_pages_say_what_happened_and_what_to_do(refusal):
    page = refusal_page(refusal)
    assert refusal.title in page
    assert refusal.advice in page
    assert "width=device-width" in page  # readable on a phone
    assert "<script" not in page
    assert "<a href=''>Try again</a>" in page  # loads the same address again
    assert refusal.status in (429, 503)


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("[::1]", True),
        ("192.168.1.10", True),  # the LAN address the server was told to answer
        ("192.168.1.11", False),
        ("evil.example", False),
        ("192.168.1.10.evil", False),
    ],
)
def test_host_check(host, allowed):
    settings = {"allow_remote_access": False, "local_hostnames": ["localhost", "192.168.1.10"]}
    assert host_allowed(host, settings) is allowed


def test_host_check_off_when_remote_access_is_allowed():
    assert host_allowed("anything.example", {"allow_remote_access": True})


def test_refusals_in_the_log_become_advice_for_the_facilitator_once_a_minute():
    from codesign_widgets.serving.kernel_guard import REFUSAL_LOG, RefusalWatcher

    clock = Clock()
    watcher = RefusalWatcher(max_kernels=60, per_client=4, quiet=60, clock=clock)
    line = "[Voila] WARNING | " + REFUSAL_LOG + "\n"
    full = line.format(kind="workshop", in_use=60)
    (advice,) = watcher.read("noise\n" + full * 3)
    assert "asked to wait (3 times)" in advice
    assert "60 participant pages are open" in advice
    assert "--max-kernels" in advice
    clock.now += 30
    assert watcher.read(full) == []  # said a moment ago
    (device,) = watcher.read(line.format(kind="device", in_use=7))
    assert "--max-kernels-per-client 0" in device
    assert "(once)" in device
    clock.now += 31
    assert len(watcher.read(full)) == 1
    assert watcher.read("Kernel started: 1234\n") == []


def test_reading_a_growing_log_from_where_it_was_left(tmp_path):
    from codesign_widgets.serving.processes import read_from

    log = tmp_path / "participant.log"
    assert read_from(log, 0) == ("", 0)  # not written yet
    log.write_text("one\n")
    text, offset = read_from(log, 0)
    assert (text, offset) == ("one\n", 4)
    with log.open("a") as f:
        f.write("two\n")
    assert read_from(log, offset) == ("two\n", 8)
