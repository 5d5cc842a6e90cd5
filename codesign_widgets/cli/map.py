"""``codesign map import`` and ``codesign map export``: stakeholder maps in and out of a
workshop file before the day, with the same preview the facilitator's page shows."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from ..core.errors import InvalidInput
from .data import resolve_db_url

__all__ = ["add_map_command"]

EXPORT_FORMATS = ("graphml", "gexf", "json", "kumu-xlsx", "kumu-json")


def _stage(studio, workshop_id: int, stage: str | None) -> str:
    return studio.network.maps.network_stage(workshop_id, stage).key


def import_map(args: argparse.Namespace) -> int:
    """Print what importing FILE would do; write it with ``--yes`` or after a y/N answer."""
    from ..studio import Studio

    path = Path(args.file)
    if not path.is_file():
        msg = f"There is no file {args.file}: check the path."
        raise InvalidInput(msg)
    studio = Studio.open(resolve_db_url(args.db), create=False)
    try:
        workshop = studio.workshops.by_code(args.code)
        stage = _stage(studio, workshop.id, args.stage)
        facilitator = studio.network.facilitator
        files = [(path.name, path.read_bytes())]
        plan = facilitator.plan_import(workshop.id, stage, files)
        if args.link_existing or args.strength or args.strength_scale or args.default_tie_type:
            mapping = plan.mapping
            changes = {"link_existing": args.link_existing or mapping.link_existing}
            if args.strength:
                changes["strength_from"] = None if args.strength == "-" else args.strength
            if args.strength_scale:
                changes["strength_scale"] = args.strength_scale
            if args.default_tie_type:
                changes["default_tie_type"] = args.default_tie_type
            plan = facilitator.plan_import(
                workshop.id, stage, files, dataclasses.replace(mapping, **changes)
            )
        print(f"Import {path.name} into {workshop.title!r} ({workshop.code}), stage {stage}:")
        for line in plan.summary():
            print(f"  {line}")
        if args.dry_run:
            print("Dry run: nothing was written.")
            return 0
        if not args.yes:
            try:
                answer = input("Import it? [y/N] ")
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was written.")
                return 1
        counts = facilitator.import_network(workshop.id, stage, plan, path.name)
    finally:
        studio.close()
    print(
        f"Imported {counts['stakeholders']} stakeholders and {counts['ties']} ties "
        f"({counts['linked']} linked to stakeholders already on the map, "
        f"{counts['attributes']} values kept with them)."
    )
    return 0


def export_map(args: argparse.Namespace) -> int:
    """Write the map of a workshop's network stage in one of :data:`EXPORT_FORMATS`."""
    from ..studio import Studio

    studio = Studio.open(resolve_db_url(args.db), create=False)
    try:
        workshop = studio.workshops.by_code(args.code)
        stage = _stage(studio, workshop.id, args.stage)
        data = studio.network.facilitator.export_map(workshop.id, stage, args.format)
    finally:
        studio.close()
    Path(args.out).write_bytes(data)
    print(f"Wrote the map of {workshop.code} ({stage}) as {args.format} to {args.out}.")
    return 0


def add_map_command(sub, db_help: str) -> None:
    """``codesign map import|export``."""
    parser = sub.add_parser(
        "map", help="Import a stakeholder map (Gephi, yEd, Cytoscape, Kumu...) or export one."
    )
    commands = parser.add_subparsers(dest="map_command", required=True)
    p = commands.add_parser(
        "import",
        help="Show what importing FILE would add, then add it (with --yes or after y/N).",
        description="GraphML, GEXF, JSON (networkx, Kumu, Cytoscape), Kumu XLSX or CSV, or a "
        "zip of Kumu CSVs. Prints the preview; writes only with --yes or after you answer y.",
    )
    p.add_argument("file")
    p.add_argument("--db", help=db_help)
    p.add_argument("--code", required=True, help="The workshop's join code.")
    p.add_argument("--stage", help="The network stage (default: the current or first one).")
    p.add_argument("--dry-run", action="store_true", help="Only print the preview.")
    p.add_argument("--yes", action="store_true", help="Import without asking.")
    p.add_argument(
        "--link-existing",
        action="store_true",
        help="Link names already on the map instead of adding them again.",
    )
    p.add_argument("--strength", metavar="COLUMN", help="Tie column for strength ('-': none).")
    p.add_argument(
        "--strength-scale",
        choices=["thirds", "as_is", "none"],
        help="thirds: scale into 1-3 by thirds; as_is: values are 1-3; none: strength 1.",
    )
    p.add_argument(
        "--default-tie-type",
        metavar="KEY",
        help="Tie type (key, e.g. information) for ties the file gives no type.",
    )
    p.set_defaults(func=import_map)
    p = commands.add_parser("export", help="Write a workshop's stakeholder map to a file.")
    p.add_argument("--db", help=db_help)
    p.add_argument("--code", required=True, help="The workshop's join code.")
    p.add_argument("--stage", help="The network stage (default: the current or first one).")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--out", required=True, help="The file to write.")
    p.set_defaults(func=export_map)
