"""Goal mapping's counts: what the cards need and what the dots add up to.

Services most needed, barriers most named, gaps (goals with no service), confidence per
perspective group, and the priorities from the dots. Pure Python: no SQL, no widgets, no
pandas; the hub and :mod:`codesign_widgets.goals.frames` show what these compute.

Equal say
---------
Each vote carries its voter's perspective group (lived experience, provider, system). The
*pooled* share of a target is its votes over all votes. The *equal-say* share is the mean,
over the groups that voted at all, of each group's share of its own votes::

    equal_say(t) = (1 / |G|) * sum over g in G of votes_g(t) / votes_g

so a group of twelve providers and a group of three people with lived experience each move
the result by the same amount. Both shares add up to 1 over all targets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .cards import GoalCard

__all__ = [
    "Priority",
    "barriers_most_named",
    "confidence_by_group",
    "gaps",
    "priorities",
    "services_most_needed",
    "vote_totals",
]


@dataclass(frozen=True)
class Priority:
    """A vote target's standing: pooled and equal-say shares, and votes per group."""

    target: str
    votes: int
    pooled: float
    equal_say: float
    by_group: dict[str, int] = field(default_factory=dict)


# -- aggregation -------------------------------------------------------------------------------
def _ranked(counter: Counter, names: Mapping[str, str]) -> list[tuple[str, int]]:
    return sorted(((names[k], n) for k, n in counter.items()), key=lambda kv: (-kv[1], kv[0]))


def services_most_needed(cards: Iterable[GoalCard]) -> list[tuple[str, int]]:
    """(service, number of cards naming it), most needed first; names match ignoring case.

    >>> from codesign_widgets.goals.cards import example_card
    >>> services_most_needed([example_card(services=("GP",)), example_card(services=("gp", "Gym"))])
    [('GP', 2), ('Gym', 1)]
    """
    counts: Counter = Counter()
    names: dict[str, str] = {}
    for card in cards:
        for service in {s.casefold(): s for s in card.services}.values():
            names.setdefault(service.casefold(), service)
            counts[service.casefold()] += 1
    return _ranked(counts, names)


def barriers_most_named(cards: Iterable[GoalCard]) -> list[tuple[str, int]]:
    """(barrier, number of cards naming it), most named first; matched ignoring case."""
    counts: Counter = Counter()
    names: dict[str, str] = {}
    for card in cards:
        for barrier in {b.casefold(): b for b in card.barriers}.values():
            names.setdefault(barrier.casefold(), barrier)
            counts[barrier.casefold()] += 1
    return _ranked(counts, names)


def gaps(cards: Iterable[GoalCard]) -> list[GoalCard]:
    """Goals with no support or service at all: where the system has nothing to offer yet."""
    return [card for card in cards if not card.services]


def confidence_by_group(
    cards: Iterable[GoalCard], groups: Sequence[str] = ()
) -> dict[str, list[int]]:
    """Cards per confidence score 0..10, for everyone (``"all"``) and per perspective group.

    Each value is a list of 11 counts (index = score). Cards without a score are left out.
    """
    out: dict[str, list[int]] = {"all": [0] * 11}
    for group in groups:
        out[group] = [0] * 11
    for card in cards:
        if card.confidence is None:
            continue
        out["all"][card.confidence] += 1
        out.setdefault(card.group, [0] * 11)[card.confidence] += 1
    return out


def vote_totals(votes: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    """Net dots per target per group from ``(target, group, delta)`` vote events.

    >>> vote_totals([("1", "provider", 1), ("1", "provider", 1), ("1", "provider", -1)])
    {'1': {'provider': 1}}
    """
    totals: dict[str, dict[str, int]] = {}
    for target, group, delta in votes:
        per = totals.setdefault(target, {})
        per[group] = per.get(group, 0) + int(delta)
    return {
        t: {g: n for g, n in per.items() if n} for t, per in totals.items() if any(per.values())
    }


def priorities(votes: Iterable[tuple[str, str, int]]) -> list[Priority]:
    """Vote targets ranked by pooled share, each with its equal-say share (see module doc).

    >>> [(p.target, p.votes, round(p.pooled, 2), round(p.equal_say, 2)) for p in priorities(
    ...     [("A", "provider", 1)] * 3 + [("B", "lived_experience", 1)])]
    [('A', 3, 0.75, 0.5), ('B', 1, 0.25, 0.5)]
    """
    totals = vote_totals(votes)
    group_sum: Counter = Counter()
    for per in totals.values():
        for group, n in per.items():
            group_sum[group] += n
    groups = [g for g, n in group_sum.items() if n > 0]
    all_votes = sum(group_sum[g] for g in groups)
    ranked = []
    for target, per in totals.items():
        votes_here = sum(per.values())
        pooled = votes_here / all_votes if all_votes else 0.0
        equal = sum(per.get(g, 0) / group_sum[g] for g in groups) / len(groups) if groups else 0.0
        ranked.append(Priority(target, votes_here, pooled, equal, dict(sorted(per.items()))))
    return sorted(ranked, key=lambda p: (-p.pooled, -p.equal_say, p.target))
