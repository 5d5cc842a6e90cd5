"""Prototype scoring results with pandas: for the projector and analysts, never participants.

Import this only in facilitator and analyst code: it imports pandas. The numbers follow the
definitions in :mod:`codesign_widgets.scoring.model` (normalised scores, weighted score 0-100,
equal say) and agree with its pure-Python :func:`~codesign_widgets.scoring.model.weighted_scores`.

Contested
---------
A prototype's score on a criterion is *contested* when at least two people answered and
either

- the **spread is wide**: the interquartile range is at least 40% of the scale
  (``IQR >= 0.4 * (max - min)``; 1.6 points on a 1-5 scale), or
- there are **two camps**: at least 25% of the answers are in the bottom third of the scale
  and at least 25% in the top third (1-2 and 4-5 on a 1-5 scale).

The second rule catches a room split 6 to 2, whose IQR can look narrow while a quarter of
the people strongly disagree. A contested cell shows its spread and camps, not an average.

Leaving a perspective out
-------------------------
The equal-say score is the mean of the perspective groups' weighted scores. Leaving group
``g`` out recomputes it over the other groups; ``shift`` is how many places a prototype
moves (positive: it climbs when ``g`` is left out).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .criteria import CriteriaSet
from .model import ScoreRow

__all__ = [
    "CAMP_SHARE",
    "WIDE_IQR_SHARE",
    "Movement",
    "Results",
    "aggregate",
    "movement",
    "score_frame",
]

WIDE_IQR_SHARE = 0.4
CAMP_SHARE = 0.25
COLUMNS = ["round_number", "participant", "perspective", "group", "prototype_id", "criterion"]


def score_frame(rows: Iterable[ScoreRow]) -> pd.DataFrame:
    """Counted score rows as a tidy table; ``value`` is NaN for "can't say"."""
    records = [
        (r.round_number, r.participant, r.perspective, r.group, r.prototype_id, r.criterion,
         np.nan if r.value is None else float(r.value))
        for r in rows
    ]  # fmt: skip
    return pd.DataFrame.from_records(records, columns=[*COLUMNS, "value"]).astype(
        {"prototype_id": "int64", "value": "float64", "round_number": "int64"}
    )


@dataclass
class Results:
    """Everything the results panel shows for one round.

    ``ranking`` (one row per prototype): ``pooled``, ``pooled_rank``, ``equal_say``,
    ``equal_say_rank``, ``people``, ``spread_low``/``spread_high`` (quartiles of the
    per-person weighted scores). ``per_criterion`` (prototype x criterion rows): ``n``,
    ``cant_say``, ``median``, ``q1``, ``q3``, ``iqr``, ``mean``, ``score`` (mean
    normalised, 0-100), ``low_share``, ``high_share``, ``contested``, ``why``.
    ``by_group``: prototype x group weighted scores. ``leave_one_out``: for each group left
    out, the equal-say score, rank and shift per prototype.
    """

    criteria: CriteriaSet
    ranking: pd.DataFrame
    per_criterion: pd.DataFrame
    by_group: pd.DataFrame
    leave_one_out: dict[str, pd.DataFrame]
    people: int
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.people == 0


def _quantiles(keys: np.ndarray, values: np.ndarray, size: int, qs: Sequence[float]) -> np.ndarray:
    """Per-key quantiles (pandas' "linear" rule) of ``values``; NaN where a key has none.

    One sort instead of a groupby: keys are integers ``0 <= key < size``.
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


def _weighted(sums: np.ndarray, counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted score 0-100 from per-criterion sums and counts of normalised scores.

    The last axis is the criterion; criteria without answers are left out and the weights
    of the others re-normalised.
    """
    answered = counts > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(answered, sums / np.where(answered, counts, 1), 0.0)
        total_weight = (answered * weights).sum(axis=-1)
        total = (means * weights).sum(axis=-1)
        return np.where(
            total_weight > 0, 100 * total / np.where(total_weight > 0, total_weight, 1), np.nan
        )


def _ranks(scores: pd.Series) -> pd.Series:
    return scores.rank(method="min", ascending=False).astype("Int64")


def aggregate(
    frame: pd.DataFrame,
    criteria: CriteriaSet,
    prototype_ids: Sequence[int] | None = None,
    groups: Sequence[str] = (),
) -> Results:
    """Aggregate one round's counted scores (one row per person, prototype and criterion).

    ``frame`` has the columns of :func:`score_frame` (``round_number`` and ``perspective``
    optional). Only ``prototype_ids`` are kept when given (withdrawn ones are left out by the
    caller), in that order. ``groups`` lists the perspective groups to show even when nobody
    from them scored. Strings are turned into integer codes first and every statistic is a
    ``bincount`` or one sort, so 100,000 rows take a few plain groupbys' time.
    """
    keys = list(criteria.keys)
    ncrit = len(keys)
    weights = np.array([c.weight for c in criteria.criteria])
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
    person, _people = pd.factorize(frame["participant"].to_numpy()[keep])
    groups = list(dict.fromkeys([*groups, *group_names.tolist()]))
    group = pd.Index(groups).get_indexer(group_names)[group_codes].astype(np.int64)
    nproto, ngroup = len(order), len(groups)
    notes: list[str] = list(criteria.warnings)

    cell = proto * ncrit + crit
    answered = ~np.isnan(value)
    cant = np.bincount(cell[~answered], minlength=nproto * ncrit)
    cell, crit, proto, group, person, value = (
        x[answered] for x in (cell, crit, proto, group, person, value)
    )
    people = len(np.unique(person))
    if people == 0:
        notes.append(
            'Everyone who answered said "can\'t say", so there is nothing to weigh yet.'
            if keep.any()
            else "No scores in this round yet."
        )
        return _no_scores(criteria, order, groups, notes)
    share = (value - low_of[crit]) / span_of[crit]
    norm = np.where(reverse_of[crit], 1.0 - share, share)

    # -- per prototype and criterion: median, IQR, camps, contested ----------------------------
    size = nproto * ncrit
    n = np.bincount(cell, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(cell, value, size) / n
        score = 100 * np.bincount(cell, norm, size) / n
        low_share = np.bincount(cell, share <= 1 / 3, size) / n
        high_share = np.bincount(cell, share >= 2 / 3, size) / n
    q1, median, q3 = _quantiles(cell, value, size, (0.25, 0.5, 0.75)).T
    iqr = q3 - q1
    spans = np.tile(span_of, nproto)
    wide = (iqr >= WIDE_IQR_SHARE * spans - 1e-9) & (n >= 2)
    camps = (low_share >= CAMP_SHARE) & (high_share >= CAMP_SHARE) & (n >= 2)
    full = pd.MultiIndex.from_product([order, keys], names=["prototype_id", "criterion"])
    per = pd.DataFrame(
        {
            "n": n, "median": median, "mean": mean, "score": score, "low_share": low_share,
            "high_share": high_share, "q1": q1, "q3": q3, "iqr": iqr, "cant_say": cant,
            "contested": wide | camps,
            "why": np.select(
                [wide & camps, wide, camps],
                ["wide spread and two camps", "wide spread", "two camps"],
                default="",
            ),
        },
        index=full,
    )  # fmt: skip

    # -- weighted scores: pooled, per person, per group ----------------------------------------
    sums = np.bincount(cell, norm, size).reshape(nproto, ncrit)
    pooled = _weighted(sums, n.reshape(nproto, ncrit), weights)
    npeople = len(_people)
    pcell = (proto * npeople + person) * ncrit + crit
    psize = nproto * npeople * ncrit
    pcounts = np.bincount(pcell, minlength=psize).reshape(nproto * npeople, ncrit)
    psums = np.bincount(pcell, norm, psize).reshape(nproto * npeople, ncrit)
    person_scores = _weighted(psums, pcounts, weights)
    scored = ~np.isnan(person_scores)
    spread = _quantiles(
        np.repeat(np.arange(nproto), npeople)[scored], person_scores[scored], nproto, (0.25, 0.75)
    )
    gcell = (proto * ngroup + group) * ncrit + crit
    gsize = nproto * ngroup * ncrit
    gcounts = np.bincount(gcell, minlength=gsize).reshape(nproto, ngroup, ncrit)
    gsums = np.bincount(gcell, norm, gsize).reshape(nproto, ngroup, ncrit)
    by_group = pd.DataFrame(
        _weighted(gsums, gcounts, weights),
        index=pd.Index(order, name="prototype_id"),
        columns=pd.Index(groups, name="group"),
    )
    equal_say = by_group.mean(axis=1, skipna=True)
    pooled = pd.Series(pooled, index=by_group.index)
    ranking = pd.DataFrame(
        {
            "pooled": pooled,
            "pooled_rank": _ranks(pooled),
            "equal_say": equal_say,
            "equal_say_rank": _ranks(equal_say),
            "people": scored.reshape(nproto, npeople).sum(axis=1),
            "spread_low": spread[:, 0],
            "spread_high": spread[:, 1],
        },
        index=by_group.index,
    )

    leave_one_out = {}
    present = [g for g in groups if by_group[g].notna().any()]
    if len(present) >= 2:
        for name in present:
            without = by_group.drop(columns=name).mean(axis=1, skipna=True)
            ranks = _ranks(without)
            leave_one_out[name] = pd.DataFrame(
                {"equal_say": without, "rank": ranks, "shift": ranking["equal_say_rank"] - ranks}
            )

    if people == 1:
        notes.append("Only one person scored, so there is no spread or disagreement to show.")
    missing = [g for g in groups if g not in present]
    if missing:
        notes.append(f"Nobody from {', '.join(m.replace('_', ' ') for m in missing)} scored.")
    return Results(criteria, ranking, per, by_group, leave_one_out, people, notes)


def _no_scores(
    criteria: CriteriaSet, order: list[int], groups: list[str], notes: list[str]
) -> Results:
    index = pd.Index(order, name="prototype_id")
    full = pd.MultiIndex.from_product(
        [order, list(criteria.keys)], names=[*index.names, "criterion"]
    )
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
    by_group = pd.DataFrame(np.nan, index=index, columns=pd.Index(groups, name="group"))
    return Results(criteria, ranking, per, by_group, {}, 0, notes)


@dataclass
class Movement:
    """How a round moved from the one before: who changed, which way, and the spread."""

    people: pd.DataFrame  # participant: group, compared, changed, up, down
    spread: pd.DataFrame  # prototype x criterion: iqr_before, iqr_after, narrowed, widened
    changed_people: int
    compared_people: int
    up: int
    down: int
    narrowed: int
    widened: int

    @property
    def summary(self) -> str:
        if not self.compared_people:
            return "Nobody scored the same prototype and criterion in both rounds."
        return (
            f"{self.changed_people} of {self.compared_people} people changed at least one "
            f"score ({self.up} up, {self.down} down). The spread narrowed on {self.narrowed} "
            f"and widened on {self.widened} prototype-criterion pairs."
        )


def movement(before: pd.DataFrame, after: pd.DataFrame) -> Movement:
    """Compare two rounds' counted scores (frames as from :func:`score_frame`).

    Only scores given in both rounds by the same person (not "can't say") are compared.
    Up and down are on the scale as scored (for a reverse criterion, up is worse).
    """
    columns = ["participant", "group", "prototype_id", "criterion", "value"]
    before = before.loc[before["value"].notna(), columns]
    after = after.loc[after["value"].notna(), columns]
    split = len(before)
    both = pd.concat([before, after], ignore_index=True)
    # Integer codes for people, prototypes and criteria: joins and counts become numpy.
    person, people_names = pd.factorize(both["participant"])
    proto, proto_names = pd.factorize(both["prototype_id"])
    crit, crit_names = pd.factorize(both["criterion"])
    ncrit = max(len(crit_names), 1)
    cell = proto.astype(np.int64) * ncrit + crit
    key = person.astype(np.int64) * (max(len(proto_names), 1) * ncrit) + cell
    value = both["value"].to_numpy(dtype=float)
    found = pd.Index(key[:split]).get_indexer(key[split:])
    paired = found >= 0
    delta = value[split:][paired] - value[:split][found[paired]]
    who = person[split:][paired]
    size = len(people_names)
    compared = np.bincount(who, minlength=size)
    counts = {
        "compared": compared,
        "changed": np.bincount(who, delta != 0, size).astype(int),
        "up": np.bincount(who, delta > 0, size).astype(int),
        "down": np.bincount(who, delta < 0, size).astype(int),
    }
    shown = compared > 0
    group_of = pd.Series(both["group"].to_numpy()[split:][paired]).groupby(who).last()
    people = pd.DataFrame(
        {"group": group_of.reindex(np.flatnonzero(shown)).to_numpy()}
        | {name: column[shown] for name, column in counts.items()},
        index=pd.Index(np.asarray(people_names)[shown], name="participant"),
    )
    cells = len(proto_names) * ncrit
    quartiles = [
        _quantiles(cell[part], value[part], cells, (0.25, 0.75))
        for part in (slice(0, split), slice(split, None))
    ]
    iqr_before, iqr_after = (q[:, 1] - q[:, 0] for q in quartiles)
    kept = np.flatnonzero(~np.isnan(iqr_before) & ~np.isnan(iqr_after))
    spread = pd.DataFrame(
        {"iqr_before": iqr_before[kept], "iqr_after": iqr_after[kept]},
        index=pd.MultiIndex.from_arrays(
            [np.asarray(proto_names)[kept // ncrit], np.asarray(crit_names)[kept % ncrit]],
            names=["prototype_id", "criterion"],
        ),
    )
    spread["narrowed"] = spread["iqr_after"] < spread["iqr_before"]
    spread["widened"] = spread["iqr_after"] > spread["iqr_before"]
    return Movement(
        people=people,
        spread=spread,
        changed_people=int((people["changed"] > 0).sum()),
        compared_people=len(people),
        up=int(counts["up"].sum()),
        down=int(counts["down"].sum()),
        narrowed=int(spread["narrowed"].sum()),
        widened=int(spread["widened"].sum()),
    )
