"""The `codesign` command: help for everything, clear messages for bad files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from codesign_widgets.cli.main import main
from codesign_widgets.studio import Studio

COMMANDS = ["serve", "demo", "new", "upgrade", "analyse", "report", "export"]


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
    assert "--max-connections-per-client" in out
    assert "max_connections_per_client = 48: HTTP and websocket connections" in out


def test_new_prints_the_code_and_the_key_once(tmp_path, capsys):
    db = tmp_path / "w.db"
    assert main(["new", "Falls prevention", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    code = out.split("join code:")[1].split()[0]
    key = out.split("facilitator key:")[1].split()[0]
    studio = Studio.open(f"sqlite:///{db}", create=False)
    assert studio.workshops.check_facilitator(code, key).title == "Falls prevention"
    assert f"Next: codesign serve --lan --db {db}" in out  # what to run next, this file


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
        join_address=base,
        facilitator_base="http://127.0.0.1:8867",
        join_form_url=lambda code: f"{base}/codesign/enter?code={code}",
        facilitator_url=lambda code: f"http://127.0.0.1:8867/codesign/sign-in?token=T-{code}",
        ca_url="",
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
        assert "48 connections per device (--max-connections-per-client" in out
        # Plain http on a LAN: what travels in clear, and what to do about it.
        assert "session cookies of plain http: use a WPA2 network" in out
        assert "--tls" in out


def test_serve_tls_prints_the_certificate_link_and_what_to_tap(capsys):
    from types import SimpleNamespace

    from codesign_widgets.cli.serve import _print_links
    from codesign_widgets.serving.options import ServeOptions

    base = "https://192.0.2.7:8866"
    server = SimpleNamespace(
        opts=ServeOptions(),
        participant_base=base,
        join_address=base,
        facilitator_base="https://127.0.0.1:8867",
        participant_url=lambda code: f"{base}/voila/render/join.ipynb?code={code}",
        join_form_url=lambda code: f"{base}/codesign/enter?code={code}",
        facilitator_url=lambda code: f"https://127.0.0.1:8867/codesign/sign-in?token=T-{code}",
        ca_url="http://192.0.2.7:8868/codesign-ca.crt",
    )
    _print_links(server, "ABCDEF")
    out = capsys.readouterr().out
    assert "for phones to trust (https, --tls):\n    http://192.0.2.7:8868/codesign-ca.crt" in out
    assert "Android:" in out
    assert "Certificate Trust Settings" in out
    assert "Exposed on your network (https://192.0.2.7:8866)" in out
    assert "WPA2" not in out


def test_serve_participant_only_and_hub_only_print_what_they_run(capsys, tmp_path):
    from codesign_widgets.cli.serve import _print_links
    from codesign_widgets.serving.options import ServeOptions
    from codesign_widgets.serving.server import StudioServer

    public = "https://studio.example.org/"
    shared = {"db_url": "sqlite://", "public_url": public, "base_url": "/p1/"}
    phones = StudioServer(ServeOptions(roles=("participant",), **shared), work_dir=tmp_path)
    _print_links(phones, "ABCDEF")
    out = capsys.readouterr().out
    assert f"{public}?code=ABCDEF" in out  # the proxy's shared entry, in the QR code too
    assert "http://127.0.0.1:8866/p1/ (behind the reverse proxy" in out
    assert "join code: ABCDEF (or open https://studio.example.org and type it)" in out
    assert "sign-in" not in out  # no hub here

    hub = StudioServer(ServeOptions(roles=("facilitator",), **shared), work_dir=tmp_path)
    _print_links(hub, "ABCDEF")
    out = capsys.readouterr().out
    assert "127.0.0.1:8867/p1/codesign/sign-in?token=" in out
    assert f"Phones join at {public}?code=ABCDEF" in out
    assert "Participants (phone or laptop)" not in out


def test_serve_explains_a_base_url_that_is_not_one(tmp_path):
    out = codesign("serve", "--db", str(tmp_path / "w.db"), "--base-url", "/p 1/")
    assert out.returncode == 2
    assert "--base-url '/p 1/' is not a URL prefix" in out.stderr
    assert "Traceback" not in out.stderr


def test_hub_link_signs_a_browser_in_to_a_hub_running_as_a_service(tmp_path, monkeypatch, capsys):
    from codesign_widgets.cli.main import main
    from codesign_widgets.serving.sessions import HubSessions

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert main(["hub-link", "--code", "ABC123", "--facilitator-port", "9001"]) == 0
    out = capsys.readouterr()
    link = out.out.strip()
    assert link.startswith("http://127.0.0.1:9001/codesign/sign-in?token=")
    assert "run this as the user the hub runs as" in out.err
    token = link.split("token=", 1)[1].split("&", 1)[0]
    sessions = HubSessions(tmp_path / "codesign" / "hub-sessions.json")
    session, code = sessions.redeem(token)
    assert code == "ABC123"
    assert sessions.signed_in(session)
    assert sessions.redeem(token) is None  # once only


# -- codesign analyse, new --template FILE, and what a failed report or export prints ------------
@pytest.fixture
def workshop_file(tmp_path):
    path = tmp_path / "studio.db"
    studio = Studio.open(f"sqlite:///{path}")
    code = studio.workshops.create("Foot care", "codesign_day")[0].code
    studio.close()
    return path, code


def test_analyse_writes_the_notebook_here_with_the_workshop_filled_in(
    workshop_file, tmp_path, monkeypatch, capsys
):
    import nbformat

    path, code = workshop_file
    here = tmp_path / "work"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main(["analyse", "--db", str(path), "--code", code, "--no-lab"]) == 0
    assert main(["analyse", "--db", str(path), "--no-lab"]) == 0  # the newest workshop
    written = sorted(p.name for p in here.iterdir())
    assert written == [f"analysis-{code}-2.ipynb", f"analysis-{code}.ipynb"]  # never overwritten
    nb = nbformat.read(here / f"analysis-{code}.ipynb", as_version=4)
    [injected] = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected.source == f"code = {code!r}\ndb = {str(path)!r}"
    assert f"analysis-{code}.ipynb" in capsys.readouterr().out


def test_analyse_refuses_to_overwrite_a_named_file(workshop_file, tmp_path, capsys):
    path, _code = workshop_file
    mine = tmp_path / "mine.ipynb"
    mine.write_text("my own notes")
    assert main(["analyse", "--db", str(path), "--out", str(mine), "--no-lab"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert mine.read_text() == "my own notes"


def test_new_takes_a_plan_file(tmp_path, monkeypatch, capsys):
    from codesign_widgets.core.templates import data_path, load_template

    monkeypatch.setenv("CODESIGN_TEMPLATES", str(tmp_path / "plans"))
    plan = tmp_path / "our_day.toml"
    text = (data_path() / "templates" / "care_planning.toml").read_text(encoding="utf-8")
    plan.write_text(text.replace("name =", "name = 'Our day' #", 1), encoding="utf-8")
    db = tmp_path / "studio.db"
    assert main(["new", "Our day", "--template", str(plan), "--db", str(db)]) == 0
    assert "Using the plan 'our_day'" in capsys.readouterr().out
    studio = Studio.open(f"sqlite:///{db}", create=False)
    [workshop] = studio.workshops.all()
    studio.close()
    assert workshop.template == "our_day"
    assert load_template("our_day").stages == load_template("care_planning").stages


@pytest.mark.parametrize(
    ("content", "says"),
    [(None, "is not a plan file"), ("[[stages]\n", "is not valid TOML"),
     ("name = 'x'\n", "needs at least one perspective and one stage")],
)  # fmt: skip
def test_new_explains_a_bad_plan_file(tmp_path, monkeypatch, capsys, content, says):
    monkeypatch.setenv("CODESIGN_TEMPLATES", str(tmp_path / "plans"))
    plan = tmp_path / "plan.toml"
    if content is not None:
        plan.write_text(content, encoding="utf-8")
    assert main(["new", "X", "--template", str(plan), "--db", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert says in err
    assert err.count("\n") == 1
    assert not (tmp_path / "plans").exists() or not list((tmp_path / "plans").iterdir())


def test_a_failed_report_is_one_sentence_and_a_log_file(
    workshop_file, tmp_path, monkeypatch, capsys
):
    """A step that fails in the notebook: no colour codes, no traceback, the log path."""
    import nbformat

    from codesign_widgets.analysis import report

    path, code = workshop_file
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("code = None\ndb = None"),
                nbformat.v4.new_code_cell("raise ValueError('boom at ' + code)")]  # fmt: skip
    nb.cells[0].metadata["tags"] = ["parameters"]
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    monkeypatch.setattr(report, "report_notebook_path", lambda: broken)
    monkeypatch.setenv("CODESIGN_LOG_DIR", str(tmp_path / "logs"))
    out = tmp_path / "r.html"
    assert main(["report", "--db", str(path), "--code", code, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "\x1b" not in err
    assert "Traceback" not in err
    assert f"The report could not be built: a step failed (ValueError: boom at {code})." in err
    [log] = (tmp_path / "logs").iterdir()
    assert f"The details are in {log}." in err
    assert "boom at" in log.read_text()
    assert not out.exists()


def test_an_unexpected_export_failure_is_one_sentence_and_a_log_file(
    workshop_file, tmp_path, monkeypatch, capsys
):
    from codesign_widgets.analysis import open_data

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    path, code = workshop_file
    monkeypatch.setattr(open_data, "export_package", broken)
    monkeypatch.setenv("CODESIGN_LOG_DIR", str(tmp_path / "logs"))
    assert main(["export", "--db", str(path), "--code", code, "--out", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err
    [log] = (tmp_path / "logs").iterdir()
    assert err == (
        "codesign: the export stopped on an unexpected problem (RuntimeError); nothing was "
        f"written. The details are in {log}: please send that file with a bug report.\n"
    )
    assert "disk on fire" in log.read_text()


def test_codesign_db_may_be_a_plain_file_path(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CODESIGN_DB", str(tmp_path / "falls.db"))
    assert main(["new", "Falls prevention"]) == 0
    assert "Created 'Falls prevention'" in capsys.readouterr().out
    assert (tmp_path / "falls.db").exists()


def test_serve_refuses_a_network_hub_without_a_facilitator_login(tmp_path):
    out = codesign("serve", "--db", str(tmp_path / "w.db"), "--facilitator-host", "0.0.0.0")
    assert out.returncode == 2
    assert "--facilitator-host 0.0.0.0 needs --facilitator-login jupyterhub" in out.stderr
    assert "SSH tunnel" in out.stderr
    assert "Traceback" not in out.stderr


def test_serve_with_a_jupyterhub_login_outside_jupyterhub_says_how(tmp_path):
    out = codesign(
        "serve", "--hub-only", "--db", str(tmp_path / "w.db"), "--facilitator-login", "jupyterhub"
    )
    assert out.returncode == 2
    assert "c.JupyterHub.services" in out.stderr
    assert "Traceback" not in out.stderr
