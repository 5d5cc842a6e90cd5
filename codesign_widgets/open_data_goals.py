"""The goal mapping tables of the open data: shared goal cards, the services they name,
and the dots placed on the wall (see :mod:`open_data_schema` for the conventions).
"""

from __future__ import annotations

from .open_data_fields import _PEOPLE_FK, GROUP, STAGE, Table, W, _by, _f

__all__ = ["GOAL_TABLES"]

GOAL_TABLES: tuple[Table, ...] = (
    Table(
        "goals",
        "Shared goal cards, one row each (private cards are never exported).",
        (
            W,
            _f("card_id", "integer", "Goal card id."),
            STAGE,
            _f("participant", "string", "Pseudonym of the author."),
            _f("perspective", "string", "The author's perspective when they wrote it."),
            GROUP,
            _f("what_matters", "string", "What matters to them.", free=True),
            _f("goal", "string", "Their goal, in their words.", free=True),
            _f("steps", "string", "First steps.", free=True),
            _f("barriers", "string", "What gets in the way, '; '-separated.", free=True),
            _f("confidence", "integer", "How confident they are, 0-10; empty if not said."),
            _f("to_seven", "string", "What would make it a 7.", free=True),
            _f("review_date", "string", "Review date YYYY-MM-DD, or empty."),
            _f("theme", "string", "Theme after the facilitator's assignments and merges."),
            _f("status", "string", "active or withdrawn (by its author)."),
            _f("hidden", "boolean", "True if the facilitator took it off the wall."),
            _f("created_at", "number", "Written (Unix seconds)."),
            _f("updated_at", "number", "Last changed (Unix seconds)."),
        ),
        ("workshop", "card_id"),
        _PEOPLE_FK,
    ),
    Table(
        "goal_services",
        "Each goal card and each support or service it names.",
        (
            W,
            _f("card_id", "integer", "Goal card id."),
            _f("service", "string", "The support or service named."),
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
            _f("target_kind", "string", "card or theme."),
            _f("target", "string", "The card id or the theme's name."),
            _by("voter", "person who placed the dot"),
            _f("perspective", "string", "The voter's perspective then."),
            GROUP,
            _f("delta", "integer", "1: a dot placed; -1: a dot taken back."),
            _f("at", "number", "When (Unix seconds)."),
        ),
    ),
)
