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
            column("created_at", "datetime", "Added (UTC)."),
            column("updated_at", "datetime", "Last changed (UTC)."),
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
            column("opened_at", "datetime", "Opened (UTC)."),
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
            column("at", "datetime", "When (UTC)."),
        ),
        ("workshop", "prototype_id"),
    ),
    Table(
        "criterion_labels",
        "The words of each criterion's scale points, one row per point (the labels column, long).",
        (
            W,
            STAGE,
            column("round", "integer", "Round number, from 1."),
            column("criterion", "string", "Criterion key."),
            column("value", "integer", "The scale point."),
            column("label", "string", "What that point means."),
        ),
        ("workshop", "stage", "round", "criterion", "value"),
    ),
    Table(
        "prototype_goals",
        "The goals each prototype serves, one row each (the goals column, long).",
        (
            W,
            STAGE,
            column("prototype_id", "integer", "Prototype id."),
            column("position", "integer", "Order, from 1."),
            column("goal", "string", "A goal it serves."),
        ),
        ("workshop", "prototype_id", "position"),
    ),
)
