"""Who may use a kernel, and who may open the hub: page and facilitator sessions.

Voila starts a kernel per page and jupyter_server lets anyone holding a kernel's id talk to
it. Each server therefore gives every browser a session: a random id in an HttpOnly,
SameSite=Strict cookie set with the page, never shown to page script. The participant server
records which session opened each kernel (:class:`KernelOwners`) and answers the kernel's
routes for that session only. The facilitator server renders a page only for a signed-in
facilitator session (:class:`HubSessions`): a one-time sign-in link that ``codesign serve``
prints is exchanged for the cookie; the workshops the facilitator opened on that browser are
remembered with the session, so the key never travels in a URL.

Pure Python and files; the server (``voila_main.py``) and the hub's kernel use these.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

__all__ = [
    "HUB_COOKIE",
    "HUB_SESSIONS_ENV",
    "KERNEL_SECRET_ENV",
    "KERNEL_SECRET_HEADER",
    "PAGE_COOKIE",
    "SERVER_URL_ENV",
    "HubSessions",
    "KernelOwners",
    "end_of_day",
    "new_session_id",
    "token_cookie_name",
    "valid_session_id",
]

#: Cookie naming a participant browser's page session (participant server).
PAGE_COOKIE = "codesign_page"
#: Cookie naming a facilitator's signed-in session (facilitator server).
HUB_COOKIE = "codesign_hub"
#: Environment of the servers and their kernels: the secret a kernel proves itself with.
KERNEL_SECRET_ENV = "CODESIGN_KERNEL_SECRET"  # noqa: S105 - a variable name, not a secret
KERNEL_SECRET_HEADER = "X-Codesign-Kernel"  # noqa: S105 - a header name
#: Environment: where the facilitator sessions are kept (facilitator server and its kernels).
HUB_SESSIONS_ENV = "CODESIGN_HUB_SESSIONS"
#: Environment of participant kernels: the address of their own server.
SERVER_URL_ENV = "CODESIGN_SERVER_URL"

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def new_session_id() -> str:
    """A fresh random session id (192 bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def valid_session_id(value: object) -> bool:
    """Whether ``value`` looks like an id :func:`new_session_id` made (anything else is ignored)."""
    return isinstance(value, str) and bool(_SESSION_ID.match(value))


def token_cookie_name(code: str) -> str:
    """The HttpOnly cookie keeping a participant's token for workshop ``code``."""
    return f"codesign_{code}"


def end_of_day(now: float | None = None) -> float:
    """The next local midnight after ``now``: a participant is remembered for the workshop's day.

    >>> start = dt.datetime(2026, 11, 30, 9, 30).timestamp()
    >>> dt.datetime.fromtimestamp(end_of_day(start)).isoformat()
    '2026-12-01T00:00:00'
    """
    today = dt.datetime.fromtimestamp(time.time() if now is None else now).date()
    return dt.datetime.combine(today + dt.timedelta(days=1), dt.time()).timestamp()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class KernelOwners:
    """Which page session opened each kernel (kept in the server's memory).

    >>> owners = KernelOwners()
    >>> owners.claim("k1", "a" * 32)
    >>> owners.allows("k1", "a" * 32), owners.allows("k1", "b" * 32), owners.allows("k2", "a" * 32)
    (True, False, False)
    """

    def __init__(self) -> None:
        self._owner: dict[str, str] = {}

    def claim(self, kernel_id: str, session: str | None) -> None:
        """Record that ``session`` opened ``kernel_id`` (the first claim stands)."""
        if session and kernel_id not in self._owner:
            self._owner[kernel_id] = session

    def owner(self, kernel_id: str) -> str | None:
        return self._owner.get(kernel_id)

    def allows(self, kernel_id: str | None, session: str | None) -> bool:
        """Whether ``session`` may reach ``kernel_id``: only the session that opened it."""
        owner = self._owner.get(kernel_id or "")
        return bool(owner and session) and hmac.compare_digest(owner, session)

    def forget_gone(self, live: Iterable[str]) -> None:
        """Drop kernels the server no longer runs."""
        live = set(live)
        for kernel_id in [k for k in self._owner if k not in live]:
            del self._owner[kernel_id]


class HubSessions:
    """Signed-in facilitator sessions and one-time sign-in links, kept in a small JSON file.

    Both the facilitator server (sign-in, page check) and the hub's kernels (which workshops
    this browser opened) use the file, so a reload or a restart of the studio keeps the
    facilitator signed in. The file holds SHA-256 digests of session ids and sign-in tokens,
    never the ids themselves and never a workshop key; it is readable by its owner only.

    Parameters
    ----------
    path
        The JSON file (created when first written).
    lifetime
        Seconds a signed-in session lasts.
    link_lifetime
        Seconds a sign-in link stays usable when nobody uses it.
    clock
        ``time.time`` unless a test passes its own.
    """

    def __init__(
        self,
        path: Path | str,
        lifetime: float = 7 * 24 * 3600,
        link_lifetime: float = 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.lifetime, self.link_lifetime, self._clock = lifetime, link_lifetime, clock

    @classmethod
    def from_env(cls) -> HubSessions | None:
        """The sessions of the facilitator server this process belongs to, if any."""
        path = os.environ.get(HUB_SESSIONS_ENV)
        return cls(path) if path else None

    # -- the file ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a") as lock:
            with contextlib.suppress(ImportError):
                import fcntl

                fcntl.flock(lock, fcntl.LOCK_EX)
            data = self._read()
            before = json.dumps(data, sort_keys=True)
            self._expire(data)
            yield data
            if json.dumps(data, sort_keys=True) != before:
                self._write(data)

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        data.setdefault("sessions", {})
        data.setdefault("links", {})
        return data

    def _write(self, data: dict) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
        os.replace(tmp, self.path)

    def _expire(self, data: dict) -> None:
        now = self._clock()
        for kind in ("sessions", "links"):
            for k in [k for k, v in data[kind].items() if v.get("expires", 0) <= now]:
                del data[kind][k]

    # -- sign-in -------------------------------------------------------------------------
    def mint_link(self, code: str | None = None) -> str:
        """A one-time sign-in token; redeeming it signs a browser in (and opens ``code``)."""
        token = secrets.token_urlsafe(24)
        with self._locked() as data:
            data["links"][_digest(token)] = {
                "expires": self._clock() + self.link_lifetime,
                "code": code or "",
            }
        return token

    def redeem(self, token: str) -> tuple[str, str] | None:
        """Use a sign-in token once: a new session id and the workshop code it opens.

        None when the token is unknown, used or expired.
        """
        if not isinstance(token, str) or not token or len(token) > 100:
            return None
        with self._locked() as data:
            link = data["links"].pop(_digest(token), None)
            if link is None:
                return None
            session = new_session_id()
            codes = [link["code"]] if link.get("code") else []
            data["sessions"][_digest(session)] = {
                "expires": self._clock() + self.lifetime,
                "codes": codes,
            }
        return session, link.get("code", "")

    def open_session(self) -> str:
        """A new signed-in session id, for a browser another login vouched for (JupyterHub's
        OAuth, ``hub_login.py``) instead of a one-time link."""
        session = new_session_id()
        with self._locked() as data:
            data["sessions"][_digest(session)] = {
                "expires": self._clock() + self.lifetime,
                "codes": [],
            }
        return session

    def signed_in(self, session: str | None) -> bool:
        """Whether ``session`` is a signed-in facilitator session."""
        return self.codes(session) is not None

    def codes(self, session: str | None) -> list[str] | None:
        """Workshops opened in ``session`` (most recent last); None when not signed in."""
        if not valid_session_id(session):
            return None
        data = self._read()
        self._expire(data)
        record = data["sessions"].get(_digest(session))
        return None if record is None else list(record.get("codes", []))

    def grant(self, session: str | None, code: str) -> bool:
        """Remember that this signed-in session opened workshop ``code`` (after its key)."""
        if not valid_session_id(session) or not code:
            return False
        with self._locked() as data:
            record = data["sessions"].get(_digest(session))
            if record is None:
                return False
            codes = [c for c in record.get("codes", []) if c != code]
            record["codes"] = [*codes, code][-20:]
        return True

    def sign_out(self, session: str | None) -> None:
        if valid_session_id(session):
            with self._locked() as data:
                data["sessions"].pop(_digest(session), None)
