"""Run the studio's two Voila servers: participants (phones, LAN) and facilitator (loopback).

Every flag here answers a fact measured in ``PLATFORM_NOTES.md``: preheated pools per
participant notebook, a minimal front-end extension set, ``ipc`` kernel transport, kernel
culling with the xsrf check off (closed tabs otherwise leak kernels), no URL overrides of
template or theme, and a served folder that holds only the notebooks a role may open.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

PACKAGE_DIR = Path(__file__).resolve().parent
SHARE_JUPYTER = PACKAGE_DIR / "share" / "jupyter"

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
PHONE_TEMPLATE = "codesign-phone"
PROJECTOR_TEMPLATE = "codesign-projector"
LOOPBACK = "127.0.0.1"


@dataclass
class ServeOptions:
    """Settings for the two servers; :data:`OPTION_HELP` explains each field.

    jupyter_server has no cap on the number of kernels; the participant server gets one
    from :mod:`codesign_widgets.kernel_guard` (``max_kernels``, ``max_kernels_per_client``).
    """

    db_url: str = ""
    notebooks_root: Path | None = None
    participant_host: str = LOOPBACK
    participant_port: int = 8866
    facilitator_port: int = 8867
    pool_size: int = 4
    activity_pool_size: int = 1
    cull_idle_timeout: int = 600
    cull_interval: int = 60
    max_kernels: int = 60
    max_kernels_per_client: int = 4
    abandoned_page_grace: int = 30
    participant_max_message_bytes: int = 1024 * 1024
    facilitator_max_message_bytes: int = 10 * 1024 * 1024
    ws_ping_interval: int = 30
    participant_notebooks: tuple[str, ...] = PARTICIPANT_NOTEBOOKS
    facilitator_notebooks: tuple[str, ...] = FACILITATOR_NOTEBOOKS


#: One line per :class:`ServeOptions` field, for ``codesign serve --help``.
OPTION_HELP: dict[str, str] = {
    "db_url": "SQLAlchemy URL of the store, given to kernels as CODESIGN_DB.",
    "notebooks_root": "Folder holding the notebooks (default: the packaged ones).",
    "participant_host": "Address the participant server binds (the LAN address to share).",
    "participant_port": "Port of the participant server.",
    "facilitator_port": "Port of the facilitator server, which always binds 127.0.0.1.",
    "pool_size": "Preheated kernels kept ready for join.ipynb, where every phone lands.",
    "activity_pool_size": "Preheated kernels kept ready per other participant notebook.",
    "cull_idle_timeout": "Seconds before an idle kernel with no open page is shut down.",
    "cull_interval": "Seconds between checks for idle kernels.",
    "max_kernels": "Participant pages open at once, all devices together (0: no limit); "
    "each holds a kernel of about 100 MB. Further phones are asked to wait.",
    "max_kernels_per_client": "Participant pages one device (one network address) may keep "
    "open (0: no limit; this laptop's own browser has none). Its abandoned tabs are closed "
    "first; raise it when phones reach this laptop through one shared address.",
    "abandoned_page_grace": "Seconds a page has to connect to its kernel before, on a "
    "device at its limit, that kernel counts as an abandoned tab.",
    "participant_max_message_bytes": "Largest websocket message a phone may send its kernel.",
    "facilitator_max_message_bytes": "Largest websocket message the facilitator page may send.",
    "ws_ping_interval": "Seconds between websocket pings, so a sleeping phone is noticed.",
    "participant_notebooks": "Notebooks reachable on the participant server.",
    "facilitator_notebooks": "Notebooks reachable on the facilitator server.",
}


def default_notebooks_root() -> Path:
    """Return the packaged notebooks folder, or the repository's ``notebooks/`` in a checkout."""
    for candidate in (PACKAGE_DIR / "notebooks", PACKAGE_DIR.parent / "notebooks"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no notebooks folder next to the codesign_widgets package")


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


def _served_notebooks(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("*.ipynb") if not p.name.startswith("."))


def _common_argv(root: Path, host: str, port: int, template: str, tornado: dict) -> list[str]:
    return [
        sys.executable,
        # traitlets warns that dict/list values on the command line are deprecated, yet the
        # alternative `key=value` form crashes for nested pool configs; the warning is noise.
        "-W",
        "ignore::DeprecationWarning",
        # Voila with a Host check, kernel limits and a home page (see voila_main.py).
        "-m",
        "codesign_widgets.voila_main",
        str(root),
        f"--Voila.ip={host}",
        f"--port={port}",
        # Voila silently moves to another port when one is taken; the URLs we print would lie.
        "--Voila.port_retries=0",
        "--no-browser",
        f"--template={template}",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        # A preheated kernel once died with `Address already in use`; ipc has no ports.
        "--KernelManager.transport=ipc",
        f"--Voila.tornado_settings={tornado!r}",
    ]


def _tornado_settings(opts: ServeOptions, max_bytes: int, host: str, home: str) -> dict:
    return {
        # `/` and Voila's notebook listing redirect here (voila_main.py).
        "codesign_home": f"voila/render/{home}",
        # The kernel shutdown POST of a closing tab fails the xsrf check (open Voila issue);
        # without it kernels of closed tabs live on until culled.
        "disable_check_xsrf": True,
        "websocket_max_message_size": max_bytes,
        "websocket_ping_interval": opts.ws_ping_interval,
        # DNS rebinding: a page of evil.example whose name comes to resolve to this server
        # sends `Host: evil.example`; jupyter_server answers 403 unless the Host is loopback
        # or listed here (Voila turns the check off; these settings turn it back on).
        "allow_remote_access": False,
        "local_hostnames": allowed_hosts(host),
    }


def _participant_tornado_settings(opts: ServeOptions) -> dict:
    return {
        **_tornado_settings(
            opts, opts.participant_max_message_bytes, opts.participant_host, "join.ipynb"
        ),
        # Read by the page guard of voila_main.py.
        "codesign_max_kernels": opts.max_kernels,
        "codesign_max_kernels_per_client": opts.max_kernels_per_client,
        "codesign_abandoned_page_grace": opts.abandoned_page_grace,
    }


def allowed_hosts(host: str) -> list[str]:
    """``Host`` header names a server bound to ``host`` answers (loopback always passes)."""
    names = ["localhost"]
    if host not in ("", "0.0.0.0", "::", LOOPBACK):  # noqa: S104 - naming, not binding
        names.append(host)
    return names


def _culling(opts: ServeOptions) -> list[str]:
    return [
        f"--MappingKernelManager.cull_idle_timeout={opts.cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={opts.cull_interval}",
    ]


def _pool_size(opts: ServeOptions, notebook: str) -> int:
    # Every phone lands on join.ipynb at once; each pooled kernel holds ~100 MB and costs a
    # few CPU-seconds to start, so the other notebooks keep smaller pools.
    return opts.pool_size if notebook == "join.ipynb" else opts.activity_pool_size


def participant_argv(opts: ServeOptions, root: Path) -> list[str]:
    """Return the ``voila`` command line of the participant server serving ``root``."""
    # Keys are relative to the served folder; without "default" every notebook gets one.
    pools: dict[str, dict[str, int]] = {"default": {"pool_size": 0}}
    for name in _served_notebooks(root):
        pools[name] = {"pool_size": _pool_size(opts, name)}
    return [
        *_common_argv(
            root,
            opts.participant_host,
            opts.participant_port,
            PHONE_TEMPLATE,
            _participant_tornado_settings(opts),
        ),
        f"--preheat_kernel={max(p['pool_size'] for p in pools.values()) > 0}",
        f"--VoilaKernelManager.kernel_pools_config={pools!r}",
        f"--VoilaConfiguration.extension_allowlist={list(PARTICIPANT_EXTENSIONS)!r}",
        "--VoilaConfiguration.http_header_envs=['Cookie']",
        *_culling(opts),
    ]


def facilitator_argv(opts: ServeOptions, root: Path) -> list[str]:
    """Return the ``voila`` command line of the facilitator server (loopback only)."""
    return [
        *_common_argv(
            root,
            LOOPBACK,
            opts.facilitator_port,
            PROJECTOR_TEMPLATE,
            _tornado_settings(
                opts, opts.facilitator_max_message_bytes, LOOPBACK, "facilitator.ipynb"
            ),
        ),
        *_culling(opts),
    ]


#: Request variables Voila sets per page; inherited ones would reach a pooled kernel as if
#: they came from its request (pytest's conftest sets QUERY_STRING for nbval, for one).
_REQUEST_VARS = frozenset(
    {"QUERY_STRING", "HTTP_COOKIE", "SCRIPT_NAME", "PATH_INFO"}
    | {"SERVER_NAME", "SERVER_PORT", "SERVER_SOFTWARE", "SERVER_PROTOCOL"}
)


def server_env(db_url: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment for a Voila subprocess and, through it, its kernels."""
    env = {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if k not in _REQUEST_VARS and not k.startswith("VOILA_")
    }
    env["CODESIGN_DB"] = db_url
    # Voila finds `--template=NAME` under every JUPYTER_PATH entry's voila/templates.
    paths = [str(SHARE_JUPYTER), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    # Kernels start in the served folder of links, so a checkout that is not installed must
    # still be importable there; an installed package already is.
    import_root = str(PACKAGE_DIR.parent)
    if not _is_site_dir(import_root):
        py = [import_root, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(py))
    return env


def _is_site_dir(path: str) -> bool:
    import site

    return path in {*site.getsitepackages(), site.getusersitepackages()}


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port that was free on ``host`` a moment ago (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding it
        return LOOPBACK
    return f"[{host}]" if ":" in host else host


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _answers_http(url: str, timeout: float = 2.0) -> bool:
    # An empty ProxyHandler: a proxy from the environment must not see loopback requests.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


class ServerStartError(RuntimeError):
    """A Voila server exited or did not answer in time; the message carries its log tail."""


class StudioServer:
    """Both Voila servers as one context manager.

    Parameters
    ----------
    opts
        Ports, limits and the store URL.
    work_dir
        Where the served folders and logs go; a fresh temporary folder when ``None``
        (removed again by :meth:`stop`).
    """

    def __init__(self, opts: ServeOptions, work_dir: Path | None = None) -> None:
        self.opts = opts
        self._own_dir = work_dir is None
        self.work_dir = Path(work_dir or tempfile.mkdtemp(prefix="codesign-serve-"))
        self.log_dir = self.work_dir / "logs"
        self._procs: dict[str, subprocess.Popen[bytes]] = {}

    def __enter__(self) -> StudioServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def participant_base(self) -> str:
        return f"http://{_url_host(self.opts.participant_host)}:{self.opts.participant_port}"

    @property
    def facilitator_base(self) -> str:
        return f"http://{LOOPBACK}:{self.opts.facilitator_port}"

    def participant_url(self, code: str, notebook: str = "join.ipynb") -> str:
        """Return the link participants open (also the one in the QR code)."""
        query = urlencode({"code": code})
        return f"{self.participant_base}/voila/render/{quote(notebook)}?{query}"

    def facilitator_url(self, code: str, key: str, notebook: str = "facilitator.ipynb") -> str:
        """Return the facilitator's link; it carries the workshop's secret key."""
        query = urlencode({"code": code, "key": key})
        return f"{self.facilitator_base}/voila/render/{quote(notebook)}?{query}"

    def role_envs(self, base: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
        """Return the environment of each server (and so of its kernels), keyed by role."""
        env = server_env(self.opts.db_url, base)
        participant = {
            **env,
            # The app never builds a facilitator view here, whatever the URL carries.
            ROLE_ENV: "participant",
            # A preheated kernel fetches its request over a websocket to VOILA_APP_IP, which
            # Voila leaves unset (127.0.0.1): a server bound to a LAN address is not there.
            "VOILA_APP_IP": _url_host(self.opts.participant_host),
        }
        facilitator = {
            **env,
            ROLE_ENV: "facilitator",
            # The hub shows the join link and its QR code; only this process knows them.
            PARTICIPANT_URL_ENV: f"{self.participant_base}/voila/render/join.ipynb",
            FACILITATOR_URL_ENV: f"{self.facilitator_base}/voila/render/facilitator.ipynb",
        }
        return {"participant": participant, "facilitator": facilitator}

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
        try:
            for role, (make_argv, names) in plans.items():
                served = prepare_served_folder(source, names, self.work_dir / role)
                self._launch(role, make_argv(self.opts, served), envs[role])
            self._wait_http(
                {"participant": self.participant_base, "facilitator": self.facilitator_base},
                timeout,
            )
        except BaseException:
            self.stop()
            raise

    def _launch(self, role: str, argv: list[str], env: dict[str, str]) -> None:
        with self.log_path(role).open("ab") as log:
            self._procs[role] = subprocess.Popen(
                argv,
                # Voila loads a voila.json from its cwd; ours holds only the served links.
                cwd=str(self.work_dir / role),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def _wait_http(self, bases: dict[str, str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(bases)
        while pending:
            for role, base in list(pending.items()):
                proc = self._procs[role]
                if proc.poll() is not None:
                    raise ServerStartError(
                        f"{role} server exited with {proc.returncode}:\n"
                        f"{_log_tail(self.log_path(role))}"
                    )
                # Any HTTP answer, a 404 included, means the server is listening.
                if _answers_http(f"{base}/codesign-ready", timeout=1.0):
                    del pending[role]
            if pending and time.monotonic() > deadline:
                role = next(iter(pending))
                raise ServerStartError(
                    f"{role} server did not answer within {timeout:.0f} s:\n"
                    f"{_log_tail(self.log_path(role))}"
                )
            if pending:
                time.sleep(0.1)

    def wait_pools(self, timeout: float = 120.0) -> None:
        """Block until every participant pool is full (benchmarks and tests measure warm)."""
        served = _served_notebooks(self.work_dir / "participant")
        names = [n for n in served if _pool_size(self.opts, n) > 0]
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
            f"{_log_tail(self.log_path('participant'))}"
        )

    def wait(self) -> int:
        """Block until a server exits, Ctrl-C or SIGTERM; stop both either way; return a code."""
        if threading.current_thread() is threading.main_thread():
            # SIGTERM (systemd, `kill`, a test runner's timeout) should stop kernels cleanly too.
            signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            while True:
                for proc in self._procs.values():
                    if proc.poll() is not None:
                        return proc.returncode or 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()

    def stop(self, grace: float = 10.0) -> None:
        """Terminate both process trees (SIGTERM, then SIGKILL); safe to call twice."""
        procs, self._procs = self._procs, {}
        for proc in procs.values():
            terminate_tree(proc, grace)
        if self._own_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _die_with_parent() -> None:
    # Runs in the child before exec. If the launcher dies without stopping us (SIGKILL, a
    # crash), Linux sends Voila SIGTERM, which makes it shut its kernels down; elsewhere the
    # launcher's own clean-up is all there is.
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def terminate_tree(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM ``proc`` (Voila then shuts its kernels down), SIGKILL whatever survives.

    Kernels run in sessions of their own, so the server's process group does not hold them;
    they are collected as descendants before signalling.
    """
    import psutil  # a dependency of ipykernel, so always present next to Voila

    if proc.poll() is not None:
        return
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait(timeout=grace)
    _gone, alive = psutil.wait_procs(family, timeout=min(grace, 3.0))
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)
