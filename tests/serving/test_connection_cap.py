"""Connections per address: counted while open, refused past the cap, given back when
closed; this laptop's own browser has no cap (no server started)."""

from __future__ import annotations

from pathlib import Path

from codesign_widgets.cli.main import build_parser
from codesign_widgets.cli.serve import _serve_options
from codesign_widgets.serving.connection_cap import ConnectionCap, refusal_response
from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.voila_args import facilitator_argv, participant_argv

from .test_voila_args import tornado_settings


class Connection:
    """What the cap needs of tornado's IOStream: ``closed()``."""

    def __init__(self) -> None:
        self.open = True

    def closed(self) -> bool:
        return not self.open


def test_an_address_holds_at_most_its_cap_and_closing_gives_places_back():
    cap = ConnectionCap(24)
    held = [Connection() for _ in range(24)]
    assert all(cap.admit("192.168.0.20", c) for c in held)
    more = [Connection() for _ in range(100)]
    assert not any(cap.admit("192.168.0.20", c) for c in more)
    assert cap.open_count("192.168.0.20") == 24
    # Another phone is not held back by the first.
    assert cap.admit("192.168.0.21", Connection())
    for c in held[:3]:
        c.open = False
    again = [Connection() for _ in range(4)]  # held, as tornado holds an open stream
    assert [cap.admit("192.168.0.20", c) for c in again] == [True] * 3 + [False]


def test_a_connection_nobody_holds_any_more_is_not_counted():
    cap = ConnectionCap(1)
    assert cap.admit("10.0.0.5", Connection())  # dropped at once: garbage, not open
    assert cap.admit("10.0.0.5", Connection())


def test_the_laptops_own_browser_and_a_cap_of_zero_are_unlimited():
    assert all(ConnectionCap(2).admit("127.0.0.1", Connection()) for _ in range(50))
    assert all(ConnectionCap(2).admit("::1", Connection()) for _ in range(50))
    zero = ConnectionCap(0)
    assert all(zero.admit("10.0.0.5", Connection()) for _ in range(50))


def test_many_addresses_that_came_and_went_are_forgotten():
    cap = ConnectionCap(2)
    for i in range(1500):
        c = Connection()
        cap.admit(f"10.0.{i // 250}.{i % 250}", c)
        c.open = False
    assert len(cap._open) <= 1001


def test_the_refusal_is_short_and_says_what_to_do():
    answer = refusal_response()
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 429 ")
    assert b"Retry-After: 10" in head
    assert b"Connection: close" in head
    assert f"Content-Length: {len(body)}".encode() in head
    assert b"Close other workshop tabs" in body
    assert len(answer) < 512


def test_the_participant_server_gets_the_cap_and_the_command_line_sets_it(tmp_path: Path):
    participant = tornado_settings(participant_argv(ServeOptions(), tmp_path))
    facilitator = tornado_settings(facilitator_argv(ServeOptions(), tmp_path))
    assert participant["codesign_max_connections_per_client"] == 48
    assert "codesign_max_connections_per_client" not in facilitator  # loopback only
    args = build_parser().parse_args(["serve", "--max-connections-per-client", "40"])
    assert _serve_options(args, "sqlite://").max_connections_per_client == 40
    args = build_parser().parse_args(["serve"])
    assert _serve_options(args, "sqlite://").max_connections_per_client == 48
