"""`codesign serve --tls`: a phone that trusts the studio's authority joins over https.

Chromium runs with certificate checks on (``ignore_https_errors=False``) and trusts the
studio's authority the way an installed certificate would, through
``--ignore-certificate-errors-spki-list`` with the authority's key: a page served with any
other certificate would still fail.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
import ssl
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from codesign_widgets.core.workshop import StageState
from codesign_widgets.serving.certs import CA_MIME, make_certificates
from codesign_widgets.serving.processes import free_port
from codesign_widgets.studio import Studio

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .phone import join, kept_cookie

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GOAL = "Walk to the bus stop again"


def spki_hash(pem: bytes) -> str:
    """Chromium's form of a certificate's public key: base64 of its SPKI's SHA-256."""
    key = x509.load_pem_x509_certificate(pem).public_key()
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"), ["127.0.0.1", "localhost"])


@pytest.fixture(scope="module")
def goal_workshop(tmp_path_factory) -> dict[str, str]:
    db_url = f"sqlite:///{tmp_path_factory.mktemp('tls-db') / 'studio.db'}"
    studio = Studio.open(db_url)
    try:
        workshop, key = studio.workshops.create("Foot care goals", "codesign_day")
        studio.workshops.set_current_stage(workshop.id, "goals")
        studio.workshops.set_stage_state(workshop.id, "goals", StageState.OPEN)
    finally:
        studio.close()
    return {"db_url": db_url, "code": workshop.code, "key": key}


@pytest.fixture(scope="module")
def server(studio_server, goal_workshop, tls_files):
    return studio_server(goal_workshop["db_url"], tls_dir=tls_files.folder, ca_port=free_port())


@pytest.fixture(scope="module")
def trusting_browser(browser, tls_files):
    """A second Chromium (of the session's Playwright) that trusts the studio's authority
    as an installed certificate would; certificate checks stay on."""
    trust = f"--ignore-certificate-errors-spki-list={spki_hash(tls_files.ca_cert.read_bytes())}"
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, trust]
    )
    try:
        yield chromium
    finally:
        chromium.close()


def test_a_phone_joins_over_https_and_adds_a_card(
    trusting_browser, browser, server, goal_workshop, phone
):
    assert server.participant_base.startswith("https://127.0.0.1:")
    assert server.facilitator_base.startswith("https://127.0.0.1:")
    url = server.participant_url(goal_workshop["code"], "goal_mapping.ipynb")
    context = trusting_browser.new_context(**phone, ignore_https_errors=False)
    page = context.new_page()
    plain_requests: list[str] = []
    page.on(
        "request", lambda r: r.url.startswith(("http:", "ws:")) and plain_requests.append(r.url)
    )
    join(page, url, "Ann", "Lived experience")
    page.get_by_role("button", name="Add card").wait_for(timeout=60_000)
    page.get_by_label("What matters to me (or to the person I support)").fill("My grandchildren")
    page.get_by_label("The goal, in their own words").fill(GOAL)
    page.get_by_label("The group (shown on the big screen)").check()
    page.get_by_role("button", name="Add card").click()
    page.get_by_text("Card shared with the group.").wait_for(timeout=20_000)
    assert plain_requests == []  # nothing, websockets included, went in clear

    # Every cookie of the studio is Secure and HttpOnly under TLS, the identity one included.
    identity = f"codesign_{goal_workshop['code']}"
    kept_cookie(context, identity)
    cookies = {c["name"]: c for c in context.cookies() if c["name"].startswith("codesign_")}
    assert {"codesign_page", identity} <= set(cookies)
    for name, cookie in cookies.items():
        assert cookie["secure"], name
        assert cookie["httpOnly"], name

    # The card is in the store: the phone's kernel reached its server over https too.
    with sqlite3.connect(goal_workshop["db_url"].removeprefix("sqlite:///")) as db:
        bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM entry_revisions")]
    assert GOAL in [body.get("goal") for body in bodies]

    # Reloaded, the phone comes back as Ann (the HttpOnly identity cookie over https).
    page.reload()
    page.get_by_text("Ann", exact=False).first.wait_for(timeout=60_000)
    context.close()

    # A browser that does not trust the authority is stopped with a certificate error.
    stranger = browser.new_context(**phone, ignore_https_errors=False)
    with pytest.raises(Exception, match="ERR_CERT_AUTHORITY_INVALID"):
        stranger.new_page().goto(url, timeout=30_000)
    stranger.close()


def test_the_hub_shows_how_to_trust_the_studio_and_serves_the_certificate(
    trusting_browser, server, goal_workshop, tls_files
):
    assert server.ca_url.startswith("http://127.0.0.1:")  # plain http: not trusted yet
    with urllib.request.urlopen(server.ca_url, timeout=10) as response:
        assert response.headers["Content-Type"] == CA_MIME
        assert response.read() == tls_files.ca_cert.read_bytes()
    # The studio itself answers https only, verified through the authority.
    context = ssl.create_default_context(cafile=str(tls_files.ca_cert))
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
    )
    with opener.open(f"{server.participant_base}/voila/render/join.ipynb", timeout=60) as page:
        assert page.status == 200
    hub_ctx = trusting_browser.new_context(
        viewport={"width": 1280, "height": 900}, ignore_https_errors=False
    )
    hub = hub_ctx.new_page()
    hub.goto(server.facilitator_url(goal_workshop["code"]))
    hub.get_by_text(f"Trust this studio: {server.ca_url}").wait_for(timeout=60_000)
    steps = hub.locator(".codesign-trust-steps").inner_text()
    assert re.search(r"Android: .*iPhone: .*Certificate Trust Settings", steps)
    assert "warning" in steps
    assert hub.locator(".codesign-trust img").count() == 1  # the QR code
    hub_ctx.close()
