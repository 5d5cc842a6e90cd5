"""Goal mapping results of a loaded workshop: cards, dot priorities, themes, services,
barriers, confidence and the goal-service graph.

Each function takes ``tables``, one workshop's loaded tables by name
(:data:`~codesign_widgets.core.workshop_tables.Tables`), reads them only and returns plain
values or DataFrames; :class:`~codesign_widgets.analysis.loaded_data.WorkshopData` offers
each as a method of the same name. The numbers follow :mod:`codesign_widgets.goals.cards`,
:mod:`codesign_widgets.goals.themes` and :mod:`codesign_widgets.goals.summary`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..core.table_schema import seconds, split_list
from ..core.workshop_tables import Tables, group_order, noted, plan_stage
from .cards import GoalCard, card_from_body
from .summary import priorities

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "barriers_named",
    "confidence",
    "goal_cards",
    "goal_priorities",
    "goal_service_graph",
    "services_needed",
    "themes",
]

#: Why a goal mapping result is empty, in words.
NO_GOALS = "This workshop's plan has no goal mapping."
NO_CARDS = "No goal card was shared on the wall in this workshop."
NO_DOTS = "No dots were revealed in this workshop."


def _no_cards(tables: Tables, cards: list | None = None, otherwise: str = "") -> str:
    """Why a result of the wall's ``cards`` is empty: no goal mapping, no card, or
    ``otherwise`` (cards there, none naming what is counted)."""
    if not plan_stage(tables, "goal_mapping"):
        return NO_GOALS
    return otherwise if cards and otherwise else NO_CARDS


def goal_cards(tables: Tables, stage: str | None = None, *, on_wall: bool = True) -> list[GoalCard]:
    """Goal cards as domain objects; by default only those on the wall (not withdrawn or
    hidden), as the projector showed them.

    >>> from tests.tables import goal_tables
    >>> [c.goal for c in goal_cards(goal_tables())]
    ['Walk to the shops', 'Sleep through']
    """
    goals = tables["goals"]
    if stage is not None:
        goals = goals[goals["stage"] == stage]
    if on_wall:
        goals = goals[(goals["status"] == "active") & ~goals["hidden"].astype(bool)]
    services = tables["goal_services"].groupby("card_id")["service"].agg(tuple)
    cards = []
    for r in goals.itertuples(index=False):
        body = {
            "what_matters": r.what_matters, "goal": r.goal, "steps": r.steps,
            "services": list(services.get(r.card_id, ())), "barriers": split_list(r.barriers),
            "confidence": None if pd.isna(r.confidence) else int(r.confidence),
            "to_seven": r.to_seven, "review_date": r.review_date, "visibility": "shared",
        }  # fmt: skip
        cards.append(
            card_from_body(
                body,
                id=int(r.card_id),
                author_id=0,
                author_public_id=r.participant,
                perspective=r.perspective,
                group=r.group,
                theme=r.theme,
                hidden=bool(r.hidden),
                status=r.status,
                created_at=seconds(r.created_at),
                updated_at=seconds(r.updated_at),
            )
        )
    return cards


def goal_priorities(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Dot priorities: pooled and equal-say shares and dots per group (revealed stages).

    >>> from tests.tables import goal_tables
    >>> goal_priorities(goal_tables())[["priority", "dots"]].values.tolist()
    [['Walk to the shops', 2], ['Sleep through', 2]]
    """
    stage = plan_stage(tables, "goal_mapping", stage)
    votes = tables["goal_votes"]
    votes = votes[votes["stage"] == stage]
    labels = {str(c.id): c.goal for c in goal_cards(tables, stage, on_wall=False)}
    groups = [g for g in group_order(tables) if g in set(votes["group"])]
    rows = []
    columns = ["target_kind", "target", "group", "delta"]
    triples = [(f"{k}:{t}", g, int(d)) for k, t, g, d in votes[columns].itertuples(index=False)]
    for p in priorities(triples):
        kind, target = p.target.split(":", 1)
        row = {
            "priority": labels.get(target, target) if kind == "card" else f"Theme: {target}",
            "target_kind": kind, "target": target, "dots": p.votes,
            "pooled": p.pooled, "equal_say": p.equal_say,
        }  # fmt: skip
        row |= {f"dots_{g}": p.by_group.get(g, 0) for g in groups}
        rows.append(row)
    columns = ["priority", "target_kind", "target", "dots", "pooled", "equal_say"]
    frame = pd.DataFrame(rows, columns=columns + [f"dots_{g}" for g in groups])
    return noted(frame, NO_GOALS if stage is None else NO_DOTS)


def themes(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Per theme: cards on the wall, distinct services named, gaps and mean confidence.

    >>> from tests.tables import goal_tables
    >>> themes(goal_tables())[["theme", "cards"]].values.tolist()
    [['Getting out', 2]]
    """
    from .themes import group_by_theme

    rows = []
    for theme, members in group_by_theme(goal_cards(tables, stage)).items():
        scores = [c.confidence for c in members if c.confidence is not None]
        rows.append(
            {"theme": theme, "cards": len(members),
             "services": len({s.casefold() for c in members for s in c.services}),
             "gaps": sum(1 for c in members if not c.services),
             "mean_confidence": sum(scores) / len(scores) if scores else float("nan")}
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=["theme", "cards", "services", "gaps",
                                        "mean_confidence"])  # fmt: skip
    return noted(frame, _no_cards(tables))


def services_needed(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Supports and services named on the wall's cards, most needed first.

    >>> from tests.tables import goal_tables
    >>> services_needed(goal_tables()).values.tolist()
    [['GP', 2], ['Podiatry', 1]]
    """
    from .summary import services_most_needed

    cards = goal_cards(tables, stage)
    rows = services_most_needed(cards)
    why = _no_cards(tables, cards, "No card on the wall named a support or service.")
    return noted(pd.DataFrame(rows, columns=["service", "cards"]), why)


def barriers_named(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Barriers named on the wall's cards, most named first.

    >>> from tests.tables import goal_tables
    >>> barriers_named(goal_tables()).values.tolist()
    [['Cost', 1], ['Transport', 1]]
    """
    from .summary import barriers_most_named

    cards = goal_cards(tables, stage)
    frame = pd.DataFrame(barriers_most_named(cards), columns=["barrier", "cards"])
    return noted(frame, _no_cards(tables, cards, "No card on the wall named a barrier."))


def confidence(tables: Tables, stage: str | None = None) -> pd.DataFrame:
    """Cards per confidence score 0-10, for everyone and per perspective group.

    >>> from tests.tables import goal_tables
    >>> confidence(goal_tables()).loc["all"].tolist()
    [0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]
    """
    from .summary import confidence_by_group

    dist = confidence_by_group(goal_cards(tables, stage), group_order(tables))
    return pd.DataFrame(dist, index=pd.RangeIndex(11, name="confidence")).T


def goal_service_graph(tables: Tables, stage: str | None = None, by: str = "goal") -> nx.Graph:
    """Goals (or themes) linked to the services named for them; gaps stay as lone nodes.

    >>> from tests.tables import goal_tables
    >>> sorted(goal_service_graph(goal_tables()).nodes)
    ['goal:1', 'goal:2', 'service:gp', 'service:podiatry']
    """
    from .frames import build_goal_service_graph

    return build_goal_service_graph(goal_cards(tables, stage), by=by)
