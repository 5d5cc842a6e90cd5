"""Criteria sets for prototype scoring: the criteria, their weights and labelled scales.

A criteria set comes from ``data/criteria/<key>.toml``, from the facilitator's custom form or
back from the store as JSON; :func:`criteria_set_from_dict` checks each the same way. Pure
Python and lean like :mod:`codesign_widgets.scoring.model` (participant kernels import both): no
widgets, SQL or pandas. How a score on a criterion's scale counts towards a weighted score is
described in :mod:`codesign_widgets.scoring.model`.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.errors import InvalidInput, NotFound
from ..core.i18n import N_
from ..core.templates import data_path
from ..core.workshop import clean_text

__all__ = [
    "MAX_CRITERIA",
    "CriteriaSet",
    "Criterion",
    "criteria_set_from_dict",
    "list_criteria_sets",
    "load_criteria_set",
]

MAX_CRITERIA = 12
MAX_SCALE_POINTS = 11


@dataclass(frozen=True)
class Criterion:
    """One thing prototypes are scored on, with its weight and labelled scale."""

    key: str
    label: str
    question: str = ""
    weight: float = 1.0
    min: int = 1
    max: int = 5
    labels: tuple[str, ...] = ()
    reverse: bool = False

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))

    @property
    def span(self) -> int:
        return self.max - self.min

    def label_for(self, value: int | None) -> str:
        """``'4 Very'`` for a point with a label, ``"Can't say"`` for ``None``."""
        if value is None:
            return N_("Can't say")
        if self.labels and self.min <= value <= self.max:
            return f"{value} {self.labels[value - self.min]}"
        return str(value)

    def normalised(self, value: float) -> float:
        """A score as 0-1 where 1 is best (flipped for a ``reverse`` criterion)."""
        share = (value - self.min) / self.span
        return 1.0 - share if self.reverse else share


@dataclass(frozen=True)
class CriteriaSet:
    """Criteria a group scores prototypes on; ``axes`` names two criteria for a 2x2 chart."""

    key: str
    name: str
    criteria: tuple[Criterion, ...]
    description: str = ""
    axes: tuple[str, str] | None = None

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        msg = f"The criterion {key!r} is not in the criteria set {self.name!r}."
        raise NotFound(msg)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.criteria)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Things a facilitator should know, though the set is usable (English; the view
        translates each with ``tr.gettext``)."""
        if len(self.criteria) == 1:
            return (
                N_(
                    "This set has one criterion, so the weighted score is simply that "
                    "criterion's score. Add more if the group should weigh several things."
                ),
            )
        return ()

    def to_dict(self) -> dict:
        """A plain dict (stored as JSON); :func:`criteria_set_from_dict` reads it back."""
        return {
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "axes": list(self.axes) if self.axes else [],
            "criteria": [
                {
                    "key": c.key,
                    "label": c.label,
                    "question": c.question,
                    "weight": c.weight,
                    "min": c.min,
                    "max": c.max,
                    "labels": list(c.labels),
                    "reverse": c.reverse,
                }
                for c in self.criteria
            ],
        }


def _criterion_from_dict(raw: Mapping, where: str) -> Criterion:
    if not isinstance(raw, Mapping):
        msg = f"{where}: each criterion must be a table of named fields."
        raise InvalidInput(msg)
    label = clean_text(
        raw.get("label"), what=f"{where}: a criterion's name", max_length=60, required=True
    )
    key = str(raw.get("key") or "").strip() or _slug(label)
    if not key.replace("_", "").isalnum() or len(key) > 40:
        msg = f"{where}: the key {key!r} must be letters, digits and underscores (up to 40)."
        raise InvalidInput(msg)
    try:
        weight = float(raw.get("weight", 1))
        low, high = raw.get("min", 1), raw.get("max", 5)
        if isinstance(low, bool) or isinstance(high, bool) or low != int(low) or high != int(high):
            raise ValueError
        low, high = int(low), int(high)
    except (TypeError, ValueError):
        msg = f"{where}: {label!r} needs a number for its weight and whole numbers for its scale."
        raise InvalidInput(msg) from None
    if not math.isfinite(weight) or weight < 0:
        msg = f"{where}: the weight of {label!r} must be zero or more (it is {weight})."
        raise InvalidInput(msg)
    if not 1 <= high - low <= MAX_SCALE_POINTS - 1:
        msg = (
            f"{where}: the scale of {label!r} runs from {low} to {high}; it needs 2 to "
            f"{MAX_SCALE_POINTS} points, lowest first."
        )
        raise InvalidInput(msg)
    labels = tuple(
        clean_text(x, what=f"{where}: a scale label", max_length=40)
        for x in raw.get("labels", []) or []
    )
    if labels and len(labels) != high - low + 1:
        msg = (
            f"{where}: {label!r} has {len(labels)} scale labels for {high - low + 1} points "
            f"({low} to {high}); give one label per point, or none."
        )
        raise InvalidInput(msg)
    return Criterion(
        key=key,
        label=label,
        question=clean_text(raw.get("question"), what=f"{where}: a question", max_length=300),
        weight=weight,
        min=low,
        max=high,
        labels=labels,
        reverse=bool(raw.get("reverse", False)),
    )


