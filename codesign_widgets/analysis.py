"""The analyst's entry point: load workshops as pandas DataFrames and networkx graphs.

One call loads a workshop, several, or a whole workshop file, **read-only**: the SQLite file is
opened with ``mode=ro``, so a live workshop's writes are never touched or blocked::

    from codesign_widgets.analysis import load_workshop
    data = load_workshop("KP7QXA", db="studio.db")
    data.goals                 # a DataFrame per table (see codesign_widgets.open_data_schema)
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
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd

from .analysis_charts import ChartsMixin
from .analysis_results import ResultsMixin
from .errors import InvalidInput, NotFound
from .open_data_schema import TABLES, typed
from .templates import load_template
from .workshop import WorkshopState

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
        from .store import default_db_url

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


def _open(db):
    from .store import Store

    return Store.open(readonly_url(db), create=False)


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
    store = _open(db)
    try:
        workshops = [store.workshop_by_code(code) for code in codes]
        return _load(store, workshops, names, free_text, progress)
    finally:
        store.close()


def load_database(
    db: str | os.PathLike | None = None,
    *,
    names: bool = False,
    free_text: bool | None = None,
    progress: Progress | None = None,
) -> WorkshopData:
    """Load every workshop of a workshop file (oldest first)."""
    store = _open(db)
    try:
        workshops = sorted(store.workshops(), key=lambda w: w.created_at)
        return _load(store, workshops, names, free_text, progress)
    finally:
        store.close()


def load_package(path: str | os.PathLike) -> WorkshopData:
    """Load an exported open data package (folder or zip) back into a :class:`WorkshopData`."""
    from .open_data import read_package

    return WorkshopData(read_package(path))


def _load(store, workshops: Sequence[WorkshopState], names, free_text, progress) -> WorkshopData:
    if not workshops:
        msg = "This workshop file holds no workshops yet."
        raise NotFound(msg)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    for index, workshop in enumerate(workshops, start=1):
        if progress:
            progress(index, len(workshops), f"reading workshop {workshop.code}")
        rows = _read(store, workshop, names=names, free_text=free_text)
        for name, table_rows in rows.items():
            parts[name].append(pd.DataFrame(table_rows, columns=TABLES[name].columns))
    return WorkshopData({name: typed(name, pd.concat(frames, ignore_index=True))
                         for name, frames in parts.items()})  # fmt: skip


def _scrubber(names: Iterable[tuple[str, str]]) -> Callable[[str], str]:
    """Replace every typed display name (whole words, any case) by the person's pseudonym.

    ``names`` are (display name, pseudonym) pairs: every name each person used, so an earlier
    name, or the name of someone who has since left, is replaced too.
    """
    pairs = sorted(
        ((name, pid) for name, pid in names if len(name.strip()) >= 2),
        key=lambda pair: -len(pair[0]),
    )
    if not pairs:
        return lambda text: text
    lookup = {name.casefold(): pid for name, pid in pairs}
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(name) for name, _ in pairs) + r")(?!\w)", re.IGNORECASE
    )
    return lambda text: pattern.sub(lambda m: lookup[m.group(0).casefold()], text)


def _read(store, workshop: WorkshopState, *, names: bool, free_text: bool | None) -> dict:
    """Every table's rows for one workshop, as plain dicts (see :mod:`open_data_schema`)."""
    plan = load_template(workshop.template)
    share_text = plan.export_free_text and free_text is not False
    groups = {p.key: p.group for p in plan.perspectives}
    people = store.participants(workshop.id)
    scrub = (lambda text: text) if names else _scrubber(store.display_names_used(workshop.id))

    def free(text: str, withheld: str = "") -> str:
        return scrub(text) if share_text else withheld

    w = workshop.code
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["workshops"].append(
        {"workshop": w, "title": workshop.title, "template": workshop.template,
         "created_at": workshop.created_at, "current_stage": workshop.current_stage,
         "pseudonymised": not names, "free_text_shared": share_text}
    )  # fmt: skip
    for position, stage in enumerate(plan.stages, start=1):
        rows["stages"].append(
            {"workshop": w, "stage": stage.key, "position": position, "title": stage.title,
             "activity": stage.activity, "state": workshop.state_of(stage.key).value}
        )  # fmt: skip
    for p in people:
        rows["participants"].append(
            {"workshop": w, "participant": p.public_id,
             "display_name": p.display_name if names else p.public_id,
             "perspective": p.perspective, "group": groups.get(p.perspective, p.perspective),
             "consent": p.consent, "joined_at": p.joined_at}
        )  # fmt: skip
    for e in store.entries(workshop.id, include_hidden=True, include_withdrawn=True):
        if e.activity == "goal_mapping":
            continue  # goal cards have a table of their own, and private ones stay private
        text = e.body.get("text", "") if isinstance(e.body, dict) else ""
        rows["entries"].append(
            {"workshop": w, "entry_id": e.id, "stage": e.stage, "activity": e.activity,
             "kind": e.kind, "participant": e.author_public_id, "perspective": e.perspective,
             "group": groups.get(e.perspective, e.perspective), "text": free(str(text)),
             "status": e.status, "hidden": e.hidden, "created_at": e.created_at,
             "updated_at": e.updated_at}
        )  # fmt: skip
    by_activity: dict[str, list[str]] = {}
    for stage in plan.stages:
        by_activity.setdefault(stage.activity, []).append(stage.key)
    for stage in by_activity.get("goal_mapping", []):
        _read_goals(store, workshop, stage, rows, free)
    for stage in by_activity.get("stakeholder_network", []):
        _read_network(store, workshop, stage, rows, free)
    for stage in by_activity.get("prototype_scoring", []):
        _read_scoring(store, workshop, stage, rows, free, groups)
    return rows


