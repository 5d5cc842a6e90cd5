"""Counting scores with numpy: one round's scores as integer codes, and the sums, quantiles and
weighted scores :func:`codesign_widgets.scoring.results.aggregate` builds its tables from.

Strings (criteria, people, groups) are turned into integer codes once, so every statistic after
that is a ``np.bincount`` or one sort: 100,000 scores take a few plain groupbys' time. The
numbers follow the definitions in :mod:`codesign_widgets.scoring.model`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .criteria import CriteriaSet

__all__ = ["ScoreCodes", "code_scores", "quantiles", "ranks", "weighted_score"]


def quantiles(keys: np.ndarray, values: np.ndarray, size: int, qs: Sequence[float]) -> np.ndarray:
    """Per-key quantiles (pandas' "linear" rule) of ``values``; NaN where a key has none.

    One sort instead of a groupby: keys are integers ``0 <= key < size``.

    >>> quantiles(np.array([0, 0, 0, 2]), np.array([1.0, 5.0, 3.0, 4.0]), 3, (0.5,)).ravel()
    array([ 3., nan,  4.])
    """
    out = np.full((size, len(qs)), np.nan)
    if size == 0 or len(keys) == 0:
        return out
    counts = np.bincount(keys, minlength=size)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    low = values.min()
    if np.array_equal(values, np.floor(values)) and values.max() - low < 1000:
        # Scores are small whole numbers: one sort of an integer key beats a lexsort.
        width = int(values.max() - low) + 1
        ordered = np.sort(keys * width + (values - low).astype(np.int64)) % width + low
    else:
        ordered = values[np.lexsort((values, keys))]
    has = counts > 0
    for j, q in enumerate(qs):
        pos = q * (counts[has] - 1)
        below = np.floor(pos).astype(int)
        above = np.minimum(below + 1, counts[has] - 1)
        frac = pos - below
        a, b = ordered[starts[has] + below], ordered[starts[has] + above]
        out[has, j] = a + (b - a) * frac
    return out


def weighted_score(sums: np.ndarray, counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted score 0-100 from per-criterion sums and counts of normalised scores.

    The last axis is the criterion; criteria without answers are left out and the weights
    of the others re-normalised (NaN where nothing was answered).

    >>> weighted_score(np.array([[1.5, 0.0]]), np.array([[2, 0]]), np.array([2.0, 1.0]))
    array([75.])
    """
    answered = counts > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(answered, sums / np.where(answered, counts, 1), 0.0)
        total_weight = (answered * weights).sum(axis=-1)
        total = (means * weights).sum(axis=-1)
        return np.where(
            total_weight > 0, 100 * total / np.where(total_weight > 0, total_weight, 1), np.nan
        )


def ranks(scores: pd.Series) -> pd.Series:
    """Ranks, highest score first; ties share the better rank, missing scores have none.

    >>> ranks(pd.Series([50.0, 80.0, 50.0, None])).tolist()
    [2, 1, 2, <NA>]
    """
    return scores.rank(method="min", ascending=False).astype("Int64")


@dataclass(frozen=True, eq=False)
class ScoreCodes:
    """One round's answered scores as integer codes, ready for ``np.bincount``.

    The arrays have one entry per answered score ("can't say" is only counted, in
    ``cant_say``): ``proto``, ``crit``, ``group`` and ``person`` index ``prototypes``,
    ``keys`` (the criteria), ``groups`` and the ``npeople`` people with a row; ``cell`` is
    ``proto * len(keys) + crit``. ``value`` is the score as given, ``share`` its place on the
    criterion's scale (0-1), ``norm`` the normalised score (reverse criteria flipped).
    """

    prototypes: list[int]
    keys: list[str]
    groups: list[str]
    weights: np.ndarray
    spans: np.ndarray
    npeople: int
    people: int  # people with at least one answered score
    any_rows: bool  # any row of the round's prototypes and criteria, answered or not
    cant_say: np.ndarray  # per cell
    cell: np.ndarray
    proto: np.ndarray
    crit: np.ndarray
    group: np.ndarray
    person: np.ndarray
    value: np.ndarray
    share: np.ndarray
    norm: np.ndarray

    @property
    def cells(self) -> int:
        """Prototype-criterion pairs: the length of a per-cell count."""
        return len(self.prototypes) * len(self.keys)


def code_scores(
    frame: pd.DataFrame,
    criteria: CriteriaSet,
    prototype_ids: Sequence[int] | None = None,
    groups: Sequence[str] = (),
) -> ScoreCodes:
    """One round's counted scores (columns of :func:`~.results.score_frame`) as integer codes.

    Rows of other criteria, and of prototypes not in ``prototype_ids`` (when given), are left
    out. ``groups`` come first in the group order, then any other group that scored.
    """
    keys = list(criteria.keys)
    ncrit = len(keys)
    low_of = np.array([c.min for c in criteria.criteria], dtype=float)
    span_of = np.array([c.span for c in criteria.criteria], dtype=float)
    reverse_of = np.array([c.reverse for c in criteria.criteria])

    # Factorise first, then look up the few distinct names: cheaper than hashing every row.
    codes, names = pd.factorize(frame["criterion"].to_numpy())
    crit = np.append(pd.Index(keys).get_indexer(names), -1)[codes].astype(np.int64)
    proto_ids = frame["prototype_id"].to_numpy()
    if prototype_ids is None:
        order = sorted(pd.unique(proto_ids[crit >= 0]).tolist())
    else:
        order = list(prototype_ids)
    proto = pd.Index(order).get_indexer(proto_ids).astype(np.int64)
    keep = (crit >= 0) & (proto >= 0)
    crit, proto = crit[keep], proto[keep]
    value = frame["value"].to_numpy(dtype=float)[keep]
    group_codes, group_names = pd.factorize(frame["group"].to_numpy()[keep], sort=True)
    person, people = pd.factorize(frame["participant"].to_numpy()[keep])
    groups = list(dict.fromkeys([*groups, *group_names.tolist()]))
    group = pd.Index(groups).get_indexer(group_names)[group_codes].astype(np.int64)

    cell = proto * ncrit + crit
    answered = ~np.isnan(value)
    cant_say = np.bincount(cell[~answered], minlength=len(order) * ncrit)
    cell, crit, proto, group, person, value = (
        x[answered] for x in (cell, crit, proto, group, person, value)
    )
    share = (value - low_of[crit]) / span_of[crit]
    return ScoreCodes(
        prototypes=order,
        keys=keys,
        groups=groups,
        weights=np.array([c.weight for c in criteria.criteria]),
        spans=span_of,
        npeople=len(people),
        people=len(np.unique(person)),
        any_rows=bool(keep.any()),
        cant_say=cant_say,
        cell=cell,
        proto=proto,
        crit=crit,
        group=group,
        person=person,
        value=value,
        share=share,
        norm=np.where(reverse_of[crit], 1.0 - share, share),
    )
