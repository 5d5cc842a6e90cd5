"""Rows read from an imported map, folded into an :class:`ImportedMap` the store can add.

:class:`MapBuilder` takes stakeholders and ties from any format (GraphML, GEXF, JSON, Kumu
CSV; see :mod:`codesign_widgets.network.file_import`), matches names up to case and spacing,
maps kinds, tie types and directions onto the workshop's, and notes what it changed. Limits
keep an untrusted file from filling the map; a problem becomes a sentence saying what is
wrong and that nothing was imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.errors import InvalidInput
from ..core.workshop import clean_text
from .model import DIRECTIONS, NetworkSettings
from .rules import MAX_GOALS, MAX_NAME, name_key

__all__ = [
    "MAX_IMPORT_STAKEHOLDERS",
    "MAX_IMPORT_TIES",
    "ImportedMap",
    "MapBuilder",
    "first_value",
    "refusal",
]

MAX_IMPORT_STAKEHOLDERS = 5_000
MAX_IMPORT_TIES = 25_000
_FROM_KUMU = {"directed": "forward", "mutual": "both", "undirected": "none"}


@dataclass
class ImportedMap:
    """A map read from a file: ``stakeholders`` are dicts, ``ties`` refer to them by index."""

    stakeholders: list[dict] = field(default_factory=list)
    ties: list[dict] = field(default_factory=list)
    new_tie_types: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def refusal(filename: str, problem: str) -> InvalidInput:
    """The error for a file that cannot be imported: what is wrong, and that nothing changed."""
    return InvalidInput(f"{filename}: {problem} Nothing was imported; your map is unchanged.")


def first_value(attrs: dict, *names: str) -> object:
    """The first of ``names`` that ``attrs`` holds and is not empty, ignoring case.

    >>> first_value({"Label": "GP", "name": ""}, "name", "label")
    'GP'
    """
    lowered = {str(k).casefold(): v for k, v in attrs.items()}
    for name in names:
        value = lowered.get(name.casefold())
        if value not in (None, ""):
            return value
    return None


def _number(value: object, low: int, high: int) -> int | None:
    try:
        number = round(float(str(value).strip()))
    except (TypeError, ValueError, OverflowError):
        return None
    return max(low, min(high, number))


class MapBuilder:
    """Turns rows from any format into an :class:`ImportedMap`, folding repeats together."""

    def __init__(self, filename: str, settings: NetworkSettings, perspectives: dict[str, str]):
        self.filename = filename
        self.settings = settings
        self.perspectives = perspectives  # name_key(key or label) -> key
        self.map = ImportedMap()
        self.index: dict[str, int] = {}
        self.tie_keys: set[tuple] = set()
        self.kinds = {name_key(k): k for k in settings.kinds}
        self.types = {name_key(t.key): t.key for t in settings.tie_types}
        self.types.update({name_key(t.label): t.key for t in settings.tie_types})
        self.counts = {"repeats": 0, "self": 0, "duplicate": 0, "kind": 0, "created": 0}

    def _clean(self, value: object, what: str, limit: int, where: str, required=False) -> str:
        text = "" if value is None else str(value)
        if len(text) > limit * 4 and not required:
            text = text[: limit * 4]
        try:
            return clean_text(text, what=what, max_length=limit, required=required)
        except InvalidInput as exc:
            raise refusal(self.filename, f"{where}: {exc}") from exc

    def stakeholder(self, attrs: dict, where: str, fallback: object = None) -> int:
        name = first_value(attrs, "label", "name") or fallback
        name = self._clean(name, "The stakeholder's name", MAX_NAME, where, required=True)
        key = name_key(name)
        if key in self.index:
            self.counts["repeats"] += 1
            return self.index[key]
        if len(self.map.stakeholders) >= MAX_IMPORT_STAKEHOLDERS:
            msg = f"it has more than {MAX_IMPORT_STAKEHOLDERS:,} stakeholders."
            raise refusal(self.filename, msg)
        raw_kind = first_value(attrs, "kind", "type", "element type")
        kind = self.kinds.get(name_key(str(raw_kind or "")), "")
        if not kind:
            kind = (
                "organisation" if "organisation" in self.settings.kinds else self.settings.kinds[0]
            )
            self.counts["kind"] += raw_kind is not None
        raw_perspective = first_value(attrs, "perspective", "tags")
        perspective = self.perspectives.get(name_key(str(raw_perspective or "")), "")
        goals = first_value(attrs, "goals", "description")
        aliases = [
            a.strip() for a in str(first_value(attrs, "aliases") or "").split(";") if a.strip()
        ]
        self.map.stakeholders.append(
            {
                "name": name,
                "kind": kind,
                "perspective": perspective,
                "goals": self._clean(goals, "What they want", MAX_GOALS, where),
                "influence": _number(first_value(attrs, "influence"), 0, 10),
                "interest": _number(first_value(attrs, "interest"), 0, 10),
                "aliases": [a[:MAX_NAME] for a in aliases[:20]],
            }
        )
        self.index[key] = len(self.map.stakeholders) - 1
        return self.index[key]

    def by_name(self, name: object, where: str) -> int:
        clean = self._clean(name, "The stakeholder's name", MAX_NAME, where, required=True)
        if name_key(clean) in self.index:
            return self.index[name_key(clean)]
        self.counts["created"] += 1
        return self.stakeholder({"label": clean}, where)

    def tie(self, source: int, target: int, attrs: dict, default_direction: str) -> None:
        if source == target:
            self.counts["self"] += 1
            return
        raw_type = str(
            first_value(attrs, "tie_type", "type", "connection type", "label", "relationship") or ""
        )
        tie_type = self.types.get(name_key(raw_type))
        if tie_type is None:
            if raw_type.strip():
                label = self._clean(raw_type, "A tie type", 40, "a tie", required=True)
                tie_type = "new:" + label
                if label not in self.map.new_tie_types:
                    self.map.new_tie_types.append(label)
                self.types[name_key(raw_type)] = tie_type
            else:
                tie_type = (
                    "influence"
                    if "influence" in self.types.values()
                    else self.settings.tie_types[0].key
                )
        raw_direction = str(first_value(attrs, "direction") or "").strip().casefold()
        direction = _FROM_KUMU.get(raw_direction, raw_direction)
        if direction not in DIRECTIONS:
            direction = default_direction
        strength = _number(first_value(attrs, "strength", "weight"), 1, 3) or 1
        key = (source, target, tie_type)
        if key in self.tie_keys or (
            direction != "forward" and (target, source, tie_type) in self.tie_keys
        ):
            # Also covers a reverse tie met after a both-ways one: its reverse key is stored.
            self.counts["duplicate"] += 1
            return
        if len(self.map.ties) >= MAX_IMPORT_TIES:
            raise refusal(self.filename, f"it has more than {MAX_IMPORT_TIES:,} ties.")
        self.tie_keys.add(key)
        if direction != "forward":
            self.tie_keys.add((target, source, tie_type))
        self.map.ties.append(
            {"source": source, "target": target, "type": tie_type, "direction": direction,
             "strength": strength}
        )  # fmt: skip

    def finish(self) -> ImportedMap:
        c, notes = self.counts, self.map.notes
        if c["repeats"]:
            notes.append(f"{c['repeats']} repeated names were taken as the same stakeholder.")
        if c["created"]:
            notes.append(f"{c['created']} stakeholders named only in ties were added.")
        if c["self"]:
            notes.append(f"{c['self']} ties from a stakeholder to itself were left out.")
        if c["duplicate"]:
            notes.append(f"{c['duplicate']} repeated ties were left out.")
        if c["kind"]:
            notes.append(f"{c['kind']} stakeholders of an unknown kind were set to a known one.")
        if self.map.new_tie_types:
            notes.append("New tie types: " + ", ".join(self.map.new_tie_types) + ".")
        if not self.map.stakeholders:
            raise refusal(self.filename, "it holds no stakeholders.")
        return self.map
