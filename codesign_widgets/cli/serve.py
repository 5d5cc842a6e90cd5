"""``codesign serve`` and ``codesign demo``: start the studio, on this laptop or the local
network, and print the links, join code and QR code with what is exposed where."""

from __future__ import annotations

import argparse
import ipaddress
import sys

from ..core.errors import CodesignError
from .data import resolve_db_url

__all__ = ["hub_link", "lan_address", "lan_addresses", "make_cert"]


def lan_addresses() -> list[str]:
    """This laptop's addresses on local networks (private IPv4), first the one to share.

    >>> all(address.count(".") == 3 for address in lan_addresses())
    True
    """
    import psutil

    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family.name != "AF_INET":
                continue
            ip = ipaddress.ip_address(address.address)
            if ip.is_private and not ip.is_loopback and not ip.is_link_local:
                found.append(address.address)
    return found


def lan_address() -> str | None:
    """This laptop's address on the local network (private IPv4), or None if offline."""
    found = lan_addresses()
    return found[0] if found else None


def _tls_dir_for(host: str):
    """The certificate folder for ``--tls``; a one-sentence error when it cannot serve."""
    from ..serving.certs import TlsFiles, tls_dir

    files = TlsFiles(tls_dir())
    if not files.exists():
        msg = "There is no certificate yet: run `codesign cert` once, then start again with --tls."
        raise CodesignError(msg)
    if host not in files.covered_names():
        msg = (
            f"The certificate does not cover this laptop's address {host} (a new network?): "
            "run `codesign cert` again (phones keep trusting the studio), then start again."
        )
        raise CodesignError(msg)
    return files.folder


def make_cert(args: argparse.Namespace) -> int:
    """``codesign cert``: the local authority (kept) and a new server certificate."""
    from ..serving.certs import make_certificates, server_names, tls_dir

    files = make_certificates(tls_dir(), server_names([*lan_addresses(), *args.name]))
    print(f"Certificates written to {files.folder} (private keys readable by you only).")
    print(f"  The server certificate covers: {', '.join(files.covered_names())}")
    print(
        "  Next: codesign serve --lan --tls. The hub then shows a QR code of the studio's "
        "certificate for phones to install; phones that do not install it see a warning once."
    )
    return 0


def _serve_options(args: argparse.Namespace, db_url: str):
    from ..serving.options import ROLES, ServeOptions

    host = "127.0.0.1"
    if args.lan:
        host = lan_address() or host
        if host == "127.0.0.1":
            print("No local network found: participants can only join from this laptop.")
    base_url = args.base_url
    if args.facilitator_login == "jupyterhub":
        import os

        from ..serving.hub_login import missing_service_env

        problem = missing_service_env(dict(os.environ))
        if problem:
            raise ValueError(problem)
        if base_url == "/":  # JupyterHub's proxy sends /services/NAME/ here, prefix and all
            base_url = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    roles = ROLES
    if args.participant_only:
        roles = ("participant",)
    elif args.hub_only:
        roles = ("facilitator",)
    tls = _tls_dir_for(host) if getattr(args, "tls", False) else None
    return ServeOptions(
        db_url=db_url,
        tls_dir=tls,
        ca_port=getattr(args, "ca_port", 8868),
        roles=roles,
        base_url=base_url,
        public_url=args.public_url,
        facilitator_host=args.facilitator_host,
        facilitator_login=args.facilitator_login,
        participant_host=host,
        participant_port=args.port,
        facilitator_port=args.facilitator_port,
        pool_size=args.pool_size,
        cull_idle_timeout=args.cull_idle_timeout,
        max_kernels=args.max_kernels,
        max_kernels_per_client=args.max_kernels_per_client,
        max_connections_per_client=args.max_connections_per_client,
        idle_page_timeout=getattr(args, "idle_page_timeout", 300),
    )


