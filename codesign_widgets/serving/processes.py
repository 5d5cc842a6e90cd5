"""Starting, watching and stopping the server processes (and their kernels)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
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
    """Stop ``proc`` and its descendants (see :func:`terminate_trees`)."""
    terminate_trees([proc], grace)


def terminate_trees(procs: list[subprocess.Popen[bytes]], grace: float = 1.5) -> None:
    """SIGTERM every server in ``procs`` and every kernel under them at once; SIGKILL
    whatever still runs after ``grace`` seconds.

    Kernels run in sessions of their own, so a server's process group does not hold them;
    they are collected as descendants and signalled together with the servers, instead of
    one by one by each server (which took about 7 s). Every write is one committed
    transaction, so a kernel stopped mid-way loses nothing acknowledged.
    """
    import psutil  # a dependency of ipykernel, so always present next to Voila

    running = [p for p in procs if p.poll() is None]
    family: list[psutil.Process] = []
    for proc in running:
        with contextlib.suppress(psutil.NoSuchProcess):
            family += psutil.Process(proc.pid).children(recursive=True)
    for proc in running:
        _signal_group(proc.pid, signal.SIGTERM)
    for child in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.terminate()
    deadline = time.monotonic() + grace
    for proc in running:
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
    _gone, alive = psutil.wait_procs(family, timeout=max(0.0, deadline - time.monotonic()))
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    for proc in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=2.0)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)
