"""What the studio's two Voila servers serve and the limits they keep.

:class:`ServeOptions` holds every setting of ``codesign serve``; :data:`OPTION_HELP` explains
each, and ``codesign serve --help`` prints them. The constants name the notebooks each role
may open, the front-end extensions a phone loads and the environment the apps read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PACKAGE_DIR = Path(__file__).resolve().parents[1]
SHARE_JUPYTER = Path(__file__).resolve().parent / "share" / "jupyter"

#: Activity notebooks: participants open them with ``?code=``, the facilitator with ``&key=``.
ACTIVITY_NOTEBOOKS: tuple[str, ...] = (
    "goal_mapping.ipynb",
    "stakeholder_network.ipynb",
    "prototype_scoring.ipynb",
)
#: Notebooks participants may open. Extend here when an activity is added.
PARTICIPANT_NOTEBOOKS: tuple[str, ...] = ("join.ipynb", *ACTIVITY_NOTEBOOKS)
#: Notebooks the facilitator server serves.
FACILITATOR_NOTEBOOKS: tuple[str, ...] = ("facilitator.ipynb", *ACTIVITY_NOTEBOOKS)
#: Front-end extensions a participant page needs; everything else is JavaScript to parse.
PARTICIPANT_EXTENSIONS: tuple[str, ...] = (
    "@voila-dashboards/widgets-manager8",
    "@jupyter-widgets/jupyterlab-manager",
    "anywidget",
)
#: Environment variables the apps read (see ``apps.py`` and ``views/hub.py``).
ROLE_ENV = "CODESIGN_ROLE"
PARTICIPANT_URL_ENV = "CODESIGN_PARTICIPANT_URL"
FACILITATOR_URL_ENV = "CODESIGN_FACILITATOR_URL"
#: The two servers: participant pages (phones) and the facilitator's hub.
ROLES: tuple[str, ...] = ("participant", "facilitator")
PHONE_TEMPLATE = "codesign-phone"
PROJECTOR_TEMPLATE = "codesign-projector"
LOOPBACK = "127.0.0.1"


_BASE_URL = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*$")


def normalise_base_url(value: str) -> str:
    """The URL prefix a server answers under, as Voila wants it: ``/`` or ``/p1/``.

    A reverse proxy routes each participant server by it (``deploy/nginx-codesign.conf``).

    >>> normalise_base_url("p1"), normalise_base_url("/rooms/p2/"), normalise_base_url("")
    ('/p1/', '/rooms/p2/', '/')
    >>> normalise_base_url("/p 1/")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: --base-url '/p 1/' is not a URL prefix: use letters, digits, ...
    """
    text = "/" + (value or "").strip().strip("/") + "/"
    text = text.replace("//", "/")
    if not _BASE_URL.match(text) or "/../" in text or "/./" in text:
        msg = (
            f"--base-url {value!r} is not a URL prefix: use letters, digits, '-', '_', '.' "
            "and '/' only, e.g. /p1/"
        )
        raise ValueError(msg)
    return text


def normalise_public_url(value: str) -> str:
    """The address phones use when a reverse proxy stands in front (``""``: none), ending in /.

    >>> normalise_public_url("https://studio.example.org"), normalise_public_url("")
    ('https://studio.example.org/', '')
    >>> normalise_public_url("studio.example.org")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: --public-url 'studio.example.org' must be a whole address such as ...
    """
    if not value:
        return ""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        msg = (
            f"--public-url {value!r} must be a whole address such as "
            "https://studio.example.org/ (scheme and host, no ?query)"
        )
        raise ValueError(msg)
    return value.strip().split("#", 1)[0].rstrip("/") + "/"


def check_facilitator_login(host: str, login: str) -> None:
    """Refuse a hub on a network address without a facilitator login that holds there.

    >>> check_facilitator_login("127.0.0.1", "link")
    >>> check_facilitator_login("10.0.0.5", "jupyterhub")
    >>> check_facilitator_login("10.0.0.5", "link")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: --facilitator-host 10.0.0.5 needs --facilitator-login jupyterhub: ...
    """
    if login not in ("link", "jupyterhub"):
        msg = f"--facilitator-login must be link or jupyterhub, not {login!r}"
        raise ValueError(msg)
    if host != LOOPBACK and login != "jupyterhub":
        msg = (
            f"--facilitator-host {host} needs --facilitator-login jupyterhub: the one-time "
            "hub link is a secret printed on this host, not a sign-in that holds on a network, "
            "so the hub stays on 127.0.0.1 (reach it through an SSH tunnel) unless JupyterHub "
            "signs facilitators in."
        )
        raise ValueError(msg)


@dataclass
class ServeOptions:
    """Settings for the two servers; :data:`OPTION_HELP` explains each field.

    jupyter_server has no cap on the number of kernels; the participant server gets one
    from :mod:`codesign_widgets.serving.kernel_guard` (``max_kernels``, ``max_kernels_per_client``).
    """

    db_url: str = ""
    notebooks_root: Path | None = None
    participant_host: str = LOOPBACK
    participant_port: int = 8866
    facilitator_port: int = 8867
    pool_size: int = 3
    activity_pool_size: int = 0
    cull_idle_timeout: int = 600
    cull_interval: int = 60
    max_kernels: int = 60
    max_kernels_per_client: int = 4
    max_connections_per_client: int = 48
    abandoned_page_grace: int = 30
    idle_page_timeout: int = 300
    participant_max_message_bytes: int = 64 * 1024
    facilitator_max_message_bytes: int = 10 * 1024 * 1024
    ws_ping_interval: int = 10
    idle_connection_timeout: int = 60
    body_timeout: int = 30
    kernel_memory_mb: int = 512
    participant_notebooks: tuple[str, ...] = PARTICIPANT_NOTEBOOKS
    facilitator_notebooks: tuple[str, ...] = FACILITATOR_NOTEBOOKS
    roles: tuple[str, ...] = ROLES
    base_url: str = "/"
    public_url: str = ""
    facilitator_host: str = LOOPBACK
    facilitator_login: str = "link"
    tls_dir: Path | None = None
    ca_port: int = 8868

    def __post_init__(self) -> None:
        self.base_url = normalise_base_url(self.base_url)
        self.public_url = normalise_public_url(self.public_url)
        check_facilitator_login(self.facilitator_host, self.facilitator_login)
        unknown = [r for r in self.roles if r not in ROLES]
        if unknown or not self.roles:
            msg = f"roles must be some of {ROLES}, not {self.roles!r}"
            raise ValueError(msg)

    @property
    def scheme(self) -> str:
        """``https`` when the servers use the certificates of ``tls_dir``, else ``http``.

        >>> ServeOptions().scheme, ServeOptions(tls_dir=Path("tls")).scheme
        ('http', 'https')
        """
        return "https" if self.tls_dir is not None else "http"


#: One line per :class:`ServeOptions` field, for ``codesign serve --help``.
OPTION_HELP: dict[str, str] = {
    "db_url": "SQLAlchemy URL of the store, given to kernels as CODESIGN_DB.",
    "notebooks_root": "Folder holding the notebooks (default: the packaged ones).",
    "participant_host": "Address the participant server binds (the LAN address to share).",
    "participant_port": "Port of the participant server.",
    "facilitator_port": "Port of the facilitator server.",
    "facilitator_host": "Address the facilitator server binds: 127.0.0.1 unless facilitators "
    "sign in through JupyterHub (--facilitator-login jupyterhub).",
    "facilitator_login": "How facilitators sign in to the hub: link (a one-time link printed "
    "on this host) or jupyterhub (JupyterHub's OAuth; the hub runs as a JupyterHub service).",
    "pool_size": "Preheated kernels kept ready for join.ipynb, where every phone lands "
    "(each about 75 MB; they never count against --max-kernels). 3 suits a 2-core laptop: "
    "a larger pool is slower to refill while a room joins at once.",
    "activity_pool_size": "Preheated kernels kept ready per other participant notebook "
    "(phones rarely open them directly).",
    "cull_idle_timeout": "Seconds before an idle kernel with no open page is shut down.",
    "cull_interval": "Seconds between checks for idle kernels.",
    "max_kernels": "Participant pages open at once, all devices together (0: no limit); "
    "each holds a kernel of about 100 MB. Further phones are asked to wait.",
    "max_kernels_per_client": "Participant pages one device (one network address) may keep "
    "open (0: no limit; this laptop's own browser has none). Its abandoned tabs are closed "
    "first; raise it when phones reach this laptop through one shared address.",
    "max_connections_per_client": "HTTP and websocket connections one device (one network "
    "address) may hold open on the participant server at once (0: no limit; this laptop's own "
    "browser has none); a phone's page holds about 11. One more is answered 429.",
    "abandoned_page_grace": "Seconds a page has to connect to its kernel before, on a "
    "device at its limit, that kernel counts as an abandoned tab.",
    "idle_page_timeout": "Seconds a participant page may go untouched while hidden (or "
    "silent: a locked phone) before, in a full workshop, its kernel makes room for a new "
    "page, the busiest device's first (0: never); its person comes back on reload.",
    "participant_max_message_bytes": "Largest websocket message a phone may send its kernel.",
    "facilitator_max_message_bytes": "Largest websocket message the facilitator page may send.",
    "ws_ping_interval": "Seconds between websocket pings, so a sleeping phone is noticed.",
    "idle_connection_timeout": "Seconds an HTTP connection may stay idle before it is closed.",
    "body_timeout": "Seconds a client may take to send a request's body.",
    "kernel_memory_mb": "Most memory (MB of data) one participant kernel may take; about "
    "160 is normal (0: no cap).",
    "participant_notebooks": "Notebooks reachable on the participant server.",
    "facilitator_notebooks": "Notebooks reachable on the facilitator server.",
    "roles": "Servers this command starts: both, the participant server alone "
    "(--participant-only) or the hub alone (--hub-only).",
    "base_url": "URL prefix the started servers answer under (e.g. /p1/), so a reverse proxy "
    "can route several participant servers on one host by prefix.",
    "tls_dir": "Folder of the certificates `codesign cert` made; both servers use https.",
    "ca_port": "Port of the plain http download of the studio's certificate (with --tls).",
    "public_url": "Address phones reach the participant pages at through a reverse proxy "
    "(e.g. https://studio.example.org/): printed, in the QR code and in the hub's join link; "
    "its host name passes the Host check and the proxy's X-Real-IP names each phone.",
}