def _print_links(server, code: str | None) -> None:
    import segno

    roles = server.opts.roles
    join = (
        server.join_form_url(code)
        if code
        else server.opts.public_url or f"{server.participant_base}/codesign/enter"
    )
    on_lan = "://127." not in server.participant_base
    print("\nCo-design studio is running. Stop it with Ctrl-C; nothing is lost.\n")
    if "facilitator" in roles and server.opts.facilitator_login == "jupyterhub":
        print(
            "  Facilitator hub: facilitators sign in through JupyterHub and open it at "
            f"{server.opts.base_url} there (no one-time links).\n"
        )
    elif "facilitator" in roles:
        print(
            "  Start here: open the hub link below in this laptop's browser, then project the "
            "hub's Room tab.\n"
        )
        print(
            "  Facilitator hub (this laptop only; the link signs this browser in once, then it "
            "is useless; press Enter here for a new one):\n"
            f"    {server.facilitator_url(code)}\n"
        )
    if "participant" not in roles:
        print(
            "  Only the hub runs here (--hub-only): start the participant servers with "
            f"--participant-only. Phones join at {join}\n"
        )
        return
    if server.opts.public_url:
        print(
            f"  This participant server: {server.participant_base}/ (behind the reverse "
            f"proxy at {server.opts.public_url})"
        )
    print(f"  Participants (phone or laptop):\n    {join}")
    if code:
        print(f"    join code: {code} (or open {server.join_address} and type it)")
    segno.make(join, error="m").terminal(compact=True)
    if server.ca_url:
        from ..core.trust import TRUST_STEPS

        print(
            f"  The studio's certificate, for phones to trust (https, --tls):\n    {server.ca_url}"
        )
        segno.make(server.ca_url, error="m").terminal(compact=True)
        print(f"  {TRUST_STEPS}")
    elif on_lan:
        print(
            "  On an open Wi-Fi anyone nearby can read the join code, names, cards and "
            "session cookies of plain http: use a WPA2 network or the laptop's hotspot, or "
            "--tls (see `codesign cert`)."
        )
    if on_lan:
        print(
            f"  Exposed on your network ({server.participant_base}): only the participant "
            "pages (join and the three activity pages), which need a join code to take part. "
            "The hub, the activity facilitator pages, the workshop file and all sources stay "
            "on this laptop."
        )
    if on_lan or server.opts.public_url:
        opts = server.opts
        print(
            f"  Limits: {opts.max_kernels or 'any number of'} participant pages at once, "
            f"{opts.max_kernels_per_client or 'any number'} per device; more are asked to wait "
            "(--max-kernels, --max-kernels-per-client). "
            f"{opts.max_connections_per_client or 'Any number of'} connections per device "
            "(--max-connections-per-client; a phone's page holds about 11)."
        )
    elif "facilitator" in roles:
        print(
            "  Everything is on this laptop only. To let phones on your network join, start "
            "again with --lan."
        )
    print()


def serve(args: argparse.Namespace, *, demo: bool) -> int:
    """``codesign serve`` and ``codesign demo``: start both servers and print the links."""
    from ..serving.server import StudioServer
    from ..studio import Studio

    db_url = resolve_db_url(args.db)
    studio = Studio.open(db_url)
    studio.db.check_writable()
    code = None
    if demo:
        from .demo import create_demo

        code, _key = create_demo(studio)
        print(f"Demo workshop created in {studio.db.where} (join code {code}).")
    studio.close()
    try:
        options = _serve_options(args, db_url)
    except ValueError as exc:  # a --base-url or --public-url that is not one, a hub login
        raise CodesignError(str(exc)) from None
    server = StudioServer(options)
    print("Starting the servers (a few seconds)...")
    server.start()
    _print_links(server, code)

    def new_link() -> None:
        print(f"  New hub link (works once): {server.facilitator_url(code)}", flush=True)

    try:
        links = "facilitator" in server.opts.roles and server.opts.facilitator_login == "link"
        return server.wait(on_enter=new_link if links else None)
    finally:
        if server.stopped_in is not None:
            print(f"\nStudio stopped in {server.stopped_in:.1f} s. Nothing is lost.", flush=True)


def hub_link(args: argparse.Namespace) -> int:
    """``codesign hub-link``: print a new one-time hub link for a hub already running (as a
    service, say), which keeps its sign-ins in the same state folder as this command."""
    from ..serving.options import LOOPBACK, normalise_base_url
    from ..serving.server import default_state_dir, hub_sign_in_link
    from ..serving.sessions import HubSessions

    try:
        base_url = normalise_base_url(args.base_url)
    except ValueError as exc:
        raise CodesignError(str(exc)) from None
    sessions = HubSessions(default_state_dir() / "hub-sessions.json")
    base = f"http://{LOOPBACK}:{args.facilitator_port}{base_url.rstrip('/')}"
    print(hub_sign_in_link(sessions, base, args.code))
    print(
        f"Works once, for a day, on this host (or through an SSH tunnel to port "
        f"{args.facilitator_port}). Sign-ins are kept in {sessions.path}: run this as the "
        "user the hub runs as.",
        file=sys.stderr,
    )
    return 0
