"""Prototype scoring: rounds, prototypes, scores and decisions as plain data.

Criteria sets (what prototypes are scored on) are in :mod:`codesign_widgets.scoring.criteria`.

Pure Python and lean: participant kernels import this module, so it imports neither widgets,
SQL nor pandas. The aggregation that needs pandas lives in :mod:`codesign_widgets.scoring.results`
(facilitator and analyst code only); :func:`weighted_scores` here is the small pure-Python
version a participant page uses to show revealed results.

Scores
------
Each criterion has an integer scale ``min..max`` with a label per point, and a weight. A
participant gives each prototype a point on each criterion, or "can't say" (``None``), which
counts as no answer rather than as a middle score. For weighting, a score is *normalised* to
0-1, ``(value - min) / (max - min)``, flipped for a ``reverse`` criterion (where less is
better, such as effort), so that higher always means better.

The weighted score of a prototype (0-100) is ``100 * sum(w_c * m_c) / sum(w_c)`` over the
criteria that have at least one answer, where ``m_c`` is the mean normalised score on
criterion ``c``. Criteria nobody could score are left out and the weights of the rest are
re-normalised, so "can't say" never drags a prototype down.

Equal say: the weighted score is computed for each perspective group separately; the
equal-say score is the mean over the groups that scored the prototype, so twelve providers
and three people with lived experience move it by the same amount.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..core.errors import InvalidInput
from ..core.i18n import N_
from ..core.workshop import clean_text
from .criteria import CriteriaSet, Criterion

__all__ = [
    "CANT_SAY",
    "DECISIONS",
    "DECISION_LABELS",
    "MAX_COMMENT",
    "Decision",
    "Prototype",
    "Round",
    "RoundState",
    "ScoreRow",
    "check_score",
    "clean_comment",
    "clean_decision",
    "clean_prototype",
    "rank",
    "weighted_scores",
]

CANT_SAY = "cant_say"  # what a participant's widget sends for "can't say"; stored as NULL
MAX_COMMENT = 500
MAX_PROTOTYPE_TITLE = 120
MAX_PROTOTYPE_DESCRIPTION = 1000
MAX_GOALS = 20
MAX_GOAL = 200
MAX_REASON = 500
DECISIONS = ("adopt", "iterate", "drop")
#: What the room reads for each decision (the keys above stay as they are in the data).
DECISION_LABELS = {"adopt": N_("Adopt"), "iterate": N_("Work on it more"), "drop": N_("Drop")}


class RoundState(enum.StrEnum):
    """A scoring round: open (scores taken), closed (sealed), revealed (results shown)."""

    OPEN = "open"
    CLOSED = "closed"
    REVEALED = "revealed"

    @property
    def label(self) -> str:
        return {
            "open": N_("Open: scores can be given and changed"),
            "closed": N_("Closed: waiting for the reveal"),
            "revealed": N_("Revealed: results on the big screen"),
        }[self.value]


# -- prototypes, rounds, scores, decisions -----------------------------------------------------
@dataclass(frozen=True)
class Prototype:
    """A prototype as it stands now (its latest revision)."""

    id: int
    title: str
    description: str
    goals: tuple[str, ...] = ()
    status: str = "active"  # or "withdrawn"
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(frozen=True)
class Round:
    """A scoring round with the criteria set it was opened with."""

    id: int
    number: int
    state: RoundState
    criteria: CriteriaSet
    opened_at: float = 0.0


@dataclass(frozen=True)
class ScoreRow:
    """One counted score: the latest a participant gave for a prototype and criterion."""

    round_number: int
    participant: str  # public id, the pseudonym used in data
    perspective: str
    group: str
    prototype_id: int
    criterion: str
    value: int | None  # None: "can't say"


@dataclass(frozen=True)
class Decision:
    """What the group decided for a prototype, and why."""

    prototype_id: int
    decision: str
    reason: str
    round_number: int | None
    at: float


def check_score(criterion: Criterion, value: object) -> int | None:
    """A score as stored: a whole number on the criterion's scale, or ``None`` for can't say.

    >>> check_score(Criterion("x", "X"), 5), check_score(Criterion("x", "X"), CANT_SAY)
    (5, None)
    """
    if value is None or value == CANT_SAY:
        return None
    whole = isinstance(value, int) and not isinstance(value, bool)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        whole, value = True, int(value)
    if not whole:
        msg = N_(
            "A score for {criterion!r} must be a whole number from {low} to "
            '{high}, or "can\'t say". Choose one of the buttons.'
        )
        raise InvalidInput(msg, criterion=criterion.label, low=criterion.min, high=criterion.max)
    if not criterion.min <= int(value) <= criterion.max:
        msg = N_(
            "{value} is outside the scale for {criterion!r} ({low} to "
            "{high}); nothing was saved. Choose one of the buttons."
        )
        shown = value if abs(value) < 10**6 else N_("That number")
        raise InvalidInput(
            msg, value=shown, criterion=criterion.label, low=criterion.min, high=criterion.max
        )
    return int(value)


def clean_comment(text: object) -> str:
    return clean_text(text, what=N_("Your comment"), max_length=MAX_COMMENT, multiline=True)


def clean_prototype(title: object, description: object, goals: object) -> dict:
    """A prototype as typed, checked; goals are a list (or one per line)."""
    if isinstance(goals, str):
        goals = goals.split("\n")
    if goals is None:
        goals = []
    if not isinstance(goals, list | tuple):
        msg = N_("The goals a prototype serves must be a list of goals.")
        raise InvalidInput(msg)
    kept: list[str] = []
    for goal in goals:
        text = clean_text(goal, what=N_("A goal"), max_length=MAX_GOAL)
        if text and text not in kept:
            kept.append(text)
    if len(kept) > MAX_GOALS:
        msg = f"A prototype can serve at most {MAX_GOALS} goals here; keep the main ones."
        raise InvalidInput(msg)
    return {
        "title": clean_text(
            title, what=N_("The prototype's title"), max_length=MAX_PROTOTYPE_TITLE, required=True
        ),
        "description": clean_text(
            description,
            what=N_("The description"),
            max_length=MAX_PROTOTYPE_DESCRIPTION,
            multiline=True,
        ),
        "goals": kept,
    }


def clean_decision(decision: object, reason: object) -> tuple[str, str]:
    if decision not in DECISIONS:
        msg = N_("Choose a decision: adopt, iterate or drop.")
        raise InvalidInput(msg)
    text = clean_text(
        reason, what=N_("The reason"), max_length=MAX_REASON, required=True, multiline=True
    )
    return str(decision), text


# -- the small pure-Python aggregation a participant page may show after a reveal -----------
@dataclass(frozen=True)
class Standing:
    """A prototype's weighted score (0-100), pooled and with equal say, and its ranks."""

    prototype_id: int
    pooled: float | None
    equal_say: float | None
    people: int
    by_group: dict[str, float] = field(default_factory=dict)
    pooled_rank: int | None = None
    equal_say_rank: int | None = None


