"""``codesign``: start the studio, make a demo, create a workshop, upgrade a workshop file,
export a workshop's open data and write its report, erase a participant, purge old workshops."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence

from ..core.errors import CodesignError
from ..core.templates import list_templates
from .data import (
    analyse_workshop,
    erase_participant,
    export_workshop,
    new_workshop,
    purge_workshops,
    upgrade_file,
    write_report,
)
from .map import add_map_command
from .serve import hub_link, make_cert, serve

__all__ = ["main"]

DB_HELP = (
    "Workshop database: a file path or SQLAlchemy URL (default: $CODESIGN_DB, else "
    "studio.db in your user data folder)."
)


#: ServeOptions fields that are not limits (each has an option of its own, or none).
_NOT_LIMITS = (
    "db_url",
    "notebooks_root",
    "participant_notebooks",
    "facilitator_notebooks",
    "roles",
    "base_url",
    "public_url",
    "tls_dir",
    "ca_port",
)


def _limits_epilog() -> str:
    from ..serving.options import OPTION_HELP, ServeOptions

    lines = ["limits and defaults:"]
    for f in dataclasses.fields(ServeOptions):
        if f.name in _NOT_LIMITS:
            continue
        lines.append(f"  {f.name} = {f.default}: {OPTION_HELP.get(f.name, '')}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The ``codesign`` command line: one sub-command per task."""
    parser = argparse.ArgumentParser(
        prog="codesign",
        description="Co-design studio: run a live co-design workshop "
        "from this laptop. Participants join from their phones with a code.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_serve_commands(sub)
    _add_file_commands(sub)
    _add_output_commands(sub)
    _add_privacy_commands(sub)
    add_map_command(sub, DB_HELP)
    return parser


def _add_serve_commands(sub) -> None:
    """``serve`` and ``demo``: the two servers and their limits."""
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
            default=3,
            help="Participant kernels kept warm, so joining is quick (3 suits a 2-core "
            "laptop; warm kernels never count against --max-kernels).",
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
        p.add_argument(
            "--max-connections-per-client",
            type=int,
            default=48,
            help="Connections one device (one address) may hold open to the participant "
            "server (0: no limit; a phone's page holds about 11). Raise it with "
            "--max-kernels-per-client.",
        )
        p.add_argument(
            "--tls",
            action="store_true",
            help="Serve both servers over https with the certificate `codesign cert` made "
            "(phones that install its authority see no warning); the certificate "
            "download is plain http on --ca-port.",
        )
        p.add_argument(
            "--ca-port",
            type=int,
            default=8868,
            help="Port of the plain http download of the studio's certificate (with --tls).",
        )
        p.add_argument(
            "--idle-page-timeout",
            type=int,
            default=300,
            help="Seconds a participant page may sit untouched and unseen before, when the "
            "workshop is full, it makes room for a new one (0: never).",
        )
        _add_scale_out_options(p)
        p.set_defaults(func=lambda a, demo=(name == "demo"): serve(a, demo=demo))
    text = (
        "Print a new one-time sign-in link for a hub that is running already (started as a "
        "service, or with --hub-only)."
    )
    p = sub.add_parser("hub-link", help=text, description=text)
    p.add_argument("--code", help="Open this workshop (its join code) after signing in.")
    p.add_argument("--facilitator-port", type=int, default=8867, help="The hub's port.")
    p.add_argument("--base-url", default="/", help="The hub's URL prefix, if it has one.")
    p.set_defaults(func=hub_link)
    text = (
        "Make, offline, the certificates for `codesign serve --lan --tls`: a local "
        "certificate authority (kept, so phones that trust it keep trusting it) and a server "
        "certificate for this laptop's network addresses and host name."
    )
    p = sub.add_parser("cert", help=text, description=text)
    p.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="NAME_OR_ADDRESS",
        help="Another host name or address the certificate should cover (repeatable).",
    )
    p.set_defaults(func=make_cert)


