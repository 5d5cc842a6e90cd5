"""Several participant servers behind a reverse proxy: prefixes, the shared entry, the Host
check and the proxy's address headers, and the shipped nginx config when servers are down.

The whole path through nginx with two servers and a real phone is
``tests/browser/test_scale_out.py``.
"""

from __future__ import annotations

import ast
import contextlib
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.processes import free_port, log_tail
from codesign_widgets.serving.server import StudioServer
from codesign_widgets.serving.voila_args import facilitator_argv, participant_argv

PUBLIC = "https://studio.example.org/"


def tornado_settings(argv: list[str]) -> dict:
    value = next(a for a in argv if a.startswith("--Voila.tornado_settings="))
    return ast.literal_eval(value.split("=", 1)[1])


def test_both_servers_answer_under_the_base_url(tmp_path: Path):
    opts = ServeOptions(base_url="p1")
    for argv in (participant_argv(opts, tmp_path), facilitator_argv(opts, tmp_path)):
        assert "--Voila.base_url=/p1/" in argv


def test_the_public_host_passes_the_participant_servers_host_check_only(tmp_path: Path):
    opts = ServeOptions(public_url=PUBLIC)
    participant = tornado_settings(participant_argv(opts, tmp_path))
    facilitator = tornado_settings(facilitator_argv(opts, tmp_path))
    assert "studio.example.org" in participant["local_hostnames"]
    assert "studio.example.org" not in facilitator["local_hostnames"]
    # The proxy's X-Real-IP is believed only behind a proxy, on loopback.
    assert participant["codesign_trust_xheaders"] is True
    assert facilitator["codesign_trust_xheaders"] is False
    plain = tornado_settings(participant_argv(ServeOptions(), tmp_path))
    assert plain["codesign_trust_xheaders"] is False
    on_lan = ServeOptions(public_url=PUBLIC, participant_host="192.168.1.20")
    assert tornado_settings(participant_argv(on_lan, tmp_path))["codesign_trust_xheaders"] is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("base_url", "/p 1/"), ("base_url", "/../x/"), ("public_url", "studio.example.org"),
     ("public_url", "ftp://studio.example.org/"), ("roles", ("hub",)), ("roles", ())],
)  # fmt: skip
def test_options_that_cannot_work_are_refused_with_what_to_write(field, value):
    with pytest.raises(ValueError, match="must|not"):
        ServeOptions(**{field: value})


def test_links_carry_the_prefix_or_the_proxys_address(tmp_path: Path):
    plain = StudioServer(ServeOptions(db_url="sqlite://", base_url="/p1/"), work_dir=tmp_path)
    assert plain.participant_base.endswith(":8866/p1")
    assert plain.participant_url("ABC123") == (
        "http://127.0.0.1:8866/p1/voila/render/join.ipynb?code=ABC123"
    )
    assert plain.join_form_url("ABC123") == "http://127.0.0.1:8866/p1/codesign/enter?code=ABC123"
    assert plain.facilitator_base.endswith(":8867/p1")
    envs = plain.role_envs({})
    assert envs["facilitator"]["CODESIGN_PARTICIPANT_URL"].endswith("/p1/codesign/enter")
    assert envs["participant"]["CODESIGN_SERVER_URL"] == plain.participant_base

    proxied = StudioServer(
        ServeOptions(db_url="sqlite://", base_url="/p2/", public_url=PUBLIC), work_dir=tmp_path
    )
    assert proxied.participant_url("ABC123") == f"{PUBLIC}?code=ABC123"
    assert proxied.join_form_url("ABC123") == f"{PUBLIC}?code=ABC123"
    assert proxied.join_address == PUBLIC.rstrip("/")
    envs = proxied.role_envs({})
    assert envs["facilitator"]["CODESIGN_PARTICIPANT_URL"] == PUBLIC
    # The kernel hands identities to its own server, never through the proxy.
    assert envs["participant"]["CODESIGN_SERVER_URL"] == proxied.participant_base


def test_the_hubs_join_address_keeps_the_prefix(monkeypatch):
    from codesign_widgets.ui.links import join_address, join_link

    monkeypatch.setenv(
        "CODESIGN_PARTICIPANT_URL", "http://192.168.1.5:8866/p1/voila/render/join.ipynb"
    )
    assert join_address() == "http://192.168.1.5:8866/p1"
    monkeypatch.setenv("CODESIGN_PARTICIPANT_URL", "http://192.168.1.5:8866/p1/codesign/enter")
    assert join_address() == "http://192.168.1.5:8866/p1"
    monkeypatch.setenv("CODESIGN_PARTICIPANT_URL", PUBLIC)
    assert join_address() == "https://studio.example.org"
    assert join_link("ABC123") == f"{PUBLIC}?code=ABC123"


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode(errors="replace")


