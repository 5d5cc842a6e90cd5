"""The goal mapping tables of the open data: shared goal cards, the services they name,
and the dots placed on the wall (see :mod:`open_data_schema` for the conventions).
"""

from __future__ import annotations

from ..core.table_schema import GROUP, PEOPLE_FK, STAGE, Table, W, column, pseudonym_column

__all__ = ["GOAL_TABLES"]

GOAL_TABLES: tuple[Table, ...] = (
    Table(
        "goals",
        "Shared goal cards, one row each (private cards are never exported).",
        (
            W,
            column("card_id", "integer", "Goal card id."),
            STAGE,
            column("participant", "string", "Pseudonym of the author."),
            column("perspective", "string", "The author's perspective when they wrote it."),
            GROUP,
            column("what_matters", "string", "What matters to them.", free=True),
            column("goal", "string", "Their goal, in their words.", free=True),
            column("steps", "string", "First steps.", free=True),
            column("barriers", "string", "What gets in the way, '; '-separated.", free=True),
            column("confidence", "integer", "How confident they are, 0-10; empty if not said."),
            column("to_seven", "string", "What would make it a 7.", free=True),
            column("review_date", "string", "Review date YYYY-MM-DD, or empty."),
            column("theme", "string", "Theme after the facilitator's assignments and merges."),
            column("status", "string", "active or withdrawn (by its author)."),
            column("hidden", "boolean", "True if the facilitator took it off the wall."),
            column("created_at", "datetime", "Written (UTC)."),
            column("updated_at", "datetime", "Last changed (UTC)."),
        ),
        ("workshop", "card_id"),
        PEOPLE_FK,
    ),
    Table(
        "goal_services",
        "Each goal card and each support or service it names.",
        (
            W,
            column("card_id", "integer", "Goal card id."),
            column("service", "string", "The support or service named."),
        ),
        (),
        ((("workshop", "card_id"), "goals", ("workshop", "card_id")),),
    ),
    Table(
        "goal_votes",
        "Every dot placed (+1) or taken back (-1); only for stages whose results were revealed.",
        (
            W,
            STAGE,
            column("target_kind", "string", "card or theme."),
            column("target", "string", "The card id or the theme's name."),
            pseudonym_column("voter", "person who placed the dot"),
            column("perspective", "string", "The voter's perspective then."),
            GROUP,
            column("delta", "integer", "1: a dot placed; -1: a dot taken back."),
            column("at", "datetime", "When (UTC)."),
        ),
    ),
    Table(
        "goal_steps",
        "Each goal card's first steps, one row per line, in order (the steps column, long).",
        (
            W,
            column("card_id", "integer", "Goal card id."),
            column("position", "integer", "Order on the card, from 1."),
            column("step", "string", "One step, as written.", free=True),
        ),
        ("workshop", "card_id", "position"),
        ((("workshop", "card_id"), "goals", ("workshop", "card_id")),),
    ),
    Table(
        "goal_barriers",
        "Each goal card's barriers, one row each, in order (the barriers column, long).",
        (
            W,
            column("card_id", "integer", "Goal card id."),
            column("position", "integer", "Order on the card, from 1."),
            column("barrier", "string", "One barrier, as written.", free=True),
        ),
        ("workshop", "card_id", "position"),
        ((("workshop", "card_id"), "goals", ("workshop", "card_id")),),
    ),
)
