"""What an imported map will do to the workshop's map, worked out before anything is written.

A file is first read into a :class:`RawMap` (nodes and edges with every attribute as the file
has it, node ids kept; see :mod:`codesign_widgets.network.file_import`). :func:`plan_import`
then turns it into an :class:`ImportPlan` with an :class:`ImportMapping` the facilitator can
change: which attribute gives a stakeholder's kind, a tie's type and strength (scaled into 1-3
by thirds, taken as it is, or not used), whether names already on the map are linked. The plan
says what will happen in plain sentences (:meth:`ImportPlan.summary`), what is left out and
why, and keeps every value of the file with the stakeholder or tie it came from, so an export
gives it back. Pure Python: no networkx, no SQL, no widgets.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ..core.errors import InvalidInput
from ..core.workshop import clean_text
from .model import NetworkSettings
from .rules import MAX_GOALS, MAX_NAME, find_same_name, name_key

__all__ = [
    "MAX_IMPORT_STAKEHOLDERS",
    "MAX_IMPORT_TIES",
    "STRENGTH_SCALES",
    "ImportMapping",
    "ImportPlan",
    "RawEdge",
    "RawMap",
    "RawNode",
    "first_value",
    "plan_import",
    "refusal",
    "suggest_mapping",
]

MAX_IMPORT_STAKEHOLDERS = 5_000
MAX_IMPORT_TIES = 25_000
#: How a numeric attribute becomes a tie's strength 1-3.
STRENGTH_SCALES = {
    "thirds": "scaled into 1-3 by thirds of its values (quantiles)",
    "as_is": "taken as it is (every value is 1, 2 or 3)",
    "none": "not used: every tie gets strength 1",
}
_DIRECTION_WORDS = {
    "directed": "forward",
    "forward": "forward",
    "mutual": "both",
    "both": "both",
    "undirected": "none",
    "none": "none",
}
_KIND_COLUMNS = ("kind", "element type", "type", "node type", "category")
_TYPE_COLUMNS = ("tie_type", "connection type", "type", "relationship", "interaction", "label")
_STRENGTH_COLUMNS = ("strength", "weight", "value")
# Our own exports write a perspective's influence as influence_by_<perspective key>.
_BY_PERSPECTIVE = re.compile(r"^(influence|interest)_by_(.+)$")


@dataclass
class RawNode:
    """A node as the file has it: its id in the file, every attribute, where it was read."""

    id: str
    attrs: dict
    where: str


@dataclass
class RawEdge:
    """An edge as the file has it. ``directed`` None: the file's default applies."""

    source: str
    target: str
    attrs: dict
    where: str
    directed: bool | None = None


@dataclass
class RawMap:
    """Everything read from one file, before any decision about the workshop's map."""

    source: str
    fmt: str
    nodes: list[RawNode] = field(default_factory=list)
    edges: list[RawEdge] = field(default_factory=list)
    directed: bool = True
    notes: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def node_columns(self) -> list[str]:
        return sorted({k for n in self.nodes for k in n.attrs}, key=str.casefold)

    def edge_columns(self) -> list[str]:
        return sorted({k for e in self.edges for k in e.attrs}, key=str.casefold)


@dataclass(frozen=True)
class ImportMapping:
    """The facilitator's choices: which attribute means what (None: not used)."""

    kind_from: str | None = None
    type_from: str | None = None
    strength_from: str | None = None
    strength_scale: str = "none"
    default_tie_type: str = "influence"
    link_existing: bool = False


@dataclass
class ImportPlan:
    """What an import will add: ``stakeholders`` and ``ties`` (by index) as dicts, ``links``
    (stakeholder index -> id of the one already on the map it joins), and why anything is
    left out. Nothing is written until the store is given the plan."""

    source: str
    fmt: str
    mapping: ImportMapping
    stakeholders: list[dict] = field(default_factory=list)
    ties: list[dict] = field(default_factory=list)
    new_tie_types: list[str] = field(default_factory=list)
    same_names: list[tuple[int, int, str]] = field(default_factory=list)
    links: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    node_columns: list[str] = field(default_factory=list)
    edge_columns: list[str] = field(default_factory=list)
    numeric_edge_columns: list[str] = field(default_factory=list)

    def headline(self) -> str:
        """``"77 stakeholders, 254 ties"`` and the names that join ones on the map."""
        text = f"{len(self.stakeholders):,} stakeholders, {len(self.ties):,} ties from {self.fmt}"
        if self.links:
            text += f"; {len(self.links)} of them join stakeholders already on the map"
        return text + "."

    def summary(self) -> list[str]:
        """The preview, one sentence a line: what is added, what maps to what, what is left
        out and why."""
        lines = [self.headline(), *self.notes]
        if self.same_names:
            shown = ", ".join(name for _i, _id, name in self.same_names[:10])
            more = f" and {len(self.same_names) - 10} more" if len(self.same_names) > 10 else ""
            if self.mapping.link_existing:
                lines.append(f"Linked to the stakeholders already on the map: {shown}{more}.")
            else:
                lines.append(
                    f"{len(self.same_names)} names are already on the map ({shown}{more}); they "
                    "are added again unless you choose to link names already on the map."
                )
        lines.extend(self.dropped)
        return lines


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
        if value not in (None, "") and value != []:
            return value
    return None