def _slug(text: str) -> str:
    slug = "".join(ch.lower() if ch.isalnum() else "_" for ch in text if ch.isascii())
    return "_".join(part for part in slug.split("_") if part)[:40] or "criterion"


def criteria_set_from_dict(raw: Mapping, *, key: str = "custom") -> CriteriaSet:
    """Check a criteria set (from TOML, JSON or the custom form) and build it.

    Refuses, with a sentence: no criteria, repeated names, weights that are negative or sum
    to zero, scales with fewer than two points, and axes that name unknown criteria.

    >>> s = criteria_set_from_dict({"name": "Quick", "criteria": [
    ...     {"label": "Impact", "weight": 2}, {"label": "Cost", "reverse": True}]})
    >>> [c.key for c in s.criteria], s.criteria[0].weight
    (['impact', 'cost'], 2.0)
    """
    if not isinstance(raw, Mapping):
        msg = "A criteria set must be a table of named fields."
        raise InvalidInput(msg)
    name = clean_text(raw.get("name") or "Custom criteria", what="The set's name", max_length=80)
    where = f"Criteria set {name!r}"
    items = raw.get("criteria") or []
    if not isinstance(items, list | tuple) or not items:
        msg = f"{where} has no criteria: add at least one criterion to score prototypes on."
        raise InvalidInput(msg)
    if len(items) > MAX_CRITERIA:
        msg = f"{where} has {len(items)} criteria; keep it to {MAX_CRITERIA} or fewer."
        raise InvalidInput(msg)
    criteria = tuple(_criterion_from_dict(item, where) for item in items)
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        msg = f"{where} names a criterion twice; give each criterion its own name."
        raise InvalidInput(msg)
    if sum(c.weight for c in criteria) <= 0:
        msg = (
            f"{where}: the weights add up to zero, so no score could count. "
            "Give at least one criterion a weight above zero."
        )
        raise InvalidInput(msg)
    axes = tuple(raw.get("axes") or ())
    if axes and (len(axes) != 2 or not set(axes) <= set(keys) or axes[0] == axes[1]):
        msg = f"{where}: axes must name two different criteria of the set."
        raise InvalidInput(msg)
    return CriteriaSet(
        key=str(raw.get("key") or key),
        name=name,
        description=clean_text(raw.get("description"), what="A description", max_length=300),
        criteria=criteria,
        axes=(str(axes[0]), str(axes[1])) if axes else None,
    )


def list_criteria_sets() -> list[str]:
    """Keys of the criteria sets in ``data/criteria``, in their ``order``."""
    folder = data_path() / "criteria"
    found = []
    for path in folder.glob("*.toml"):
        order = tomllib.loads(path.read_text(encoding="utf-8")).get("order", 99)
        found.append((order, path.stem))
    return [stem for _order, stem in sorted(found)]


def load_criteria_set(key: str) -> CriteriaSet:
    """Read ``data/criteria/<key>.toml``.

    >>> [c.key for c in load_criteria_set("impact_effort").criteria]
    ['impact', 'effort']
    """
    if key not in list_criteria_sets():
        msg = f"There is no criteria set {key!r}; choose one of: {', '.join(list_criteria_sets())}."
        raise NotFound(msg)
    path = data_path() / "criteria" / f"{key}.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        msg = f"The criteria file {path.name} is not valid TOML ({exc}); fix it and try again."
        raise InvalidInput(msg) from exc
    return criteria_set_from_dict(raw, key=key)
