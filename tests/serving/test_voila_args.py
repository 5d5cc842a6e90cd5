"""The servers' command lines keep the settings the room needs (no server started)."""

from __future__ import annotations

import ast
from pathlib import Path

from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.sessions import HUB_COOKIE, PAGE_COOKIE
from codesign_widgets.serving.voila_args import facilitator_argv, participant_argv


def tornado_settings(argv: list[str]) -> dict:
    value = next(a for a in argv if a.startswith("--Voila.tornado_settings="))
    return ast.literal_eval(value.split("=", 1)[1])


def test_pooled_kernels_wait_for_their_output_on_a_busy_laptop(tmp_path: Path):
    """nbclient's 4 s wait for a cell's output lost pages in a join wave."""
    for argv in (
        participant_argv(ServeOptions(), tmp_path),
        facilitator_argv(ServeOptions(), tmp_path),
    ):
        timeouts = [a for a in argv if a.startswith("--VoilaExecutor.iopub_timeout=")]
        assert timeouts
        assert int(timeouts[0].split("=")[1]) >= 60


def test_kernels_belong_to_page_sessions_and_the_hub_needs_a_sign_in(tmp_path: Path):
    participant = tornado_settings(participant_argv(ServeOptions(), tmp_path))
    facilitator = tornado_settings(facilitator_argv(ServeOptions(), tmp_path))
    assert participant["codesign_owner_cookie"] == PAGE_COOKIE
    assert "codesign_hub_signin" not in participant
    assert facilitator["codesign_owner_cookie"] == HUB_COOKIE
    assert facilitator["codesign_hub_signin"] is True


def test_half_open_connections_are_closed(tmp_path: Path):
    settings = tornado_settings(participant_argv(ServeOptions(), tmp_path))
    assert 0 < settings["codesign_idle_connection_timeout"] <= 120
    assert 0 < settings["codesign_body_timeout"] <= 60
    assert settings["codesign_max_buffer_size"] <= 16 * 1024 * 1024


def test_the_default_pool_suits_a_two_core_laptop():
    opts = ServeOptions()
    assert 2 <= opts.pool_size <= 4
    assert opts.activity_pool_size == 0


def test_the_hub_binds_a_network_address_only_behind_a_jupyterhub_login(tmp_path: Path):
    import pytest

    assert "--Voila.ip=127.0.0.1" in facilitator_argv(ServeOptions(), tmp_path)
    with pytest.raises(ValueError, match="needs --facilitator-login jupyterhub"):
        ServeOptions(facilitator_host="10.0.0.5")
    opts = ServeOptions(
        facilitator_host="10.0.0.5",
        facilitator_login="jupyterhub",
        public_url="https://studio.example.org/",
    )
    argv = facilitator_argv(opts, tmp_path)
    assert "--Voila.ip=10.0.0.5" in argv
    # JupyterHub's proxy passes the browser's Host (JupyterHub's address) along.
    assert "studio.example.org" in tornado_settings(argv)["local_hostnames"]
    assert (
        "studio.example.org"
        not in tornado_settings(
            facilitator_argv(ServeOptions(public_url="https://studio.example.org/"), tmp_path)
        )["local_hostnames"]
    )
