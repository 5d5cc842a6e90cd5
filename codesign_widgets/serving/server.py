"""Run the studio's two Voila servers: participants (phones, LAN) and facilitator (loopback).

:class:`StudioServer` prepares a served folder per role (only the notebooks that role may
open), starts Voila with the command lines of ``voila_args.py`` and stops both process trees.
"""

from __future__ import annotations

import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

from .certs import CA_PATH, CaDownload, TlsFiles
from .hub_login import HUB_LOGIN_ENV
from .join_form import ENTER
from .kernel_guard import RefusalWatcher
from .options import (
    FACILITATOR_URL_ENV,
    LOOPBACK,
    PACKAGE_DIR,
    PARTICIPANT_URL_ENV,
    ROLE_ENV,
    ServeOptions,
)
from .processes import (
    answers_http,
    die_with_parent,
    log_tail,
    pump_log,
    raise_interrupt,
    read_from,
    terminate_trees,
)
from .sessions import HUB_SESSIONS_ENV, KERNEL_SECRET_ENV, SERVER_URL_ENV, HubSessions
from .voila_args import (
    facilitator_argv,
    participant_argv,
    pool_size_for,
    served_notebooks,
    server_env,
)
from .voila_env import CA_FILE_ENV, CA_URL_ENV, MEMORY_ENV

__all__ = [
    "ServerStartError",
    "StudioServer",
    "default_notebooks_root",
    "default_state_dir",
    "hub_sign_in_link",
    "prepare_served_folder",
]


