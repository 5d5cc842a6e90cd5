"""Prototype scoring results of a loaded workshop: revealed rounds, criteria, scores,
rankings, leave-one-out ranks and how rounds moved.

Each function takes ``tables``, one workshop's loaded tables by name
(:data:`~codesign_widgets.core.workshop_tables.Tables`), reads them only and returns plain
values or DataFrames; :class:`~codesign_widgets.analysis.loaded_data.WorkshopData` offers
each as a method of the same name. The numbers follow :mod:`codesign_widgets.scoring.results`.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pandas as pd

from ..core.errors import NotFound
from ..core.table_schema import split_list
from ..core.workshop_tables import Tables, group_order, pick_stage

if TYPE_CHECKING:  # pragma: no cover
    from .criteria import CriteriaSet
    from .results import Movement, Results

__all__ = [
    "criteria",
    "leave_one_out",
    "prototype_titles",
    "ranking",
    "revealed_rounds",
    "round_movement",
    "score_frame",
    "scoring_results",
]

SCORING = "prototype_scoring"


def revealed_rounds(tables: Tables, stage: str | None = None) -> list[int]:
    """The numbers of the stage's revealed rounds, in order (sealed rounds are never loaded)."""
    stage = pick_stage(tables, SCORING, stage)
    rounds = tables["rounds"]
    mine = rounds[(rounds["stage"] == stage) & (rounds["state"] == "revealed")]
    return sorted(int(r) for r in mine["round"])


def criteria(tables: Tables, stage: str | None = None, round: int | None = None) -> CriteriaSet:
    """The criteria set a round (default: the last) was scored on."""
    from .criteria import criteria_set_from_dict

    stage = pick_stage(tables, SCORING, stage)
    rounds = tables["rounds"]
    rounds = rounds[rounds["stage"] == stage]
    if round is None:
        round = int(rounds["round"].max())
    info = rounds[rounds["round"] == round].iloc[0]
    crit = tables["criteria"]
    crit = crit[(crit["stage"] == stage) & (crit["round"] == round)]
    return criteria_set_from_dict(
        {"key": info["criteria_set"], "name": info["criteria_name"],
         "axes": list(split_list(info["axes"])),
         "criteria": [
             {"key": c.criterion, "label": c.label, "question": c.question,
              "weight": float(c.weight), "min": int(c.min), "max": int(c.max),
              "reverse": bool(c.reverse), "labels": list(split_list(c.labels))}
             for c in crit.itertuples(index=False)
         ]},
    )  # fmt: skip


def prototype_titles(tables: Tables, stage: str | None = None) -> dict[int, str]:
    """Prototype id to title, for the stage's prototypes still in play (not withdrawn)."""
    stage = pick_stage(tables, SCORING, stage)
    protos = tables["prototypes"]
    protos = protos[(protos["stage"] == stage) & (protos["status"] == "active")]
    return {int(p): t for p, t in zip(protos["prototype_id"], protos["title"], strict=True)}


def score_frame(tables: Tables, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
    """Counted scores of one revealed round (default: the last) in the results' shape."""
    stage = pick_stage(tables, SCORING, stage)
    revealed = revealed_rounds(tables, stage)
    if round is None:
        if not revealed:
            msg = "No scoring round has been revealed yet, so there are no results."
            raise NotFound(msg)
        round = revealed[-1]
    scores = tables["scores"]
    mine = scores[(scores["stage"] == stage) & (scores["round"] == round)]
    return pd.DataFrame(
        {"round_number": mine["round"].astype("int64"),
         "participant": mine["participant"].astype(object),
         "perspective": mine["perspective"].astype(object),
         "group": mine["group"].astype(object),
         "prototype_id": mine["prototype_id"].astype("int64"),
         "criterion": mine["criterion"].astype(object),
         "value": mine["value"].astype("float64")}
    ).reset_index(drop=True)  # fmt: skip


def scoring_results(tables: Tables, stage: str | None = None, round: int | None = None) -> Results:
    """The results panel's numbers for a revealed round (default: the last)."""
    from .results import aggregate

    stage = pick_stage(tables, SCORING, stage)
    frame = score_frame(tables, stage, round)
    round = int(frame["round_number"].iloc[0]) if len(frame) else round
    return aggregate(frame, criteria(tables, stage, round), list(prototype_titles(tables, stage)),
                     group_order(tables))  # fmt: skip


def ranking(tables: Tables, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
    """Prototype ranking with titles and decisions: equal say first, then pooled."""
    stage = pick_stage(tables, SCORING, stage)
    results = scoring_results(tables, stage, round)
    titles = prototype_titles(tables, stage)
    decisions = tables["decisions"]
    decided = dict(zip(decisions["prototype_id"], decisions["decision"], strict=True))
    table = results.ranking.copy()
    table.insert(0, "prototype", [titles[int(p)] for p in table.index])
    table["decision"] = [decided.get(int(p), "") for p in table.index]
    for group in results.by_group.columns:
        table[f"score_{group}"] = results.by_group[group]
    return table.sort_values(["equal_say_rank", "pooled_rank"])


def leave_one_out(
    tables: Tables, stage: str | None = None, round: int | None = None
) -> pd.DataFrame:
    """Equal-say rank of each prototype with every perspective, and without each one
    (a positive shift: it climbs when that perspective is left out)."""
    stage = pick_stage(tables, SCORING, stage)
    results = scoring_results(tables, stage, round)
    titles = prototype_titles(tables, stage)
    table = pd.DataFrame(
        {"prototype": [titles[int(p)] for p in results.ranking.index],
         "rank": results.ranking["equal_say_rank"]},
        index=results.ranking.index,
    )  # fmt: skip
    for group, frame in results.leave_one_out.items():
        table[f"rank_without_{group}"] = frame["rank"]
        table[f"shift_without_{group}"] = frame["shift"]
    return table.sort_values("rank")


def round_movement(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """How each revealed round moved from the one before: people who changed, spread."""
    from .results import movement

    stage = pick_stage(tables, SCORING, stage)
    rounds = revealed_rounds(tables, stage)
    rows = []
    for before, after in itertools.pairwise(rounds):
        m: Movement = movement(score_frame(tables, stage, before),
                               score_frame(tables, stage, after))  # fmt: skip
        rows.append(
            {"from_round": before, "to_round": after, "people_compared": m.compared_people,
             "people_changed": m.changed_people, "up": m.up, "down": m.down,
             "narrowed": m.narrowed, "widened": m.widened, "summary": m.summary}
        )  # fmt: skip
    return pd.DataFrame(rows, columns=["from_round", "to_round", "people_compared",
                                       "people_changed", "up", "down", "narrowed",
                                       "widened", "summary"])  # fmt: skip
