"""What a kernel knows about the page request that started it (Voila passes it in env vars)."""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs

__all__ = ["cookie_value", "request_params"]

_COOKIE_PAIR = re.compile(r'\s*([^=;\s]+)\s*=\s*("[^"]*"|[^;]*)\s*(?:;|$)')


def request_params() -> dict[str, str]:
    """The page's URL parameters, e.g. ``{"code": "KP7QXA"}``; empty in JupyterLab.

    A preheated Voila kernel runs before any request exists, so it waits for one first.
    ``wait_for_request`` is slow to import, so only preheated kernels pay for it.
    """
    if os.environ.get("VOILA_PREHEAT") == "True":
        from voila.utils import wait_for_request

        wait_for_request()
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
