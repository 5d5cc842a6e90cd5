"""The shared pieces of the open data tables: how a field and a table are described.

:class:`Field` and :class:`Table` describe a column and a table; the columns most tables share
(``workshop``, ``stage``, ``group``) and the helpers that describe a field are defined once here
for the tables of each activity (:mod:`codesign_widgets.goals.open_data` and its
siblings) and the workshop-wide ones in :mod:`codesign_widgets.analysis.open_data_schema`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GROUP",
    "PANDAS_TYPES",
    "PEOPLE_FK",
    "STAGE",
    "Field",
    "Table",
    "W",
    "column",
    "pseudonym_column",
    "seconds",
    "split_list",
]

#: Frictionless type -> pandas dtype.
PANDAS_TYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
    "datetime": "datetime64[ns, UTC]",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number | boolean | datetime (Frictionless Table Schema types)
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


def column(name: str, type_: str, description: str, *, free: bool = False) -> Field:
    """A column of ``type_``; ``free`` marks participant text (withheld without consent)."""
    return Field(name, type_, description, free)


W = column("workshop", "string", "The workshop's join code.")
STAGE = column("stage", "string", "Key of the stage in the workshop plan.")
GROUP = column("group", "string", "Perspective group: lived_experience, provider or system.")
PERSON = ("participant",)
PEOPLE_FK = ((("workshop", "participant"), "participants", ("workshop", "participant")),)


def pseudonym_column(name: str, what: str) -> Field:
    """A column holding the pseudonym of ``what`` (the author, the rater...)."""
    return column(name, "string", f"Pseudonym (P-XXXXXX) of the {what}; empty if none.")


def split_list(text: str) -> tuple[str, ...]:
    """A list cell of a table back into its items (cells join them with ``"; "``).

    >>> split_list("GP; Pharmacy")
    ('GP', 'Pharmacy')
    >>> split_list("")
    ()
    """
    return tuple(part for part in text.split("; ") if part) if text else ()


def seconds(value) -> float:
    """A time cell (a pandas or datetime timestamp, or Unix seconds) as Unix seconds; 0 when
    missing, so domain objects that hold plain numbers can be built from a loaded table.

    >>> import datetime as dt
    >>> seconds(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)), seconds(12.5), seconds(None)
    (1767225600.0, 12.5, 0.0)
    """
    if value is None or value != value:  # None, NaN and NaT
        return 0.0
    if hasattr(value, "timestamp"):
        return float(value.timestamp())
    return float(value)
