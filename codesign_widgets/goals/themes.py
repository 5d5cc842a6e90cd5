"""Goal mapping's themes: the facilitator's assignments and merges, and the wall by theme.

A card carries its author's theme; the facilitator may put it under another theme or merge
one theme into another. Both are kept as :class:`ThemeEvent` steps (nothing overwritten), and
the theme a card shows is worked out from them here. Pure Python: no SQL, no widgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .cards import GoalCard

__all__ = [
    "ThemeEvent",
    "current_themes",
    "effective_theme",
    "merge_map",
    "resolve_theme",
    "theme_names",
]

NO_THEME = "No theme yet"


@dataclass(frozen=True)
class ThemeEvent:
    """A facilitator's theming step: ``assign`` card ``target`` to ``value``, or ``merge``
    theme ``target`` into theme ``value``."""

    kind: str
    target: str
    value: str


# -- themes ------------------------------------------------------------------------------------
def merge_map(events: Iterable[ThemeEvent]) -> dict[str, str]:
    """Where each merged theme went, followed to the end (case-insensitive names).

    >>> merge_map([ThemeEvent("merge", "walks", "Moving"), ThemeEvent("merge", "moving", "Active")])
    {'walks': 'Active', 'moving': 'Active'}
    """
    merged: dict[str, str] = {}
    for ev in events:
        if ev.kind != "merge":
            continue
        source, into = ev.target.casefold(), ev.value
        if source == into.casefold():
            continue
        merged[source] = into
        # Earlier merges into the source now go on into the new theme.
        for key, value in list(merged.items()):
            if value.casefold() == source:
                merged[key] = into
    return merged


def resolve_theme(theme: str, merged: Mapping[str, str]) -> str:
    """The theme ``theme`` ended up in after the merges in ``merged``."""
    seen = set()
    while theme.casefold() in merged and theme.casefold() not in seen:
        seen.add(theme.casefold())
        theme = merged[theme.casefold()]
    return theme


def effective_theme(card_id: int, own_theme: str, events: Sequence[ThemeEvent]) -> str:
    """The theme a card shows: the facilitator's latest assignment, else the author's, merged.

    >>> effective_theme(1, "walks", [ThemeEvent("merge", "Walks", "Getting out")])
    'Getting out'
    """
    theme = own_theme
    for ev in events:
        if ev.kind == "assign" and ev.target == str(card_id):
            theme = ev.value
    return resolve_theme(theme, merge_map(events)) if theme else ""


def current_themes(cards: Iterable[GoalCard]) -> list[str]:
    """Themes in use on the given cards, each once (first spelling wins), in card order."""
    return theme_names(card.theme for card in cards)


def theme_names(themes: Iterable[str]) -> list[str]:
    """Each theme once, ignoring case (the first spelling wins), in the order given; no
    empty ones.

    >>> theme_names(["Rest", "", "Money", "rest", "Friends"])
    ['Rest', 'Money', 'Friends']
    """
    seen: dict[str, str] = {}
    for theme in themes:
        if theme and theme.casefold() not in seen:
            seen[theme.casefold()] = theme
    return list(seen.values())


def group_by_theme(cards: Iterable[GoalCard]) -> dict[str, list[GoalCard]]:
    """Cards per theme (themes in first-seen order; cards without one come last)."""
    groups: dict[str, list[GoalCard]] = {}
    names: dict[str, str] = {}
    for card in cards:
        key = card.theme.casefold() if card.theme else ""
        names.setdefault(key, card.theme or NO_THEME)
        groups.setdefault(key, []).append(card)
    ordered = sorted(groups, key=lambda k: k == "")
    return {names[k]: groups[k] for k in ordered}
