"""Starting, watching and stopping the server processes (and their kernels)."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

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
    """The text appended to ``path`` since ``offset``, and the new offset (a log being written;
    after the log was rotated, from the start of the new file)."""
    try:
        with path.open("rb") as f:
            if os.fstat(f.fileno()).st_size < offset:
                offset = 0  # rotated (pump_log): a new, shorter file
            f.seek(offset)
            data = f.read()
    except OSError:
        return "", offset
    return data.decode("utf-8", "replace"), offset + len(data)


#: A server's log is rotated at this size, keeping two older files (``.1``, ``.2``).
LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 2


def pump_log(
    stream: IO[bytes], path: Path, max_bytes: int = LOG_MAX_BYTES, backups: int = LOG_BACKUPS
) -> threading.Thread:
    r"""Copy a server's output, line by line, into ``path``, rotated at ``max_bytes`` with
    ``backups`` older files kept: a flood of errors can fill at most ``(backups + 1) *
    max_bytes`` of the disk (a half-open-connection attack once wrote 1.86 GB in 75 s).

    >>> import io, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> pump_log(io.BytesIO(b"line\n" * 1000), folder / "s.log", max_bytes=2000).join()
    >>> sorted(p.name for p in folder.iterdir()), (folder / "s.log").stat().st_size <= 2000
    (['s.log', 's.log.1', 's.log.2'], True)
    """
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(message)s"))

    def copy() -> None:
        try:
            for raw in iter(stream.readline, b""):
                text = raw.decode("utf-8", "replace").rstrip("\n")
                handler.handle(logging.makeLogRecord({"msg": text, "levelno": logging.INFO}))
        finally:
            handler.close()
            stream.close()

    thread = threading.Thread(target=copy, name=f"log {path.name}", daemon=True)
    thread.start()
    return thread


def answers_http(url: str, timeout: float = 2.0, cafile: Path | str | None = None) -> bool:
    # An empty ProxyHandler: a proxy from the environment must not see loopback requests.
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if cafile is not None:  # https with the studio's own authority (--tls)
        import ssl

        context = ssl.create_default_context(cafile=str(cafile))
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
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
