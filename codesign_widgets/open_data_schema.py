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

The workshop-wide tables are here; each activity's tables are in :mod:`open_data_goals`,
:mod:`open_data_network` and :mod:`open_data_scoring`, and the shared field helpers in
:mod:`open_data_fields`.
"""

from __future__ import annotations

from .open_data_fields import _PEOPLE_FK, GROUP, PANDAS_TYPES, STAGE, Field, Table, W, _f
from .open_data_goals import GOAL_TABLES
from .open_data_network import NETWORK_TABLES
from .open_data_scoring import SCORING_TABLES

__all__ = ["TABLES", "Field", "Table", "typed"]

WORKSHOP_TABLES: tuple[Table, ...] = (
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
)

TABLES: dict[str, Table] = {
    t.name: t for t in (*WORKSHOP_TABLES, *GOAL_TABLES, *NETWORK_TABLES, *SCORING_TABLES)
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
