"""The command line and environment of each Voila server.

Every flag here answers a fact measured in ``PLATFORM_NOTES.md``: preheated pools per
participant notebook, a minimal front-end extension set, ``ipc`` kernel transport, kernel
culling with the xsrf check off (closed tabs otherwise leak kernels), no URL overrides of
template or theme, a Host check, kernel limits, and no notebook listing (the last three are
applied by ``voila_main.py``, which reads them from the tornado settings made here).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from .options import (
    LOOPBACK,
    PACKAGE_DIR,
    PARTICIPANT_EXTENSIONS,
    PHONE_TEMPLATE,
    PROJECTOR_TEMPLATE,
    SHARE_JUPYTER,
    ServeOptions,
)
from .sessions import HUB_COOKIE, PAGE_COOKIE


def served_notebooks(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("*.ipynb") if not p.name.startswith("."))


def _common_argv(
    root: Path, host: str, port: int, template: str, tornado: dict, base_url: str = "/"
) -> list[str]:
    return [
        sys.executable,
        # traitlets warns that dict/list values on the command line are deprecated, yet the
        # alternative `key=value` form crashes for nested pool configs; the warning is noise.
        "-W",
        "ignore::DeprecationWarning",
        # Voila with a Host check, kernel limits and a home page (see voila_main.py).
        "-m",
        "codesign_widgets.serving.voila_main",
        str(root),
        f"--Voila.ip={host}",
        f"--port={port}",
        # Every route (pages, kernels, static files, ours) under this prefix: a reverse proxy
        # routes several servers on one host by it.
        f"--Voila.base_url={base_url}",
        # Voila silently moves to another port when one is taken; the URLs we print would lie.
        "--Voila.port_retries=0",
        "--no-browser",
        f"--template={template}",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        # nbclient waits 4 s for a cell's output after it ran; a pooled kernel pre-running a
        # notebook on a busy laptop (a room joining at once) took longer, and the page's
        # widget was lost for good. A dead kernel is still noticed at once.
        "--VoilaExecutor.iopub_timeout=120",
        # Each page sends its cookies along: the kernel learns its participant or facilitator;
        # and the browser's languages, for the join-code form before the workshop is known.
        "--VoilaConfiguration.http_header_envs=['Cookie', 'Accept-Language']",
        # A preheated kernel once died with `Address already in use`; ipc has no ports.
        "--KernelManager.transport=ipc",
        f"--Voila.tornado_settings={tornado!r}",
    ]


def _tornado_settings(
    opts: ServeOptions, max_bytes: int, host: str, home: str, public_url: str = ""
) -> dict:
    return {
        # `/` and Voila's notebook listing redirect here (voila_main.py).
        "codesign_home": f"voila/render/{home}",
        # The kernel shutdown POST of a closing tab fails the xsrf check (open Voila issue);
        # without it kernels of closed tabs live on until culled.
        "disable_check_xsrf": True,
        # Each page needs about 5 MB of JavaScript, which Voila sends uncompressed: 30 phones
        # joining at once would share 160 MB of workshop Wi-Fi. gzip makes it about a quarter.
        "compress_response": True,
        # Kernel messages compressed too (permessage-deflate): the page's first message
        # holding every widget's state is 88 KB on the join page, 7 KB deflated.
        "websocket_compression_options": {},
        "websocket_max_message_size": max_bytes,
        "websocket_ping_interval": opts.ws_ping_interval,
        # Half-open and idle connections are closed instead of kept forever (voila_main.py).
        "codesign_idle_connection_timeout": opts.idle_connection_timeout,
        "codesign_body_timeout": opts.body_timeout,
        # The read buffer must hold an oversized websocket frame while tornado refuses it
        # (close 1009); a smaller buffer resets the connection instead.
        "codesign_max_buffer_size": max(4 * max_bytes, 16 * 1024 * 1024),
        "codesign_max_body_size": max(max_bytes, 1024 * 1024),
        # DNS rebinding: a page of evil.example whose name comes to resolve to this server
        # sends `Host: evil.example`; jupyter_server answers 403 unless the Host is loopback
        # or listed here (Voila turns the check off; these settings turn it back on).
        "allow_remote_access": False,
        "local_hostnames": allowed_hosts(host, public_url),
        # Behind a reverse proxy on this host, the proxy's X-Real-IP names each phone (the
        # per-device limit) and X-Forwarded-Proto tells https (secure cookies). Only then:
        # a server reachable directly would believe whatever a client wrote there.
        "codesign_trust_xheaders": bool(public_url) and host == LOOPBACK,
        # https with the certificate `codesign cert` made (voila_main.py), or plain http.
        **_tls_settings(opts),
    }


def _tls_settings(opts: ServeOptions) -> dict:
    if opts.tls_dir is None:
        return {}
    from .certs import TlsFiles

    files = TlsFiles(opts.tls_dir)
    return {"codesign_tls_cert": str(files.server_cert), "codesign_tls_key": str(files.server_key)}


def _participant_tornado_settings(opts: ServeOptions) -> dict:
    return {
        **_tornado_settings(
            opts,
            opts.participant_max_message_bytes,
            opts.participant_host,
            "join.ipynb",
            opts.public_url,
        ),
        # Read by the page guard of voila_main.py.
        "codesign_max_kernels": opts.max_kernels,
        "codesign_max_kernels_per_client": opts.max_kernels_per_client,
        "codesign_abandoned_page_grace": opts.abandoned_page_grace,
        "codesign_idle_page_timeout": opts.idle_page_timeout,
        # Connections one address may hold open at once (voila_main.py, connection_cap.py).
        "codesign_max_connections_per_client": opts.max_connections_per_client,
        # Every kernel belongs to the page session that opened it (session_routes.py).
        "codesign_owner_cookie": PAGE_COOKIE,
    }


def allowed_hosts(host: str, public_url: str = "") -> list[str]:
    """``Host`` header names a server bound to ``host`` answers (loopback always passes),
    and the host name of the address a reverse proxy gives phones (``public_url``).

    >>> allowed_hosts("192.168.1.20"), allowed_hosts("127.0.0.1", "https://studio.example.org/")
    (['localhost', '192.168.1.20'], ['localhost', 'studio.example.org'])
    """
    names = ["localhost"]
    if host not in ("", "0.0.0.0", "::", LOOPBACK):  # noqa: S104 - naming, not binding
        names.append(host)
    public = urlsplit(public_url).hostname if public_url else None
    if public and public not in names:
        names.append(public)
    return names


def _culling(opts: ServeOptions) -> list[str]:
    return [
        f"--MappingKernelManager.cull_idle_timeout={opts.cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={opts.cull_interval}",
    ]


def pool_size_for(opts: ServeOptions, notebook: str) -> int:
    # Every phone lands on join.ipynb at once; each pooled kernel holds ~100 MB and costs a
    # few CPU-seconds to start, so the other notebooks keep smaller pools.
    return opts.pool_size if notebook == "join.ipynb" else opts.activity_pool_size


def participant_argv(opts: ServeOptions, root: Path) -> list[str]:
    """Return the ``voila`` command line of the participant server serving ``root``."""
    # Keys are relative to the served folder; without "default" every notebook gets one.
    pools: dict[str, dict[str, int]] = {"default": {"pool_size": 0}}
    for name in served_notebooks(root):
        pools[name] = {"pool_size": pool_size_for(opts, name)}
    return [
        *_common_argv(
            root,
            opts.participant_host,
            opts.participant_port,
            PHONE_TEMPLATE,
            _participant_tornado_settings(opts),
            opts.base_url,
        ),
        f"--preheat_kernel={max(p['pool_size'] for p in pools.values()) > 0}",
        f"--VoilaKernelManager.kernel_pools_config={pools!r}",
        f"--VoilaConfiguration.extension_allowlist={list(PARTICIPANT_EXTENSIONS)!r}",
        *_culling(opts),
    ]


def facilitator_argv(opts: ServeOptions, root: Path) -> list[str]:
    """Return the ``voila`` command line of the facilitator server (loopback, unless
    JupyterHub signs facilitators in: ``--facilitator-host``)."""
    return [
        *_common_argv(
            root,
            opts.facilitator_host,
            opts.facilitator_port,
            PROJECTOR_TEMPLATE,
            {
                **_tornado_settings(
                    opts,
                    opts.facilitator_max_message_bytes,
                    opts.facilitator_host,
                    "facilitator.ipynb",
                    # Behind JupyterHub's proxy the browser's Host is JupyterHub's address.
                    opts.public_url if opts.facilitator_login == "jupyterhub" else "",
                ),
                # Pages only for a signed-in facilitator; kernels belong to that session.
                "codesign_hub_signin": True,
                "codesign_owner_cookie": HUB_COOKIE,
            },
            opts.base_url,
        ),
        *_culling(opts),
    ]


#: Request variables Voila sets per page; inherited ones would reach a pooled kernel as if
#: they came from its request (pytest's conftest sets QUERY_STRING for nbval, for one).
_REQUEST_VARS = frozenset(
    {"QUERY_STRING", "HTTP_COOKIE", "HTTP_ACCEPT_LANGUAGE", "SCRIPT_NAME", "PATH_INFO"}
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
