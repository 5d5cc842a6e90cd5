"""Goal mapping: goal cards, themes, dot votes and what they add up to.

Pure Python: no SQL, no widgets, no pandas. The store persists cards (as entries), votes and
the facilitator's theme and service events; views and the analyst functions in
:mod:`codesign_widgets.goal_analysis` show what these functions compute.

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

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import InvalidInput
from .workshop import clean_text

__all__ = [
    "CONFIDENCE_PROMPT_BELOW",
    "DEFAULT_BUDGET",
    "DEFAULT_PROMPTS",
    "MAX_BARRIERS",
    "MAX_SERVICES",
    "GoalCard",
    "Priority",
    "ThemeEvent",
    "barriers_most_named",
    "clean_card",
    "clean_service",
    "clean_theme",
    "confidence_by_group",
    "current_themes",
    "effective_theme",
    "gaps",
    "merge_map",
    "priorities",
    "resolve_theme",
    "services_most_needed",
    "vote_totals",
]

MAX_SHORT = 500  # what matters, goal
MAX_LONG = 1000  # first steps, "what would make it a 7?"
MAX_SERVICE = 80
MAX_SERVICES = 20
MAX_BARRIER = 200
MAX_BARRIERS = 20
MAX_THEME = 60
CONFIDENCE_PROMPT_BELOW = 7
DEFAULT_BUDGET = 5
MAX_BUDGET = 50
NO_THEME = "No theme yet"

# Wording a template may override in its [goal_prompts] table.
DEFAULT_PROMPTS: dict[str, str] = {
    "what_matters": "What matters to me",
    "goal": "My goal, in my own words",
    "steps": "First steps: who does what, by when",
    "services": "Supports and services that would help",
    "new_service": "Another support or service (type it)",
    "barriers": "What gets in the way (one per line)",
    "confidence": "How confident am I (0-10)?",
    "to_seven": "What would make it a 7?",
    "review_date": "Review date",
    "theme": "Theme (a word or two)",
    "visibility": "Who sees this card",
}


@dataclass(frozen=True)
class GoalCard:
    """One goal card as it stands now (its latest version), with the facilitator's theme."""

    id: int
    author_id: int
    author_public_id: str
    perspective: str
    group: str
    what_matters: str
    goal: str
    steps: str
    services: tuple[str, ...]
    barriers: tuple[str, ...]
    confidence: int | None
    to_seven: str
    review_date: str
    theme: str
    visibility: str
    hidden: bool = False
    status: str = "active"
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def shared(self) -> bool:
        return self.visibility == "shared"


@dataclass(frozen=True)
class ThemeEvent:
    """A facilitator's theming step: ``assign`` card ``target`` to ``value``, or ``merge``
    theme ``target`` into theme ``value``."""

    kind: str
    target: str
    value: str


@dataclass(frozen=True)
class Priority:
    """A vote target's standing: pooled and equal-say shares, and votes per group."""

    target: str
    votes: int
    pooled: float
    equal_say: float
    by_group: dict[str, int] = field(default_factory=dict)


# -- cleaning ----------------------------------------------------------------------------------
def clean_service(name: object) -> str:
    """A service name as typed, checked; shown as text and neutralised in exports.

    >>> clean_service("  =HYPERLINK(\\"x\\")  ")
    '=HYPERLINK("x")'
    """
    return clean_text(name, what="A service name", max_length=MAX_SERVICE, required=True)


def clean_theme(name: object, *, required: bool = False) -> str:
    return clean_text(name, what="The theme", max_length=MAX_THEME, required=required)


