"""Facilitators sign in through JupyterHub: the hub run as a JupyterHub-managed service.

``codesign serve --hub-only --facilitator-login jupyterhub``, started by JupyterHub (its
``c.JupyterHub.services``), checks every hub page and kernel connection with JupyterHub's
OAuth (:class:`jupyterhub.services.auth.HubOAuth`) in place of the one-time link: a browser
without a JupyterHub sign-in is sent to JupyterHub's login and starts nothing; a JupyterHub
user without access to the service (the scope ``access:services!service=NAME``) is refused.
Participants never come here: their pages are on the participant servers, outside JupyterHub.

Runs in the facilitator server's process only (``voila_main.py``). JupyterHub hands the
service its API token in ``$JUPYTERHUB_API_TOKEN``; :func:`install` reads it and removes it
from the environment, so the hub's kernels never see it.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "HUB_LOGIN_ENV",
    "JUPYTERHUB",
    "LOGINS",
    "enabled",
    "install",
    "missing_service_env",
    "signed_in",
]

#: Which facilitator login the hub uses (set for the facilitator server by ``server.py``).
HUB_LOGIN_ENV = "CODESIGN_HUB_LOGIN"
JUPYTERHUB = "jupyterhub"
#: ``link``: the one-time link (this host or an SSH tunnel); ``jupyterhub``: JupyterHub's OAuth.
LOGINS = ("link", JUPYTERHUB)
#: What JupyterHub sets for a managed service with OAuth; without them this is no service.
SERVICE_ENV = (
    "JUPYTERHUB_API_TOKEN",
    "JUPYTERHUB_API_URL",
    "JUPYTERHUB_CLIENT_ID",
    "JUPYTERHUB_SERVICE_PREFIX",
    "JUPYTERHUB_OAUTH_CALLBACK_URL",
)
_AUTH: list[Any] = []  # the HubOAuth of this process, once installed
NO_ACCESS = (
    "Your JupyterHub account may not open the facilitator hub. Ask the JupyterHub "
    "administrator for access to this service, then reload this page."
)
NO_LINKS = (
    "This hub signs facilitators in through JupyterHub, not with links: open it from "
    "JupyterHub (its Services menu)."
)


def refuse(handler: Any, what: str, text: str) -> None:
    """Answer 403 with ``text`` (plain, fixed words) and log that ``what`` was refused."""
    handler.log.warning("Refused %s", what)
    handler.set_status(403)
    handler.set_header("Cache-Control", "no-store")
    handler.set_header("Content-Type", "text/plain; charset=utf-8")
    handler.finish(text)


def missing_service_env(env: dict[str, str]) -> str | None:
    """A sentence saying why ``env`` is not a JupyterHub service's environment, or None.

    >>> missing_service_env({}).startswith("--facilitator-login jupyterhub")
    True
    >>> missing_service_env(dict.fromkeys(SERVICE_ENV, "x")) is None
    True
    """
    missing = [name for name in SERVICE_ENV if not env.get(name)]
    if not missing:
        return None
    return (
        "--facilitator-login jupyterhub runs the hub as a service that JupyterHub starts "
        f"(${missing[0]} is not set): add it to c.JupyterHub.services in jupyterhub_config.py "
        "as the README shows (A shared server), or sign in with the one-time link instead."
    )


def enabled() -> bool:
    """Whether this server checks facilitators with JupyterHub (after :func:`install`).

    >>> isinstance(enabled(), bool)
    True
    """
    return bool(_AUTH)


def install() -> None:
    """In the facilitator server's process, when ``$CODESIGN_HUB_LOGIN`` says jupyterhub:
    make the HubOAuth from JupyterHub's environment and take the API token out of it.

    >>> os.environ.get(HUB_LOGIN_ENV) != JUPYTERHUB or enabled()
    True
    """
    if os.environ.get(HUB_LOGIN_ENV) != JUPYTERHUB or _AUTH:
        return
    problem = missing_service_env(dict(os.environ))
    if problem:
        raise SystemExit(problem)
    from jupyterhub.services.auth import HubOAuth

    auth = HubOAuth.instance()
    # Read everything the environment gives now: the token leaves it below, and the
    # defaults are computed on first use.
    _ = (auth.api_token, auth.api_url, auth.oauth_client_id, auth.oauth_redirect_uri)
    _ = (auth.access_scopes, auth.base_url, auth.login_url)
    for name in ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN"):
        os.environ.pop(name, None)  # the hub's kernels inherit the environment
    _AUTH.append(auth)


def public_host() -> str | None:
    """The host name of JupyterHub's public address (``c.JupyterHub.public_url``, which
    JupyterHub passes to its services as ``$JUPYTERHUB_PUBLIC_URL``): browsers reach the
    hub through JupyterHub's proxy with that ``Host``. None without a JupyterHub login.

    >>> public_host() is None or enabled()
    True
    """
    if not _AUTH:
        return None
    return urlsplit(os.environ.get("JUPYTERHUB_PUBLIC_URL", "")).hostname


async def signed_in(handler: Any) -> dict | None:
    """The JupyterHub user of this request if they may use the hub, else None (no
    sign-in, or signed in without access to this service)."""
    auth = _AUTH[0]
    model = await auth.get_user(handler, sync=False)
    if not model:
        return None
    if auth.access_scopes and not auth.check_scopes(auth.access_scopes, model):
        handler.codesign_hub_user_refused = model.get("name", "")
        return None
    return model


async def check_page(handler: Any) -> bool:
    """Let a hub page through for a JupyterHub user with access; otherwise answer: to
    JupyterHub's login when not signed in, 403 when signed in without access."""
    from tornado.httputil import url_concat

    if await signed_in(handler) is not None:
        return True
    handler.set_header("Cache-Control", "no-store")
    if getattr(handler, "codesign_hub_user_refused", None) is not None:
        refuse(handler, "a hub page to a JupyterHub user without access", NO_ACCESS)
        return False
    auth = _AUTH[0]
    params = {}
    verifier = None
    if auth.pkce_enabled:
        verifier, challenge, method = auth.generate_pkce_code_challenge()
        params.update(code_challenge=challenge, code_challenge_method=method)
    params["state"] = auth.set_state_cookie(
        handler, next_url=handler.request.uri, code_verifier=verifier
    )
    handler.log.info("Sent a browser without a JupyterHub sign-in to JupyterHub's login")
    handler.redirect(url_concat(auth.login_url, params))
    return False


def sign_out(handler: Any) -> None:
    """Forget the browser's JupyterHub token cookie for this service."""
    if _AUTH:
        _AUTH[0].clear_cookie(handler)


def routes() -> list[tuple[str, type]]:
    """``oauth_callback``, where JupyterHub sends the browser back after its login."""
    if not _AUTH:
        return []
    from jupyterhub.services.auth import HubOAuthCallbackHandler

    return [(r"/oauth_callback", HubOAuthCallbackHandler)]