def _weighted(rows: Iterable[ScoreRow], criteria: CriteriaSet) -> float | None:
    by_key = {c.key: c for c in criteria.criteria}
    sums: dict[str, list[float]] = {}
    for row in rows:
        if row.value is not None and row.criterion in by_key:
            sums.setdefault(row.criterion, []).append(by_key[row.criterion].normalised(row.value))
    weight = sum(by_key[k].weight for k in sums)
    if not sums or weight <= 0:
        return None
    total = sum(by_key[k].weight * sum(v) / len(v) for k, v in sums.items())
    return 100 * total / weight


def rank(scores: Mapping[int, float | None]) -> dict[int, int]:
    """Competition ranks (1 is best; ties share a rank); unscored items get no rank.

    >>> rank({1: 50.0, 2: 80.0, 3: 50.0, 4: None})
    {2: 1, 1: 2, 3: 2}
    """
    ordered = sorted(((s, k) for k, s in scores.items() if s is not None), key=lambda x: -x[0])
    ranks: dict[int, int] = {}
    for index, (score, key) in enumerate(ordered):
        ranks[key] = (
            ranks[ordered[index - 1][1]]
            if index and score == ordered[index - 1][0]
            else (index + 1)
        )
    return ranks


def weighted_scores(
    rows: Sequence[ScoreRow], criteria: CriteriaSet, prototype_ids: Iterable[int]
) -> list[Standing]:
    """Pooled and equal-say weighted scores per prototype, in the order of ``prototype_ids``.

    Pure Python for participant pages (a few thousand rows); analysts and the projector use
    :func:`codesign_widgets.scoring.results.aggregate`, which gives the same numbers.
    """
    by_prototype: dict[int, list[ScoreRow]] = {}
    for row in rows:
        by_prototype.setdefault(row.prototype_id, []).append(row)
    standings = []
    for pid in prototype_ids:
        mine = by_prototype.get(pid, [])
        groups: dict[str, list[ScoreRow]] = {}
        for row in mine:
            groups.setdefault(row.group, []).append(row)
        by_group = {
            g: s for g, rs in sorted(groups.items()) if (s := _weighted(rs, criteria)) is not None
        }
        standings.append(
            Standing(
                prototype_id=pid,
                pooled=_weighted(mine, criteria),
                equal_say=sum(by_group.values()) / len(by_group) if by_group else None,
                people=len({r.participant for r in mine if r.value is not None}),
                by_group=by_group,
            )
        )
    pooled = rank({s.prototype_id: s.pooled for s in standings})
    equal = rank({s.prototype_id: s.equal_say for s in standings})
    return [
        Standing(
            s.prototype_id,
            s.pooled,
            s.equal_say,
            s.people,
            s.by_group,
            pooled.get(s.prototype_id),
            equal.get(s.prototype_id),
        )
        for s in standings
    ]
