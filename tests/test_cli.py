"""The `codesign` command: help for everything, clear messages for bad files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from codesign_widgets.cli.main import main
from codesign_widgets.studio import Studio

COMMANDS = ["serve", "demo", "new", "upgrade"]


def codesign(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "codesign_widgets.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    out = codesign(command, "--help")
    assert out.returncode == 0
    assert "--db" in out.stdout


def test_serve_help_prints_the_limits():
    out = codesign("serve", "--help").stdout
    assert "cull_idle_timeout = 600: " in out
    assert "Seconds before" in out  # each limit is explained, not only named
    assert "participant_max_message_bytes" in out
    assert "--lan" in out


def test_new_prints_the_code_and_the_key_once(tmp_path, capsys):
    db = tmp_path / "w.db"
    assert main(["new", "Falls prevention", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    code = out.split("join code:")[1].split()[0]
    key = out.split("facilitator key:")[1].split()[0]
    studio = Studio.open(f"sqlite:///{db}", create=False)
    assert studio.workshops.check_facilitator(code, key).title == "Falls prevention"


def test_unknown_template_is_a_message_not_a_traceback(tmp_path, capsys):
    assert main(["new", "X", "--template", "nope", "--db", str(tmp_path / "w.db")]) == 2
    err = capsys.readouterr().err
    assert "choose one of" in err
    assert "Traceback" not in err


def test_upgrade_says_when_nothing_is_needed(tmp_path, capsys):
    db = tmp_path / "w.db"
    Studio.open(f"sqlite:///{db}")
    assert main(["upgrade", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "already up to date" in out
    assert "copy of the file" in out


def test_serve_refuses_a_file_that_is_not_a_workshop(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("hello" * 100)
    out = codesign("serve", "--db", str(junk))
    assert out.returncode == 2
    assert "not a workshop file" in out.stderr
    assert "Traceback" not in out.stderr


def test_serve_refuses_a_locked_file_before_starting(tmp_path, monkeypatch):
    db = tmp_path / "busy.db"
    Studio.open(f"sqlite:///{db}").close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from codesign_widgets.store import engine; "
                "engine.BUSY_TIMEOUT_MS = 300; from codesign_widgets.cli.main import main; "
                f"sys.exit(main(['serve', '--db', {str(db)!r}]))",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert out.returncode == 2
    assert "busy: another program is holding it" in out.stderr


def test_serve_on_a_port_in_use_says_what_to_do(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = codesign(
            "serve",
            "--db",
            str(tmp_path / "w.db"),
            "--port",
            str(port),
            "--facilitator-port",
            "0",
            "--pool-size",
            "0",
        )
    assert out.returncode == 2
    assert "could not start" in out.stderr
    assert "--port" in out.stderr


@pytest.mark.parametrize(
    ("base", "says"),
    [("http://192.0.2.7:8866", "Exposed on your network"), ("http://127.0.0.1:8866", "--lan")],
)
def test_serve_says_plainly_what_is_exposed_where(capsys, base, says):
    from types import SimpleNamespace

    from codesign_widgets.cli.serve import _print_links
    from codesign_widgets.serving.options import ServeOptions

    server = SimpleNamespace(
        opts=ServeOptions(max_kernels=60, max_kernels_per_client=4),
        participant_base=base,
        facilitator_base="http://127.0.0.1:8867",
        participant_url=lambda code: f"{base}/voila/render/join.ipynb?code={code}",
        facilitator_url=lambda code: f"http://127.0.0.1:8867/codesign/sign-in?token=T-{code}",
    )
    _print_links(server, "ABCDEF")
    out = capsys.readouterr().out
    assert says in out
    assert "Start here: open the hub link" in out
    assert "sign-in?token=T-ABCDEF" in out  # a one-time link, not the key
    assert "this laptop only" in out
    assert "join code: ABCDEF" in out
    if "192.0.2.7" in base:
        assert "60 participant pages at once, 4 per device" in out
