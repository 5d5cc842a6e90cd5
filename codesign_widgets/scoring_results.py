"""Prototype scoring results with pandas: for the projector and analysts, never participants.

Import this only in facilitator and analyst code: it imports pandas. The numbers follow the
definitions in :mod:`codesign_widgets.scoring` (normalised scores, weighted score 0-100,
equal say) and agree with its pure-Python :func:`~codesign_widgets.scoring.weighted_scores`.

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

from .scoring import CriteriaSet, ScoreRow

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


def _criteria_table(criteria: CriteriaSet) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "weight": [c.weight for c in criteria.criteria],
            "min": [c.min for c in criteria.criteria],
            "span": [c.span for c in criteria.criteria],
            "reverse": [c.reverse for c in criteria.criteria],
        },
        index=pd.Index(criteria.keys, name="criterion"),
    )


def _weighted(means: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Rows of mean normalised scores per criterion (NaN: no answer) to a 0-100 score."""
    w = weights.reindex(means.columns).fillna(0.0).to_numpy()
    values = means.to_numpy(dtype=float)
    answered = ~np.isnan(values)
    total_weight = (answered * w).sum(axis=1)
    total = (np.where(answered, values, 0.0) * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(total_weight > 0, 100 * total / total_weight, np.nan)
    return pd.Series(score, index=means.index)


def _ranks(scores: pd.Series) -> pd.Series:
    return scores.rank(method="min", ascending=False).astype("Int64")


def aggregate(
    frame: pd.DataFrame,
    criteria: CriteriaSet,
    prototype_ids: Sequence[int] | None = None,
    groups: Sequence[str] = (),
) -> Results:
    """Aggregate one round's counted scores.

    ``frame`` has the columns of :func:`score_frame` (``round_number`` and ``perspective``
    optional). Only ``prototype_ids`` are kept when given (withdrawn ones are left out by the
    caller), in that order. ``groups`` lists the perspective groups to show even when nobody
    from them scored.
    """
    table = _criteria_table(criteria)
    keep = frame["criterion"].isin(table.index)
    if prototype_ids is not None:
        keep &= frame["prototype_id"].isin(list(prototype_ids))
    f = frame.loc[keep, ["participant", "group", "prototype_id", "criterion", "value"]]
    order = list(prototype_ids) if prototype_ids is not None else sorted(f["prototype_id"].unique())
    groups = list(dict.fromkeys([*groups, *sorted(f["group"].unique())]))
    notes: list[str] = list(criteria.warnings)

    cant = f["value"].isna().groupby([f["prototype_id"], f["criterion"]]).sum()
    a = f.dropna(subset=["value"])
    crit = a["criterion"]
    low, span = crit.map(table["min"]), crit.map(table["span"])
    share = (a["value"] - low) / span
    norm = share.where(~crit.map(table["reverse"]).astype(bool), 1.0 - share)
    a = a.assign(norm=norm, is_low=share <= 1 / 3, is_high=share >= 2 / 3)
    people = int(a["participant"].nunique())
    if people == 0:
        notes.append(
            'Everyone who answered said "can\'t say", so there is nothing to weigh yet.'
            if len(f)
            else "No scores in this round yet."
        )
        return _no_scores(criteria, order, groups, notes)

    # -- per prototype and criterion: median, IQR, camps, contested ----------------------------
    keys = [a["prototype_id"], a["criterion"]]
    grouped = a.groupby(keys)
    per = grouped.agg(
        n=("value", "size"),
        median=("value", "median"),
        mean=("value", "mean"),
        score=("norm", "mean"),
        low_share=("is_low", "mean"),
        high_share=("is_high", "mean"),
    )
    quartiles = grouped["value"].quantile([0.25, 0.75]).unstack()
    per["q1"], per["q3"] = quartiles[0.25], quartiles[0.75]
    per["iqr"] = per["q3"] - per["q1"]
    per["score"] *= 100
    full = pd.MultiIndex.from_product(
        [order, list(table.index)], names=["prototype_id", "criterion"]
    )
    per = per.reindex(full)
    per["n"] = per["n"].fillna(0).astype(int)
    per["cant_say"] = cant.reindex(full).fillna(0).astype(int)
    spans = per.index.get_level_values("criterion").map(table["span"]).to_numpy()
    wide = (per["iqr"] >= WIDE_IQR_SHARE * spans - 1e-9) & (per["n"] >= 2)
    camps = (per["low_share"] >= CAMP_SHARE) & (per["high_share"] >= CAMP_SHARE) & (per["n"] >= 2)
    per["contested"] = wide | camps
    per["why"] = np.select(
        [wide & camps, wide, camps],
        ["wide spread and two camps", "wide spread", "two camps"],
        default="",
    )

    # -- weighted scores: pooled, per person, per group ----------------------------------------
    pooled = _weighted(per["score"].unstack("criterion").reindex(order) / 100, table["weight"])
    person = a.groupby(["prototype_id", "participant", "criterion"])["norm"].mean().unstack()
    person_scores = _weighted(person, table["weight"])
    spread = person_scores.groupby(level="prototype_id").quantile([0.25, 0.75]).unstack()
    group_means = a.groupby(["prototype_id", "group", "criterion"])["norm"].mean().unstack()
    by_group = (
        _weighted(group_means, table["weight"])
        .unstack("group")
        .reindex(index=order, columns=groups)
        if len(group_means)
        else pd.DataFrame(np.nan, index=order, columns=groups)
    )
    by_group.index.name, by_group.columns.name = "prototype_id", "group"
    equal_say = by_group.mean(axis=1, skipna=True)
    ranking = pd.DataFrame(
        {
            "pooled": pooled,
            "pooled_rank": _ranks(pooled),
            "equal_say": equal_say,
            "equal_say_rank": _ranks(equal_say),
            "people": a.groupby("prototype_id")["participant"].nunique().reindex(order),
            "spread_low": spread.get(0.25, pd.Series(dtype=float)).reindex(order),
            "spread_high": spread.get(0.75, pd.Series(dtype=float)).reindex(order),
        },
        index=pd.Index(order, name="prototype_id"),
    )
    ranking["people"] = ranking["people"].fillna(0).astype(int)

    leave_one_out = {}
    present = [g for g in groups if by_group[g].notna().any()]
    if len(present) >= 2:
        for group in present:
            without = by_group.drop(columns=group).mean(axis=1, skipna=True)
            ranks = _ranks(without)
            leave_one_out[group] = pd.DataFrame(
                {
                    "equal_say": without,
                    "rank": ranks,
                    "shift": ranking["equal_say_rank"] - ranks,
                }
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
    keys = ["participant", "prototype_id", "criterion"]
    pairs = before.dropna(subset=["value"]).merge(
        after.dropna(subset=["value"]), on=keys, suffixes=("_before", "_after")
    )
    delta = pairs["value_after"] - pairs["value_before"]
    pairs = pairs.assign(up=delta > 0, down=delta < 0, changed=delta != 0)
    people = pairs.groupby("participant").agg(
        group=("group_after", "last"),
        compared=("changed", "size"),
        changed=("changed", "sum"),
        up=("up", "sum"),
        down=("down", "sum"),
    )

    def iqr(frame: pd.DataFrame) -> pd.Series:
        q = frame.dropna(subset=["value"]).groupby(["prototype_id", "criterion"])["value"]
        return q.quantile(0.75) - q.quantile(0.25)

    spread = pd.DataFrame({"iqr_before": iqr(before), "iqr_after": iqr(after)}).dropna()
    spread["narrowed"] = spread["iqr_after"] < spread["iqr_before"]
    spread["widened"] = spread["iqr_after"] > spread["iqr_before"]
    return Movement(
        people=people,
        spread=spread,
        changed_people=int((people["changed"] > 0).sum()),
        compared_people=len(people),
        up=int(pairs["up"].sum()),
        down=int(pairs["down"].sum()),
        narrowed=int(spread["narrowed"].sum()),
        widened=int(spread["widened"].sum()),
    )
