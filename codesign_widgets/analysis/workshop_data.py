"""The analyst's entry point: load workshops as pandas DataFrames and networkx graphs.

One call loads a workshop, several, or a whole workshop file, **read-only**: the SQLite file is
opened with ``mode=ro``, so a live workshop's writes are never touched or blocked::

    from codesign_widgets.analysis.workshop_data import load_workshop
    data = load_workshop("KP7QXA", db="studio.db")
    data.goals                 # a DataFrame per table (see analysis.open_data_schema)
    data.goal_priorities()     # results as DataFrames: the dots, pooled and with an equal say
    data.network_graph()       # the stakeholder map as a networkx MultiDiGraph
    data.priorities_chart()    # the charts the projector showed, as static images

Pseudonymised by default: display names are replaced by each person's pseudonym (``P-...``),
in the participants table and wherever a name was typed into free text. Free text is kept only
if the workshop's plan says its consent covers it (:attr:`Template.export_free_text`).
Private goal cards and sealed scoring rounds are never loaded; withdrawn and hidden items are
loaded with their ``status`` (and ``hidden``) columns, not dropped.

Each call returns a :class:`~codesign_widgets.analysis.loaded_data.WorkshopData`: the tables,
with every result and chart as a method (each a function of the tables, see
:mod:`.loaded_data`).

pandas and networkx are analyst-only: a participant's kernel never imports this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd

from ..core.errors import InvalidInput, NotFound
from ..core.workshop import WorkshopState
from .loaded_data import WorkshopData
from .open_data_schema import TABLES, typed
from .read import read_workshop

__all__ = [
    "CODE_ENV",
    "load_database",
    "load_package",
    "load_workshop",
    "load_workshops",
    "readonly_url",
]

#: The workshop an analyst notebook opens when no code is given (else ``?code=`` from
#: ``QUERY_STRING``, as nbval and Voila set it).
CODE_ENV = "CODESIGN_CODE"
Progress = Callable[[int, int, str], None]


def readonly_url(db: str | os.PathLike | None = None) -> str:
    """A URL that opens the workshop file read-only (SQLite ``mode=ro``); others unchanged.

    >>> readonly_url("/tmp/studio.db")
    'sqlite:///file:/tmp/studio.db?mode=ro&uri=true'
    """
    if db is None:
        from ..store import default_db_url

        db = default_db_url()
    text = str(db)
    if "://" not in text:
        text = f"sqlite:///{Path(text).expanduser().resolve()}"
    if text.startswith("sqlite:///") and "mode=ro" not in text:
        path = text.removeprefix("sqlite:///").split("?", 1)[0].removeprefix("file:")
        if path and path != ":memory:":
            return f"sqlite:///file:{path}?mode=ro&uri=true"
    return text


def _default_code() -> str:
    code = (
        os.environ.get(CODE_ENV)
        or parse_qs(os.environ.get("QUERY_STRING", "")).get("code", [""])[0]
    )
    if not code:
        msg = (
            "Which workshop? Pass its join code, e.g. load_workshop('KP7QXA'), or set "
            f"{CODE_ENV}; load_database() loads every workshop of the file."
        )
        raise InvalidInput(msg)
    return code


def open_readonly(db):
    """The workshop file at ``db`` opened read-only (nothing an analyst runs can change it)."""
    from ..studio import Studio

    return Studio.open(readonly_url(db), create=False)


# -- loading -----------------------------------------------------------------------------------
def load_workshop(
    code: str | None = None,
    db: str | os.PathLike | None = None,
    *,
    names: bool = False,
    free_text: bool | None = None,
    progress: Progress | None = None,
) -> WorkshopData:
    """Load one workshop (by join code; default ``$CODESIGN_CODE`` or ``?code=``) read-only.

    ``names=True`` keeps display names (for the facilitator's own records, never for sharing);
    ``free_text=False`` withholds what participants wrote even where consent covers it
    (``True`` cannot override a plan whose consent does not).

    >>> path = _example_file()
    >>> data = load_workshop(_example_code(path), path)
    >>> bool(data.participants["display_name"].str.startswith("P-").all())
    True
    """
    return load_workshops([code or _default_code()], db, names=names, free_text=free_text,
                          progress=progress)  # fmt: skip


def load_workshops(
    codes: Iterable[str],
    db: str | os.PathLike | None = None,
    *,
    names: bool = False,
    free_text: bool | None = None,
    progress: Progress | None = None,
) -> WorkshopData:
    """Load several workshops of one file into one :class:`WorkshopData` (tables stacked).

    >>> path = _example_file()
    >>> len(load_workshops([_example_code(path)], path).codes)
    1
    """
    studio = open_readonly(db)
    try:
        workshops = [studio.workshops.by_code(code) for code in codes]
        return _load(studio, workshops, names, free_text, progress)
    finally:
        studio.close()


def load_database(
    db: str | os.PathLike | None = None,
    *,
    names: bool = False,
    free_text: bool | None = None,
    progress: Progress | None = None,
) -> WorkshopData:
    """Load every workshop of a workshop file (oldest first).

    >>> path = _example_file()
    >>> load_database(path).codes == [_example_code(path)]
    True
    """
    studio = open_readonly(db)
    try:
        workshops = sorted(studio.workshops.all(), key=lambda w: w.created_at)
        return _load(studio, workshops, names, free_text, progress)
    finally:
        studio.close()


def load_package(path: str | os.PathLike) -> WorkshopData:
    """Load an exported open data package (folder or zip) back into a :class:`WorkshopData`.

    >>> from .open_data import export_package
    >>> path = _example_file()
    >>> data = load_workshop(_example_code(path), path)
    >>> package = export_package(data, path.parent / "package")
    >>> load_package(package).goals.equals(data.goals)
    True
    """
    from .open_data import read_package

    return WorkshopData(read_package(path))


def _example_file() -> Path:
    """A new workshop file holding one workshop that one person joined (for the examples)."""
    import tempfile

    from ..studio import Studio

    path = Path(tempfile.mkdtemp()) / "studio.db"
    studio = Studio.open(f"sqlite:///{path}")
    workshop, _key = studio.workshops.create("Foot care", "codesign_day")
    studio.people.join(workshop.id, "Amara", "lived_experience", True)
    studio.close()
    return path


def _example_code(path: Path) -> str:
    studio = open_readonly(path)
    try:
        return studio.workshops.all()[0].code
    finally:
        studio.close()


def _load(studio, workshops: Sequence[WorkshopState], names, free_text, progress) -> WorkshopData:
    if not workshops:
        msg = "This workshop file holds no workshops yet."
        raise NotFound(msg)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    for index, workshop in enumerate(workshops, start=1):
        if progress:
            progress(index, len(workshops), f"reading workshop {workshop.code}")
        rows = read_workshop(studio, workshop, names=names, free_text=free_text)
        for name, table_rows in rows.items():
            parts[name].append(pd.DataFrame(table_rows, columns=TABLES[name].columns))
    return WorkshopData({name: typed(name, pd.concat(frames, ignore_index=True))
                         for name, frames in parts.items()})  # fmt: skip
