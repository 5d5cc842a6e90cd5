"""The systemd units in ``deploy/`` start commands that exist, with options that exist.

``systemd-analyze verify`` checks each unit's keys (and that the command is executable) with
the command pointed at this environment's ``codesign``; the command line itself is parsed by
``codesign``'s own parser, with the template unit's ``%i`` as 1 and 2. The nginx example is
tested with nginx itself (``tests/serving/test_scale_out.py``, ``tests/browser/test_scale_out.py``).
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codesign_widgets.cli.main import build_parser

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))
INSTALLED = "/opt/codesign/bin/codesign"


def exec_start(unit: Path, instance: str = "1") -> list[str]:
    lines = [line for line in unit.read_text().splitlines() if line.startswith("ExecStart=")]
    assert len(lines) == 1
    return shlex.split(lines[0].split("=", 1)[1].replace("%i", instance))


def test_there_are_a_hub_unit_and_a_participant_template():
    assert [u.name for u in UNITS] == ["codesign-participant@.service", "codesign-studio.service"]


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
@pytest.mark.parametrize("instance", ["1", "2"])
def test_each_unit_runs_a_codesign_command_that_parses(unit, instance):
    argv = exec_start(unit, instance)
    assert argv[0] == INSTALLED
    args = build_parser().parse_args(argv[1:])
    assert args.command == "serve"
    assert args.public_url.startswith("https://")
    if "participant@" in unit.name:
        assert args.participant_only
        assert args.base_url == f"/p{instance}/"
        assert args.port == 8870 + int(instance)
    else:
        assert args.hub_only


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_systemd_accepts_each_unit(unit, tmp_path):
    codesign = Path(sys.executable).with_name("codesign")
    if not codesign.exists():
        pytest.skip("codesign is not installed in this environment")
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace(INSTALLED, str(codesign)))
    name = copy.name.replace("@.", "@1.")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy.with_name(name))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 0, said
    assert str(copy) not in said, said  # no warning about a line of the unit


def test_the_jupyterhub_example_starts_the_hub_behind_its_sign_in():
    """deploy/jupyterhub_config.py loads as JupyterHub would load it, and the service it
    starts is the hub with JupyterHub's sign-in, on the port the service's URL names."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    (service,) = config.JupyterHub.services
    argv = service["command"]
    assert argv[0] == INSTALLED
    args = build_parser().parse_args(argv[1:])
    assert (args.command, args.hub_only, args.facilitator_login) == ("serve", True, "jupyterhub")
    assert service["url"] == f"http://127.0.0.1:{args.facilitator_port}"
    assert args.public_url.startswith("https://")
    (role,) = config.JupyterHub.load_roles
    assert role["scopes"] == [f"access:services!service={service['name']}"]
