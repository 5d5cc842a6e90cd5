"""What the facilitator shares: the join link and address for phones, the QR code, and the
links to each activity's own facilitator page.

Read from the addresses ``codesign serve`` puts in the environment.
"""

from __future__ import annotations

import io
import os
import re
from urllib.parse import quote, urlsplit

from ..core.i18n import N_

__all__ = [
    "ACTIVITY_PAGES",
    "activity_links",
    "ca_link",
    "join_address",
    "join_link",
    "qr_png",
]

PARTICIPANT_URL_ENV = "CODESIGN_PARTICIPANT_URL"
FACILITATOR_URL_ENV = "CODESIGN_FACILITATOR_URL"
#: Set by ``codesign serve --tls`` (serving/voila_env.py names it too).
CA_URL_ENV = "CODESIGN_CA_URL"


def ca_link() -> str:
    """The plain http address of the studio's certificate under ``--tls`` ("" otherwise).

    >>> ca_link() == os.environ.get(CA_URL_ENV, "")
    True
    """
    return os.environ.get(CA_URL_ENV, "")


def join_link(code: str) -> str:
    """The link participants open, from the server's address (set by ``codesign serve``)."""
    base = os.environ.get(PARTICIPANT_URL_ENV, "")
    if not base:
        return ""
    return f"{base}?code={quote(code)}"


def join_address() -> str:
    """The participant server's bare address (it opens the join page), short to type; with
    its URL prefix when it has one (several servers behind a reverse proxy)."""
    parts = urlsplit(os.environ.get(PARTICIPANT_URL_ENV, ""))
    if not parts.netloc:
        return ""
    prefix = re.split(r"/voila/render/|/codesign/enter$", parts.path, maxsplit=1)[0].rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{prefix}"


ACTIVITY_PAGES = {
    "goal_mapping": ("goal_mapping.ipynb", N_("Goal wall")),
    "stakeholder_network": ("stakeholder_network.ipynb", N_("Stakeholder map")),
    "prototype_scoring": ("prototype_scoring.ipynb", N_("Prototype scoring")),
}


def activity_links(code: str) -> dict[str, str]:
    """Facilitator links to each activity's own page. They carry the join code only: the
    facilitator server opens them for the browser signed in to this workshop's hub."""
    hub = os.environ.get(FACILITATOR_URL_ENV, "")
    if not hub:
        return {}
    base = hub.rsplit("/", 1)[0]
    query = f"?code={quote(code)}"
    return {activity: f"{base}/{page}{query}" for activity, (page, _t) in ACTIVITY_PAGES.items()}


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes (segno is imported here: only the hub draws one)."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()
