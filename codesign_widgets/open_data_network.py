"""The stakeholder network tables of the open data: stakeholders, ties, ratings and the
kinds of tie (see :mod:`open_data_schema` for the conventions).
"""

from __future__ import annotations

from .open_data_fields import STAGE, Table, W, _by, _f

__all__ = ["NETWORK_TABLES"]

NETWORK_TABLES: tuple[Table, ...] = (
    Table(
        "stakeholders",
        "Stakeholders drawn on each network stage, with withdrawn, hidden and merged ones.",
        (
            W,
            STAGE,
            _f("stakeholder_id", "integer", "Stakeholder id."),
            _f("name", "string", "The stakeholder's name as drawn.", free=True),
            _f("kind", "string", "person, group, organisation or service (or the plan's)."),
            _f("perspective", "string", "Perspective the stakeholder stands for; may be empty."),
            _f("goals", "string", "What they want.", free=True),
            _by("author", "person who drew it (empty: facilitator or import)"),
            _f("author_perspective", "string", "The author's perspective then."),
            _f("origin", "string", "participant, facilitator or import."),
            _f(
                "status",
                "string",
                "active, withdrawn (by its author) or hidden (by the facilitator).",
            ),
            _f(
                "merged_into",
                "integer",
                "Id of the stakeholder it was merged into (the same body); empty if not merged.",
            ),
            _f("aliases", "string", "Other names, '; '-separated.", free=True),
            _f("created_at", "number", "Drawn (Unix seconds)."),
        ),
        ("workshop", "stakeholder_id"),
    ),
    Table(
        "ties",
        "Ties between stakeholders, with withdrawn and hidden ones.",
        (
            W,
            STAGE,
            _f("tie_id", "integer", "Tie id."),
            _f("source", "integer", "Stakeholder id the tie is from."),
            _f("target", "integer", "Stakeholder id the tie is to."),
            _f("type", "string", "Tie type key (see tie_types)."),
            _f("direction", "string", "forward (source to target), both or none."),
            _f("strength", "integer", "1 (weak) to 3 (strong)."),
            _by("author", "person who drew it (empty: facilitator or import)"),
            _f("author_perspective", "string", "The author's perspective then."),
            _f("origin", "string", "participant, facilitator or import."),
            _f("status", "string", "active, withdrawn or hidden."),
            _f("created_at", "number", "Drawn (Unix seconds)."),
        ),
        ("workshop", "tie_id"),
        (
            (("workshop", "source"), "stakeholders", ("workshop", "stakeholder_id")),
            (("workshop", "target"), "stakeholders", ("workshop", "stakeholder_id")),
        ),
    ),
    Table(
        "ratings",
        "Influence and interest ratings (0-10): every rating given; the latest per person counts.",
        (
            W,
            STAGE,
            _f("stakeholder_id", "integer", "The stakeholder rated."),
            _by("rater", "person who rated (empty: imported)"),
            _f("rater_perspective", "string", "The rater's perspective then."),
            _f("influence", "integer", "Influence, 0-10 (Net-Map tower height)."),
            _f("interest", "integer", "Interest, 0-10."),
            _f("at", "number", "When (Unix seconds)."),
        ),
        (),
        ((("workshop", "stakeholder_id"), "stakeholders", ("workshop", "stakeholder_id")),),
    ),
    Table(
        "tie_types",
        "The kinds of tie each network stage used, the facilitator's own included.",
        (
            W,
            STAGE,
            _f("key", "string", "Tie type key."),
            _f("label", "string", "What the room saw."),
            _f("colour", "string", "Colour on the map (#RRGGBB)."),
            _f("channel", "boolean", "False if a voice cannot travel along it (conflict)."),
        ),
        ("workshop", "stage", "key"),
    ),
)
