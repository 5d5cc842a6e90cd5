"""Prototype scoring results of a loaded workshop: revealed rounds, criteria, scores,
rankings, leave-one-out ranks and how rounds moved.

A mixin of :class:`~.analysis.workshop_data.WorkshopData` that reads the data's tables only;
the numbers follow :mod:`scoring_results`.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pandas as pd

from ..core.errors import NotFound
from ..core.table_schema import split_list

if TYPE_CHECKING:  # pragma: no cover
    from .criteria import CriteriaSet
    from .results import Movement, Results

__all__ = ["ScoringResultsMixin"]


class ScoringResultsMixin:
    tables: dict[str, pd.DataFrame]

    # -- prototype scoring ---------------------------------------------------------------------
    def revealed_rounds(self, stage: str | None = None) -> list[int]:
        stage = self._stage("prototype_scoring", stage)
        rounds = self.one().tables["rounds"]
        mine = rounds[(rounds["stage"] == stage) & (rounds["state"] == "revealed")]
        return sorted(int(r) for r in mine["round"])

    def criteria(self, stage: str | None = None, round: int | None = None) -> CriteriaSet:
        from .criteria import criteria_set_from_dict

        stage = self._stage("prototype_scoring", stage)
        rounds = self.one().tables["rounds"]
        rounds = rounds[rounds["stage"] == stage]
        if round is None:
            round = int(rounds["round"].max())
        info = rounds[rounds["round"] == round].iloc[0]
        crit = self.one().tables["criteria"]
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

    def prototype_titles(self, stage: str | None = None) -> dict[int, str]:
        stage = self._stage("prototype_scoring", stage)
        protos = self.one().tables["prototypes"]
        protos = protos[(protos["stage"] == stage) & (protos["status"] == "active")]
        return {int(p): t for p, t in zip(protos["prototype_id"], protos["title"], strict=True)}

    def score_frame(self, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
        """Counted scores of one revealed round (default: the last) in the results' shape."""
        stage = self._stage("prototype_scoring", stage)
        revealed = self.revealed_rounds(stage)
        if round is None:
            if not revealed:
                msg = "No scoring round has been revealed yet, so there are no results."
                raise NotFound(msg)
            round = revealed[-1]
        scores = self.one().tables["scores"]
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

    def scoring_results(self, stage: str | None = None, round: int | None = None) -> Results:
        """The results panel's numbers for a revealed round (default: the last)."""
        from .results import aggregate

        stage = self._stage("prototype_scoring", stage)
        frame = self.score_frame(stage, round)
        round = int(frame["round_number"].iloc[0]) if len(frame) else round
        return aggregate(frame, self.criteria(stage, round), list(self.prototype_titles(stage)),
                         self.group_order())  # fmt: skip

    def ranking(self, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
        """Prototype ranking with titles and decisions: equal say first, then pooled."""
        stage = self._stage("prototype_scoring", stage)
        results = self.scoring_results(stage, round)
        titles = self.prototype_titles(stage)
        decisions = self.one().tables["decisions"]
        decided = dict(zip(decisions["prototype_id"], decisions["decision"], strict=True))
        table = results.ranking.copy()
        table.insert(0, "prototype", [titles[int(p)] for p in table.index])
        table["decision"] = [decided.get(int(p), "") for p in table.index]
        for group in results.by_group.columns:
            table[f"score_{group}"] = results.by_group[group]
        return table.sort_values(["equal_say_rank", "pooled_rank"])

    def leave_one_out(self, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
        """Equal-say rank of each prototype with every perspective, and without each one
        (a positive shift: it climbs when that perspective is left out)."""
        stage = self._stage("prototype_scoring", stage)
        results = self.scoring_results(stage, round)
        titles = self.prototype_titles(stage)
        table = pd.DataFrame(
            {"prototype": [titles[int(p)] for p in results.ranking.index],
             "rank": results.ranking["equal_say_rank"]},
            index=results.ranking.index,
        )  # fmt: skip
        for group, frame in results.leave_one_out.items():
            table[f"rank_without_{group}"] = frame["rank"]
            table[f"shift_without_{group}"] = frame["shift"]
        return table.sort_values("rank")

    def round_movement(self, stage: str | None = None) -> pd.DataFrame:
        """How each revealed round moved from the one before: people who changed, spread."""
        from .results import movement

        stage = self._stage("prototype_scoring", stage)
        rounds = self.revealed_rounds(stage)
        rows = []
        for before, after in itertools.pairwise(rounds):
            m: Movement = movement(self.score_frame(stage, before), self.score_frame(stage, after))
            rows.append(
                {"from_round": before, "to_round": after, "people_compared": m.compared_people,
                 "people_changed": m.changed_people, "up": m.up, "down": m.down,
                 "narrowed": m.narrowed, "widened": m.widened, "summary": m.summary}
            )  # fmt: skip
        return pd.DataFrame(rows, columns=["from_round", "to_round", "people_compared",
                                           "people_changed", "up", "down", "narrowed",
                                           "widened", "summary"])  # fmt: skip
