"""The stakeholder network tables of the open data: stakeholders, ties, ratings and the
kinds of tie (see :mod:`open_data_schema` for the conventions).
"""

from __future__ import annotations

from ..core.table_schema import STAGE, Table, W, column, pseudonym_column

__all__ = ["NETWORK_TABLES"]

NETWORK_TABLES: tuple[Table, ...] = (
    Table(
        "stakeholders",
        "Stakeholders drawn on each network stage, with withdrawn, hidden and merged ones.",
        (
            W,
            STAGE,
            column("stakeholder_id", "integer", "Stakeholder id."),
            column("name", "string", "The stakeholder's name as drawn.", free=True),
            column("kind", "string", "person, group, organisation or service (or the plan's)."),
            column(
                "perspective", "string", "Perspective the stakeholder stands for; may be empty."
            ),
            column("goals", "string", "What they want.", free=True),
            pseudonym_column("author", "person who drew it (empty: facilitator or import)"),
            column("author_perspective", "string", "The author's perspective then."),
            column("origin", "string", "participant, facilitator or import."),
            column(
                "status",
                "string",
                "active, withdrawn (by its author) or hidden (by the facilitator).",
            ),
            column(
                "merged_into",
                "integer",
                "Id of the stakeholder it was merged into (the same body); empty if not merged.",
            ),
            column("aliases", "string", "Other names, '; '-separated.", free=True),
            column("created_at", "datetime", "Drawn (UTC)."),
        ),
        ("workshop", "stakeholder_id"),
    ),
    Table(
        "ties",
        "Ties between stakeholders, with withdrawn and hidden ones.",
        (
            W,
            STAGE,
            column("tie_id", "integer", "Tie id."),
            column("source", "integer", "Stakeholder id the tie is from."),
            column("target", "integer", "Stakeholder id the tie is to."),
            column("type", "string", "Tie type key (see tie_types)."),
            column("direction", "string", "forward (source to target), both or none."),
            column("strength", "integer", "1 (weak) to 3 (strong)."),
            pseudonym_column("author", "person who drew it (empty: facilitator or import)"),
            column("author_perspective", "string", "The author's perspective then."),
            column("origin", "string", "participant, facilitator or import."),
            column("status", "string", "active, withdrawn or hidden."),
            column("created_at", "datetime", "Drawn (UTC)."),
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
            column("stakeholder_id", "integer", "The stakeholder rated."),
            pseudonym_column("rater", "person who rated (empty: imported)"),
            column("rater_perspective", "string", "The rater's perspective then."),
            column(
                "influence",
                "number",
                "Influence, 0-10 (Net-Map tower height); a person "
                "rates in whole numbers, an imported map may bring fractions such as 1.5.",
            ),
            column("interest", "number", "Interest, 0-10 (whole, or as an imported map gave it)."),
            column("at", "datetime", "When (UTC)."),
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
            column("key", "string", "Tie type key."),
            column("label", "string", "What the room saw."),
            column("colour", "string", "Colour on the map (#RRGGBB)."),
            column("channel", "boolean", "False if a voice cannot travel along it (conflict)."),
        ),
        ("workshop", "stage", "key"),
    ),
    Table(
        "stakeholder_aliases",
        "Other names of each stakeholder, one row each (the aliases column, long).",
        (
            W,
            STAGE,
            column("stakeholder_id", "integer", "Stakeholder id."),
            column("position", "integer", "Order, from 1."),
            column("alias", "string", "Another name it goes by.", free=True),
        ),
        ("workshop", "stakeholder_id", "position"),
    ),
)
