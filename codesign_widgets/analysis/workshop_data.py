"""The analyst's entry point: load workshops as pandas DataFrames and networkx graphs.

One call loads a workshop, several, or a whole workshop file, **read-only**: the SQLite file is
opened with ``mode=ro``, so a live workshop's writes are never touched or blocked::

    from codesign_widgets.analysis.workshop_data import load_workshop
    data = load_workshop("KP7QXA", db="studio.db")
    data.goals                 # a DataFrame per table (see analysis.open_data_schema)
    data.network_graph()       # the stakeholder map as a networkx MultiDiGraph
    data.goal_chart()          # the charts the projector showed, as static images

Pseudonymised by default: display names are replaced by each person's pseudonym (``P-...``),
in the participants table and wherever a name was typed into free text. Free text is kept only
if the workshop's plan says its consent covers it (:attr:`Template.export_free_text`).
Private goal cards and sealed scoring rounds are never loaded; withdrawn and hidden items are
loaded with their ``status`` (and ``hidden``) columns, not dropped.

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
from ..goals.analysis import GoalResultsMixin
from ..network.analysis import NetworkResultsMixin
from ..scoring.analysis import ScoringResultsMixin
from .charts import ChartsMixin
from .open_data_schema import TABLES, typed
from .read import read_workshop
from .results import ResultsMixin

__all__ = [
    "CODE_ENV",
    "WorkshopData",
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
    """Load several workshops of one file into one :class:`WorkshopData` (tables stacked)."""
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
    """Load every workshop of a workshop file (oldest first)."""
    studio = open_readonly(db)
    try:
        workshops = sorted(studio.workshops.all(), key=lambda w: w.created_at)
        return _load(studio, workshops, names, free_text, progress)
    finally:
        studio.close()


def load_package(path: str | os.PathLike) -> WorkshopData:
    """Load an exported open data package (folder or zip) back into a :class:`WorkshopData`."""
    from .open_data import read_package

    return WorkshopData(read_package(path))


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


class HtmlText(str):
    """Ready, escaped HTML that a notebook or report shows as such."""

    def _repr_html_(self) -> str:
        return str(self)


# -- the loaded data -----------------------------------------------------------------------------
class WorkshopData(
    GoalResultsMixin, NetworkResultsMixin, ScoringResultsMixin, ResultsMixin, ChartsMixin
):
    """The tables of one or more workshops, and what they add up to.

    Each table of :data:`codesign_widgets.analysis.open_data_schema.TABLES` is an attribute
    (``data.goals``, ``data.scores``, ...). Results, graphs and charts are computed from these
    tables alone, so a package loaded back gives the same ones. Methods that show one
    workshop use the only one loaded, or the one named by ``workshop=``.
    """

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        missing = set(TABLES) - set(tables)
        if missing:
            msg = f"Workshop data lacks the tables {', '.join(sorted(missing))}."
            raise InvalidInput(msg)
        self.tables = {name: typed(name, tables[name]) for name in TABLES}

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(f)} {n}" for n, f in self.tables.items() if len(f))
        return f"<WorkshopData {', '.join(self.codes)}: {counts}>"

    def _repr_html_(self) -> str:
        return self.overview().to_html()

    def heading(self) -> HtmlText:
        """The workshop's title, date, and who took part, as an escaped heading."""
        import datetime as dt
        import html

        w = self.one().tables["workshops"].iloc[0]
        day = dt.datetime.fromtimestamp(w["created_at"], dt.UTC).strftime("%d %B %Y")
        people = self.tables["participants"]["group"].value_counts()
        who = ", ".join(f"{n} {g.replace('_', ' ')}" for g, n in people.items())
        return HtmlText(
            f"<h1>{html.escape(w['title'])}</h1><p>Workshop {html.escape(w['workshop'])}, "
            f"{day} ({html.escape(w['template'])} plan). {len(self.participants)} people took "
            f"part: {html.escape(who)}. People appear under pseudonyms (P-codes).</p>"
        )

    @property
    def codes(self) -> list[str]:
        return self.tables["workshops"]["workshop"].tolist()

    def only(self, workshop: str) -> WorkshopData:
        """The data of one loaded workshop."""
        if workshop not in self.codes:
            msg = f"No workshop {workshop!r} was loaded; loaded: {', '.join(self.codes)}."
            raise NotFound(msg)
        return WorkshopData(
            {n: f[f["workshop"] == workshop].reset_index(drop=True) for n, f in self.tables.items()}
        )

    def one(self, workshop: str | None = None) -> WorkshopData:
        if workshop is not None:
            return self.only(workshop)
        if len(self.codes) != 1:
            msg = (
                f"This data holds {len(self.codes)} workshops ({', '.join(self.codes)}); "
                "name one with workshop='CODE'."
            )
            raise InvalidInput(msg)
        return self

    def overview(self) -> pd.DataFrame:
        """Rows per table and workshop: what was loaded, at a glance."""
        counts = {
            name: frame.groupby("workshop").size().reindex(self.codes, fill_value=0)
            for name, frame in self.tables.items()
            if name != "workshops"
        }
        return pd.DataFrame(counts, index=pd.Index(self.codes, name="workshop"))

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *TABLES})

    def stage_keys(self, activity: str) -> list[str]:
        stages = self.tables["stages"]
        return stages.loc[stages["activity"] == activity, "stage"].drop_duplicates().tolist()
