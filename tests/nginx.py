"""Debian's nginx in front of several participant servers, with the shipped example config.

``deploy/nginx-codesign.conf`` is used as it ships, with only its addresses changed: the
listen port, and each participant server's port (``127.0.0.1:8871`` -> the first port given,
``:8872`` -> the second, ...). nginx runs in the foreground as the user running the tests
(a temporary prefix folder holds its pid, logs and temporary files) and is always stopped.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from codesign_widgets.serving.processes import answers_http, free_port, log_tail

__all__ = ["EXAMPLE_CONF", "NginxProxy", "find_nginx", "site_config"]

EXAMPLE_CONF = Path(__file__).resolve().parents[1] / "deploy" / "nginx-codesign.conf"
#: The participant servers' ports in the example config, in order.
EXAMPLE_PORTS = (8871, 8872)


def find_nginx() -> Path | None:
    """Debian's nginx binary (``/usr/sbin`` is not on every PATH), or None."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    return Path(found) if found else None


def site_config(listen: int, ports: list[int], text: str | None = None) -> str:
    """The example config with ``listen`` and the participant servers' ``ports``."""
    text = EXAMPLE_CONF.read_text() if text is None else text
    if len(ports) != len(EXAMPLE_PORTS):
        msg = f"the example config has {len(EXAMPLE_PORTS)} participant servers"
        raise ValueError(msg)
    for example, port in zip(EXAMPLE_PORTS, ports, strict=True):
        text = text.replace(f"127.0.0.1:{example}", f"127.0.0.1:{port}")
    text, count = re.subn(r"(?m)^(\s*)listen 80;", rf"\1listen 127.0.0.1:{listen};", text)
    if count != 1:
        msg = "the example config should have exactly one 'listen 80;' line"
        raise ValueError(msg)
    return text


class NginxProxy:
    """Start with :meth:`start`, always :meth:`stop` (a ``finally`` or a fixture)."""

    def __init__(self, binary: Path, ports: list[int], port: int | None = None) -> None:
        self.binary = binary
        self.ports = ports
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="codesign-nginx-"))
        self.folder.chmod(0o755)
        self.error_log = self.folder / "error.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def _main_config(self) -> str:
        (self.folder / "site.conf").write_text(site_config(self.port, self.ports))
        temp = "\n".join(
            f"    {kind}_temp_path {self.folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return (
            f"pid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.error_log} info;\n"
            "worker_processes 1;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            f"    access_log {self.folder / 'access.log'};\n"
            f"{temp}\n"
            f"    include {self.folder / 'site.conf'};\n"
            "}\n"
        )

    def start(self, timeout: float = 20.0) -> None:
        conf = self.folder / "nginx.conf"
        conf.write_text(self._main_config())
        argv = [str(self.binary), "-p", str(self.folder), "-c", str(conf)]
        checked = subprocess.run(
            [*argv, "-t"], capture_output=True, text=True, timeout=30, check=False
        )
        if checked.returncode:
            msg = f"nginx refused the example config:\n{checked.stderr}"
            raise RuntimeError(msg)
        self.proc = subprocess.Popen(
            [*argv, "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not answers_http(f"{self.base}/nothing-here", timeout=1.0):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                msg = f"nginx did not start:\n{log_tail(self.error_log)}"
                raise RuntimeError(msg)
            time.sleep(0.1)

    def access_log(self) -> str:
        return log_tail(self.folder / "access.log", 2000)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
