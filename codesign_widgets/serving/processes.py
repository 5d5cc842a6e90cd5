"""Starting, watching and stopping the server processes (and their kernels)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .options import LOOPBACK


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port that was free on ``host`` a moment ago (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def read_from(path: Path, offset: int) -> tuple[str, int]:
    """The text appended to ``path`` since ``offset``, and the new offset (a log being written)."""
    try:
        with path.open("rb") as f:
            f.seek(offset)
            data = f.read()
    except OSError:
        return "", offset
    return data.decode("utf-8", "replace"), offset + len(data)


def answers_http(url: str, timeout: float = 2.0) -> bool:
    # An empty ProxyHandler: a proxy from the environment must not see loopback requests.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def die_with_parent() -> None:
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
