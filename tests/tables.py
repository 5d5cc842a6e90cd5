"""A workshop's loaded tables built by hand, for results that are functions of the tables."""

from __future__ import annotations

import pandas as pd

from codesign_widgets.analysis.open_data_schema import TABLES, typed

#: The plan of the hand-built workshop (``codesign_day``) and the stages it uses.
STAGES = [
    {"stage": "goals", "position": 1, "activity": "goal_mapping", "state": "revealed"},
    {"stage": "network", "position": 2, "activity": "stakeholder_network", "state": "open"},
    {"stage": "scoring", "position": 3, "activity": "prototype_scoring", "state": "open"},
]


def tables_of(**rows: list[dict]) -> dict[str, pd.DataFrame]:
    """Every open data table of one workshop ``W1``, typed; ``rows`` fill some of them
    (missing columns are empty). ``workshops`` and ``stages`` default to a ``codesign_day``
    workshop with one stage per activity."""
    rows.setdefault("workshops", [{"title": "Hand-built", "template": "codesign_day"}])
    rows.setdefault("stages", STAGES)
    return {
        name: typed(name, pd.DataFrame([{"workshop": "W1", **r} for r in rows.get(name, [])]))
        for name in TABLES
    }


def goal_tables() -> dict[str, pd.DataFrame]:
    """Two cards on the wall (GP named on both, one card hidden, one withdrawn) and four dots:
    lived experience put its one dot on "Walk to the shops", providers one there, two on
    "Sleep through"."""
    card = {"stage": "goals", "what_matters": "Home", "status": "active", "hidden": False}
    lived = {"perspective": "lived_experience", "group": "lived_experience"}
    provider = {"perspective": "provider", "group": "provider"}
    dot = {"stage": "goals", "target_kind": "card", "delta": 1}
    return tables_of(
        goals=[
            {**card, **lived, "card_id": 1, "participant": "P-A", "goal": "Walk to the shops",
             "barriers": "Cost; Transport", "confidence": 4, "theme": "Getting out"},
            {**card, **provider, "card_id": 2, "participant": "P-B", "goal": "Sleep through",
             "confidence": 7, "theme": "Getting out"},
            {**card, "card_id": 3, "participant": "P-C", "perspective": "system",
             "group": "system", "goal": "Hidden plan", "hidden": True},
            {**card, **provider, "card_id": 4, "participant": "P-B", "goal": "Withdrawn plan",
             "status": "withdrawn"},
        ],
        goal_services=[
            {"card_id": 1, "service": "GP"}, {"card_id": 1, "service": "Podiatry"},
            {"card_id": 2, "service": "gp"}, {"card_id": 3, "service": "Hidden service"},
            {"card_id": 4, "service": "Withdrawn service"},
        ],
        goal_votes=[
            {**dot, **lived, "target": "1", "voter": "P-A"},
            {**dot, **provider, "target": "1", "voter": "P-B"},
            {**dot, **provider, "target": "2", "voter": "P-B"},
            {**dot, **provider, "target": "2", "voter": "P-D"},
        ],
    )  # fmt: skip


def network_tables() -> dict[str, pd.DataFrame]:
    """The commissioner funds the GP practice, which cares for Amara; Amara's influence was
    rated 2 by lived experience and 1 by the system."""
    s = {"stage": "network", "status": "active", "origin": "participant"}
    rating = {"stage": "network", "stakeholder_id": 2}
    return tables_of(
        stakeholders=[
            {**s, "stakeholder_id": 1, "name": "GP practice", "kind": "organisation",
             "perspective": "provider"},
            {**s, "stakeholder_id": 2, "name": "Amara", "kind": "person",
             "perspective": "lived_experience"},
            {**s, "stakeholder_id": 3, "name": "Commissioner", "kind": "person",
             "perspective": "system"},
        ],
        ties=[
            {**s, "tie_id": 1, "source": 1, "target": 2, "type": "care", "direction": "forward",
             "strength": 2},
            {**s, "tie_id": 2, "source": 3, "target": 1, "type": "money",
             "direction": "forward", "strength": 1},
        ],
        ratings=[
            {**rating, "rater": "P-A", "rater_perspective": "lived_experience", "influence": 2,
             "interest": 9},
            {**rating, "rater": "P-C", "rater_perspective": "system", "influence": 1,
             "interest": 5},
        ],
    )  # fmt: skip


def scoring_tables() -> dict[str, pd.DataFrame]:
    """Two revealed rounds on one criterion (impact, 1-5) and two prototypes. Round 1:
    "Walk-in clinic" 5 (lived experience) and 1 (provider), "Phone line" 2 and 5. In round 2
    the provider moved the clinic up to 3. "Phone line" was adopted."""
    scoring = {"stage": "scoring"}
    rounds = [{**scoring, "round": r, "state": "revealed", "criteria_set": "impact_only",
               "criteria_name": "Impact only"} for r in (1, 2)]  # fmt: skip
    criteria = [{**scoring, "round": r, "criterion": "impact", "label": "Impact",
                 "question": "How much would it help?", "weight": 1.0, "min": 1, "max": 5,
                 "reverse": False} for r in (1, 2)]  # fmt: skip
    people = {"lived": ("P-A", "lived_experience"), "provider": ("P-B", "provider")}
    given = {
        1: {(1, "lived"): 5, (1, "provider"): 1, (2, "lived"): 2, (2, "provider"): 5},
        2: {(1, "lived"): 5, (1, "provider"): 3, (2, "lived"): 2, (2, "provider"): 5},
    }
    scores = [
        {**scoring, "round": r, "participant": people[who][0], "perspective": people[who][1],
         "group": people[who][1], "prototype_id": p, "criterion": "impact", "value": value}
        for r, values in given.items() for (p, who), value in values.items()
    ]  # fmt: skip
    return tables_of(
        rounds=rounds,
        criteria=criteria,
        scores=scores,
        prototypes=[{**scoring, "prototype_id": 1, "title": "Walk-in clinic", "status": "active"},
                    {**scoring, "prototype_id": 2, "title": "Phone line", "status": "active"}],
        decisions=[{**scoring, "prototype_id": 2, "decision": "adopt", "round": 1}],
    )  # fmt: skip
