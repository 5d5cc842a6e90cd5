"""The ``codesign`` commands on the workshop file: create a workshop, upgrade the file, export
a workshop's open data and write its report, open the analyst notebook, erase a participant,
purge old workshops.

Also where ``--db`` points (:func:`resolve_db_url`), which ``serve`` and ``demo`` use too."""

from __future__ import annotations

import argparse
import shlex


def resolve_db_url(value: str | None) -> str:
    """The database URL ``--db`` names: a URL as given, a path as SQLite, else the default."""
    from ..store.engine import db_url, default_db_url

    return db_url(value) if value else default_db_url()


def new_workshop(args: argparse.Namespace) -> int:
    """``codesign new``: create a workshop and print its join code and facilitator key.

    ``--template`` is a built-in plan's name or a plan file (``.toml``), which is checked and
    kept among the user's plans so the studio and the analyst find it again."""
    from ..core.templates import add_template, user_templates_path
    from ..studio import Studio

    template = args.template
    if template.lower().endswith(".toml") or "/" in template or "\\" in template:
        template = add_template(template)
        print(f"Using the plan {template!r} (kept in {user_templates_path()}).")
    studio = Studio.open(resolve_db_url(args.db))
    workshop, key = studio.workshops.create(args.title, template)
    print(f"Created {workshop.title!r} in {studio.db.where}.")
    print(f"  join code:       {workshop.code}")
    print(f"  facilitator key: {key}   (shown once: save it)")
    db = f" --db {shlex.quote(args.db)}" if args.db else ""
    print(
        f"\nNext: codesign serve --lan{db}\n  It prints a hub link that signs this laptop's "
        "browser in (no key to type) and the link for phones. Without --lan, only this "
        "laptop can join."
    )
    return 0


def upgrade_file(args: argparse.Namespace) -> int:
    """``codesign upgrade``: bring an older workshop file up to date, keeping a backup."""
    from ..store.engine import Database

    old, new, backup = Database.upgrade(resolve_db_url(args.db))
    if old == new:
        print(f"The workshop file is already up to date (version {new}).")
    else:
        print(f"Upgraded the workshop file from version {old} to {new}.")
    if backup:
        print(f"A copy of the file as it was is at {backup}.")
    return 0


def _progress(step: int, total: int, what: str) -> None:
    print(f"[{step}/{total}] {what}", flush=True)


def export_workshop(args: argparse.Namespace) -> int:
    """``codesign export``: write a workshop's open data package."""
    from ..analysis.open_data import export_package
    from ..analysis.workshop_data import load_workshop

    print(f"Reading workshop {args.code} (read-only)...", flush=True)
    data = load_workshop(
        args.code,
        resolve_db_url(args.db),
        names=args.names,
        free_text=False if args.no_free_text else None,
    )
    if not args.all_perspectives:
        data = data.protected()
    out = export_package(data, args.out, as_zip=args.zip, progress=_progress)
    shared = bool(data.workshops["free_text_shared"].iloc[0])
    print(f"Open data package written to {out}.")
    print(
        "  Display names are "
        + ("KEPT: do not share this package." if args.names else "replaced by P-codes.")
    )
    print(
        "  Every perspective is KEPT apart, small groups too: do not share this package."
        if args.all_perspectives
        else "  Small perspective groups are exported as 'other' "
        + (
            f"({len(data.small_group_notes)} tables or stages)."
            if data.small_group_notes
            else "(none was needed)."
        )
    )
    print(
        "  Free text is "
        + ("included (the workshop's consent covers it)." if shared else "withheld.")
    )
    return 0


def write_report(args: argparse.Namespace) -> int:
    """``codesign report``: write a workshop's report as one self-contained HTML file."""
    from ..analysis.report import build_report

    out = build_report(resolve_db_url(args.db), args.code, args.out, progress=_progress)
    print(f"Report written to {out}: one HTML file that opens without a network.")
    return 0


def analyse_workshop(args: argparse.Namespace) -> int:
    """``codesign analyse``: copy the analyst notebook here with the workshop filled in, and
    open it in JupyterLab (``--no-lab``: only write it)."""
    from ..analysis.analyst_notebook import write_analysis_notebook

    path = write_analysis_notebook(resolve_db_url(args.db), args.code, args.out)
    print(f"Analyst notebook written to {path}.")
    if args.no_lab:
        print(f"Open it with: jupyter lab {path.name}")
        return 0
    import subprocess
    import sys

    print("Starting JupyterLab (stop it with Ctrl+C)...", flush=True)
    return subprocess.call(
        [sys.executable, "-m", "jupyterlab", str(path.name)], cwd=str(path.parent)
    )


def _confirm(question: str, yes: bool) -> bool:
    """Ask on the terminal (stdin); ``--yes`` answers for the person."""
    if yes:
        return True
    try:
        answer = input(f"{question} Type yes to go on: ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def erase_participant(args: argparse.Namespace) -> int:
    """``codesign erase-participant``: erase one person's name and text from the file."""
    from ..studio import Studio

    studio = Studio.open(resolve_db_url(args.db), create=False)
    try:
        workshop = studio.workshops.by_code(args.code)
        public_id = args.participant.strip().upper()
        print(
            f"This erases participant {public_id} of {workshop.title!r} ({workshop.code}): "
            "everything they added is withdrawn from every view, result and export, and their "
            "names and texts are overwritten in the file. It cannot be undone."
        )
        if not _confirm("Erase them?", args.yes):
            print("Nothing was changed.")
            return 1
        counts = studio.privacy.erase_participant(workshop.id, public_id)
        remains = studio.privacy.what_remains()
    finally:
        studio.close()
    if counts["withdrawn"]:
        print(f"Withdrew everything {public_id} had added.")
    else:
        print(f"{public_id} had already withdrawn; their contributions were already left out.")
    print(
        f"Erased {counts['names']} name record(s) and {counts['texts']} text(s) in place; "
        f"{remains}. An audit row records that an erasure happened (not what was erased)."
    )
    return 0


def purge_workshops(args: argparse.Namespace) -> int:
    """``codesign purge``: delete workshops older than a date, with everything in them."""
    import datetime as dt
    import time

    from ..studio import Studio

    now = time.time()
    studio = Studio.open(resolve_db_url(args.db), create=False)
    try:
        old = studio.privacy.old_workshops(args.older_than, now=now)
        if not old:
            print(f"No workshop in {studio.db.where} is older than {args.older_than:g} days.")
            return 0
        print(f"These workshops in {studio.db.where} are older than {args.older_than:g} days:")
        for w in old:
            day = dt.datetime.fromtimestamp(w.created_at, dt.UTC).strftime("%Y-%m-%d")
            print(f"  {w.code}  {day}  {w.title}")
        if not _confirm(
            f"Remove these {len(old)} workshop(s) and everything in them for good?", args.yes
        ):
            print("Nothing was removed.")
            return 1
        result = studio.privacy.purge_workshops(args.older_than, now=now)
        remains = studio.privacy.what_remains()
    finally:
        studio.close()
    if studio.db.url.get_backend_name() == "sqlite":
        print(
            f"Removed {len(result.workshops)} workshop(s) ({result.total_rows} rows) and "
            "compacted the file. Keep in mind that backups and exports you made are not "
            "touched."
        )
    else:
        print(
            f"Removed {len(result.workshops)} workshop(s) ({result.total_rows} rows); "
            f"{remains}. Exports you made are not touched."
        )
    return 0