def _column(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lowered = {c.casefold(): c for c in columns}
    return next((lowered[c] for c in candidates if c in lowered), None)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = float(str(value).strip().replace(",", ".") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _numeric_columns(rows: list[dict], columns: list[str]) -> list[str]:
    numeric = []
    for column in columns:
        values = [r.get(column) for r in rows if r.get(column) not in (None, "")]
        if values and all(_number(v) is not None for v in values):
            numeric.append(column)
    return numeric


def suggest_mapping(raw: RawMap, settings: NetworkSettings) -> ImportMapping:
    """The mapping a facilitator most likely wants: kind from ``kind``/``type``, tie type
    from ``tie_type``/``type``, strength from ``strength``/``weight`` (as it is when every
    value is 1-3, else scaled by thirds), names on the map not linked."""
    node_columns, edge_columns = raw.node_columns(), raw.edge_columns()
    rows = [e.attrs for e in raw.edges]
    strength_from = _column(_numeric_columns(rows, edge_columns), _STRENGTH_COLUMNS)
    scale = "none"
    if strength_from:
        values = {_number(r.get(strength_from)) for r in rows if r.get(strength_from) != ""}
        values.discard(None)
        scale = "as_is" if values <= {1.0, 2.0, 3.0} else "thirds"
    default_type = "influence" if any(t.key == "influence" for t in settings.tie_types) else ""
    return ImportMapping(
        kind_from=_column(node_columns, _KIND_COLUMNS),
        type_from=_column(edge_columns, _TYPE_COLUMNS),
        strength_from=strength_from,
        strength_scale=scale,
        default_tie_type=default_type or settings.tie_types[0].key,
    )


def _thirds(values: list[float]) -> tuple[float, float]:
    """Cut points so that about a third of the values fall in each of strength 1, 2, 3."""
    ordered = sorted(values)
    n = len(ordered)
    return ordered[(n - 1) // 3], ordered[(2 * (n - 1)) // 3]


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return "|".join(str(v) for v in value)
    return "" if value is None else str(value)


def _clean(value: object, what: str, limit: int) -> tuple[str, bool]:
    """Cleaned text, and whether it had to be shortened to ``limit`` characters."""
    text = _text(value)
    cut = len(text) > limit
    text = text[:limit]
    try:
        return clean_text(text, what=what, max_length=limit, multiline=True), cut
    except InvalidInput:
        return "", cut


def _lines(places: list[str]) -> str:
    """Places, with lines of one file or sheet together: ``"elements.csv lines 2, 5, 9"``.

    >>> _lines(["a.csv line 2", "a.csv line 5", "edge 'e1'"])
    "a.csv lines 2, 5; edge 'e1'"
    """
    groups: dict[str, list[str]] = {}
    for place in places[:60]:
        head, sep, number = place.rpartition(" line ")
        key = head if sep else place
        groups.setdefault(key, []).append(number if sep else "")
    parts = []
    for head, numbers in groups.items():
        numbers = [n for n in numbers if n]
        if numbers:
            parts.append(f"{head} line{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}")
        else:
            parts.append(head)
    more = f" and {len(places) - 60} more" if len(places) > 60 else ""
    return "; ".join(parts) + more


class _Planner:
    def __init__(self, raw, settings, perspectives, on_map, mapping) -> None:
        self.raw, self.settings, self.mapping = raw, settings, mapping
        self.perspectives = {name_key(k): v for k, v in (perspectives or {}).items()}
        self.on_map = on_map or {}
        self.kinds = {name_key(k): k for k in settings.kinds}
        self.types = {name_key(t.key): t.key for t in settings.tie_types}
        self.types.update({name_key(t.label): t.key for t in settings.tie_types})
        self.plan = ImportPlan(
            raw.source, raw.fmt, mapping, notes=list(raw.notes), dropped=list(raw.dropped)
        )
        self.plan.node_columns, self.plan.edge_columns = raw.node_columns(), raw.edge_columns()
        rows = [e.attrs for e in raw.edges]
        self.plan.numeric_edge_columns = _numeric_columns(rows, self.plan.edge_columns)
        self.long_names: list[str] = []
        self.long_goals: list[str] = []
        self.unknown_kinds: Counter = Counter()
        self.off_scale: list[str] = []
        self.middle_interest = 0
        self.interest_only = 0
        kinds = settings.kinds
        self.default_kind = "organisation" if "organisation" in kinds else kinds[0]

    def stakeholders(self) -> dict[str, int]:
        index: dict[str, int] = {}
        default_kind = self.default_kind
        for node in self.raw.nodes:
            if node.id in index:
                self.plan.dropped.append(
                    f"{node.where}: the id {node.id!r} is used twice; the second was left out."
                )
                continue
            if len(self.plan.stakeholders) >= MAX_IMPORT_STAKEHOLDERS:
                msg = f"it has more than {MAX_IMPORT_STAKEHOLDERS:,} stakeholders."
                raise refusal(self.raw.source, msg)
            label = first_value(node.attrs, "label", "name") or node.id
            name, cut = _clean(label, "The stakeholder's name", MAX_NAME)
            if not name:
                name = f"Stakeholder {node.id}"[:MAX_NAME]
            if cut:
                self.long_names.append(node.where)
            raw_kind = node.attrs.get(self.mapping.kind_from) if self.mapping.kind_from else None
            kind = self.kinds.get(name_key(_text(raw_kind)), "")
            if not kind:
                kind = default_kind
                if raw_kind not in (None, ""):
                    self.unknown_kinds[_text(raw_kind)] += 1
            raw_perspective = first_value(node.attrs, "perspective")
            perspective = self.perspectives.get(name_key(_text(raw_perspective)), "")
            goals, cut = _clean(
                first_value(node.attrs, "goals", "description", "desc"), "What they want", MAX_GOALS
            )
            if cut:
                self.long_goals.append(node.where)
            aliases = [
                a.strip()
                for a in re.split(r"[;|]", _text(first_value(node.attrs, "aliases")))
                if a.strip()
            ]
            self.plan.stakeholders.append(
                {
                    "source_id": node.id,
                    "name": name,
                    "kind": kind,
                    "perspective": perspective,
                    "goals": goals,
                    "aliases": [a[:MAX_NAME] for a in aliases[:20]],
                    "ratings": self._ratings(node.attrs),
                    "attributes": dict(node.attrs),
                }
            )
            index[node.id] = len(self.plan.stakeholders) - 1
        return index

    def _ratings(self, attrs: dict) -> list[tuple[str, float, float]]:
        """(perspective, influence, interest) as the file gives them: per perspective where
        our own export wrote them, else one rating from the file. 0-10, never rounded."""
        by: dict[str, dict[str, float]] = {}
        for key, value in attrs.items():
            match = _BY_PERSPECTIVE.match(str(key))
            number = _number(value)
            if match and number is not None:
                if not 0 <= number <= 10:
                    self.off_scale.append(f"{key}={number:g}")
                    continue
                group = self.perspectives.get(name_key(match.group(2)), match.group(2))
                by.setdefault(group, {})[match.group(1)] = number
        overall = {}
        for what in ("influence", "interest"):
            number = _number(first_value(attrs, what))
            if number is not None and not 0 <= number <= 10:
                self.off_scale.append(f"{what}={number:g}")
            elif number is not None:
                overall[what] = number
        if not by and overall:
            by[""] = overall
        # A rating needs an influence (the tower height); interest alone stays an attribute.
        if any("influence" not in v and "influence" not in overall for v in by.values()):
            self.interest_only += 1
            by = {p: v for p, v in by.items() if "influence" in v or "influence" in overall}
        # An interest the file does not give is its overall one, else the middle (5).
        for values in by.values():
            if "interest" not in values and "interest" not in overall:
                self.middle_interest += 1
        return [
            (
                p,
                v.get("influence", overall.get("influence", 5.0)),
                v.get("interest", overall.get("interest", 5.0)),
            )
            for p, v in by.items()
        ]

    def _strength(self) -> dict[int, int]:
        column, scale = self.mapping.strength_from, self.mapping.strength_scale
        if not column or scale == "none":
            return {}
        values = {i: _number(e.attrs.get(column)) for i, e in enumerate(self.raw.edges)}
        present = [v for v in values.values() if v is not None]
        if not present:
            return {}
        if scale == "as_is":
            if not set(present) <= {1.0, 2.0, 3.0}:
                msg = (
                    f"the column {column!r} has values other than 1, 2 and 3; choose "
                    "'scaled into 1-3 by thirds' for it."
                )
                raise refusal(self.raw.source, msg)
            return {i: int(v) for i, v in values.items() if v is not None}
        low, high = _thirds(present)
        self.plan.notes.append(
            f"Tie strength comes from {column!r} ({min(present):g} to {max(present):g}), scaled "
            f"by thirds: up to {low:g} is 1, up to {high:g} is 2, above is 3. Each tie keeps "
            f"its {column!r} as it is."
        )
        return {
            i: 1 if v <= low else 2 if v <= high else 3 for i, v in values.items() if v is not None
        }

    def ties(self, index: dict[str, int]) -> None:
        strengths = self._strength()
        seen: set[tuple] = set()
        loops, repeats, missing = [], [], []
        for position, edge in enumerate(self.raw.edges):
            if edge.source not in index or edge.target not in index:
                missing.append(edge.where)
                continue
            u, v = index[edge.source], index[edge.target]
            if u == v:
                loops.append(edge.where)
                continue
            tie_type = self._tie_type(edge.attrs)
            direction = self._direction(edge)
            key = (u, v, tie_type)
            if key in seen or (direction != "forward" and (v, u, tie_type) in seen):
                repeats.append(edge.where)
                continue
            if len(self.plan.ties) >= MAX_IMPORT_TIES:
                raise refusal(self.raw.source, f"it has more than {MAX_IMPORT_TIES:,} ties.")
            seen.add(key)
            if direction != "forward":
                seen.add((v, u, tie_type))
            self.plan.ties.append(
                {
                    "source": u,
                    "target": v,
                    "type": tie_type,
                    "direction": direction,
                    "strength": strengths.get(position, 1),
                    "attributes": dict(edge.attrs),
                }
            )
        if loops:
            self.plan.dropped.append(
                f"{len(loops)} ties from a stakeholder to itself were left out (a map has no "
                f"loops): {_lines(loops)}."
            )
        if repeats:
            self.plan.dropped.append(
                f"{len(repeats)} ties repeat one already read (same ends and type) and were "
                f"left out: {_lines(repeats)}."
            )
        if missing:
            self.plan.dropped.append(
                f"{len(missing)} ties name a stakeholder the file does not have and were left "
                f"out: {_lines(missing)}."
            )

    def _tie_type(self, attrs: dict) -> str:
        raw = _text(attrs.get(self.mapping.type_from)) if self.mapping.type_from else ""
        raw = raw.split("|")[0].strip()
        if not raw:
            return self.mapping.default_tie_type
        known = self.types.get(name_key(raw))
        if known is not None:
            return known
        label, _cut = _clean(raw, "A tie type", 40)
        if not label:
            return self.mapping.default_tie_type
        if label not in self.plan.new_tie_types:
            self.plan.new_tie_types.append(label)
        self.types[name_key(raw)] = "new:" + label
        return "new:" + label

    def _direction(self, edge: RawEdge) -> str:
        word = _text(first_value(edge.attrs, "direction")).strip().casefold()
        if word in _DIRECTION_WORDS:
            return _DIRECTION_WORDS[word]
        directed = self.raw.directed if edge.directed is None else edge.directed
        return "forward" if directed else "none"

    def finish(self) -> ImportPlan:
        plan = self.plan
        if not plan.stakeholders:
            raise refusal(self.raw.source, "it holds no stakeholders.")
        for i, item in enumerate(plan.stakeholders):
            same = find_same_name(item["name"], self.on_map)
            if same is not None:
                plan.same_names.append((i, same, item["name"]))
                if self.mapping.link_existing:
                    plan.links[i] = same
        self._mapping_notes()
        return plan

    def _mapping_notes(self) -> None:
        plan, m = self.plan, self.mapping
        if m.kind_from:
            plan.notes.append(f"Kind comes from {m.kind_from!r}.")
        if self.unknown_kinds:
            shown = ", ".join(f"{k} ({n})" for k, n in self.unknown_kinds.most_common(8))
            plan.notes.append(
                f"{sum(self.unknown_kinds.values())} stakeholders have a {m.kind_from!r} that "
                f"is not one of this map's kinds ({shown}); they are shown as "
                f"{self.default_kind!r}, and keep their own value with them."
            )
        untyped = sum(1 for t in plan.ties if t["type"] == m.default_tie_type)
        if m.type_from:
            plan.notes.append(f"Tie type comes from {m.type_from!r}.")
        if untyped:
            label = next(
                (t.label for t in self.settings.tie_types if t.key == m.default_tie_type),
                m.default_tie_type,
            )
            plan.notes.append(f"{untyped} ties have no type in the file and become {label!r}.")
        if plan.new_tie_types:
            plan.notes.append("New tie types: " + ", ".join(plan.new_tie_types) + ".")
        if m.strength_from and m.strength_scale == "as_is":
            plan.notes.append(f"Tie strength comes from {m.strength_from!r} as it is (1-3).")
        elif m.strength_from and m.strength_scale == "thirds":
            pass  # the scaling was described with the column's range
        elif m.strength_from:
            plan.notes.append(f"Every tie gets strength 1; each keeps its {m.strength_from!r}.")
        else:
            plan.notes.append("Every tie gets strength 1 (no strength column chosen).")
        rated = sum(1 for s in plan.stakeholders if s["ratings"])
        if rated:
            plan.notes.append(f"{rated} stakeholders bring influence ratings (kept exactly).")
        if self.middle_interest:
            plan.notes.append(
                f"{self.middle_interest} of those ratings give no interest: it is set to 5 "
                "(the middle of 0-10) so the power-interest grid can place them."
            )
        if self.interest_only:
            plan.notes.append(
                f"{self.interest_only} stakeholders give an interest but no influence: no rating "
                "is made for them, and the value stays with the stakeholder."
            )
        if self.off_scale:
            shown = ", ".join(self.off_scale[:5])
            plan.notes.append(
                f"{len(self.off_scale)} influence or interest values are outside 0-10 ({shown}): "
                "they are not used as ratings and stay with their stakeholder as they are."
            )
        if self.long_names:
            plan.notes.append(
                f"{len(self.long_names)} names are longer than {MAX_NAME} characters and are "
                f"shortened on the map (the full name stays with them): {_lines(self.long_names)}."
            )
        if self.long_goals:
            plan.notes.append(
                f"{len(self.long_goals)} descriptions are longer than {MAX_GOALS} characters: "
                "they are shortened in 'What they want' and kept whole with the stakeholder "
                f"({_lines(self.long_goals)})."
            )


def plan_import(
    raw: RawMap,
    settings: NetworkSettings,
    perspectives: dict[str, str] | None = None,
    on_map: dict[int, list[str]] | None = None,
    mapping: ImportMapping | None = None,
) -> ImportPlan:
    """What importing ``raw`` into a map with ``on_map`` names (id -> names) would do.

    ``perspectives`` maps perspective keys and labels to keys; ``mapping`` defaults to
    :func:`suggest_mapping`. Raises :class:`InvalidInput` when the file cannot be imported.

    >>> raw = RawMap("m.csv", "Kumu CSV", [RawNode("a", {"Label": "GP"}, "line 2"),
    ...     RawNode("b", {"Label": "GP"}, "line 3")], [RawEdge("a", "b", {"weight": "7"}, "x")])
    >>> plan_import(raw, NetworkSettings()).headline()
    '2 stakeholders, 1 ties from Kumu CSV.'
    """
    mapping = mapping or suggest_mapping(raw, settings)
    if mapping.strength_scale not in STRENGTH_SCALES:
        msg = f"Choose how strength is read: {', '.join(STRENGTH_SCALES)}."
        raise InvalidInput(msg)
    keys = [t.key for t in settings.tie_types]
    if mapping.default_tie_type not in keys:
        msg = f"Ties with no type need one of this map's tie types: {', '.join(keys)}."
        raise InvalidInput(msg)
    planner = _Planner(raw, settings, perspectives, on_map, mapping)
    index = planner.stakeholders()
    planner.ties(index)
    return planner.finish()