@pytest.fixture(scope="module")
def participant_only(tmp_path_factory):
    """One participant server alone, under /p1/, behind a (pretend) proxy."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'studio.db'}"
    server = StudioServer(
        ServeOptions(
            db_url=db_url,
            roles=("participant",),
            base_url="/p1/",
            public_url=PUBLIC,
            participant_port=free_port(),
            facilitator_port=free_port(),
            pool_size=0,
            max_kernels_per_client=1,
        ),
        work_dir=tmp_path_factory.mktemp("serve"),
    )
    server.start()
    yield server
    server.stop()


def test_a_participant_only_server_answers_under_its_prefix(participant_only):
    server = participant_only
    root = server.participant_base.rsplit("/p1", 1)[0]
    assert _get(f"{server.participant_base}/codesign/alive")[0] == 204
    assert _get(f"{root}/codesign/alive")[0] == 404  # nothing outside the prefix...
    # ...but the shared entry, which sends a phone to this server's own join page.
    status, headers, _ = _get(f"{root}/codesign/join?code=abc123")
    assert status == 302
    assert headers["Location"] == "/p1/codesign/enter?code=ABC123"
    status, headers, _ = _get(f"{root}/codesign/join?code=<script>")
    assert headers["Location"] == "/p1/codesign/enter"
    # The proxy's public name passes the Host check; another name does not.
    assert (
        _get(f"{server.participant_base}/codesign/alive", {"Host": "studio.example.org"})[0] == 204
    )
    assert _get(f"{server.participant_base}/codesign/alive", {"Host": "evil.example"})[0] == 403
    # No hub was started.
    assert "facilitator" not in server._procs


def test_behind_the_proxy_each_phone_is_its_own_device(participant_only):
    """The per-device limit counts the proxy's X-Real-IP, not the proxy's own address."""
    page = f"{participant_only.participant_base}/voila/render/join.ipynb"
    assert _get(page, {"X-Real-IP": "192.0.2.10"})[0] == 200
    assert _get(page, {"X-Real-IP": "192.0.2.11"})[0] == 200
    # Another page from the first phone, whose first page has not connected yet: over its
    # limit of 1. (Without the header every request would come from loopback, this host's
    # own browser, which has no limit.)
    status, _headers, body = _get(page, {"X-Real-IP": "192.0.2.10"})
    assert status == 429, body[:300]


def test_the_nginx_example_says_what_happened_when_servers_are_down(nginx_proxy):
    proxy = nginx_proxy([free_port(), free_port()])
    status, headers, body = _get(f"{proxy.base}/?code=ABC123")
    assert status == 503
    assert "not running" in body
    assert "reload" in body
    # A page of a server that is down goes back to the entry, with its join code.
    status, headers, _ = _get(f"{proxy.base}/p1/voila/render/goal_mapping.ipynb?code=ABC123")
    assert (status, headers["Location"]) == (302, "/?code=ABC123")
    # Its heartbeat hears 410 (the page then reloads by itself); nothing else is served.
    assert _get(f"{proxy.base}/p2/codesign/alive")[0] == 410
    assert _get(f"{proxy.base}/etc/passwd")[0] == 404


#: Connections per address the shipped nginx example allows (``limit_conn``).
NGINX_PER_ADDRESS = 300


def _raw_get(port: int, path: str, source: str = "127.0.0.1") -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: studio.example.org\r\n\r\n".encode())
    return conn


def _status_line(conn: socket.socket) -> str:
    with contextlib.closing(conn):
        return conn.recv(200).split(b"\r\n", 1)[0].decode()


def test_the_nginx_example_caps_connections_per_address(nginx_proxy):
    """Behind the proxy the servers see only 127.0.0.1, so nginx caps each address:
    requests held open up to the cap, then 429, while another address is served."""
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx-codesign.conf").read_text()
    assert f"limit_conn codesign_per_address {NGINX_PER_ADDRESS};" in conf
    # A participant server that takes connections and never answers: each request held.
    silent = socket.create_server(("127.0.0.1", 0), backlog=NGINX_PER_ADDRESS + 50)
    proxy = nginx_proxy([silent.getsockname()[1], free_port()])
    held = []
    try:
        held = [_raw_get(proxy.port, "/p1/voila/render/x.ipynb") for _ in range(NGINX_PER_ADDRESS)]
        time.sleep(1.0)  # nginx has read them all
        # (The cap applies to what is proxied; nginx's own fixed answers are cheap.)
        gone = "/p2/codesign/alive"  # its server is down: 410 unless refused first
        assert _status_line(_raw_get(proxy.port, gone)) == "HTTP/1.1 429 Too Many Requests"
        # Another device is not affected.
        assert _status_line(_raw_get(proxy.port, gone, "127.0.0.2")).startswith("HTTP/1.1 410")
        assert 'limiting connections by zone "codesign_per_address"' in log_tail(
            proxy.error_log, 200
        )
    finally:
        for conn in held:
            conn.close()
        silent.close()
    # Once they are closed, the address is served again.
    time.sleep(0.5)
    assert _status_line(_raw_get(proxy.port, "/p2/codesign/alive")).startswith("HTTP/1.1 410")
