"""``codesign``: start the studio, make a demo, create a workshop, upgrade a workshop file,
export a workshop's open data and write its report, erase a participant, purge old workshops."""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import sys
from collections.abc import Sequence

from .errors import CodesignError

__all__ = ["main"]

DB_HELP = (
    "Workshop database: a file path or SQLAlchemy URL (default: $CODESIGN_DB, else "
    "studio.db in your user data folder)."
)


def _db_url(value: str | None) -> str:
    from .store import default_db_url

    if not value:
        return default_db_url()
    if "://" in value:
        return value
    from pathlib import Path

    return f"sqlite:///{Path(value).expanduser().resolve()}"


def lan_address() -> str | None:
    """This laptop's address on the local network (private IPv4), or None if offline."""
    import psutil

    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family.name != "AF_INET":
                continue
            ip = ipaddress.ip_address(address.address)
            if ip.is_private and not ip.is_loopback and not ip.is_link_local:
                return address.address
    return None


def _serve_options(args: argparse.Namespace, db_url: str):
    from .server import ServeOptions

    host = "127.0.0.1"
    if args.lan:
        host = lan_address() or host
        if host == "127.0.0.1":
            print("No local network found: participants can only join from this laptop.")
    return ServeOptions(
        db_url=db_url,
        participant_host=host,
        participant_port=args.port,
        facilitator_port=args.facilitator_port,
        pool_size=args.pool_size,
        cull_idle_timeout=args.cull_idle_timeout,
        max_kernels=args.max_kernels,
        max_kernels_per_client=args.max_kernels_per_client,
    )


def _print_links(server, code: str | None, key: str | None) -> None:
    import segno

    join = (
        server.participant_url(code)
        if code
        else f"{server.participant_base}/voila/render/join.ipynb"
    )
    hub = (
        server.facilitator_url(code, key)
        if code and key
        else (f"{server.facilitator_base}/voila/render/facilitator.ipynb")
    )
    on_lan = not server.participant_base.startswith("http://127.")
    print("\nCo-design studio is running. Stop it with Ctrl-C; nothing is lost.\n")
    print(
        f"  Facilitator hub (this laptop only; the link holds the key, keep it private):\n"
        f"    {hub}\n"
    )
    print(f"  Participants (phone or laptop):\n    {join}")
    if code:
        print(f"    join code: {code} (or open {server.participant_base} and type it)")
    segno.make(join, error="m").terminal(compact=True)
    if on_lan:
        print(
            f"  Exposed on your network ({server.participant_base}): only the participant "
            "pages (join and the three activity pages), which need a join code to take part. "
            "The hub, the activity facilitator pages, the workshop file and all sources stay "
            "on this laptop."
        )
        opts = server.opts
        print(
            f"  Limits: {opts.max_kernels or 'any number of'} participant pages at once, "
            f"{opts.max_kernels_per_client or 'any number'} per device; more are asked to wait "
            "(--max-kernels, --max-kernels-per-client)."
        )
    else:
        print(
            "  Everything is on this laptop only. To let phones on your network join, start "
            "again with --lan."
        )
    print()


def _serve(args: argparse.Namespace, *, demo: bool) -> int:
    from .server import StudioServer
    from .store import Store

    db_url = _db_url(args.db)
    store = Store.open(db_url)
    store.check_writable()
    code = key = None
    if demo:
        from .demo import create_demo

        code, key = create_demo(store)
        print(f"Demo workshop created in {store.where} (join code {code}).")
    store.close()
    server = StudioServer(_serve_options(args, db_url))
    print("Starting the servers (a few seconds)...")
    server.start()
    _print_links(server, code, key)
    return server.wait()


def _new(args: argparse.Namespace) -> int:
    from .store import Store

    store = Store.open(_db_url(args.db))
    workshop, key = store.create_workshop(args.title, args.template)
    print(f"Created {workshop.title!r} in {store.where}.")
    print(f"  join code:       {workshop.code}")
    print(f"  facilitator key: {key}   (shown once: save it)")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    from .store import Store

    old, new, backup = Store.upgrade(_db_url(args.db))
    if old == new:
        print(f"The workshop file is already up to date (version {new}).")
    else:
        print(f"Upgraded the workshop file from version {old} to {new}.")
    if backup:
        print(f"A copy of the file as it was is at {backup}.")
    return 0


