"""The prototype scoring tables of the open data: prototypes, rounds, criteria, scores,
comments and decisions (see :mod:`open_data_schema` for the conventions).
"""

from __future__ import annotations

from .open_data_fields import GROUP, STAGE, Table, W, _f

__all__ = ["SCORING_TABLES"]

SCORING_TABLES: tuple[Table, ...] = (
    Table(
        "prototypes",
        "Prototypes scored, with withdrawn ones.",
        (
            W,
            STAGE,
            _f("prototype_id", "integer", "Prototype id."),
            _f("title", "string", "Title."),
            _f("description", "string", "Description."),
            _f("goals", "string", "Goals it serves, '; '-separated."),
            _f("status", "string", "active or withdrawn."),
            _f("created_at", "number", "Added (Unix seconds)."),
            _f("updated_at", "number", "Last changed (Unix seconds)."),
        ),
        ("workshop", "prototype_id"),
    ),
    Table(
        "rounds",
        "Scoring rounds and the criteria set each was scored with.",
        (
            W,
            STAGE,
            _f("round", "integer", "Round number, from 1."),
            _f(
                "state",
                "string",
                "open, closed or revealed (only revealed rounds have scores here).",
            ),
            _f("criteria_set", "string", "Key of the criteria set."),
            _f("criteria_name", "string", "Name of the criteria set."),
            _f("axes", "string", "Two criteria keys for a 2x2 chart, '; '-separated."),
            _f("opened_at", "number", "Opened (Unix seconds)."),
        ),
        ("workshop", "stage", "round"),
    ),
    Table(
        "criteria",
        "The criteria of each round: weight and scale.",
        (
            W,
            STAGE,
            _f("round", "integer", "Round number."),
            _f("criterion", "string", "Criterion key."),
            _f("label", "string", "Criterion label."),
            _f("question", "string", "What participants read."),
            _f("weight", "number", "Weight (> 0)."),
            _f("min", "integer", "Lowest point of the scale."),
            _f("max", "integer", "Highest point of the scale."),
            _f("reverse", "boolean", "True: a low score is better (such as effort)."),
            _f("labels", "string", "A label per point, '; '-separated."),
        ),
        ("workshop", "stage", "round", "criterion"),
    ),
    Table(
        "scores",
        "Counted scores (each person's latest per prototype and criterion) of revealed "
        "rounds; sealed rounds are never exported.",
        (
            W,
            STAGE,
            _f("round", "integer", "Round number."),
            _f("participant", "string", "Pseudonym of the scorer."),
            _f("perspective", "string", "The scorer's perspective then."),
            GROUP,
            _f("prototype_id", "integer", "The prototype scored."),
            _f("criterion", "string", "The criterion."),
            _f("value", "integer", "The point on the criterion's scale; empty: can't say."),
        ),
        ("workshop", "stage", "round", "participant", "prototype_id", "criterion"),
        ((("workshop", "prototype_id"), "prototypes", ("workshop", "prototype_id")),),
    ),
    Table(
        "comments",
        "Comments on prototypes (latest per person), revealed rounds only, unnamed.",
        (
            W,
            STAGE,
            _f("round", "integer", "Round number."),
            _f("prototype_id", "integer", "The prototype."),
            _f("perspective", "string", "The commenter's perspective."),
            _f("text", "string", "The comment.", free=True),
        ),
    ),
    Table(
        "decisions",
        "What the group decided for each prototype (latest decision), and why.",
        (
            W,
            STAGE,
            _f("prototype_id", "integer", "The prototype."),
            _f("decision", "string", "adopt, iterate or drop."),
            _f("reason", "string", "Why."),
            _f("round", "integer", "The last round before the decision; empty if none."),
            _f("at", "number", "When (Unix seconds)."),
        ),
        ("workshop", "prototype_id"),
    ),
)
