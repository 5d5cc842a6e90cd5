"""The open data package: a workshop's tables as CSV, its maps as GraphML, JSON, and a data
dictionary, as a Frictionless Data Package (https://specs.frictionlessdata.io).

Layout of a package (a folder, or the same files in a zip)::

    datapackage.json        the data dictionary: every file, every column, its type and meaning
    README.txt              what the package is, for someone who opens it without tools
    data/<table>.csv        one CSV per table of codesign_widgets.analysis.open_data_schema.TABLES
    maps/<code>-<stage>-stakeholders.graphml   each stakeholder map as drawn (networkx, Gephi)
    maps/<code>-<stage>-goals-services.graphml each goal-to-service map
    workshop.json           every table as JSON records, keyed by table name
    equal_say.json          the equal-say summary: numbers, sentences and how they are computed

What the package holds is what the analyst loaded (:mod:`codesign_widgets.analysis.workshop_data`):
pseudonymised unless names were asked for, free text only where consent covers it, withdrawn
and hidden items marked by ``status``/``hidden``. CSV text cells that a spreadsheet would run
as a formula (starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and ``'``
itself so the escape can be undone) are written with a leading apostrophe;
:func:`read_package` removes it again, so a package loads back into equal DataFrames.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import __version__
from ..core.errors import InvalidInput, StoreUnavailable
from ..core.safe_text import spreadsheet_safe
from ..core.table_schema import PANDAS_TYPES
from .open_data_schema import TABLES, typed

if TYPE_CHECKING:  # pragma: no cover
    from .loaded_data import WorkshopData

__all__ = ["export_package", "from_spreadsheet", "package_files", "read_package", "to_spreadsheet"]

Progress = Callable[[int, int, str], None]
DESCRIPTOR = "datapackage.json"
#: How a time is written: ISO 8601 in UTC, to the microsecond.
MOMENT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_spreadsheet(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs; reversible by :func:`from_spreadsheet`.

    >>> to_spreadsheet("=SUM(A1)"), to_spreadsheet("'quoted"), to_spreadsheet("plain")
    ("'=SUM(A1)", "''quoted", 'plain')
    """
    if text.startswith("'"):
        return "'" + text
    return spreadsheet_safe(text)


def from_spreadsheet(text: str) -> str:
    """Undo :func:`to_spreadsheet`.

    >>> from_spreadsheet("'=SUM(A1)"), from_spreadsheet("''quoted")
    ('=SUM(A1)', "'quoted")
    """
    return text[1:] if text.startswith("'") else text


def _csv(name: str, frame: pd.DataFrame) -> bytes:
    out = pd.DataFrame(index=frame.index)
    for f in TABLES[name].fields:
        column = frame[f.name]
        if f.type == "string":
            out[f.name] = column.astype(object).map(to_spreadsheet)
        elif f.type == "boolean":
            out[f.name] = column.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
        elif f.type == "integer":
            out[f.name] = column.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif f.type == "datetime":
            out[f.name] = column.map(lambda v: "" if pd.isna(v) else v.strftime(MOMENT))
        else:
            out[f.name] = column.map(lambda v: "" if pd.isna(v) else repr(float(v)))
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _schema(name: str) -> dict:
    table = TABLES[name]
    schema: dict = {
        "fields": [
            {"name": f.name, "type": f.type, "description": f.description}
            | ({"format": MOMENT} if f.type == "datetime" else
               {"format": "default"} if f.type != "boolean" else
               {"trueValues": ["true"], "falseValues": ["false"]})
            for f in table.fields
        ],
        "missingValues": [""],
    }  # fmt: skip
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(own), "reference": {"resource": other, "fields": list(theirs)}}
            for own, other, theirs in table.foreign_keys
        ]
    return schema


def _graphs(data: WorkshopData) -> dict[str, bytes]:
    import networkx as nx

    files = {}
    for code in data.codes:
        one = data.only(code)
        for stage in one.stage_keys("stakeholder_network"):
            graph = one.network_graph(stage)  # single-valued attributes: GraphML takes them
            files[f"maps/{code}-{stage}-stakeholders.graphml"] = "\n".join(
                nx.generate_graphml(graph)
            ).encode("utf-8")
        for stage in one.stage_keys("goal_mapping"):
            graph = one.goal_service_graph(stage)
            files[f"maps/{code}-{stage}-goals-services.graphml"] = "\n".join(
                nx.generate_graphml(graph)
            ).encode("utf-8")
    return files


