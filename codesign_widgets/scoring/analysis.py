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

from ..core.table_schema import split_list
from ..core.workshop_tables import Tables, group_order, noted, plan_stage

if TYPE_CHECKING:  # pragma: no cover
    from .criteria import CriteriaSet
    from .results import Movement, Results

__all__ = [
    "NOT_REVEALED",
    "NO_SCORING",
    "criteria_set",
    "leave_one_out",
    "prototype_titles",
    "ranking",
    "revealed_rounds",
    "round_movement",
    "score_frame",
    "scoring_results",
]

SCORING = "prototype_scoring"
#: Why a scoring result is empty, in words.
NO_SCORING = "This workshop's plan has no prototype scoring."
NOT_REVEALED = "No scoring round was revealed in this workshop."
RANKING_COLUMNS = ["prototype", "pooled", "pooled_rank", "equal_say", "equal_say_rank",
                   "people", "spread_low", "spread_high", "decision"]  # fmt: skip


def _why_empty(tables: Tables, stage: str | None) -> str:
    return NO_SCORING if plan_stage(tables, SCORING, stage) is None else NOT_REVEALED


def revealed_rounds(tables: Tables, stage: str | None = None) -> list[int]:
    """The numbers of the stage's revealed rounds, in order (sealed rounds are never loaded);
    none without a scoring stage.

    >>> from tests.tables import scoring_tables, tables_of
    >>> revealed_rounds(scoring_tables()), revealed_rounds(tables_of())
    ([1, 2], [])
    """
    stage = plan_stage(tables, SCORING, stage)
    rounds = tables["rounds"]
    mine = rounds[(rounds["stage"] == stage) & (rounds["state"] == "revealed")]
    return sorted(int(r) for r in mine["round"])


def criteria_set(
    tables: Tables, stage: str | None = None, round: int | None = None
) -> CriteriaSet | None:
    """The criteria set a round (default: the last) was scored on; ``None`` when no round
    was held.

    >>> from tests.tables import scoring_tables, tables_of
    >>> criteria_set(scoring_tables()).name, criteria_set(tables_of())
    ('Impact only', None)
    """
    from .criteria import criteria_set_from_dict

    stage = plan_stage(tables, SCORING, stage)
    rounds = tables["rounds"]
    rounds = rounds[rounds["stage"] == stage]
    if round is None:
        if rounds.empty:
            return None
        round = int(rounds["round"].max())
    if not (rounds["round"] == round).any():
        return None
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
    """Prototype id to title, for the stage's prototypes still in play (not withdrawn).

    >>> from tests.tables import scoring_tables
    >>> prototype_titles(scoring_tables())
    {1: 'Walk-in clinic', 2: 'Phone line'}
    """
    stage = plan_stage(tables, SCORING, stage)
    protos = tables["prototypes"]
    protos = protos[(protos["stage"] == stage) & (protos["status"] == "active")]
    return {int(p): t for p, t in zip(protos["prototype_id"], protos["title"], strict=True)}


def score_frame(tables: Tables, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
    """Counted scores of one revealed round (default: the last) in the results' shape; empty
    (saying why in ``.attrs["note"]``) when no round was revealed.

    >>> from tests.tables import scoring_tables, tables_of
    >>> len(score_frame(scoring_tables(), round=1)), score_frame(tables_of()).attrs["note"]
    (4, 'No scoring round was revealed in this workshop.')
    """
    stage = plan_stage(tables, SCORING, stage)
    revealed = revealed_rounds(tables, stage)
    if round is None:
        round = revealed[-1] if revealed else -1
    scores = tables["scores"]
    mine = scores[(scores["stage"] == stage) & (scores["round"] == round)]
    frame = pd.DataFrame(
        {"round_number": mine["round"].astype("int64"),
         "participant": mine["participant"].astype(object),
         "perspective": mine["perspective"].astype(object),
         "group": mine["group"].astype(object),
         "prototype_id": mine["prototype_id"].astype("int64"),
         "criterion": mine["criterion"].astype(object),
         "value": mine["value"].astype("float64")}
    ).reset_index(drop=True)  # fmt: skip
    return noted(frame, _why_empty(tables, stage))


def scoring_results(
    tables: Tables, stage: str | None = None, round: int | None = None
) -> Results | None:
    """The results panel's numbers for a revealed round (default: the last); ``None`` when
    no round was revealed (``notes`` of an empty result say why).

    >>> from tests.tables import scoring_tables, tables_of
    >>> scoring_results(scoring_tables()).people, scoring_results(tables_of())
    (2, None)
    """
    from .results import aggregate

    stage = plan_stage(tables, SCORING, stage)
    revealed = revealed_rounds(tables, stage)
    if round is None and not revealed:
        return None
    round = revealed[-1] if round is None else round
    if round not in revealed:
        return None
    frame = score_frame(tables, stage, round)
    chosen = criteria_set(tables, stage, round)
    return aggregate(frame, chosen, list(prototype_titles(tables, stage)), group_order(tables))


def ranking(tables: Tables, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
    """Prototype ranking with titles and decisions: equal say first, then pooled.

    >>> from tests.tables import scoring_tables, tables_of
    >>> ranking(scoring_tables())["prototype"].tolist()
    ['Walk-in clinic', 'Phone line']
    >>> ranking(tables_of()).attrs["note"]
    'No scoring round was revealed in this workshop.'
    """
    stage = plan_stage(tables, SCORING, stage)
    results = scoring_results(tables, stage, round)
    if results is None:
        empty = pd.DataFrame(columns=RANKING_COLUMNS, index=pd.Index([], name="prototype_id"))
        return noted(empty, _why_empty(tables, stage))
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
    (a positive shift: it climbs when that perspective is left out).

    >>> from tests.tables import scoring_tables
    >>> list(leave_one_out(scoring_tables()).columns)[:2]
    ['prototype', 'rank']
    """
    stage = plan_stage(tables, SCORING, stage)
    results = scoring_results(tables, stage, round)
    if results is None:
        empty = pd.DataFrame(columns=["prototype", "rank"],
                             index=pd.Index([], name="prototype_id"))  # fmt: skip
        return noted(empty, _why_empty(tables, stage))
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
    """How each revealed round moved from the one before: people who changed, spread.

    >>> from tests.tables import scoring_tables
    >>> round_movement(scoring_tables())["people_changed"].tolist()
    [1]
    """
    from .results import movement

    stage = plan_stage(tables, SCORING, stage)
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
    frame = pd.DataFrame(rows, columns=["from_round", "to_round", "people_compared",
                                        "people_changed", "up", "down", "narrowed",
                                        "widened", "summary"])  # fmt: skip
    sentence = "Only one scoring round was revealed, so there is no movement to show."
    return noted(frame, sentence if len(rounds) == 1 else _why_empty(tables, stage))
