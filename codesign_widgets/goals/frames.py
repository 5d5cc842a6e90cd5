"""Goal mapping for analysts: the goals, links, votes and themes of a workshop as pandas
DataFrames, and the goal-to-service map as a networkx graph.

pandas and networkx are imported inside the functions: a participant's kernel never loads
them. Private cards are never included (they belong to their author alone); withdrawn cards
are left out; hidden (off-topic) cards are kept with ``hidden=True``. Vote tables are empty
until the facilitator reveals the stage's results.

Columns
-------
:func:`goals_frame` (one row per shared card)
    ``card_id``, ``stage``, ``author`` (pseudonym ``P-...``), ``perspective``, ``group``
    (lived_experience / provider / system), ``what_matters``, ``goal``, ``steps``,
    ``services`` ("; "-joined), ``n_services``, ``barriers`` ("; "-joined), ``confidence``
    (0-10 or missing), ``to_seven``, ``review_date`` (``YYYY-MM-DD`` or empty), ``theme``
    (after the facilitator's assignments and merges), ``hidden``, ``created_at``,
    ``updated_at`` (Unix seconds).
:func:`links_frame` (one row per card and service it names)
    ``card_id``, ``theme``, ``group``, ``service``.
:func:`votes_frame` (one row per dot placed or taken back; empty until revealed)
    ``target_kind`` (card / theme), ``target`` (card id or theme), ``voter``, ``perspective``,
    ``group``, ``delta`` (1 or -1), ``at``.
:func:`themes_frame` (one row per theme)
    ``theme``, ``cards``, ``services`` (distinct services named), ``gaps`` (cards with no
    service), ``mean_confidence``.
:func:`priorities_frame` (one row per voted target; empty until revealed)
    ``target_kind``, ``target``, ``label``, ``votes``, ``pooled``, ``equal_say`` (see
    :mod:`codesign_widgets.goals.summary`), then ``votes_<group>`` per perspective group.
:func:`goal_service_graph`
    nodes ``goal:<id>`` / ``theme:<name>`` (``kind`` goal or theme) and ``service:<name>``
    (``kind`` service), each with a text ``label``; edges carry ``weight`` (cards linking them).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.safe_text import spreadsheet_safe
from .cards import GoalCard
from .summary import priorities

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd

    from ..studio import Studio

__all__ = [
    "build_goal_service_graph",
    "export_goal_mapping",
    "goal_mapping_frames",
    "goal_service_graph",
    "goals_frame",
    "links_frame",
    "priorities_frame",
    "themes_frame",
    "votes_frame",
]

GOAL_COLUMNS = [
    "card_id",
    "stage",
    "author",
    "perspective",
    "group",
    "what_matters",
    "goal",
    "steps",
    "services",
    "n_services",
    "barriers",
    "confidence",
    "to_seven",
    "review_date",
    "theme",
    "hidden",
    "created_at",
    "updated_at",
]
LINK_COLUMNS = ["card_id", "theme", "group", "service"]
VOTE_COLUMNS = ["target_kind", "target", "voter", "perspective", "group", "delta", "at"]
THEME_COLUMNS = ["theme", "cards", "services", "gaps", "mean_confidence"]


def _cards(studio: Studio, workshop_id: int, stage: str | None) -> list[GoalCard]:
    return studio.goals.cards.goal_cards(workshop_id, stage, include_hidden=True)


def goals_frame(studio: Studio, workshop_id: int, stage: str | None = None) -> pd.DataFrame:
    """Shared goal cards, one row each (columns in the module docstring)."""
    import pandas as pd

    cards = _cards(studio, workshop_id, stage)
    stages = _stages(studio, workshop_id, cards)
    rows = [
        {
            "card_id": c.id,
            "stage": stages.get(c.id, stage or ""),
            "author": c.author_public_id,
            "perspective": c.perspective,
            "group": c.group,
            "what_matters": c.what_matters,
            "goal": c.goal,
            "steps": c.steps,
            "services": "; ".join(c.services),
            "n_services": len(c.services),
            "barriers": "; ".join(c.barriers),
            "confidence": c.confidence,
            "to_seven": c.to_seven,
            "review_date": c.review_date,
            "theme": c.theme,
            "hidden": c.hidden,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        }
        for c in cards
    ]
    frame = pd.DataFrame(rows, columns=GOAL_COLUMNS)
    return frame.astype({"confidence": "Int64"})


def _stages(studio: Studio, workshop_id: int, cards: list[GoalCard]) -> dict[int, str]:
    ids = {c.id for c in cards}
    entries = studio.entries.find(workshop_id, activity="goal_mapping", include_hidden=True)
    return {e.id: e.stage for e in entries if e.id in ids}


def links_frame(studio: Studio, workshop_id: int, stage: str | None = None) -> pd.DataFrame:
    """One row per (shared, visible card, service it names)."""
    import pandas as pd

    rows = [
        {"card_id": c.id, "theme": c.theme, "group": c.group, "service": s}
        for c in _cards(studio, workshop_id, stage)
        if not c.hidden
        for s in c.services
    ]
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def votes_frame(studio: Studio, workshop_id: int, stage: str) -> pd.DataFrame:
    """Every dot event of the stage; empty until the stage's results are revealed."""
    import pandas as pd

    rows = [
        {
            "target_kind": v.target_kind,
            "target": v.target,
            "voter": v.participant_public_id,
            "perspective": v.perspective,
            "group": v.group,
            "delta": v.delta,
            "at": v.at,
        }
        for v in studio.goals.votes.vote_records(workshop_id, stage)
    ]
    return pd.DataFrame(rows, columns=VOTE_COLUMNS)


