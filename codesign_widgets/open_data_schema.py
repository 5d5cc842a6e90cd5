"""The tables of a workshop's open data, described once: what every column holds.

The same description types the analyst's DataFrames (:mod:`codesign_widgets.analysis`),
writes the data dictionary of an exported package (a Frictionless Data Package,
``datapackage.json``, https://specs.frictionlessdata.io) and types the
columns again when a package is read back, so an export loads back into equal DataFrames.

Conventions shared by every table:

- ``workshop`` is the workshop's join code, so tables of several workshops stack.
- People appear only as their pseudonym ``participant`` / ``author`` / ``rater`` / ``voter``
  (``P-`` and six characters); the display name is in ``participants.display_name`` and is the
  pseudonym again unless names were asked for explicitly.
- Nothing is dropped for being withdrawn or hidden: ``status`` says ``active``, ``withdrawn``
  or ``hidden`` (and ``hidden`` is a column of its own where an entry can be both).
- Times are Unix seconds (UTC); an empty cell is a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TABLES", "Field", "Table", "typed"]

#: Frictionless type -> pandas dtype.
PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number | boolean (Frictionless Table Schema types)
    description: str
    free_text: bool = False  # written by a participant: withheld unless consent covers it


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def _f(name: str, type_: str, description: str, *, free: bool = False) -> Field:
    return Field(name, type_, description, free)


W = _f("workshop", "string", "The workshop's join code.")
STAGE = _f("stage", "string", "Key of the stage in the workshop plan.")
GROUP = _f("group", "string", "Perspective group: lived_experience, provider or system.")
PERSON = ("participant",)
_PEOPLE_FK = ((("workshop", "participant"), "participants", ("workshop", "participant")),)


def _by(name: str, what: str) -> Field:
    return _f(name, "string", f"Pseudonym (P-XXXXXX) of the {what}; empty if none.")


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "workshops",
            "One row per workshop: its plan and how this data was prepared.",
            (
                W,
                _f("title", "string", "The workshop's title."),
                _f("template", "string", "The workshop plan (data/templates/<key>.toml)."),
                _f("created_at", "number", "When the workshop was created (Unix seconds)."),
                _f("current_stage", "string", "The stage the room was on when this was read."),
                _f("pseudonymised", "boolean", "True: display names replaced by pseudonyms."),
                _f(
                    "free_text_shared",
                    "boolean",
                    "True: what participants wrote is included (the consent covers it); "
                    "False: free text columns are empty and stakeholder names are S<id>.",
                ),
            ),
            ("workshop",),
        ),
        Table(
            "stages",
            "The stages of each workshop's plan, in order, with their last state.",
            (
                W,
                STAGE,
                _f("position", "integer", "Order in the plan, from 1."),
                _f("title", "string", "The stage's title."),
                _f(
                    "activity",
                    "string",
                    "checkin, goal_mapping, stakeholder_network or prototype_scoring.",
                ),
                _f("state", "string", "closed, open, locked or revealed."),
            ),
            ("workshop", "stage"),
        ),
        Table(
            "participants",
            "Everyone who joined, under a pseudonym, with the perspective they joined with.",
            (
                W,
                _f("participant", "string", "Pseudonym (P-XXXXXX)."),
                _f(
                    "display_name",
                    "string",
                    "The pseudonym again, unless names were exported "
                    "on purpose (codesign export --names).",
                ),
                _f("perspective", "string", "Perspective key from the workshop plan."),
                GROUP,
                _f("consent", "boolean", "Agreed to the workshop's data note when joining."),
                _f("joined_at", "number", "When they joined (Unix seconds)."),
            ),
            ("workshop", "participant"),
        ),
        Table(
            "entries",
            "Check-in lines and other short contributions (goal cards are in goals).",
            (
                W,
                _f("entry_id", "integer", "Contribution id (unique in the workshop file)."),
                STAGE,
                _f("activity", "string", "The stage's activity."),
                _f("kind", "string", "What kind of contribution (note)."),
                _f("participant", "string", "Pseudonym of the author."),
                _f("perspective", "string", "The author's perspective when they wrote it."),
                GROUP,
                _f("text", "string", "What they wrote.", free=True),
                _f("status", "string", "active or withdrawn (by its author)."),
                _f("hidden", "boolean", "True if the facilitator took it off shared screens."),
                _f("created_at", "number", "Written (Unix seconds)."),
                _f("updated_at", "number", "Last changed (Unix seconds)."),
            ),
            ("workshop", "entry_id"),
            _PEOPLE_FK,
        ),
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
            "Every dot placed (+1) or taken back (-1); only for stages whose results were "
            "revealed.",
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
        Table(
            "stakeholders",
            "Stakeholders drawn on each network stage, with withdrawn, hidden and merged ones.",
            (
                W,
                STAGE,
                _f("stakeholder_id", "integer", "Stakeholder id."),
                _f("name", "string", "The stakeholder's name as drawn.", free=True),
                _f("kind", "string", "person, group, organisation or service (or the plan's)."),
                _f(
                    "perspective", "string", "Perspective the stakeholder stands for; may be empty."
                ),
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
                    "Id of the stakeholder it was merged into (the "
                    "same body); empty if not merged.",
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
            "Influence and interest ratings (0-10): every rating given; the latest per person "
            "counts.",
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
}


def typed(name: str, frame):
    """``frame`` with exactly the columns of table ``name``, in order, with their dtypes.

    Strings are never missing (an empty string instead), so a CSV written and read back gives
    the same values.
    """
    import pandas as pd

    table = TABLES[name]
    frame = frame.reset_index(drop=True)
    if list(frame.columns) == table.columns and all(
        str(frame[f.name].dtype) == PANDAS_TYPES[f.type] for f in table.fields
    ):
        return frame  # typed already (a table of a loaded workshop)
    columns = {}
    for f in table.fields:
        column = frame[f.name] if f.name in frame else pd.Series([None] * len(frame))
        if f.type == "string":
            column = column.astype(object).where(column.notna(), "").astype(str)
        elif f.type == "boolean":
            column = column.astype(object).where(column.notna(), None)
            column = pd.array([None if v is None else bool(v) for v in column], dtype="boolean")
        columns[f.name] = pd.Series(column, index=frame.index).astype(PANDAS_TYPES[f.type])
    return pd.DataFrame(columns, index=frame.index)
