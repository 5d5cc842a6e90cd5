"""Page and facilitator sessions, without a server (served: ``tests/security``)."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest

from codesign_widgets.serving.kernel_guard import SERVER_FULL, KernelGuard, Ticket
from codesign_widgets.serving.sessions import (
    HubSessions,
    KernelOwners,
    end_of_day,
    new_session_id,
    valid_session_id,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_kernel_answers_only_the_session_that_opened_it():
    owners, alice, mallory = KernelOwners(), new_session_id(), new_session_id()
    owners.claim("k1", alice)
    owners.claim("k1", mallory)  # a later claim does not take it over
    assert owners.allows("k1", alice)
    assert not owners.allows("k1", mallory)
    assert not owners.allows("k1", None)
    assert not owners.allows("unknown", alice)
    owners.forget_gone([])
    assert not owners.allows("k1", alice)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (new_session_id(), True),
        ("short", False),
        ("x" * 200, False),
        ("a b" * 20, False),
        (None, False),
    ],
)
def test_only_session_ids_we_make_are_taken(value, valid):
    assert valid_session_id(value) is valid


def test_a_participant_is_remembered_until_the_end_of_the_workshops_day():
    morning = dt.datetime(2026, 11, 30, 9, 0).timestamp()
    late = dt.datetime(2026, 11, 30, 23, 59).timestamp()
    assert end_of_day(morning) == end_of_day(late) == dt.datetime(2026, 12, 1).timestamp()


def test_a_sign_in_link_works_once_and_opens_its_workshop(tmp_path):
    sessions = HubSessions(tmp_path / "hub.json")
    token = sessions.mint_link("ABC123")
    session, code = sessions.redeem(token)
    assert code == "ABC123"
    assert sessions.codes(session) == ["ABC123"]
    assert sessions.redeem(token) is None  # used: useless now
    assert sessions.redeem("made-up") is None
    assert not sessions.signed_in(new_session_id())


def test_unused_links_and_old_sessions_expire(tmp_path):
    clock = Clock()
    sessions = HubSessions(tmp_path / "hub.json", lifetime=100, link_lifetime=10, clock=clock)
    stale = sessions.mint_link()
    session, _code = sessions.redeem(sessions.mint_link())
    clock.now += 11
    assert sessions.redeem(stale) is None
    assert sessions.signed_in(session)
    clock.now += 100
    assert not sessions.signed_in(session)


def test_a_session_remembers_the_workshops_it_opened_most_recent_last(tmp_path):
    sessions = HubSessions(tmp_path / "hub.json")
    session, _ = sessions.redeem(sessions.mint_link())
    assert sessions.codes(session) == []
    assert sessions.grant(session, "AAA111")
    assert sessions.grant(session, "BBB222")
    assert sessions.grant(session, "AAA111")
    assert sessions.codes(session) == ["BBB222", "AAA111"]
    assert not sessions.grant(new_session_id(), "CCC333")  # not signed in: nothing granted
    sessions.sign_out(session)
    assert sessions.codes(session) is None


def test_the_file_holds_no_session_id_token_or_key_and_only_its_owner_reads_it(tmp_path):
    path = tmp_path / "hub.json"
    sessions = HubSessions(path)
    token = sessions.mint_link("ABC123")
    other = sessions.mint_link()
    session, _ = sessions.redeem(token)
    text = path.read_text()
    assert session not in text
    assert other not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Two processes (the server and a hub kernel) see the same sessions.
    assert HubSessions(path).codes(session) == ["ABC123"]
    assert set(json.loads(text)) == {"sessions", "links"}


def test_a_corrupt_file_signs_nobody_in(tmp_path):
    path = tmp_path / "hub.json"
    path.write_text("not json")
    sessions = HubSessions(path)
    assert not sessions.signed_in(new_session_id())
    session, _ = sessions.redeem(sessions.mint_link())
    assert sessions.signed_in(session)


def test_a_page_being_rendered_counts_once_not_twice():
    """A room joining at once: pages that got their kernel no longer also count as waiting,
    so 60 phones fit under a limit of 60 (the pool's warm kernels are never counted)."""
    guard, live = KernelGuard(total=60, per_client=0), set()
    tickets = []
    for n in range(60):
        ticket = guard.admit(f"10.0.0.{n}", live)
        assert isinstance(ticket, Ticket), n
        ticket.claim(f"k{n}")  # the page has its kernel, its notebook still runs
        live.add(f"k{n}")
        tickets.append(ticket)
    assert guard.in_use() == 60
    for ticket in tickets:
        ticket.release()
    assert guard.in_use() == 60
    assert guard.admit("10.0.1.1", live) is SERVER_FULL


def test_a_page_may_open_only_the_widget_control_channel():
    from codesign_widgets.serving.kernel_guard import client_message_refused

    assert client_message_refused({"msg_type": "comm_open"}, {"target_name": "jupyter.widget"})
    assert client_message_refused({"msg_type": "comm_open"}, {"target_name": "anything"})
    assert client_message_refused({"msg_type": "comm_open"}, None)
    assert not client_message_refused(
        {"msg_type": "comm_open"}, {"target_name": "jupyter.widget.control"}
    )
    assert not client_message_refused({"msg_type": "comm_msg"}, {"target_name": "x"})


def test_a_flood_of_one_log_line_becomes_one_line_with_a_count():
    import logging

    from codesign_widgets.serving.kernel_guard import RepeatFilter

    clock = Clock()
    repeats = RepeatFilter(every=60, clock=clock)

    def record(text: str) -> logging.LogRecord:
        return logging.LogRecord("tornado", logging.ERROR, __file__, 1, text, (), None)

    kept = [r for _ in range(100_000) if repeats.filter(r := record("Too many open files"))]
    assert len(kept) == 1
    assert repeats.filter(record("Another problem"))  # other messages still get through
    clock.now += 61
    last = record("Too many open files")
    assert repeats.filter(last)
    assert last.getMessage() == ("Too many open files (and 99999 more times in the last 61 s)")


def test_a_participant_kernel_cannot_take_more_memory_than_its_cap():
    import os
    import subprocess
    import sys

    code = (
        "from codesign_widgets.serving.voila_env import cap_memory\n"
        "assert cap_memory() == 300\n"
        "try:\n"
        "    block = bytearray(600 * 1024 * 1024)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
    )
    env = {**os.environ, "CODESIGN_KERNEL_MEMORY_MB": "300"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "refused", out.stderr


def test_the_server_raises_its_open_file_limit_to_the_hard_limit():
    """A thousand half-open connections must not reach a 1,024 soft limit."""
    import subprocess
    import sys

    code = (
        "import resource\n"
        "from codesign_widgets.serving.voila_main import raise_file_limit\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))\n"
        "now = raise_file_limit()\n"
        "print(now == (hard if hard != resource.RLIM_INFINITY else max(256, 65536)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "True", out.stderr
