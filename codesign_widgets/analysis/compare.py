"""Compare workshops: themes, services needed, stakeholder maps and prototype rankings.

Takes a :class:`~codesign_widgets.analysis.loaded_data.WorkshopData` holding two or more
workshops (from ``load_workshops``, ``load_database`` or packages stacked with :func:`stack`) and
returns one table per question, one column per workshop. Names are matched ignoring case,
accents and spacing (:func:`codesign_widgets.network.rules.name_key`), so "GP practice" and
"gp  Practice" meet. With a single workshop the tables have a single column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from ..core.errors import CodesignError
from ..core.workshop_tables import Tables
from ..goals.analysis import services_needed, themes
from ..network.analysis import stakeholder_table
from ..network.rules import name_key
from ..scoring.analysis import ranking

if TYPE_CHECKING:  # pragma: no cover
    from .loaded_data import WorkshopData

__all__ = ["compare_prototypes", "compare_services", "compare_stakeholders", "compare_themes",
           "stack"]  # fmt: skip


def stack(*datas: WorkshopData) -> WorkshopData:
    """One WorkshopData holding the workshops of several (say, packages from two sites).

    >>> from tests.tables import goal_tables
    >>> stack(_two_sites()).codes
    ['W1', 'W2']
    """
    from .loaded_data import WorkshopData

    return WorkshopData({name: pd.concat([d.tables[name] for d in datas], ignore_index=True)
                         for name in datas[0].tables})  # fmt: skip


def _two_sites(*datas: WorkshopData) -> WorkshopData:
    """The hand-built goal mapping workshop twice, as W1 and W2 (for the examples)."""
    from tests.tables import goal_tables

    from .loaded_data import WorkshopData

    second = {n: f.assign(workshop="W2") for n, f in goal_tables().items()}
    return WorkshopData({n: pd.concat([f, second[n]], ignore_index=True)
                         for n, f in goal_tables().items()})  # fmt: skip


def _matrix(rows: list[tuple[str, str, float]], codes: list[str], index: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["key", "workshop", "value"])
    if frame.empty:
        return pd.DataFrame(columns=codes).rename_axis(index)
    table = frame.pivot_table(index="key", columns="workshop", values="value", aggfunc="sum")
    table = table.reindex(columns=codes)
    table.index.name = index
    return table


def _per_workshop(
    data: WorkshopData, result: Callable[[Tables], pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """``result`` of each loaded workshop's tables, by join code."""
    out = {}
    for code in data.codes:
        try:
            out[code] = result(data.only(code).tables)
        except CodesignError:  # no such stage or nothing revealed: an empty column
            continue
    return out


def _keyed(frames: dict[str, pd.DataFrame], name: str, value: str, index: str, codes):
    labels: dict[str, str] = {}
    rows = []
    for code, frame in frames.items():
        for label, number in zip(frame[name], frame[value], strict=True):
            if pd.isna(number):
                continue
            key = name_key(label)
            labels.setdefault(key, label)
            rows.append((key, code, number))
    table = _matrix(rows, codes, index)
    table.index = [labels[k] for k in table.index]
    table.index.name = index
    return table


def compare_themes(data: WorkshopData) -> pd.DataFrame:
    """Goal cards on the wall per theme (rows) and workshop (columns).

    >>> compare_themes(_two_sites()).loc["Getting out"].tolist()
    [2, 2]
    """
    return _keyed(_per_workshop(data, themes), "theme", "cards", "theme", data.codes)


def compare_services(data: WorkshopData) -> pd.DataFrame:
    """Goal cards naming each service, per workshop: where the same needs recur.

    >>> compare_services(_two_sites()).loc["GP"].tolist()
    [2, 2]
    """
    return _keyed(_per_workshop(data, services_needed), "service", "cards", "service",
                  data.codes)  # fmt: skip


def compare_stakeholders(data: WorkshopData) -> pd.DataFrame:
    """Influence (perspectives weighted equally) of each stakeholder on each workshop's map;
    empty where a workshop did not draw them: who is on one map and missing from another.

    >>> from tests.tables import network_tables
    >>> from .loaded_data import WorkshopData
    >>> compare_stakeholders(WorkshopData(network_tables())).loc["Amara"].tolist()
    [1.5]
    >>> compare_stakeholders(_two_sites()).empty  # no map drawn: empty, no error
    True
    """
    frames = {code: f.dropna(subset=["influence"])
              for code, f in _per_workshop(data, stakeholder_table).items()}  # fmt: skip
    return _keyed(frames, "name", "influence", "stakeholder", data.codes)


def compare_prototypes(data: WorkshopData) -> pd.DataFrame:
    """Equal-say score (0-100, last revealed round) of each prototype per workshop.

    >>> from tests.tables import scoring_tables
    >>> from .loaded_data import WorkshopData
    >>> compare_prototypes(WorkshopData(scoring_tables())).index.tolist()
    ['Phone line', 'Walk-in clinic']
    """
    return _keyed(_per_workshop(data, ranking), "prototype", "equal_say", "prototype",
                  data.codes)  # fmt: skip