def _progress(step: int, total: int, what: str) -> None:
    print(f"[{step}/{total}] {what}", flush=True)


def _export(args: argparse.Namespace) -> int:
    from .analysis import load_workshop
    from .open_data import export_package

    print(f"Reading workshop {args.code} (read-only)...", flush=True)
    data = load_workshop(
        args.code,
        _db_url(args.db),
        names=args.names,
        free_text=False if args.no_free_text else None,
    )
    out = export_package(data, args.out, as_zip=args.zip, progress=_progress)
    shared = bool(data.workshops["free_text_shared"].iloc[0])
    print(f"Open data package written to {out}.")
    print(
        "  Display names are "
        + ("KEPT: do not share this package." if args.names else "replaced by P-codes.")
    )
    print(
        "  Free text is "
        + ("included (the workshop's consent covers it)." if shared else "withheld.")
    )
    return 0


def _report(args: argparse.Namespace) -> int:
    from .report import build_report

    out = build_report(_db_url(args.db), args.code, args.out, progress=_progress)
    print(f"Report written to {out}: one HTML file that opens without a network.")
    return 0


def _confirm(question: str, yes: bool) -> bool:
    """Ask on the terminal (stdin); ``--yes`` answers for the person."""
    if yes:
        return True
    try:
        answer = input(f"{question} Type yes to go on: ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def _erase_participant(args: argparse.Namespace) -> int:
    from .store import Store

    store = Store.open(_db_url(args.db), create=False)
    try:
        workshop = store.workshop_by_code(args.code)
        public_id = args.participant.strip().upper()
        print(
            f"This erases participant {public_id} of {workshop.title!r} ({workshop.code}): "
            "everything they added is withdrawn from every view, result and export, and their "
            "names and texts are overwritten in the file. It cannot be undone."
        )
        if not _confirm("Erase them?", args.yes):
            print("Nothing was changed.")
            return 1
        counts = store.erase_participant(workshop.id, public_id)
    finally:
        store.close()
    if counts["withdrawn"]:
        print(f"Withdrew everything {public_id} had added.")
    else:
        print(f"{public_id} had already withdrawn; their contributions were already left out.")
    print(
        f"Erased {counts['names']} name record(s) and {counts['texts']} text(s) in place; "
        f"the file was compacted so the old bytes are gone. An audit row records that an "
        "erasure happened (not what was erased)."
    )
    return 0


def _purge(args: argparse.Namespace) -> int:
    import datetime as dt
    import time

    from .store import Store

    now = time.time()
    store = Store.open(_db_url(args.db), create=False)
    try:
        old = store.old_workshops(args.older_than, now=now)
        if not old:
            print(f"No workshop in {store.where} is older than {args.older_than:g} days.")
            return 0
        print(f"These workshops in {store.where} are older than {args.older_than:g} days:")
        for w in old:
            day = dt.datetime.fromtimestamp(w.created_at, dt.UTC).strftime("%Y-%m-%d")
            print(f"  {w.code}  {day}  {w.title}")
        if not _confirm(
            f"Remove these {len(old)} workshop(s) and everything in them for good?", args.yes
        ):
            print("Nothing was removed.")
            return 1
        result = store.purge_workshops(args.older_than, now=now)
    finally:
        store.close()
    print(
        f"Removed {len(result.workshops)} workshop(s) ({result.total_rows} rows) and "
        "compacted the file. Keep in mind that backups and exports you made are not touched."
    )
    return 0


def _limits_epilog() -> str:
    from .server import OPTION_HELP, ServeOptions

    lines = ["limits and defaults:"]
    for f in dataclasses.fields(ServeOptions):
        if f.name in ("db_url", "notebooks_root", "participant_notebooks", "facilitator_notebooks"):
            continue
        lines.append(f"  {f.name} = {f.default}: {OPTION_HELP.get(f.name, '')}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codesign",
        description="Co-design studio: run a live co-design workshop "
        "from this laptop. Participants join from their phones with a code.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in [
        ("serve", "Start the studio: a facilitator hub and a participant page."),
        ("demo", "Create the demo workshop and start the studio with it."),
    ]:
        p = sub.add_parser(
            name,
            help=text,
            description=text,
            epilog=_limits_epilog(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("--db", help=DB_HELP)
        p.add_argument(
            "--lan",
            action="store_true",
            help="Let phones on the same network "
            "join (the participant page only; the hub stays on this laptop).",
        )
        p.add_argument("--port", type=int, default=8866, help="Participant page port.")
        p.add_argument("--facilitator-port", type=int, default=8867, help="Hub port.")
        p.add_argument(
            "--pool-size",
            type=int,
            default=4,
            help="Participant kernels kept warm, so joining is quick.",
        )
        p.add_argument(
            "--cull-idle-timeout",
            type=int,
            default=600,
            help="Seconds before the kernel of a closed tab is shut down.",
        )
        p.add_argument(
            "--max-kernels",
            type=int,
            default=60,
            help="Participant pages open at once, all phones together (0: no limit).",
        )
        p.add_argument(
            "--max-kernels-per-client",
            type=int,
            default=4,
            help="Participant pages one device may keep open (0: no limit). Raise it when "
            "phones reach this laptop through one shared address.",
        )
        p.set_defaults(func=lambda a, demo=(name == "demo"): _serve(a, demo=demo))
    p = sub.add_parser("new", help="Create a workshop and print its join code and key.")
    p.add_argument("title")
    p.add_argument("--template", default="codesign_day", help="Workshop plan in data/templates.")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=_new)
    p = sub.add_parser(
        "upgrade", help="Bring an older workshop file up to date (keeps a backup copy first)."
    )
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=_upgrade)
    p = sub.add_parser(
        "export",
        help="Write a workshop's open data package: CSV per table, GraphML maps, JSON and a "
        "data dictionary (Frictionless datapackage.json). Pseudonymised by default.",
    )
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--code", required=True, help="The workshop's join code.")
    p.add_argument("--out", required=True, help="A new folder (or, with --zip, a .zip file).")
    p.add_argument("--zip", action="store_true", help="Write one zip file instead of a folder.")
    p.add_argument(
        "--names",
        action="store_true",
        help="Keep participants' display names (for your own records only: never share it).",
    )
    p.add_argument(
        "--no-free-text",
        action="store_true",
        help="Leave out what participants wrote, even where the workshop's consent covers it.",
    )
    p.set_defaults(func=_export)
    p = sub.add_parser(
        "report",
        help="Write a workshop report: one self-contained HTML file with the goals, map, "
        "prototype results and the equal-say summary.",
    )
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--code", required=True, help="The workshop's join code.")
    p.add_argument("--out", default="report.html", help="The HTML file to write.")
    p.set_defaults(func=_report)
    text = (
        "On a participant's request: withdraw everything they added and erase their names "
        "and texts from the workshop file (an audit row keeps only that it happened)."
    )
    p = sub.add_parser("erase-participant", help=text, description=text)
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--code", required=True, help="The workshop's join code.")
    p.add_argument(
        "--participant",
        required=True,
        metavar="P-XXXXXX",
        help="The participant's pseudonym (P-code), as in the export or on their page.",
    )
    p.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
    p.set_defaults(func=_erase_participant)
    text = (
        "Delete workshops created more than DAYS days ago, with everything in them, and "
        "compact the file. Nothing is removed automatically otherwise."
    )
    p = sub.add_parser("purge", help=text, description=text)
    p.add_argument("--db", help=DB_HELP)
    p.add_argument(
        "--older-than",
        required=True,
        type=float,
        metavar="DAYS",
        help="Age in days (at least 1) of the workshops to remove.",
    )
    p.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
    p.set_defaults(func=_purge)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CodesignError as exc:
        print(f"codesign: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from .server import ServerStartError

        if not isinstance(exc, ServerStartError):
            raise
        print(
            f"codesign: the studio could not start. Is another studio already using port "
            f"{getattr(args, 'port', '?')} or {getattr(args, 'facilitator_port', '?')}? "
            "Stop it, or pick other ports with --port and --facilitator-port.\n"
            f"What the server said:\n{exc}",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