def _lines(value: object, *, what: str, max_each: int, max_count: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split("\n")
    if not isinstance(value, list | tuple):
        msg = f"{what} must be text."
        raise InvalidInput(msg)
    items: list[str] = []
    for item in value:
        text = clean_text(item, what=what, max_length=max_each)
        if text and text.casefold() not in {i.casefold() for i in items}:
            items.append(text)
    if len(items) > max_count:
        msg = f"{what}: at most {max_count}, please ({len(items)} given). Keep the main ones."
        raise InvalidInput(msg)
    return tuple(items)


def clean_card(raw: Mapping[str, object]) -> dict:
    """Check a goal card as typed and return the body to store.

    Required: what matters and the goal. Too long is refused with a sentence (nothing cut).
    Services are a list of names (from the workshop's list or typed new); barriers a list of
    short lines (or text, one per line); confidence 0-10 or empty; review date ``YYYY-MM-DD``
    or empty; visibility ``"private"`` (the author only) or ``"shared"`` (the group).

    >>> clean_card({"what_matters": "My dog", "goal": "Walk to the park"})["visibility"]
    'private'
    """
    if not isinstance(raw, Mapping):
        msg = "A goal card must be a set of named fields."
        raise InvalidInput(msg)
    body = {
        "what_matters": clean_text(
            raw.get("what_matters"),
            what="What matters to you",
            max_length=MAX_SHORT,
            required=True,
            multiline=True,
        ),
        "goal": clean_text(
            raw.get("goal"), what="Your goal", max_length=MAX_SHORT, required=True, multiline=True
        ),
        "steps": clean_text(
            raw.get("steps"), what="First steps", max_length=MAX_LONG, multiline=True
        ),
        "services": list(
            _lines(
                raw.get("services"),
                what="Supports and services",
                max_each=MAX_SERVICE,
                max_count=MAX_SERVICES,
            )
        ),
        "barriers": list(
            _lines(
                raw.get("barriers"), what="Barriers", max_each=MAX_BARRIER, max_count=MAX_BARRIERS
            )
        ),
        "to_seven": clean_text(
            raw.get("to_seven"), what="What would make it a 7", max_length=MAX_LONG, multiline=True
        ),
        "theme": clean_theme(raw.get("theme")),
    }
    confidence = raw.get("confidence")
    if confidence in (None, ""):
        body["confidence"] = None
    elif isinstance(confidence, bool) or not isinstance(confidence, int | float):
        msg = "Confidence is a number from 0 to 10."
        raise InvalidInput(msg)
    elif not 0 <= confidence <= 10 or int(confidence) != confidence:
        msg = f"Confidence is a whole number from 0 to 10, not {confidence}."
        raise InvalidInput(msg)
    else:
        body["confidence"] = int(confidence)
    review = raw.get("review_date")
    if isinstance(review, dt.date):
        review = review.isoformat()
    if review in (None, ""):
        body["review_date"] = ""
    else:
        try:
            body["review_date"] = dt.date.fromisoformat(str(review)[:10]).isoformat()
        except ValueError as exc:
            msg = "The review date is not a date: pick one from the calendar, or leave it empty."
            raise InvalidInput(msg) from exc
    visibility = raw.get("visibility", "private")
    if visibility not in ("private", "shared"):
        msg = 'Choose who sees the card: "only me" or "the group".'
        raise InvalidInput(msg)
    body["visibility"] = visibility
    return body


def card_from_body(
    body: Mapping[str, object],
    *,
    id: int,
    author_id: int,
    author_public_id: str,
    perspective: str,
    group: str,
    theme: str | None = None,
    hidden: bool = False,
    status: str = "active",
    created_at: float = 0.0,
    updated_at: float = 0.0,
) -> GoalCard:
    """A :class:`GoalCard` from a stored body (older or partial bodies are tolerated)."""
    confidence = body.get("confidence")
    return GoalCard(
        id=id,
        author_id=author_id,
        author_public_id=author_public_id,
        perspective=perspective,
        group=group,
        what_matters=str(body.get("what_matters", "")),
        goal=str(body.get("goal", "")),
        steps=str(body.get("steps", "")),
        services=tuple(str(s) for s in body.get("services", ()) or ()),
        barriers=tuple(str(b) for b in body.get("barriers", ()) or ()),
        confidence=int(confidence) if isinstance(confidence, int | float) else None,
        to_seven=str(body.get("to_seven", "")),
        review_date=str(body.get("review_date", "")),
        theme=str(body.get("theme", "")) if theme is None else theme,
        visibility=str(body.get("visibility", "private")),
        hidden=hidden,
        status=status,
        created_at=created_at,
        updated_at=updated_at,
    )


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
    seen: dict[str, str] = {}
    for card in cards:
        if card.theme and card.theme.casefold() not in seen:
            seen[card.theme.casefold()] = card.theme
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


# -- aggregation -------------------------------------------------------------------------------
def _ranked(counter: Counter, names: Mapping[str, str]) -> list[tuple[str, int]]:
    return sorted(((names[k], n) for k, n in counter.items()), key=lambda kv: (-kv[1], kv[0]))


def services_most_needed(cards: Iterable[GoalCard]) -> list[tuple[str, int]]:
    """(service, number of cards naming it), most needed first; names match ignoring case.

    >>> services_most_needed([_card(services=("GP",)), _card(services=("gp", "Gym"))])
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


def _card(**fields) -> GoalCard:
    """A card with defaults, for doctests and tests."""
    base = {
        "id": 1,
        "author_id": 1,
        "author_public_id": "P-TEST",
        "perspective": "lived_experience",
        "group": "lived_experience",
        "what_matters": "",
        "goal": "",
        "steps": "",
        "services": (),
        "barriers": (),
        "confidence": None,
        "to_seven": "",
        "review_date": "",
        "theme": "",
        "visibility": "shared",
    }
    return GoalCard(**{**base, **fields})
