"""The tables of a round's results, each built from the round's scores as integer codes
(:class:`~codesign_widgets.scoring.tally.ScoreCodes`): the steps of
:func:`codesign_widgets.scoring.results.aggregate`.

- :func:`criterion_table`: per prototype and criterion, median, spread, camps and contested;
- :func:`group_scores`: each perspective group's weighted score per prototype;
- :func:`ranking_table`: pooled and equal-say scores and ranks, and the spread of people;
- :func:`leave_one_out_ranks`: the equal-say ranks with each perspective group left out;
- :func:`empty_tables`: the same tables, empty, for a round nobody has scored yet.

The rules (what counts as contested, what leaving a group out means) are described in
:mod:`codesign_widgets.scoring.results`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core.i18n import N_
from .tally import ScoreCodes, quantiles, ranks, weighted_score

__all__ = [
    "criterion_table",
    "empty_tables",
    "group_scores",
    "leave_one_out_ranks",
    "ranking_table",
]

CELL_INDEX = ["prototype_id", "criterion"]
#: Why a cell is contested: stable English words in the tables (open data, analysts), which
#: the results panel translates with ``tr.gettext``.
WHY_CONTESTED = (N_("wide spread and two camps"), N_("wide spread"), N_("two camps"))


def criterion_table(codes: ScoreCodes, wide_share: float, camp_share: float) -> pd.DataFrame:
    """Per prototype and criterion: ``n``, ``cant_say``, ``median``, ``q1``, ``q3``, ``iqr``,
    ``mean``, ``score`` (mean normalised, 0-100), ``low_share``, ``high_share``, ``contested``
    and ``why``.

    A cell with two or more answers is contested when its IQR is at least ``wide_share`` of
    the scale, or when at least ``camp_share`` of the answers sit in each outer third.
    """
    size = codes.cells
    cell = codes.cell
    n = np.bincount(cell, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(cell, codes.value, size) / n
        score = 100 * np.bincount(cell, codes.norm, size) / n
        low_share = np.bincount(cell, codes.share <= 1 / 3, size) / n
        high_share = np.bincount(cell, codes.share >= 2 / 3, size) / n
    q1, median, q3 = quantiles(cell, codes.value, size, (0.25, 0.5, 0.75)).T
    iqr = q3 - q1
    spans = np.tile(codes.spans, len(codes.prototypes))
    wide = (iqr >= wide_share * spans - 1e-9) & (n >= 2)
    camps = (low_share >= camp_share) & (high_share >= camp_share) & (n >= 2)
    full = pd.MultiIndex.from_product([codes.prototypes, codes.keys], names=CELL_INDEX)
    return pd.DataFrame(
        {
            "n": n, "median": median, "mean": mean, "score": score, "low_share": low_share,
            "high_share": high_share, "q1": q1, "q3": q3, "iqr": iqr,
            "cant_say": codes.cant_say, "contested": wide | camps,
            "why": np.select(
                [wide & camps, wide, camps],
                list(WHY_CONTESTED),
                default="",
            ),
        },
        index=full,
    )  # fmt: skip


def group_scores(codes: ScoreCodes) -> pd.DataFrame:
    """Prototype x perspective group weighted scores (0-100; NaN where a group gave none)."""
    nproto, ngroup, ncrit = len(codes.prototypes), len(codes.groups), len(codes.keys)
    gcell = (codes.proto * ngroup + codes.group) * ncrit + codes.crit
    gsize = nproto * ngroup * ncrit
    gcounts = np.bincount(gcell, minlength=gsize).reshape(nproto, ngroup, ncrit)
    gsums = np.bincount(gcell, codes.norm, gsize).reshape(nproto, ngroup, ncrit)
    return pd.DataFrame(
        weighted_score(gsums, gcounts, codes.weights),
        index=pd.Index(codes.prototypes, name="prototype_id"),
        columns=pd.Index(codes.groups, name="group"),
    )


def _pooled(codes: ScoreCodes) -> np.ndarray:
    """Every answer weighing the same: the weighted score of each prototype."""
    shape = (len(codes.prototypes), len(codes.keys))
    sums = np.bincount(codes.cell, codes.norm, codes.cells).reshape(shape)
    counts = np.bincount(codes.cell, minlength=codes.cells).reshape(shape)
    return weighted_score(sums, counts, codes.weights)


def _people_spread(codes: ScoreCodes) -> tuple[np.ndarray, np.ndarray]:
    """Per prototype: how many people gave it a weighted score, and the quartiles of those."""
    nproto, npeople, ncrit = len(codes.prototypes), codes.npeople, len(codes.keys)
    pcell = (codes.proto * npeople + codes.person) * ncrit + codes.crit
    psize = nproto * npeople * ncrit
    pcounts = np.bincount(pcell, minlength=psize).reshape(nproto * npeople, ncrit)
    psums = np.bincount(pcell, codes.norm, psize).reshape(nproto * npeople, ncrit)
    person_scores = weighted_score(psums, pcounts, codes.weights)
    scored = ~np.isnan(person_scores)
    spread = quantiles(
        np.repeat(np.arange(nproto), npeople)[scored], person_scores[scored], nproto, (0.25, 0.75)
    )
    return scored.reshape(nproto, npeople).sum(axis=1), spread


def ranking_table(codes: ScoreCodes, by_group: pd.DataFrame) -> pd.DataFrame:
    """One row per prototype: ``pooled``, ``pooled_rank``, ``equal_say`` (the mean of the
    groups' scores in ``by_group``), ``equal_say_rank``, ``people``, ``spread_low`` and
    ``spread_high`` (quartiles of the per-person weighted scores)."""
    equal_say = by_group.mean(axis=1, skipna=True)
    pooled = pd.Series(_pooled(codes), index=by_group.index)
    people, spread = _people_spread(codes)
    return pd.DataFrame(
        {
            "pooled": pooled,
            "pooled_rank": ranks(pooled),
            "equal_say": equal_say,
            "equal_say_rank": ranks(equal_say),
            "people": people,
            "spread_low": spread[:, 0],
            "spread_high": spread[:, 1],
        },
        index=by_group.index,
    )


def leave_one_out_ranks(
    by_group: pd.DataFrame, equal_say_rank: pd.Series, present: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """For each group in ``present`` (the groups that scored) left out: the equal-say score
    of the others, its ``rank`` and the ``shift`` from ``equal_say_rank`` (positive: climbs).
    Nothing when fewer than two groups scored.

    >>> by_group = pd.DataFrame({"provider": [80.0, 40.0], "system": [20.0, 70.0]}, index=[1, 2])
    >>> with_everyone = ranks(by_group.mean(axis=1))  # 50 and 55: prototype 2 leads
    >>> without = leave_one_out_ranks(by_group, with_everyone, ["provider", "system"])
    >>> without["system"]["shift"].tolist()  # the providers alone put prototype 1 first
    [1, -1]
    """
    out = {}
    if len(present) >= 2:
        for name in present:
            without = by_group.drop(columns=name).mean(axis=1, skipna=True)
            rank = ranks(without)
            out[name] = pd.DataFrame(
                {"equal_say": without, "rank": rank, "shift": equal_say_rank - rank}
            )
    return out


def empty_tables(
    prototypes: Sequence[int], keys: Sequence[str], groups: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ranking, criterion and group tables of a round without scores: every prototype
    and criterion listed, no numbers."""
    order = list(prototypes)
    index = pd.Index(order, name="prototype_id")
    full = pd.MultiIndex.from_product([order, list(keys)], names=CELL_INDEX)
    nan = np.full(len(order), np.nan)
    ranking = pd.DataFrame(
        {
            "pooled": nan,
            "pooled_rank": pd.array([pd.NA] * len(order), dtype="Int64"),
            "equal_say": nan,
            "equal_say_rank": pd.array([pd.NA] * len(order), dtype="Int64"),
            "people": np.zeros(len(order), dtype=int),
            "spread_low": nan,
            "spread_high": nan,
        },
        index=index,
    )
    per = pd.DataFrame(
        {
            "n": 0, "median": np.nan, "mean": np.nan, "score": np.nan, "low_share": np.nan,
            "high_share": np.nan, "q1": np.nan, "q3": np.nan, "iqr": np.nan, "cant_say": 0,
            "contested": False, "why": "",
        },
        index=full,
    )  # fmt: skip
    by_group = pd.DataFrame(np.nan, index=index, columns=pd.Index(list(groups), name="group"))
    return ranking, per, by_group