def _read_goals(store, workshop, stage: str, rows: dict, free) -> None:
    w = workshop.code
    cards = store.goal_cards(workshop.id, stage, include_hidden=True, include_withdrawn=True)
    for c in cards:
        rows["goals"].append(
            {"workshop": w, "card_id": c.id, "stage": stage, "participant": c.author_public_id,
             "perspective": c.perspective, "group": c.group,
             "what_matters": free(c.what_matters), "goal": free(c.goal, f"Goal {c.id}"),
             "steps": free(c.steps), "barriers": free("; ".join(c.barriers)),
             "confidence": c.confidence, "to_seven": free(c.to_seven),
             "review_date": c.review_date, "theme": c.theme, "status": c.status,
             "hidden": c.hidden, "created_at": c.created_at, "updated_at": c.updated_at}
        )  # fmt: skip
        for service in c.services:
            rows["goal_services"].append({"workshop": w, "card_id": c.id, "service": service})
    for v in store.vote_records(workshop.id, stage):
        rows["goal_votes"].append(
            {"workshop": w, "stage": stage, "target_kind": v.target_kind, "target": v.target,
             "voter": v.participant_public_id, "perspective": v.perspective, "group": v.group,
             "delta": v.delta, "at": v.at}
        )  # fmt: skip


def _read_network(store, workshop, stage: str, rows: dict, free) -> None:
    w = workshop.code
    net = store.network_map(workshop.id, stage, include_withdrawn=True)
    pseudonym = {p.id: p.public_id for p in store.participants(workshop.id)}
    for s in net.stakeholders:
        rows["stakeholders"].append(
            {"workshop": w, "stage": stage, "stakeholder_id": s.id,
             "name": free(s.name, f"S{s.id}"), "kind": s.kind, "perspective": s.perspective,
             "goals": free(s.goals), "author": pseudonym.get(s.author_id, ""),
             "author_perspective": s.author_perspective, "origin": s.origin,
             "status": s.status, "merged_into": net.merges.get(s.id),
             "aliases": free("; ".join(s.aliases)), "created_at": s.created_at}
        )  # fmt: skip
    for t in net.ties:
        rows["ties"].append(
            {"workshop": w, "stage": stage, "tie_id": t.id, "source": t.source,
             "target": t.target, "type": t.type, "direction": t.direction,
             "strength": t.strength, "author": pseudonym.get(t.author_id, ""),
             "author_perspective": t.author_perspective, "origin": t.origin,
             "status": t.status, "created_at": t.created_at}
        )  # fmt: skip
    for r in net.ratings:
        rows["ratings"].append(
            {"workshop": w, "stage": stage, "stakeholder_id": r.stakeholder_id,
             "rater": pseudonym.get(r.rater_id, ""), "rater_perspective": r.rater_perspective,
             "influence": r.influence, "interest": r.interest, "at": r.at}
        )  # fmt: skip
    for t in net.settings.tie_types:
        rows["tie_types"].append(
            {"workshop": w, "stage": stage, "key": t.key, "label": t.label,
             "colour": t.colour, "channel": t.channel}
        )  # fmt: skip


def _read_scoring(store, workshop, stage: str, rows: dict, free, groups: dict) -> None:
    from .scoring import RoundState

    w = workshop.code
    for p in store.prototypes(workshop.id, stage, include_withdrawn=True):
        rows["prototypes"].append(
            {"workshop": w, "stage": stage, "prototype_id": p.id, "title": p.title,
             "description": p.description, "goals": "; ".join(p.goals), "status": p.status,
             "created_at": p.created_at, "updated_at": p.updated_at}
        )  # fmt: skip
    for r in store.rounds(workshop.id, stage):
        c = r.criteria
        rows["rounds"].append(
            {"workshop": w, "stage": stage, "round": r.number, "state": r.state.value,
             "criteria_set": c.key, "criteria_name": c.name,
             "axes": "; ".join(c.axes) if c.axes else "", "opened_at": r.opened_at}
        )  # fmt: skip
        for k in c.criteria:
            rows["criteria"].append(
                {"workshop": w, "stage": stage, "round": r.number, "criterion": k.key,
                 "label": k.label, "question": k.question, "weight": k.weight, "min": k.min,
                 "max": k.max, "reverse": k.reverse, "labels": "; ".join(k.labels)}
            )  # fmt: skip
        if r.state is RoundState.REVEALED:
            for pid, perspective, text in store.revealed_comments(workshop.id, r.id):
                rows["comments"].append(
                    {"workshop": w, "stage": stage, "round": r.number, "prototype_id": pid,
                     "perspective": perspective, "text": free(text)}
                )  # fmt: skip
    for s in store.score_table(workshop.id, stage):
        rows["scores"].append(
            {"workshop": w, "stage": stage, "round": s.round_number,
             "participant": s.participant, "perspective": s.perspective,
             "group": groups.get(s.perspective, s.perspective), "prototype_id": s.prototype_id,
             "criterion": s.criterion, "value": s.value}
        )  # fmt: skip
    for d in store.decisions(workshop.id, stage).values():
        rows["decisions"].append(
            {"workshop": w, "stage": stage, "prototype_id": d.prototype_id,
             "decision": d.decision, "reason": d.reason, "round": d.round_number, "at": d.at}
        )  # fmt: skip


class HtmlText(str):
    """Ready, escaped HTML that a notebook or report shows as such."""

    def _repr_html_(self) -> str:
        return str(self)


# -- the loaded data -----------------------------------------------------------------------------
class WorkshopData(ResultsMixin, ChartsMixin):
    """The tables of one or more workshops, and what they add up to.

    Each table of :data:`codesign_widgets.open_data_schema.TABLES` is an attribute
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
