"""The hub as a JupyterHub-managed service: facilitators sign in through JupyterHub's OAuth.

A real JupyterHub (its DummyAuthenticator: any password set here, no PAM) on free loopback
ports, with its proxy configurable-http-proxy from ``make jupyterhub-proxy``, starts
``codesign serve --hub-only --facilitator-login jupyterhub`` as a service. A signed-in
facilitator reaches the hub page; a browser without a sign-in is sent to JupyterHub's login
and starts no kernel; a JupyterHub user without access to the service is refused; the
one-time link is refused. A participant page on a participant server works without
JupyterHub. Skipped without JupyterHub's proxy on a laptop, failing under ``CI=true``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

from codesign_widgets.serving.processes import free_port

from ..processes import kernels_of
from .conftest import _unavailable

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHP = sorted(ROOT.glob(".cache/chp-*/node_modules/.bin/configurable-http-proxy"))
PASSWORD = "a test password"
DESK = {"viewport": {"width": 1280, "height": 900}}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, *, follow: bool = False) -> tuple[int, str, str]:
    """Status, Location (or, followed, the final address) and body of a GET."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as answer:
            where = answer.url if follow else answer.headers.get("Location", "")
            return answer.status, where, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


class Hub:
    """A running JupyterHub and the codesign service it started."""

    def __init__(self, url: str, process: subprocess.Popen, log: Path) -> None:
        self.url = url
        self.process = process
        self.log = log
        self.service = f"{url}services/codesign/"

    def kernels(self) -> list[psutil.Process]:
        """Kernels under the codesign service (its Voila server's children)."""
        return kernels_of([self.process.pid])

    def service_kernels(self) -> int:
        return len(self.kernels())


@pytest.fixture(scope="module")
def jupyterhub(tmp_path_factory, demo_workshop) -> Iterator[Hub]:
    if not CHP:
        _unavailable("configurable-http-proxy not found: run 'make jupyterhub-proxy' once")
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        _unavailable("jupyterhub is not installed: pip install -e '.[jupyterhub]'")
    folder = tmp_path_factory.mktemp("jupyterhub")
    port, hub_port, api_port, service_port = (free_port() for _ in range(4))
    codesign = str(Path(sys.executable).with_name("codesign"))
    config = folder / "jupyterhub_config.py"
    config.write_text(
        f"""
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(CHP[-1])!r}]
c.JupyterHub.db_url = "sqlite:///{folder / "hub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(folder / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(folder / "hub.pid")!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allowed_users = {{"fran", "visitor"}}
c.JupyterHub.load_roles = [
    {{"name": "codesign-facilitators", "users": ["fran"],
      "scopes": ["access:services!service=codesign"]}},
]
c.JupyterHub.services = [
    {{
        "name": "codesign",
        "url": "http://127.0.0.1:{service_port}",
        "oauth_no_confirm": True,
        "command": [
            {codesign!r}, "serve", "--hub-only", "--facilitator-login", "jupyterhub",
            "--facilitator-port", "{service_port}", "--db", {demo_workshop["db_url"]!r},
        ],
        "environment": {{
            "HOME": {str(folder)!r},
            "XDG_STATE_HOME": {str(folder / "state")!r},
        }},
    }},
]
"""
    )
    log = folder / "jupyterhub.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(config)],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
        )
    hub = Hub(f"http://127.0.0.1:{port}/", process, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, where, _body = get(f"{hub.service}voila/render/facilitator.ipynb")
                if status == 302 and "oauth2" in where:
                    break
            except OSError:  # not listening yet
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterHub or the service did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield hub
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(5)


def _sign_in(page, hub: Hub, user: str) -> None:
    page.goto(f"{hub.service}voila/render/facilitator.ipynb")
    page.wait_for_selector("input[name=username]", timeout=30_000)
    assert urlsplit(page.url).path == "/hub/login"
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")


def test_an_anonymous_request_is_sent_to_jupyterhub_and_starts_no_kernel(jupyterhub):
    before = jupyterhub.service_kernels()
    for path in ("voila/render/facilitator.ipynb", "voila/render/goal_mapping.ipynb?code=X"):
        status, where, _body = get(f"{jupyterhub.service}{path}")
        assert status == 302
        assert urlsplit(where).path == "/hub/api/oauth2/authorize"
    # Followed, the redirects end on JupyterHub's login form.
    status, where, body = get(f"{jupyterhub.service}voila/render/facilitator.ipynb", follow=True)
    assert urlsplit(where).path == "/hub/login"
    assert 'name="password"' in body
    # The one-time link is no way in here.
    status, _where, body = get(f"{jupyterhub.service}codesign/sign-in?token=abcdefgh")
    assert status == 403
    assert "through JupyterHub" in body
    time.sleep(3)
    assert jupyterhub.service_kernels() == before


def test_a_signed_in_facilitator_reaches_the_hub(browser, jupyterhub):
    context = browser.new_context(**DESK)
    try:
        page = context.new_page()
        _sign_in(page, jupyterhub, "fran")
        page.get_by_role("button", name="Create workshop").wait_for(timeout=90_000)
        assert urlsplit(page.url).path == "/services/codesign/voila/render/facilitator.ipynb"
        kernels = jupyterhub.kernels()
        assert kernels
        # JupyterHub's API token reached the service, never its kernels.
        assert all("JUPYTERHUB_API_TOKEN" not in k.environ() for k in kernels)
        assert all(k.environ().get("JUPYTERHUB_SERVICE_NAME") == "codesign" for k in kernels)
        # Its hub session is the studio's own HttpOnly cookie; the JupyterHub token stays in
        # JupyterHub's cookie for this service.
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["codesign_hub"]["httpOnly"]
        assert cookies["service-codesign"]["path"] == "/services/codesign/"
        # Reloading stays signed in, with no second trip through JupyterHub's login.
        page.reload()
        page.get_by_role("button", name="Create workshop").wait_for(timeout=90_000)
        assert urlsplit(page.url).path == "/services/codesign/voila/render/facilitator.ipynb"
    finally:
        context.close()


def test_a_jupyterhub_user_without_access_is_refused(browser, jupyterhub):
    before = jupyterhub.service_kernels()
    context = browser.new_context(**DESK)
    try:
        page = context.new_page()
        _sign_in(page, jupyterhub, "visitor")
        # JupyterHub itself refuses to hand the service a token for a user without the
        # scope access:services!service=codesign; the hub would refuse one anyway.
        page.get_by_text(
            "You do not have permission to access JupyterHub service codesign"
        ).first.wait_for(timeout=30_000)
        time.sleep(3)
        assert jupyterhub.service_kernels() <= before
        names = {c["name"] for c in context.cookies()}
        assert "codesign_hub" not in names
        assert "service-codesign" not in names
    finally:
        context.close()


def test_a_participant_page_works_without_jupyterhub(
    browser, phone, jupyterhub, studio_server, demo_workshop
):
    """Phones use a participant server of their own, which knows nothing of JupyterHub."""
    server = studio_server(demo_workshop["db_url"], roles=("participant",))
    assert "JUPYTERHUB_API_TOKEN" not in server.role_envs()["participant"]
    context = browser.new_context(**phone)
    try:
        page = context.new_page()
        page.goto(server.participant_url(demo_workshop["code"]))
        page.get_by_role("button", name="Join").wait_for(timeout=90_000)
        assert "/hub/" not in page.url
    finally:
        context.close()
