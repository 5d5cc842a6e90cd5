"""The shared pieces of the open data tables: how a field and a table are described.

:class:`Field` and :class:`Table` describe a column and a table; the columns most tables share
(``workshop``, ``stage``, ``group``) and the helpers that describe a field are defined once here
for the tables of each activity (:mod:`open_data_goals`, :mod:`open_data_network`,
:mod:`open_data_scoring`) and the workshop-wide ones in :mod:`open_data_schema`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PANDAS_TYPES", "Field", "Table"]

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