def _equal_say(data: WorkshopData) -> bytes:
    from ..core import equal_say

    summaries = {}
    for code in data.codes:
        summary = data.only(code).equal_say()
        summaries[code] = {"groups": summary.rows(), "summary": summary.sentences()}
    method = equal_say.__doc__.split("Worked example")[0].strip()
    body = {"method": method, "workshops": summaries}
    return json.dumps(body, ensure_ascii=False, indent=1, default=float).encode("utf-8")


def package_files(data: WorkshopData, progress: Progress | None = None) -> dict[str, bytes]:
    """Every file of the package, by path, in memory (workshops are small).

    >>> from tests.tables import goal_tables
    >>> from .loaded_data import WorkshopData
    >>> files = package_files(WorkshopData(goal_tables()))
    >>> "datapackage.json" in files, files["data/goal_services.csv"].splitlines()[0]
    (True, b'workshop,card_id,service')
    """
    names = list(TABLES)
    total = len(names) + 4
    step = 0

    def tick(what: str) -> None:
        nonlocal step
        step += 1
        if progress:
            progress(step, total, what)

    files: dict[str, bytes] = {}
    resources = []
    for name in names:
        tick(f"writing data/{name}.csv")
        files[f"data/{name}.csv"] = _csv(name, data.tables[name])
        resources.append(
            {"name": name, "path": f"data/{name}.csv", "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "description": TABLES[name].description, "schema": _schema(name)}
        )  # fmt: skip
    tick("drawing the maps as GraphML")
    for path, content in _graphs(data).items():
        files[path] = content
        resources.append(
            {"name": path.removeprefix("maps/").removesuffix(".graphml").lower(), "path": path,
             "format": "graphml", "mediatype": "application/graphml+xml",
             "description": "A map as a graph (GraphML: networkx, Gephi, yEd). Stakeholder "
             "maps hold what is on the map now (merged stakeholders folded in); the tables "
             "hold everything, withdrawn and hidden included."}
        )  # fmt: skip
    tick("writing workshop.json")
    records = {name: json.loads(data.tables[name].to_json(orient="records", date_format="iso"))
               for name in names}  # fmt: skip
    files["workshop.json"] = json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    resources.append(
        {"name": "workshop-json", "path": "workshop.json", "format": "json",
         "mediatype": "application/json",
         "description": "Every table as JSON records, keyed by table name (same columns as the "
         "CSV files)."}
    )  # fmt: skip
    tick("computing the equal-say summary")
    files["equal_say.json"] = _equal_say(data)
    resources.append(
        {"name": "equal-say", "path": "equal_say.json", "format": "json",
         "mediatype": "application/json",
         "description": "The equal-say summary per workshop: per perspective group, people, "
         "contributions, balance, and alignment/shift for each result, with the method."}
    )  # fmt: skip
    workshops = data.tables["workshops"]
    descriptor = {
        "profile": "data-package",
        "name": "codesign-" + "-".join(c.lower() for c in data.codes),
        "title": "; ".join(workshops["title"]),
        "description": "Open data of a co-design workshop: goals, stakeholder map, prototype "
        "scores and the equal-say summary. Pseudonymised: people are P-codes.",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "version": "1.0.0",
        "contributors": [{"title": f"codesign-widgets {__version__}", "role": "author"}],
        "keywords": ["co-design", "health", "care", "equal say"],
        "resources": resources,
    }
    tick("writing the data dictionary (datapackage.json)")
    files[DESCRIPTOR] = json.dumps(descriptor, ensure_ascii=False, indent=1).encode("utf-8")
    files["README.txt"] = _readme(data).encode("utf-8")
    return dict(sorted(files.items()))


def _readme(data: WorkshopData) -> str:
    w = data.tables["workshops"]
    lines = [
        "Open data of a co-design workshop, made by codesign-widgets.",
        "",
        *[f"- {r.title} (code {r.workshop}, plan {r.template})" for r in w.itertuples()],
        "",
        "datapackage.json describes every file and column (Frictionless Data Package).",
        "People appear only as pseudonyms (P-XXXXXX)"
        + ("." if w["pseudonymised"].all() else ", except where names were exported on purpose."),
        "Withdrawn and hidden contributions are included and marked in status/hidden columns.",
        "Text cells starting with = + - @ or ' have an apostrophe added, so spreadsheets",
        "show them as text instead of running them.",
        *(
            [
                "",
                "Small perspective groups are given as 'other' (group and perspective columns),",
                "so that nobody can be picked out by their perspective:",
                *[f"- {note}" for note in data.small_group_notes],
            ]
            if data.small_group_notes
            else []
        ),
        *_replacements(data),
    ]
    return "\n".join(lines) + "\n"


def _replacements(data: WorkshopData) -> list[str]:
    """The README's list of every name replaced in free text (and every one to check)."""
    table = data.tables["name_replacements"]
    if not data.tables["workshops"]["pseudonymised"].all():
        return []
    if table.empty:
        return ["", "No display name was found in what participants wrote: nothing replaced."]
    lines = ["", "Display names replaced in what participants wrote (please review; also in",
             "data/name_replacements.csv):"]  # fmt: skip
    for r in table.itertuples(index=False):
        where = f"{r.workshop} {r.table} {r.row} {r.column}"
        if r.kind == "replaced":
            lines.append(f'- {where}: {r.pseudonym} in "{r.context}"')
        else:
            lines.append(
                f"- {where}: CHECK by hand: a sentence starts with a word that is also the "
                f"name of {r.pseudonym}; it was left as it was."
            )
    return lines


def export_package(
    data: WorkshopData,
    out: str | Path,
    *,
    as_zip: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Write the package to the folder ``out`` (or the zip file ``out`` with ``as_zip``).

    >>> import tempfile
    >>> from tests.tables import goal_tables
    >>> from .loaded_data import WorkshopData
    >>> out = export_package(WorkshopData(goal_tables()), Path(tempfile.mkdtemp()) / "pkg",
    ...                      as_zip=True)
    >>> out.suffix, read_package(out)["goals"]["goal"].tolist()[:2]
    ('.zip', ['Walk to the shops', 'Sleep through'])
    """
    out = Path(out)
    files = package_files(data, progress)
    try:
        if as_zip:
            if out.suffix.lower() != ".zip":
                out = out.with_name(out.name + ".zip")
            out.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for path, content in files.items():
                    archive.writestr(path, content)
        else:
            if out.exists() and any(out.iterdir()):
                msg = f"{out} is not empty: choose a new folder, so nothing is overwritten."
                raise InvalidInput(msg)
            for path, content in files.items():
                target = out / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
    except OSError as exc:
        msg = f"The package could not be written to {out} ({exc.strerror or exc})."
        raise StoreUnavailable(msg) from exc
    return out


# -- reading a package back ------------------------------------------------------------------
def _files(path: Path) -> Callable[[str], bytes]:
    if path.is_dir():
        return lambda name: (path / name).read_bytes()
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        return archive.read
    msg = f"{path} is neither a package folder nor a zip file made by `codesign export`."
    raise InvalidInput(msg)


def _column(raw: pd.Series, type_: str) -> pd.Series:
    if type_ == "string":
        return raw.map(from_spreadsheet).astype(PANDAS_TYPES[type_])
    if type_ == "boolean":
        return raw.map({"true": True, "false": False, "": pd.NA}).astype("boolean")
    if type_ == "integer":
        return pd.to_numeric(raw.replace("", None)).astype("Int64")
    if type_ == "datetime":
        return pd.to_datetime(raw.replace("", None), format=MOMENT, utc=True)
    return pd.to_numeric(raw.replace("", None)).astype("float64")


def read_package(path: str | Path) -> dict[str, pd.DataFrame]:
    """The tables of a package folder or zip, typed as the analysis functions make them.

    >>> import tempfile
    >>> from tests.tables import goal_tables
    >>> from .loaded_data import WorkshopData
    >>> out = export_package(WorkshopData(goal_tables()), Path(tempfile.mkdtemp()) / "pkg")
    >>> read_package(out)["goals"].equals(WorkshopData(goal_tables()).goals)
    True
    """
    read = _files(Path(path))
    try:
        descriptor = json.loads(read(DESCRIPTOR))
    except (KeyError, FileNotFoundError, json.JSONDecodeError) as exc:
        msg = f"{path} has no readable {DESCRIPTOR}: was it made by `codesign export`?"
        raise InvalidInput(msg) from exc
    paths = {r["name"]: r["path"] for r in descriptor.get("resources", [])}
    tables = {}
    for name, table in TABLES.items():
        if name not in paths:
            msg = f"{path} lacks the table {name!r}; export it again with this version."
            raise InvalidInput(msg)
        raw = pd.read_csv(io.BytesIO(read(paths[name])), dtype=str, keep_default_na=False)
        frame = pd.DataFrame({f.name: _column(raw[f.name], f.type) for f in table.fields})
        tables[name] = typed(name, frame)
    return tables
