"""What a kernel knows about the page request that started it (Voila passes it in env vars)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from urllib.parse import parse_qs

from .sessions import KERNEL_SECRET_ENV, KERNEL_SECRET_HEADER, SERVER_URL_ENV

__all__ = [
    "browser_language",
    "cap_memory",
    "cookie_value",
    "hand_over_token",
    "kernel_id",
    "request_params",
]

#: Environment of participant kernels: the most memory (MB of data) one may take.
MEMORY_ENV = "CODESIGN_KERNEL_MEMORY_MB"
#: Under ``--tls``: the studio's authority, which kernels trust to reach their own server.
CA_FILE_ENV = "CODESIGN_CA_FILE"
#: Under ``--tls``, for the hub: the plain http address of that authority's certificate.
CA_URL_ENV = "CODESIGN_CA_URL"


def _tls_context():
    """An SSL context trusting the studio's authority (``--tls``), else None (plain http)."""
    cafile = os.environ.get(CA_FILE_ENV)
    if not cafile:
        return None
    import ssl

    return ssl.create_default_context(cafile=cafile)


_COOKIE_PAIR = re.compile(r'\s*([^=;\s]+)\s*=\s*("[^"]*"|[^;]*)\s*(?:;|$)')


_request_seen = False


def _wait_for_request() -> None:
    """Block until Voila hands this preheated kernel its page request, then set its env vars.

    The same exchange as ``voila.utils.wait_for_request`` (a websocket to ``voila/query/<kernel
    id>`` that delivers the request's variables as JSON), without importing ``voila.utils``,
    which pulls in jupyter_server and costs every pooled kernel about 2.7 CPU-seconds.
    """
    import asyncio

    from websockets.asyncio.client import connect

    base = os.environ.get("VOILA_WS_BASE_URL") or os.environ.get("VOILA_SERVER_URL", "/")
    url = (
        f"{os.environ.get('VOILA_WS_PROTOCOL', 'ws')}://"
        f"{os.environ.get('VOILA_APP_IP', '127.0.0.1')}:{os.environ.get('VOILA_APP_PORT', '8866')}"
        f"{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"
    )
    received: list[str] = []

    async def receive() -> None:
        # The server answers this socket only for the kernel (it carries the page's cookies).
        headers = {KERNEL_SECRET_HEADER: os.environ.get(KERNEL_SECRET_ENV, "")}
        tls = {"ssl": _tls_context()} if url.startswith("wss:") else {}
        async with connect(
            url, open_timeout=5, max_size=2**20, additional_headers=headers, **tls
        ) as websocket:
            received.append(await websocket.recv())

    def run() -> None:
        # No request info (server gone): the page shows its "type the code" form.
        with contextlib.suppress(OSError, TimeoutError):
            asyncio.run(receive())

    # The kernel's own event loop is busy running this cell, so the wait runs on a thread.
    thread = threading.Thread(target=run, name="codesign-wait-for-request", daemon=True)
    thread.start()
    thread.join()
    for key, value in json.loads(received[0] if received else "{}").items():
        os.environ[key] = str(value)


def request_params() -> dict[str, str]:
    """The page's URL parameters, e.g. ``{"code": "KP7QXA"}``; empty in JupyterLab.

    A preheated Voila kernel runs before any request exists, so the first call waits for one;
    later calls in the same kernel return at once.
    """
    global _request_seen
    if os.environ.get("VOILA_PREHEAT") == "True" and not _request_seen:
        _wait_for_request()
        _request_seen = True
    # VOILA_REQUEST_URL can be stale in a preheated kernel; QUERY_STRING is not.
    query = os.environ.get("QUERY_STRING", "")
    return {k: v[0] for k, v in parse_qs(query, max_num_fields=20).items() if v}


def cookie_value(name: str) -> str | None:
    """One cookie of the page request (Voila must pass the Cookie header through).

    Parsed by hand: ``http.cookies.SimpleCookie`` gives up on the whole header when it meets
    Voila's own quoted cookie.
    """
    for match in _COOKIE_PAIR.finditer(os.environ.get("HTTP_COOKIE", "")):
        if match.group(1) == name:
            return match.group(2).strip('"') or None
    return None


def browser_language() -> str:
    """The language of ours the page's browser asks for first (Voila must pass the
    ``Accept-Language`` header through; call :func:`request_params` first in a preheated
    kernel); ``"en"`` when it asks for none of them or in JupyterLab.

    >>> browser_language() in ("en", "cy", "es")
    True
    """
    from ..core.i18n import negotiate

    return negotiate(os.environ.get("HTTP_ACCEPT_LANGUAGE"))


_KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json$")


def kernel_id() -> str:
    """This kernel's id (from its connection file), or "" outside a Jupyter kernel."""
    if os.environ.get("VOILA_KERNEL_ID"):
        return os.environ["VOILA_KERNEL_ID"]
    try:
        from ipykernel.connect import get_connection_file

        found = _KERNEL_FILE.search(get_connection_file())
    except Exception:  # not in a kernel (a test, a script): nothing to hand over
        return ""
    return found.group(1) if found else ""


def hand_over_token(code: str, token: str) -> bool:
    """Give this page's server a participant token to keep in an HttpOnly cookie.

    The server keeps it for the page (the session that opened this kernel) until the page
    collects it; an empty ``token`` makes the page forget the one it has. Page script never
    sees the token. False when there is no studio server (JupyterLab, tests).
    """
    import urllib.error
    import urllib.request

    base, secret, kid = (
        os.environ.get(SERVER_URL_ENV),
        os.environ.get(KERNEL_SECRET_ENV),
        kernel_id(),
    )
    if not (base and secret and kid) or not base.startswith(("http://", "https://")):
        return False
    body = json.dumps({"kernel_id": kid, "code": code, "token": token}).encode()
    request = urllib.request.Request(  # noqa: S310 - an http(s) address, checked above
        f"{base.rstrip('/')}/codesign/kernel/identity",
        data=body,
        method="POST",
        headers={KERNEL_SECRET_HEADER: secret, "Content-Type": "application/json"},
    )
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    context = _tls_context()
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status == 204
    except (OSError, urllib.error.URLError):
        return False


def cap_memory() -> int:
    """Cap this kernel's data memory at ``$CODESIGN_KERNEL_MEMORY_MB``; return the cap in MB.

    A participant kernel takes about 160 MB of data (70 MB resident); whatever a page makes
    it do, it cannot take the laptop's memory from the rest of the room: past the cap the
    kernel fails (MemoryError), and its page comes back with a new one. 0 when not capped.
    """
    try:
        megabytes = int(os.environ.get(MEMORY_ENV, "0"))
        import resource
    except (ValueError, ImportError):
        return 0
    if megabytes <= 0:
        return 0
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    return resource.getrlimit(resource.RLIMIT_DATA)[0] // (1024 * 1024)
