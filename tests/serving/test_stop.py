"""Ctrl-C stops ``codesign demo`` promptly, says so, and leaves no kernel behind."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest

from codesign_widgets.serving.processes import free_port

pytestmark = pytest.mark.browser  # starts real servers: skipped with the browser tests


class Output:
    """The lines a process prints, read on a thread (a pipe's buffer hides lines from select)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        for line in proc.stdout:
            self.lines.put(line)

    def until(self, pattern: str, timeout: float) -> str:
        """Everything printed up to the first line matching ``pattern``."""
        deadline = time.monotonic() + timeout
        start = len(self.seen)
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return "".join(self.seen[start:])
        raise AssertionError(f"no {pattern!r} in:\n{''.join(self.seen)}")


def test_ctrl_c_stops_the_studio_and_its_kernels_and_says_so(tmp_path):
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "PYTHONUNBUFFERED": "1"}
    argv = [
        sys.executable,
        "-m",
        "codesign_widgets.cli.main",
        "demo",
        "--db",
        f"sqlite:///{tmp_path / 'studio.db'}",
        "--port",
        str(free_port()),
        "--facilitator-port",
        str(free_port()),
        "--pool-size",
        "2",
    ]
    proc = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = Output(proc)
        printed = output.until(r"Everything is on this laptop only|Exposed on", 120)
        assert "Start here" in printed
        assert re.search(r"/codesign/sign-in\?token=", printed)
        assert "key=" not in printed
        # Let the pools fill: kernels are running when the facilitator presses Ctrl-C.
        deadline = time.monotonic() + 90
        kernels: list[psutil.Process] = []
        while time.monotonic() < deadline and len(kernels) < 2:
            time.sleep(0.5)
            kernels = [
                p
                for p in psutil.Process(proc.pid).children(recursive=True)
                if any("ipykernel" in part for part in p.cmdline())
            ]
        assert len(kernels) >= 2
        everything = psutil.Process(proc.pid).children(recursive=True)

        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        said = output.until(r"Studio stopped in", 30)
        proc.wait(timeout=30)
        took = time.monotonic() - started
        print(f"Ctrl-C to exit: {took:.2f} s; {said.strip()}")
        assert re.search(r"Studio stopped in \d+\.\d s\. Nothing is lost\.", said)
        assert not [p for p in everything if p.is_running() and p.status() != "zombie"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
