"""Gather a workshop's equal-say numbers from its tables (formulas:
:mod:`codesign_widgets.core.equal_say`), and draw them.

Functions of one workshop's loaded tables by name
(:data:`~codesign_widgets.core.workshop_tables.Tables`), like the activities' results they read.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from ..core.equal_say import EqualSay, OutcomeVoice, outcome_voice, summarise
from ..core.errors import CodesignError
from ..core.palette import POOLED
from ..core.workshop_tables import Tables, group_order, perspective_groups, stage_keys
from ..network.analysis import network_map
from ..network.model import resolve
from ..scoring import analysis as scoring
from ..scoring.results import aggregate
from .charts import Chart, empty_chart, figure, finish, group_colour, literal

__all__ = ["contributions_by_group", "equal_say_chart", "workshop_equal_say"]


def _active(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"] != "withdrawn"]


def contributions_by_group(tables: Tables) -> dict[str, dict[str, int]]:
    """Contributions per group and kind (withdrawn ones not counted).

    >>> from tests.tables import goal_tables
    >>> contributions_by_group(goal_tables())["provider"]
    {'goal cards': 1, 'dots': 3}
    """
    groups = perspective_groups(tables)
    counts: dict[str, dict[str, int]] = defaultdict(dict)

    def add(kind: str, series: pd.Series) -> None:
        for group, n in series.value_counts().items():
            if group and n:
                counts[group][kind] = int(n)

    add("check-in lines", _active(tables["entries"])["group"])
    add("goal cards", _active(tables["goals"])["group"])
    votes = tables["goal_votes"]
    net = votes.groupby("group")["delta"].sum()
    for group, n in net.items():
        if n > 0:
            counts[group]["dots"] = int(n)
    add("stakeholders", _active(tables["stakeholders"])["author_perspective"].map(groups))
    add("ties", _active(tables["ties"])["author_perspective"].map(groups))
    ratings = tables["ratings"][tables["ratings"]["rater"] != ""]
    latest = ratings.drop_duplicates(["stage", "stakeholder_id", "rater"], keep="last")
    add("influence ratings", latest["rater_perspective"].map(groups))
    scored = tables["scores"].drop_duplicates(["stage", "round", "participant", "prototype_id"])
    add("prototypes scored", scored["group"])
    add("comments", tables["comments"]["perspective"].map(groups))
    return {g: dict(c) for g, c in counts.items()}


def _priorities(tables: Tables) -> list[OutcomeVoice]:
    votes = tables["goal_votes"]
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


def _map(tables: Tables) -> list[OutcomeVoice]:
    if not stage_keys(tables, "stakeholder_network") or tables["ratings"].empty:
        return []
    net = network_map(tables)
    groups = perspective_groups(tables)
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


def _prototypes(tables: Tables) -> list[OutcomeVoice]:
    if not stage_keys(tables, "prototype_scoring") or not scoring.revealed_rounds(tables):
        return []
    frame = scoring.score_frame(tables)
    if frame.empty:
        return []
    round_number = int(frame["round_number"].iloc[0]) if len(frame) else None
    criteria = scoring.criteria_set(tables, round=round_number)
    ids = list(scoring.prototype_titles(tables))
    results = scoring.scoring_results(tables)
    if results is None or results.empty:
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


def workshop_equal_say(tables: Tables) -> EqualSay:
    """Participation, contributions and influence on each result, per perspective group.

    >>> from tests.tables import goal_tables
    >>> [g.label for g in workshop_equal_say(goal_tables()).groups]
    ['Lived experience', 'Provider', 'System']
    """
    people = tables["participants"]["group"].value_counts()
    order = [g for g in group_order(tables) if g in people.index]
    outcomes: list[OutcomeVoice] = []
    for part in (_priorities, _map, _prototypes):
        try:
            outcomes += part(tables)
        except CodesignError:  # an activity without a stage or results: nothing to say
            continue
    return summarise({g: int(people[g]) for g in order}, contributions_by_group(tables), outcomes)


def equal_say_chart(tables: Tables) -> Chart:
    """Share of people and of contributions per perspective group, against an equal share.

    >>> from tests.tables import goal_tables
    >>> equal_say_chart(goal_tables()).title
    'Equal say: people and contributions per perspective'
    """
    summary = workshop_equal_say(tables)
    title = "Equal say: people and contributions per perspective"
    if not summary.groups:
        return empty_chart(title, "Nobody has taken part yet.")
    fig = figure()
    ax = fig.add_subplot()
    x = list(range(len(summary.groups)))
    ax.bar([v - 0.2 for v in x], [g.people_share * 100 for g in summary.groups], 0.4,
           color=POOLED, hatch="//", edgecolor="#ffffff", label="People (hatched)")  # fmt: skip
    ax.bar([v + 0.2 for v in x], [g.contribution_share * 100 for g in summary.groups], 0.4,
           color=[group_colour(g.group) for g in summary.groups],
           label="Contributions")  # fmt: skip
    ax.axhline(100 / len(summary.groups), color="#000000", linestyle="--",
               label="An equal share")  # fmt: skip
    ax.set_xticks(x, [literal(g.label) for g in summary.groups])
    ax.set_ylabel("Share (%)")
    ax.legend()
    ax.set_title(title, loc="left")
    return finish(fig, title, " ".join(summary.sentences()))
