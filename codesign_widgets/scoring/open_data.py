"""The prototype scoring tables of the open data: prototypes, rounds, criteria, scores,
comments and decisions (see :mod:`open_data_schema` for the conventions).
"""

from __future__ import annotations

from ..core.table_schema import GROUP, STAGE, Table, W, column

__all__ = ["SCORING_TABLES"]

SCORING_TABLES: tuple[Table, ...] = (
    Table(
        "prototypes",
        "Prototypes scored, with withdrawn ones.",
        (
            W,
            STAGE,
            column("prototype_id", "integer", "Prototype id."),
            column("title", "string", "Title."),
            column("description", "string", "Description."),
            column("goals", "string", "Goals it serves, '; '-separated."),
            column("status", "string", "active or withdrawn."),
            column("created_at", "number", "Added (Unix seconds)."),
            column("updated_at", "number", "Last changed (Unix seconds)."),
        ),
        ("workshop", "prototype_id"),
    ),
    Table(
        "rounds",
        "Scoring rounds and the criteria set each was scored with.",
        (
            W,
            STAGE,
            column("round", "integer", "Round number, from 1."),
            column(
                "state",
                "string",
                "open, closed or revealed (only revealed rounds have scores here).",
            ),
            column("criteria_set", "string", "Key of the criteria set."),
            column("criteria_name", "string", "Name of the criteria set."),
            column("axes", "string", "Two criteria keys for a 2x2 chart, '; '-separated."),
            column("opened_at", "number", "Opened (Unix seconds)."),
        ),
        ("workshop", "stage", "round"),
    ),
    Table(
        "criteria",
        "The criteria of each round: weight and scale.",
        (
            W,
            STAGE,
            column("round", "integer", "Round number."),
            column("criterion", "string", "Criterion key."),
            column("label", "string", "Criterion label."),
            column("question", "string", "What participants read."),
            column("weight", "number", "Weight (> 0)."),
            column("min", "integer", "Lowest point of the scale."),
            column("max", "integer", "Highest point of the scale."),
            column("reverse", "boolean", "True: a low score is better (such as effort)."),
            column("labels", "string", "A label per point, '; '-separated."),
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
            column("round", "integer", "Round number."),
            column("participant", "string", "Pseudonym of the scorer."),
            column("perspective", "string", "The scorer's perspective then."),
            GROUP,
            column("prototype_id", "integer", "The prototype scored."),
            column("criterion", "string", "The criterion."),
            column("value", "integer", "The point on the criterion's scale; empty: can't say."),
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
            column("round", "integer", "Round number."),
            column("prototype_id", "integer", "The prototype."),
            column("perspective", "string", "The commenter's perspective."),
            column("text", "string", "The comment.", free=True),
        ),
    ),
    Table(
        "decisions",
        "What the group decided for each prototype (latest decision), and why.",
        (
            W,
            STAGE,
            column("prototype_id", "integer", "The prototype."),
            column("decision", "string", "adopt, iterate or drop."),
            column("reason", "string", "Why."),
            column("round", "integer", "The last round before the decision; empty if none."),
            column("at", "number", "When (Unix seconds)."),
        ),
        ("workshop", "prototype_id"),
    ),
)