def default_notebooks_root() -> Path:
    """Return the packaged notebooks folder, or the repository's ``notebooks/`` in a checkout."""
    for candidate in (PACKAGE_DIR / "notebooks", PACKAGE_DIR.parent / "notebooks"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no notebooks folder next to the codesign_widgets package")


def default_state_dir() -> Path:
    """The user's state folder for the studio (``platformdirs``; ``$XDG_STATE_HOME/codesign``
    on Linux): hub sign-ins and the TLS certificates (``codesign cert``)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("codesign", appauthor=False))


def prepare_served_folder(source: Path, names: tuple[str, ...] | list[str], dest: Path) -> Path:
    """Fill ``dest`` with links to the named notebooks of ``source`` that exist.

    In directory mode Voila runs every notebook under its root, so a role's server gets a
    folder holding only what that role may open. Symlinks are used; copies where the file
    system refuses them.
    """
    dest.mkdir(parents=True, exist_ok=True)
    # A reused folder may hold links from an earlier run to notebooks no longer listed.
    for old in dest.iterdir():
        if old.is_symlink() or old.is_file():
            old.unlink()
    for name in names:
        target = (source / name).resolve()
        if not target.is_file() or Path(name).name != name or name.startswith("."):
            continue
        link = dest / name
        try:
            link.symlink_to(target)
        except OSError:
            shutil.copy2(target, link)
    return dest


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding it
        return LOOPBACK
    return f"[{host}]" if ":" in host else host


_CONNECTION_DIR = re.compile(r"Storing connection files in (\S+)\.$", re.MULTILINE)


def _enter_pressed(timeout: float) -> bool:
    """Wait up to ``timeout`` s for a line on a terminal's standard input (False otherwise)."""
    import select
    import sys

    stdin = sys.stdin
    try:
        if stdin is None or not stdin.isatty():
            time.sleep(timeout)
            return False
        ready, _w, _x = select.select([stdin], [], [], timeout)
    except (OSError, ValueError):  # no usable terminal (closed, or no select on it)
        time.sleep(timeout)
        return False
    if ready:
        stdin.readline()
        return True
    return False


def hub_sign_in_link(
    sessions: HubSessions,
    facilitator_base: str,
    code: str | None = None,
    notebook: str = "facilitator.ipynb",
) -> str:
    """A one-time link signing a browser in to the hub at ``facilitator_base`` (see
    :meth:`StudioServer.facilitator_url`); ``codesign hub-link`` prints one for a hub that
    runs as a service, with no terminal to press Enter in.

    >>> import tempfile
    >>> sessions = HubSessions(Path(tempfile.mkdtemp()) / "hub-sessions.json")
    >>> link = hub_sign_in_link(sessions, "http://127.0.0.1:8867", "ABC123")
    >>> link.startswith("http://127.0.0.1:8867/codesign/sign-in?token="), "ABC123" in link
    (True, False)
    """
    token = sessions.mint_link(code)
    query = urlencode({"token": token, "page": notebook})
    return f"{facilitator_base}/codesign/sign-in?{query}"


class ServerStartError(RuntimeError):
    """A Voila server exited or did not answer in time; the message carries its log tail."""


class StudioServer:
    """The Voila servers of ``opts.roles`` (both unless ``--participant-only`` or
    ``--hub-only``) as one context manager.

    Parameters
    ----------
    opts
        Ports, limits and the store URL.
    work_dir
        Where the served folders and logs go; a fresh temporary folder when ``None``
        (removed again by :meth:`stop`).
    state_dir
        Where the facilitator's sign-in sessions are kept, so that they outlive a restart;
        ``work_dir`` when one is given, else the user's state folder.
    """

    def __init__(
        self, opts: ServeOptions, work_dir: Path | None = None, state_dir: Path | None = None
    ) -> None:
        self.opts = opts
        self._own_dir = work_dir is None
        self.work_dir = Path(work_dir or tempfile.mkdtemp(prefix="codesign-serve-"))
        self.log_dir = self.work_dir / "logs"
        if state_dir is None:
            state_dir = self.work_dir if work_dir is not None else default_state_dir()
        self.hub_sessions = HubSessions(Path(state_dir) / "hub-sessions.json")
        self._procs: dict[str, subprocess.Popen[bytes]] = {}
        self._secrets = {role: secrets.token_urlsafe(32) for role in ("participant", "facilitator")}
        self.stopped_in: float | None = None
        self._ca_download: CaDownload | None = None

    def __enter__(self) -> StudioServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def participant_base(self) -> str:
        """The participant server's own address, its ``--base-url`` prefix included."""
        host = _url_host(self.opts.participant_host)
        prefix = self.opts.base_url.rstrip("/")
        return f"{self.opts.scheme}://{host}:{self.opts.participant_port}{prefix}"

    @property
    def facilitator_base(self) -> str:
        host = _url_host(self.opts.facilitator_host)
        prefix = self.opts.base_url.rstrip("/")
        return f"{self.opts.scheme}://{host}:{self.opts.facilitator_port}{prefix}"

    @property
    def tls_files(self) -> TlsFiles | None:
        """The certificates both servers use (``--tls``), or None for plain http."""
        return TlsFiles(self.opts.tls_dir) if self.opts.tls_dir is not None else None

    @property
    def ca_url(self) -> str:
        """The plain http address phones download the studio's certificate from ("" without
        ``--tls``)."""
        if self.tls_files is None:
            return ""
        return f"http://{_url_host(self.opts.participant_host)}:{self.opts.ca_port}{CA_PATH}"

    @property
    def join_address(self) -> str:
        """The address phones open to join (and type the code): the reverse proxy's when
        ``public_url`` is set, else the participant server's own."""
        return self.opts.public_url.rstrip("/") or self.participant_base

    def participant_url(self, code: str, notebook: str = "join.ipynb") -> str:
        """Return the link participants open (also the one in the QR code).

        Behind a reverse proxy (``public_url``) the join link is the proxy's shared entry,
        which sends each phone to one of the participant servers.
        """
        query = urlencode({"code": code})
        if self.opts.public_url and notebook == "join.ipynb":
            return f"{self.opts.public_url}?{query}"
        return f"{self.participant_base}/voila/render/{quote(notebook)}?{query}"

    def join_form_url(self, code: str) -> str:
        """Return the link printed and in the hub's QR code: the join as a plain HTML form
        (``/codesign/enter``, quick_join.py), which a cheap phone shows at once; the
        proxy's shared entry sends phones there too.

        >>> server = StudioServer(ServeOptions(db_url="sqlite://"), work_dir=Path("."))
        >>> server.join_form_url("ABC123").endswith(":8866/codesign/enter?code=ABC123")
        True
        """
        if self.opts.public_url:
            return self.participant_url(code)
        return f"{self.participant_base}/{ENTER}?{urlencode({'code': code})}"

    def facilitator_url(
        self, code: str | None = None, key: str | None = None, notebook: str = "facilitator.ipynb"
    ) -> str:
        """Return a one-time hub link: it signs this browser in and opens workshop ``code``.

        The link holds a random token, never the key, and works once (then the browser keeps
        an HttpOnly session cookie and the address shows only the join code). Whoever runs the
        servers may sign in, so ``key`` is not needed; it is accepted for callers that hold it.
        """
        del key  # the key never goes into a link
        return hub_sign_in_link(self.hub_sessions, self.facilitator_base, code, notebook)

    def role_envs(self, base: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
        """Return the environment of each server (and so of its kernels), keyed by role."""
        env = server_env(self.opts.db_url, base)
        participant = {
            **env,
            # Kernels prove themselves to their own server with it (session_routes.py).
            KERNEL_SECRET_ENV: self._secrets["participant"],
            SERVER_URL_ENV: self.participant_base,
            MEMORY_ENV: str(self.opts.kernel_memory_mb),
            # The app never builds a facilitator view here, whatever the URL carries.
            ROLE_ENV: "participant",
            # A preheated kernel fetches its request over a websocket to VOILA_APP_IP, which
            # Voila leaves unset (127.0.0.1): a server bound to a LAN address is not there.
            "VOILA_APP_IP": _url_host(self.opts.participant_host),
        }
        facilitator = {
            **env,
            KERNEL_SECRET_ENV: self._secrets["facilitator"],
            HUB_SESSIONS_ENV: str(self.hub_sessions.path),
            HUB_LOGIN_ENV: self.opts.facilitator_login,
            ROLE_ENV: "facilitator",
            # The hub shows the join link and its QR code; only this process knows them.
            PARTICIPANT_URL_ENV: self.opts.public_url or f"{self.participant_base}/{ENTER}",
            FACILITATOR_URL_ENV: f"{self.facilitator_base}/voila/render/facilitator.ipynb",
        }
        if self.tls_files is not None:
            for role_env in (participant, facilitator):
                # Kernels reach their own server over https too and trust the studio's
                # authority for it (voila_env.py).
                role_env["VOILA_WS_PROTOCOL"] = "wss"
                role_env[CA_FILE_ENV] = str(self.tls_files.ca_cert)
            facilitator[CA_URL_ENV] = self.ca_url
        return {"participant": participant, "facilitator": facilitator}

    def kernel_count(self, role: str) -> int:
        """How many kernels the ``role`` server runs now (pooled ones included)."""
        import psutil

        proc = self._procs.get(role)
        if proc is None or proc.poll() is not None:
            return 0
        count = 0
        for child in psutil.Process(proc.pid).children(recursive=True):
            try:
                if any("ipykernel" in part for part in child.cmdline()):
                    count += 1
            except psutil.Error:  # gone meanwhile
                continue
        return count

    def log_path(self, role: str) -> Path:
        return self.log_dir / f"{role}.log"

    def start(self, timeout: float = 60.0) -> None:
        """Launch both servers and return once both answer HTTP."""
        if not self.opts.db_url:
            raise ValueError("ServeOptions.db_url is required")
        source = Path(self.opts.notebooks_root or default_notebooks_root())
        self.log_dir.mkdir(parents=True, exist_ok=True)
        envs = self.role_envs()
        plans = {
            "participant": (participant_argv, self.opts.participant_notebooks),
            "facilitator": (facilitator_argv, self.opts.facilitator_notebooks),
        }
        bases = {"participant": self.participant_base, "facilitator": self.facilitator_base}
        try:
            if self.tls_files is not None:
                self._ca_download = CaDownload(
                    self.tls_files.ca_cert, self.opts.participant_host, self.opts.ca_port
                )
                self._ca_download.start()
            for role in self.opts.roles:
                make_argv, names = plans[role]
                served = prepare_served_folder(source, names, self.work_dir / role)
                self._launch(role, make_argv(self.opts, served), envs[role])
            self._wait_http({role: bases[role] for role in self.opts.roles}, timeout)
        except BaseException:
            self.stop()
            raise

    def _launch(self, role: str, argv: list[str], env: dict[str, str]) -> None:
        self._procs[role] = subprocess.Popen(
            argv,
            # Voila loads a voila.json from its cwd; ours holds only the served links.
            cwd=str(self.work_dir / role),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        # The log is written here, rotated by size (a flood of errors cannot fill the disk).
        pump_log(self._procs[role].stdout, self.log_path(role))

    def _wait_http(self, bases: dict[str, str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(bases)
        while pending:
            for role, base in list(pending.items()):
                proc = self._procs[role]
                if proc.poll() is not None:
                    raise ServerStartError(
                        f"{role} server exited with {proc.returncode}:\n"
                        f"{log_tail(self.log_path(role))}"
                    )
                # Any HTTP answer, a 404 included, means the server is listening.
                cafile = self.tls_files.ca_cert if self.tls_files is not None else None
                if answers_http(f"{base}/codesign-ready", timeout=1.0, cafile=cafile):
                    del pending[role]
            if pending and time.monotonic() > deadline:
                role = next(iter(pending))
                raise ServerStartError(
                    f"{role} server did not answer within {timeout:.0f} s:\n"
                    f"{log_tail(self.log_path(role))}"
                )
            if pending:
                time.sleep(0.1)

    def wait_pools(self, timeout: float = 120.0) -> None:
        """Block until every participant pool is full (benchmarks and tests measure warm)."""
        if "participant" not in self.opts.roles:
            return
        served = served_notebooks(self.work_dir / "participant")
        names = [n for n in served if pool_size_for(self.opts, n) > 0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log_path("participant").read_text(errors="replace")
            if all(f"Kernel pool of {n} is filled" in text for n in names):
                return
            if self._procs["participant"].poll() is not None:
                break
            time.sleep(0.2)
        raise ServerStartError(
            f"participant pools not filled within {timeout:.0f} s:\n"
            f"{log_tail(self.log_path('participant'))}"
        )

    def wait(
        self,
        notify: Callable[[str], object] = print,
        on_enter: Callable[[], object] | None = None,
    ) -> int:
        """Block until a server exits, Ctrl-C or SIGTERM; stop both either way; return a code.

        Meanwhile, when phones are turned away by a kernel limit, ``notify`` gets advice for
        the facilitator (printed in the terminal that started the studio), and when the
        terminal's Enter key is pressed, ``on_enter`` is called (a new hub link).
        """
        if threading.current_thread() is threading.main_thread():
            # SIGTERM (systemd, `kill`, a test runner's timeout) should stop kernels cleanly too.
            signal.signal(signal.SIGTERM, raise_interrupt)
        watcher = RefusalWatcher(self.opts.max_kernels, self.opts.max_kernels_per_client)
        log, offset = self.log_path("participant"), 0
        try:
            while True:
                for proc in self._procs.values():
                    if proc.poll() is not None:
                        return proc.returncode or 1
                new, offset = read_from(log, offset)
                for advice in watcher.read(new):
                    notify(advice)
                if _enter_pressed(0.5 if on_enter else 0.0) and on_enter is not None:
                    on_enter()
                elif on_enter is None:
                    time.sleep(0.5)
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()

    def stop(self, grace: float = 0.6) -> None:
        """Stop both servers and all their kernels within about ``grace`` seconds (SIGTERM,
        then SIGKILL); safe to call twice. Nothing is lost: every write was committed."""
        started = time.monotonic()
        procs, self._procs = self._procs, {}
        terminate_trees(list(procs.values()), grace)
        if procs:
            self.stopped_in = time.monotonic() - started
            # A server stopped before its own clean-up leaves its kernels' connection files.
            for role in procs:
                for folder in _CONNECTION_DIR.findall(log_tail(self.log_path(role), 400)):
                    if Path(folder).name.startswith("voila_"):
                        shutil.rmtree(folder, ignore_errors=True)
        download, self._ca_download = self._ca_download, None
        if download is not None:
            download.stop()
        if self._own_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)
