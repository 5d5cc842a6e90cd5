"""The tables of a workshop's open data, described once: what every column holds.

The same description types the analyst's DataFrames (:mod:`.workshop_data`),
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
- Times are timezone-aware (UTC) pandas datetimes, ISO 8601 in CSV; an empty cell is a missing
  value.
- A list (a card's barriers, a stakeholder's aliases...) is a long table of its own, one row
  per item in order (``goal_barriers``, ``stakeholder_aliases``...), beside the ``"; "``-joined
  column kept for a quick look.

The workshop-wide tables are here; each activity's tables are in :mod:`open_data_goals`,
:mod:`open_data_network` and :mod:`open_data_scoring`, and the shared field helpers in
:mod:`open_data_fields`.
"""

from __future__ import annotations

import numbers

from ..core.table_schema import GROUP, PANDAS_TYPES, PEOPLE_FK, STAGE, Table, W, column
from ..goals.open_data import GOAL_TABLES
from ..network.open_data import NETWORK_TABLES
from ..scoring.open_data import SCORING_TABLES

__all__ = ["TABLES", "typed"]

WORKSHOP_TABLES: tuple[Table, ...] = (
    Table(
        "workshops",
        "One row per workshop: its plan and how this data was prepared.",
        (
            W,
            column("title", "string", "The workshop's title."),
            column("template", "string", "The workshop plan (data/templates/<key>.toml)."),
            column("created_at", "datetime", "When the workshop was created (UTC)."),
            column("current_stage", "string", "The stage the room was on when this was read."),
            column("pseudonymised", "boolean", "True: display names replaced by pseudonyms."),
            column(
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
            column("position", "integer", "Order in the plan, from 1."),
            column("title", "string", "The stage's title."),
            column(
                "activity",
                "string",
                "checkin, goal_mapping, stakeholder_network or prototype_scoring.",
            ),
            column("state", "string", "not_started, open, locked, revealed or closed."),
        ),
        ("workshop", "stage"),
    ),
    Table(
        "participants",
        "Everyone who joined, under a pseudonym, with the perspective they joined with.",
        (
            W,
            column("participant", "string", "Pseudonym (P-XXXXXX)."),
            column(
                "display_name",
                "string",
                "The pseudonym again, unless names were exported "
                "on purpose (codesign export --names).",
            ),
            column("perspective", "string", "Perspective key from the workshop plan."),
            GROUP,
            column("consent", "boolean", "Agreed to the workshop's data note when joining."),
            column("joined_at", "datetime", "When they joined (UTC)."),
        ),
        ("workshop", "participant"),
    ),
    Table(
        "entries",
        "Check-in lines and other short contributions (goal cards are in goals).",
        (
            W,
            column("entry_id", "integer", "Contribution id (unique in the workshop file)."),
            STAGE,
            column("activity", "string", "The stage's activity."),
            column("kind", "string", "What kind of contribution (note)."),
            column("participant", "string", "Pseudonym of the author."),
            column("perspective", "string", "The author's perspective when they wrote it."),
            GROUP,
            column("text", "string", "What they wrote.", free=True),
            column("status", "string", "active or withdrawn (by its author)."),
            column("hidden", "boolean", "True if the facilitator took it off shared screens."),
            column("created_at", "datetime", "Written (UTC)."),
            column("updated_at", "datetime", "Last changed (UTC)."),
        ),
        ("workshop", "entry_id"),
        PEOPLE_FK,
    ),
)

NAME_REPLACEMENTS = Table(
    "name_replacements",
    "Where a display name typed into free text was replaced by the person's pseudonym, for "
    "review (kind 'replaced'), and where a name that is also an everyday word starts a "
    "sentence and was left as it was (kind 'check': read that cell).",
    (
        W,
        column("table", "string", "The table the text is in."),
        column("row", "string", "The row's id in that table (card, stakeholder, entry...)."),
        column("column", "string", "The column the text is in."),
        column("kind", "string", "replaced, or check (left as it was: check by hand)."),
        column("pseudonym", "string", "The pseudonym of the person whose name it is."),
        column("context", "string", "The words around the replacement, after it.", free=True),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (*WORKSHOP_TABLES, *GOAL_TABLES, *NETWORK_TABLES, *SCORING_TABLES, NAME_REPLACEMENTS)
}


def _moments(column):
    """Times as UTC datetimes to the microsecond: Unix seconds (as stored) or ISO text (as a
    package holds them)."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column):
        moments = pd.to_datetime(column, utc=True)
    else:
        present = column[column.notna() & (column.astype(object) != "")]
        if present.map(lambda v: isinstance(v, numbers.Real)).all():  # Unix seconds, as stored
            values = pd.to_numeric(column.astype(object).replace("", None))
            moments = pd.to_datetime(values, unit="s", utc=True)
        else:
            text = column.astype(object).replace("", None).astype(str).replace("None", None)
            moments = pd.to_datetime(text, utc=True, format="ISO8601")
    return moments.astype("datetime64[ns, UTC]").dt.floor("us")


def typed(name: str, frame):
    """``frame`` with exactly the columns of table ``name``, in order, with their dtypes.

    Strings are never missing (an empty string instead), and times are UTC datetimes to the
    microsecond, so a CSV written and read back gives the same values.

    >>> import pandas as pd
    >>> row = typed("workshops", pd.DataFrame({"workshop": ["KP7QXA"], "created_at": [0.5]}))
    >>> row.loc[0, "created_at"], row.loc[0, "title"]
    (Timestamp('1970-01-01 00:00:00.500000+0000', tz='UTC'), '')
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
        elif f.type == "datetime":
            column = _moments(column)
        columns[f.name] = pd.Series(column, index=frame.index).astype(PANDAS_TYPES[f.type])
    return pd.DataFrame(columns, index=frame.index)
