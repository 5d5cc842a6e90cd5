"""Rules for what people send to a stakeholder map: names, and the fields of a form.

Two names are the same body when they differ only in case, Unicode form or spacing
(:func:`name_key`); the add form offers names already on the map (:func:`suggest_names`).
The ``clean_*`` functions check a stakeholder, tie, rating or new tie type and return what is
stored, or raise :class:`~codesign_widgets.core.errors.InvalidInput` saying what to change.

Pure Python and light like :mod:`codesign_widgets.network.model`: a participant's kernel imports
it to check a form, so no networkx, numpy or pandas here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from ..core.errors import InvalidInput
from ..core.i18n import N_
from ..core.workshop import clean_text
from .model import DIRECTIONS, EXTRA_COLOURS, NetworkSettings, TieType

__all__ = [
    "MAX_GOALS",
    "MAX_NAME",
    "clean_rating",
    "clean_stakeholder",
    "clean_tie",
    "clean_tie_type",
    "find_same_name",
    "name_key",
    "suggest_names",
]

MAX_NAME = 80
MAX_GOALS = 500
MAX_TIE_TYPE = 40
MAX_TIE_TYPES = 30
INFLUENCE_RANGE = (0, 10)
STRENGTH_RANGE = (1, 3)
_SPACES = re.compile(r"\s+")


# -- names -------------------------------------------------------------------------------------
def name_key(name: str) -> str:
    """What two names must share to be the same body: case, Unicode form and spacing ignored.

    >>> name_key("  Café   Nero ") == name_key("CAFE\\u0301 nero")
    True
    """
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def clean_name(name: object) -> str:
    return clean_text(name, what=N_("The stakeholder's name"), max_length=MAX_NAME, required=True)


def find_same_name(name: str, names: Mapping[int, str | Iterable[str]]) -> int | None:
    """The id whose name (or one of its names) is ``name`` up to case and Unicode form."""
    key = name_key(name)
    for item_id, known in names.items():
        for candidate in [known] if isinstance(known, str) else known:
            if name_key(candidate) == key:
                return item_id
    return None


def suggest_names(typed: str, names: Iterable[str], limit: int = 8) -> list[str]:
    """Names that start with (first) or contain what was typed, for the add form's hints.

    >>> suggest_names("gp", ["Pharmacy", "GP practice", "Out-of-hours GP"])
    ['GP practice', 'Out-of-hours GP']
    """
    key = name_key(typed)
    if not key:
        return []
    starts, contains = [], []
    for name in names:
        candidate = name_key(name)
        if candidate.startswith(key):
            starts.append(name)
        elif key in candidate:
            contains.append(name)
    return (sorted(starts, key=str.casefold) + sorted(contains, key=str.casefold))[:limit]


# -- checking what people send -------------------------------------------------------------------
def _whole(value: object, what: str, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value != int(value)
    ):
        msg = N_("{what} must be a whole number from {low} to {high}.")
        raise InvalidInput(msg, what=what, low=low, high=high)
    if not low <= int(value) <= high:
        msg = N_("{what} must be from {low} to {high} (it was {value}).")
        raise InvalidInput(msg, what=what, low=low, high=high, value=value)
    return int(value)


def clean_rating(influence: object, interest: object) -> tuple[int, int]:
    """Influence (the tower's height) and interest, each a whole number 0-10."""
    low, high = INFLUENCE_RANGE
    return (
        _whole(influence, "Influence", low, high),
        _whole(interest, "Interest", low, high),
    )


def clean_stakeholder(
    name: object,
    kind: object,
    perspective: object,
    goals: object,
    *,
    settings: NetworkSettings,
    perspectives: Iterable[str],
) -> dict:
    """A stakeholder's fields, checked: the body stored for it. ``perspective`` may be ''."""
    name = clean_name(name)
    if kind not in settings.kinds:
        msg = N_("Please choose what kind of stakeholder this is: {kinds}.")
        kinds = ", ".join(settings.kind_label(k) for k in settings.kinds)
        raise InvalidInput(msg, kinds=kinds)
    if perspective not in ("", *perspectives):
        msg = N_("Please choose one of the perspectives shown (or 'not sure').")
        raise InvalidInput(msg)
    goals = clean_text(goals, what=N_("What they want"), max_length=MAX_GOALS, multiline=True)
    return {"name": name, "kind": kind, "perspective": perspective, "goals": goals}


def clean_tie(
    source: object,
    target: object,
    tie_type: object,
    direction: object,
    strength: object,
    *,
    settings: NetworkSettings,
) -> dict:
    """A tie's fields, checked (not yet against the map: see the store)."""
    if not isinstance(source, int) or not isinstance(target, int):
        msg = N_("Choose who the tie is from and who it is to.")
        raise InvalidInput(msg)
    if source == target:
        msg = N_("A tie links two different stakeholders: choose someone else for 'to'.")
        raise InvalidInput(msg)
    settings.tie_type(str(tie_type))
    if direction not in DIRECTIONS:
        msg = N_("Choose the tie's direction: from → to, both ways, or no direction.")
        raise InvalidInput(msg)
    low, high = STRENGTH_RANGE
    return {
        "source": source,
        "target": target,
        "type": str(tie_type),
        "direction": direction,
        "strength": _whole(strength, "Strength", low, high),
    }


def clean_tie_type(label: object, existing: Sequence[TieType]) -> TieType:
    """A new tie type the facilitator names; its key is made from the label."""
    label = clean_text(label, what=N_("The tie type"), max_length=MAX_TIE_TYPE, required=True)
    key = re.sub(r"[^a-z0-9]+", "_", name_key(label)).strip("_") or "type"
    if any(t.key == key or name_key(t.label) == name_key(label) for t in existing):
        msg = f"There is already a tie type called {label!r}."
        raise InvalidInput(msg)
    if len(existing) >= MAX_TIE_TYPES:
        msg = f"A map can have up to {MAX_TIE_TYPES} tie types; reuse one of them."
        raise InvalidInput(msg)
    return TieType(key, label, EXTRA_COLOURS[len(existing) % len(EXTRA_COLOURS)])