def themes_frame(studio: Studio, workshop_id: int, stage: str | None = None) -> pd.DataFrame:
    """Per theme: how many visible cards, distinct services, gaps and mean confidence."""
    import pandas as pd

    from .themes import group_by_theme

    cards = [c for c in _cards(studio, workshop_id, stage) if not c.hidden]
    rows = []
    for theme, members in group_by_theme(cards).items():
        scores = [c.confidence for c in members if c.confidence is not None]
        rows.append(
            {
                "theme": theme,
                "cards": len(members),
                "services": len({s.casefold() for c in members for s in c.services}),
                "gaps": sum(1 for c in members if not c.services),
                "mean_confidence": sum(scores) / len(scores) if scores else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=THEME_COLUMNS)


def priorities_frame(studio: Studio, workshop_id: int, stage: str) -> pd.DataFrame:
    """Voted targets, pooled and with every perspective group weighted equally."""
    import pandas as pd

    records = studio.goals.votes.vote_records(workshop_id, stage)
    cards = {str(c.id): c for c in _cards(studio, workshop_id, stage)}
    votes = [(f"{r.target_kind}:{r.target}", r.group, r.delta) for r in records]
    groups = sorted({r.group for r in records})
    rows = []
    for p in priorities(votes):
        kind, target = p.target.split(":", 1)
        label = cards[target].goal if kind == "card" and target in cards else target
        row = {
            "target_kind": kind,
            "target": target,
            "label": label,
            "votes": p.votes,
            "pooled": p.pooled,
            "equal_say": p.equal_say,
        }
        row |= {f"votes_{g}": p.by_group.get(g, 0) for g in groups}
        rows.append(row)
    columns = ["target_kind", "target", "label", "votes", "pooled", "equal_say"]
    return pd.DataFrame(rows, columns=columns + [f"votes_{g}" for g in groups])


def build_goal_service_graph(cards: Iterable[GoalCard], by: str = "goal") -> nx.Graph:
    """Goals (or themes, ``by="theme"``) linked to the services chosen for them.

    Goals without any service stay in the graph as isolated nodes: they are the gaps.

    >>> from codesign_widgets.goals.cards import example_card
    >>> g = build_goal_service_graph([example_card(id=7, goal="Walk", services=("GP",))])
    >>> sorted(g.edges("goal:7"))
    [('goal:7', 'service:gp')]
    """
    import networkx as nx

    if by not in ("goal", "theme"):
        msg = 'Draw the map by "goal" or by "theme".'
        raise ValueError(msg)
    graph = nx.Graph()
    for card in cards:
        if by == "goal":
            node, label = f"goal:{card.id}", card.goal
        else:
            theme = card.theme or "No theme yet"
            node, label = f"theme:{theme.casefold()}", theme
        if node not in graph:
            graph.add_node(node, kind=by, label=label, cards=0)
        graph.nodes[node]["cards"] += 1
        for service in card.services:
            snode = f"service:{service.casefold()}"
            if snode not in graph:
                graph.add_node(snode, kind="service", label=service)
            if graph.has_edge(node, snode):
                graph.edges[node, snode]["weight"] += 1
            else:
                graph.add_edge(node, snode, weight=1)
    return graph


def goal_service_graph(
    studio: Studio, workshop_id: int, stage: str | None = None, by: str = "goal"
) -> nx.Graph:
    """The goal-to-service map of a workshop's shared, visible cards (see module docstring)."""
    cards = [c for c in _cards(studio, workshop_id, stage) if not c.hidden]
    return build_goal_service_graph(cards, by=by)


def goal_mapping_frames(studio: Studio, workshop_id: int, stage: str) -> dict[str, pd.DataFrame]:
    """Every goal-mapping table of a stage: goals, links, votes, themes and priorities."""
    return {
        "goals": goals_frame(studio, workshop_id, stage),
        "links": links_frame(studio, workshop_id, stage),
        "votes": votes_frame(studio, workshop_id, stage),
        "themes": themes_frame(studio, workshop_id, stage),
        "priorities": priorities_frame(studio, workshop_id, stage),
    }


def export_goal_mapping(studio: Studio, workshop_id: int, stage: str, folder: Path) -> list[Path]:
    """Write the stage's tables as CSV files (formulas neutralised); returns their paths.

    Names are pseudonyms already; votes stay out until the facilitator revealed them.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in goal_mapping_frames(studio, workshop_id, stage).items():
        safe = frame.copy()
        for column in safe.columns:
            if safe[column].dtype == object or str(safe[column].dtype) in ("str", "string"):
                safe[column] = safe[column].map(spreadsheet_safe)
        path = folder / f"goal_mapping_{name}.csv"
        safe.to_csv(path, index=False)
        written.append(path)
    return written
