"""Gather a workshop's equal-say numbers from its tables (formulas: :mod:`equal_say`)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import pandas as pd

from ..core.equal_say import EqualSay, OutcomeVoice, outcome_voice, summarise
from ..core.errors import CodesignError

if TYPE_CHECKING:  # pragma: no cover
    from .workshop_data import WorkshopData

__all__ = ["contributions_by_group", "workshop_equal_say"]


def _active(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"] != "withdrawn"]


def contributions_by_group(data: WorkshopData) -> dict[str, dict[str, int]]:
    """Contributions per group and kind (withdrawn ones not counted)."""
    groups = data.groups()
    t = data.tables
    counts: dict[str, dict[str, int]] = defaultdict(dict)

    def add(kind: str, series: pd.Series) -> None:
        for group, n in series.value_counts().items():
            if group and n:
                counts[group][kind] = int(n)

    add("check-in lines", _active(t["entries"])["group"])
    add("goal cards", _active(t["goals"])["group"])
    votes = t["goal_votes"]
    net = votes.groupby("group")["delta"].sum()
    for group, n in net.items():
        if n > 0:
            counts[group]["dots"] = int(n)
    add("stakeholders", _active(t["stakeholders"])["author_perspective"].map(groups))
    add("ties", _active(t["ties"])["author_perspective"].map(groups))
    ratings = t["ratings"][t["ratings"]["rater"] != ""]
    latest = ratings.drop_duplicates(["stage", "stakeholder_id", "rater"], keep="last")
    add("influence ratings", latest["rater_perspective"].map(groups))
    scored = t["scores"].drop_duplicates(["stage", "round", "participant", "prototype_id"])
    add("prototypes scored", scored["group"])
    add("comments", t["comments"]["perspective"].map(groups))
    return {g: dict(c) for g, c in counts.items()}


def _priorities(data: WorkshopData) -> list[OutcomeVoice]:
    votes = data.tables["goal_votes"]
    if votes.empty:
        return []
    key = votes["target_kind"] + ":" + votes["target"]
    net = votes.assign(key=key).groupby(["group", "key"])["delta"].sum()
    net = net[net > 0]
    if net.empty:
        return []

    def shares(series: pd.Series) -> dict[str, float]:
        total = series.sum()
        return {k: float(v / total) for k, v in series.items()} if total else {}

    by_item = net.groupby(level="key").sum()
    groups = net.index.get_level_values("group").unique()
    own = {g: shares(net.loc[g]) for g in groups}
    without = {g: shares(net.drop(index=g, level="group").groupby(level="key").sum())
               for g in groups}  # fmt: skip
    return outcome_voice("priorities", own, shares(by_item), without, kind="shares")


def _map(data: WorkshopData) -> list[OutcomeVoice]:
    if not data.stage_keys("stakeholder_network") or data.tables["ratings"].empty:
        return []
    from ..network.model import resolve

    net = data.network_map()
    groups = data.groups()
    current = {s.id for s in net.current()}
    per: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    everyone: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for r in net.latest_ratings():
        sid = resolve(r.stakeholder_id, net.merges)
        if sid not in current:
            continue
        group = groups.get(r.rater_perspective, "")
        everyone[sid].append((group, r.influence))
        if group:
            per[group][sid].append(r.influence)

    def mean(values: list[int]) -> float:
        return sum(values) / len(values)

    pooled = {str(s): mean([v for _g, v in vs]) for s, vs in everyone.items()}
    own = {g: {str(s): mean(v) for s, v in items.items()} for g, items in per.items()}
    without = {
        g: {str(s): mean(kept) for s, vs in everyone.items()
            if (kept := [v for gg, v in vs if gg != g])}
        for g in per
    }  # fmt: skip
    return outcome_voice("map", own, pooled, without, kind="scores", scale=10)


def _prototypes(data: WorkshopData) -> list[OutcomeVoice]:
    if not data.stage_keys("prototype_scoring") or not data.revealed_rounds():
        return []
    from ..scoring.results import aggregate

    frame = data.score_frame()
    round_number = int(frame["round_number"].iloc[0]) if len(frame) else None
    criteria = data.criteria(round=round_number)
    ids = list(data.prototype_titles())
    results = data.scoring_results()
    if results.empty:
        return []

    def as_dict(series: pd.Series) -> dict[str, float]:
        return {str(k): float(v) for k, v in series.items() if pd.notna(v)}

    pooled = as_dict(results.ranking["pooled"])
    own = {g: as_dict(results.by_group[g]) for g in results.by_group.columns
           if results.by_group[g].notna().any()}  # fmt: skip
    without = {}
    for g in own:
        rest = frame[frame["group"] != g]
        without[g] = as_dict(aggregate(rest, criteria, ids).ranking["pooled"]) if len(rest) else {}
    return outcome_voice("prototypes", own, pooled, without, kind="scores", scale=100)


def workshop_equal_say(data: WorkshopData) -> EqualSay:
    """Participation, contributions and influence on each result, per perspective group."""
    people = data.tables["participants"]["group"].value_counts()
    order = [g for g in data.group_order() if g in people.index]
    outcomes: list[OutcomeVoice] = []
    for part in (_priorities, _map, _prototypes):
        try:
            outcomes += part(data)
        except CodesignError:  # an activity without a stage or results: nothing to say
            continue
    return summarise({g: int(people[g]) for g in order}, contributions_by_group(data), outcomes)
