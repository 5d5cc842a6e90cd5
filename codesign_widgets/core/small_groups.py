"""Small-group protection: a breakdown by perspective never singles people out.

With one person per perspective, "dots by perspective" or "comments (Lived experience)" show
what that one person did, the anonymous one included. So a breakdown (dots, scores,
comments, influence ratings) shows a perspective on its own only when at least
``smallest`` people are in it (the plan's ``smallest_group``, 3 unless it says otherwise).
Smaller ones are shown together as "Other perspectives". If that merged group is itself too
small, the smallest shown perspective joins it too, until it is big enough or nothing is
shown apart: otherwise "everyone" minus the shown groups would give the small one away.

Everything here is pure: views, exports and the report ask :func:`merge_small_groups` with
the number of people in each group and show what it answers.

>>> merge_small_groups({"lived_experience": 5, "provider": 3, "system": 4}, 3)
{'lived_experience': 'lived_experience', 'provider': 'provider', 'system': 'system'}
>>> merge_small_groups({"lived_experience": 5, "provider": 2, "system": 1}, 3)
{'lived_experience': 'lived_experience', 'provider': 'other', 'system': 'other'}
>>> merge_small_groups({"lived_experience": 5, "provider": 4, "system": 1}, 3)
{'lived_experience': 'lived_experience', 'provider': 'other', 'system': 'other'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .i18n import N_, Translator, translator

__all__ = [
    "DEFAULT_SMALLEST_GROUP",
    "OTHER",
    "OTHER_LABEL",
    "group_sizes",
    "merge_small_groups",
    "merged_note",
    "shown_group",
]

#: The smallest group shown on its own when the plan does not say.
DEFAULT_SMALLEST_GROUP = 3
#: The key and label of the merged group.
OTHER = "other"
OTHER_LABEL = N_("Other perspectives")


def merge_small_groups(sizes: Mapping[str, int], smallest: int) -> dict[str, str]:
    """Map each group to the group it is shown under: itself, or :data:`OTHER`.

    ``sizes`` counts the people in each group (groups with nobody stay as they are: they
    have nothing to show). ``smallest`` of 1 or less shows every group apart.

    >>> merge_small_groups({"a": 3, "b": 3, "c": 3}, 3)
    {'a': 'a', 'b': 'b', 'c': 'c'}
    >>> merge_small_groups({"a": 2, "b": 2}, 3)
    {'a': 'other', 'b': 'other'}
    >>> merge_small_groups({"a": 1, "b": 0}, 3)
    {'a': 'other', 'b': 'b'}
    """
    plan = {group: group for group in sizes}
    if smallest <= 1:
        return plan
    merged = [g for g, n in sizes.items() if 0 < n < smallest]
    shown = sorted((g for g, n in sizes.items() if n >= smallest), key=lambda g: (sizes[g], g))
    size = sum(sizes[g] for g in merged)
    while merged and size < smallest and shown:
        group = shown.pop(0)
        merged.append(group)
        size += sizes[group]
    for group in merged:
        plan[group] = OTHER
    return plan


def group_sizes(pairs: Iterable[tuple[str, object]], groups: Iterable[str] = ()) -> dict[str, int]:
    """People per group from ``(group, person)`` pairs (a person counted once per group),
    with every group in ``groups`` present.

    >>> group_sizes([("a", 1), ("a", 1), ("a", 2), ("b", 3)], ["c"])
    {'c': 0, 'a': 2, 'b': 1}
    """
    people: dict[str, set] = {g: set() for g in groups}
    for group, person in pairs:
        people.setdefault(group, set()).add(person)
    return {g: len(p) for g, p in people.items()}


def shown_group(group: str, plan: Mapping[str, str]) -> str:
    """The group ``group`` is shown under (itself if the plan does not name it)."""
    return plan.get(group, group)


def merged_note(
    plan: Mapping[str, str],
    labels: Mapping[str, str],
    smallest: int,
    sizes: Mapping[str, int] | None = None,
    tr: Translator | None = None,
) -> str:
    """A sentence saying which perspectives are shown together, and why, or ``""``, in
    ``tr``'s language (``labels`` come translated).

    With ``sizes`` it names the perspectives that were too small apart from those that
    joined them so the merged group would not single people out.

    >>> plan = {"a": "a", "b": "other", "c": "other"}
    >>> merged_note(plan, {"b": "Provider", "c": "System"}, 3)[:60]
    'Provider and System are shown together as "Other perspective'
    >>> merged_note(plan, {"b": "Provider", "c": "System"}, 3, {"a": 5, "b": 4, "c": 1})[:59]
    'System had fewer than 3 people taking part, so it is shown '
    """
    tr = tr or translator()
    merged = [g for g, shown in plan.items() if shown == OTHER]
    if not merged:
        return ""
    names = _and((labels.get(g, g) for g in merged), tr)
    other = tr.gettext(OTHER_LABEL)
    if all(shown == OTHER for shown in plan.values()):
        return tr.gettext(
            "Results are not shown by perspective: too few people took part in {names} to "
            "show them apart without singling people out (the plan asks for at least {n} in "
            "each)."
        ).format(names=names, n=smallest)
    small = [g for g in merged if sizes is not None and sizes.get(g, 0) < smallest]
    joined = [g for g in merged if g not in small]
    if sizes is not None and small and joined:
        return tr.ngettext(
            "{small} had fewer than {n} people taking part, so it is shown together with "
            '{joined} as "{other}" (on its own it would single people out).',
            "{small} had fewer than {n} people taking part, so they are shown together with "
            '{joined} as "{other}" (on their own it would single people out).',
            len(small),
        ).format(
            small=_and((labels.get(g, g) for g in small), tr),
            n=smallest,
            joined=_and((labels.get(g, g) for g in joined), tr),
            other=other,
        )
    return tr.ngettext(
        '{names} is shown together as "{other}": fewer than {n} people took part in each, '
        "so showing them apart would single people out.",
        '{names} are shown together as "{other}": fewer than {n} people took part in each, '
        "so showing them apart would single people out.",
        len(merged),
    ).format(names=names, other=other, n=smallest)


def _and(items: Iterable[str], tr: Translator) -> str:
    items = list(items)
    if len(items) == 1:
        return items[0]
    return tr.gettext("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])
