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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.i18n import Translator, translator
from ..core.small_groups import merge_small_groups, merged_note
from .criteria import CriteriaSet
from .model import ScoreRow
from .result_tables import (
    criterion_table,
    empty_tables,
    group_scores,
    leave_one_out_ranks,
    ranking_table,
)
from .tally import code_scores, quantiles

__all__ = [
    "CAMP_SHARE",
    "WIDE_IQR_SHARE",
    "Movement",
    "Protected",
    "Results",
    "aggregate",
    "movement",
    "protect_small_groups",
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
    #: Each perspective group to the group it is shown under ("other" when too small).
    group_plan: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.people == 0


@dataclass
class Protected:
    """A score frame with small perspective groups merged: the ``frame``, the ``groups`` to
    show, the ``plan`` (each group to the group it is shown under) and the ``note``."""

    frame: pd.DataFrame
    groups: list[str]
    plan: dict[str, str]
    note: str

    def apply(self, other: pd.DataFrame) -> pd.DataFrame:
        """Another frame (an earlier round) with the same groups merged."""
        return other.assign(group=other["group"].map(self.plan).fillna(other["group"]))


def protect_small_groups(
    frame: pd.DataFrame,
    groups: Sequence[str],
    smallest: int,
    labels: Mapping[str, str] | None = None,
    tr: Translator | None = None,
) -> Protected:
    """``frame`` with perspective groups too small to show apart merged into "other"
    (:func:`~codesign_widgets.core.small_groups.merge_small_groups`, counting the people
    who scored in each), with the groups to show and the sentence that says so (or ``""``,
    in ``tr``'s language)."""
    people = frame.groupby("group")["participant"].nunique() if len(frame) else pd.Series()
    sizes = {g: int(people.get(g, 0)) for g in dict.fromkeys([*groups, *people.index])}
    plan = merge_small_groups(sizes, smallest)
    if all(group == shown for group, shown in plan.items()):
        return Protected(frame, list(groups), plan, "")
    note = merged_note(plan, dict(labels or {}), smallest, sizes, tr)
    protected = Protected(frame, [], plan, note)
    protected.frame = protected.apply(frame)
    protected.groups = list(dict.fromkeys(plan[g] for g in groups))
    return protected


def aggregate(
    frame: pd.DataFrame,
    criteria: CriteriaSet,
    prototype_ids: Sequence[int] | None = None,
    groups: Sequence[str] = (),
    smallest_group: int = 1,
    group_labels: Mapping[str, str] | None = None,
    tr: Translator | None = None,
) -> Results:
    """Aggregate one round's counted scores (one row per person, prototype and criterion).

    ``frame`` has the columns of :func:`score_frame` (``round_number`` and ``perspective``
    optional). Only ``prototype_ids`` are kept when given (withdrawn ones are left out by the
    caller), in that order. ``groups`` lists the perspective groups to show even when nobody
    from them scored. Strings are turned into integer codes first and every statistic is a
    ``bincount`` or one sort (:mod:`codesign_widgets.scoring.tally`), so 100,000 rows take a
    few plain groupbys' time; the tables are built in :mod:`codesign_widgets.scoring.result_tables`.

    ``smallest_group`` (the plan's) merges perspectives with fewer scorers into "other"
    before anything is computed, so no table, equal-say score or leave-one-out shows
    fewer people than that; ``group_labels`` words the note that says so. The ``notes`` are
    in ``tr``'s language (the room reads them).
    """
    _ = (tr or translator()).gettext
    protected = protect_small_groups(frame, groups, smallest_group, group_labels, tr)
    frame, groups, plan = protected.frame, protected.groups, protected.plan
    codes = code_scores(frame, criteria, prototype_ids, groups)
    notes = [_(w) for w in criteria.warnings] + ([protected.note] if protected.note else [])
    if codes.people == 0:
        notes.append(
            _('Everyone who answered said "can\'t say", so there is nothing to weigh yet.')
            if codes.any_rows
            else _("No scores in this round yet.")
        )
        ranking, per, by_group = empty_tables(codes.prototypes, codes.keys, codes.groups)
        return Results(criteria, ranking, per, by_group, {}, 0, notes, plan)
    per = criterion_table(codes, WIDE_IQR_SHARE, CAMP_SHARE)
    by_group = group_scores(codes)
    ranking = ranking_table(codes, by_group)
    present = [g for g in codes.groups if by_group[g].notna().any()]
    leave_one_out = leave_one_out_ranks(by_group, ranking["equal_say_rank"], present)
    if codes.people == 1:
        notes.append(_("Only one person scored, so there is no spread or disagreement to show."))
    missing = [g for g in codes.groups if g not in present]
    if missing:
        labels = group_labels or {}
        names = ", ".join(labels.get(m) or m.replace("_", " ") for m in missing)
        notes.append(_("Nobody from {names} scored.").format(names=names))
    return Results(criteria, ranking, per, by_group, leave_one_out, codes.people, notes, plan)


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
        """What moved, in English (for analysts); :meth:`said` gives it in a language.

        >>> Movement(pd.DataFrame(), pd.DataFrame(), 0, 0, 0, 0, 0, 0).summary[:24]
        'Nobody scored the same p'
        """
        return self.said()

    def said(self, tr: Translator | None = None) -> str:
        """What moved, in ``tr``'s language (the projector's).

        >>> still = Movement(pd.DataFrame(), pd.DataFrame(), 0, 0, 0, 0, 0, 0)
        >>> still.said(translator("cy"))[:40]
        "Ni roddodd neb sgôr i'r un prototeip a'r"
        """
        _ = (tr or translator()).gettext
        if not self.compared_people:
            return _("Nobody scored the same prototype and criterion in both rounds.")
        return _(
            "{changed} of {compared} people changed at least one score ({up} up, {down} "
            "down). Scores came closer together on {narrowed} and further apart on {widened} "
            "pairs of prototype and criterion."
        ).format(
            changed=self.changed_people,
            compared=self.compared_people,
            up=self.up,
            down=self.down,
            narrowed=self.narrowed,
            widened=self.widened,
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
        quantiles(cell[part], value[part], cells, (0.25, 0.75))
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