def _add_scale_out_options(p: argparse.ArgumentParser) -> None:
    """Several participant servers behind a reverse proxy (README: Beyond one laptop)."""
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--participant-only",
        action="store_true",
        help="Start only the participant server (one of several behind a reverse proxy, "
        "all on one database); run the hub with --hub-only.",
    )
    which.add_argument(
        "--hub-only",
        action="store_true",
        help="Start only the facilitator hub (the participant servers run on their own); "
        "its join link and QR code show --public-url (else this host's --port).",
    )
    p.add_argument(
        "--base-url",
        default="/",
        help="URL prefix the server answers under, e.g. /p1/ (a reverse proxy routes by it; "
        "see deploy/nginx-codesign.conf).",
    )
    p.add_argument(
        "--public-url",
        default="",
        help="Address phones open through the reverse proxy, e.g. https://studio.example.org/ "
        "(printed, in the QR code and the hub's join link).",
    )
    p.add_argument(
        "--facilitator-login",
        choices=["link", "jupyterhub"],
        default="link",
        help="How facilitators sign in to the hub: link (a one-time link printed here) or "
        "jupyterhub (the hub runs as a JupyterHub service and checks JupyterHub's OAuth; "
        "see the README, A shared server).",
    )
    p.add_argument(
        "--facilitator-host",
        default="127.0.0.1",
        help="Address the hub binds; anything but 127.0.0.1 needs --facilitator-login jupyterhub.",
    )


def _add_file_commands(sub) -> None:
    """``new`` and ``upgrade``: a workshop in the file, and the file itself."""
    p = sub.add_parser("new", help="Create a workshop and print its join code and key.")
    p.add_argument("title")
    p.add_argument(
        "--template",
        default="codesign_day",
        help="Workshop plan: a built-in one ("
        + ", ".join(list_templates())
        + "; codesign_day_cy is in Welsh, codesign_day_es in Spanish) or a plan file "
        "path/to/plan.toml.",
    )
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=new_workshop)
    p = sub.add_parser(
        "upgrade", help="Bring an older workshop file up to date (keeps a backup copy first)."
    )
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=upgrade_file)


def _add_output_commands(sub) -> None:
    """``export`` and ``report``: what an analyst takes away."""
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
    p.add_argument(
        "--all-perspectives",
        action="store_true",
        help="Keep every perspective apart, small groups too (by default a perspective with "
        "fewer people than the plan's smallest_group is exported as 'other'; for your own "
        "records only: never share it).",
    )
    p.set_defaults(func=export_workshop)
    p = sub.add_parser(
        "report",
        help="Write a workshop report: one self-contained HTML file with the goals, map, "
        "prototype results and the equal-say summary.",
    )
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--code", required=True, help="The workshop's join code.")
    p.add_argument("--out", default="report.html", help="The HTML file to write.")
    p.set_defaults(func=write_report)
    p = sub.add_parser(
        "analyse",
        aliases=["analyze"],
        help="Copy the analyst notebook into this folder with the workshop filled in, and "
        "open it in JupyterLab.",
    )
    p.add_argument("--db", help=DB_HELP)
    p.add_argument(
        "--code", help="The workshop's join code (default: the only or newest workshop)."
    )
    p.add_argument(
        "--out",
        help="The notebook to write (default: analysis-CODE.ipynb here; never overwritten).",
    )
    p.add_argument("--no-lab", action="store_true", help="Only write the notebook.")
    p.set_defaults(func=analyse_workshop)


def _add_privacy_commands(sub) -> None:
    """``erase-participant`` and ``purge``: a person's words, and old workshops, removed."""
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
    p.set_defaults(func=erase_participant)
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
    p.set_defaults(func=purge_workshops)


#: Commands whose unexpected failures are one sentence and a log file, not a traceback.
OUTPUT_COMMANDS = ("report", "export", "analyse", "analyze", "new")


def _one_line(text: str) -> str:
    from ..core.failure_log import plain

    return " ".join(plain(text).split())


def _log(args, details: str):
    from ..core.failure_log import write_failure_log

    return write_failure_log(args.command, details)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``codesign`` with ``argv``; a problem a person can fix is one line, exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CodesignError as exc:
        details = getattr(exc, "details", None)
        where = f" The details are in {_log(args, details)}." if details else ""
        print(f"codesign: {_one_line(str(exc))}{where}", file=sys.stderr)
        return 2
    except Exception as exc:
        from ..serving.server import ServerStartError

        if args.command in OUTPUT_COMMANDS:
            import traceback

            path = _log(args, traceback.format_exc())
            print(
                f"codesign: the {args.command} stopped on an unexpected problem "
                f"({type(exc).__name__}); nothing was written. The details are in {path}: "
                "please send that file with a bug report.",
                file=sys.stderr,
            )
            return 1
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
