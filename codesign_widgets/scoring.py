"""Prototype scoring: criteria sets, rounds, prototypes, scores and decisions as plain data.

Pure Python and lean: participant kernels import this module, so it imports neither widgets,
SQL nor pandas. The aggregation that needs pandas lives in :mod:`codesign_widgets.scoring_results`
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
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import InvalidInput, NotFound
from .templates import data_path
from .workshop import clean_text

__all__ = [
    "CANT_SAY",
    "DECISIONS",
    "MAX_COMMENT",
    "MAX_CRITERIA",
    "CriteriaSet",
    "Criterion",
    "Decision",
    "Prototype",
    "Round",
    "RoundState",
    "ScoreRow",
    "check_score",
    "clean_comment",
    "clean_decision",
    "clean_prototype",
    "criteria_set_from_dict",
    "list_criteria_sets",
    "load_criteria_set",
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
MAX_CRITERIA = 12
MAX_SCALE_POINTS = 11
DECISIONS = ("adopt", "iterate", "drop")


class RoundState(enum.StrEnum):
    """A scoring round: open (scores taken), closed (sealed), revealed (results shown)."""

    OPEN = "open"
    CLOSED = "closed"
    REVEALED = "revealed"

    @property
    def label(self) -> str:
        return {
            "open": "Open: scores can be given and changed",
            "closed": "Closed: waiting for the reveal",
            "revealed": "Revealed: results on the big screen",
        }[self.value]


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
            return "Can't say"
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
        """Things a facilitator should know, though the set is usable."""
        if len(self.criteria) == 1:
            return (
                "This set has one criterion, so the weighted score is simply that "
                "criterion's score. Add more if the group should weigh several things.",
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
        msg = (
            f"A score for {criterion.label!r} must be a whole number from {criterion.min} to "
            f'{criterion.max}, or "can\'t say". Choose one of the buttons.'
        )
        raise InvalidInput(msg)
    if not criterion.min <= int(value) <= criterion.max:
        msg = (
            f"{value if abs(value) < 10**6 else 'That number'} is outside the scale for "
            f"{criterion.label!r} ({criterion.min} to "
            f"{criterion.max}); nothing was saved. Choose one of the buttons."
        )
        raise InvalidInput(msg)
    return int(value)


def clean_comment(text: object) -> str:
    return clean_text(text, what="Your comment", max_length=MAX_COMMENT, multiline=True)


def clean_prototype(title: object, description: object, goals: object) -> dict:
    """A prototype as typed, checked; goals are a list (or one per line)."""
    if isinstance(goals, str):
        goals = goals.split("\n")
    if goals is None:
        goals = []
    if not isinstance(goals, list | tuple):
        msg = "The goals a prototype serves must be a list of goals."
        raise InvalidInput(msg)
    kept: list[str] = []
    for goal in goals:
        text = clean_text(goal, what="A goal", max_length=MAX_GOAL)
        if text and text not in kept:
            kept.append(text)
    if len(kept) > MAX_GOALS:
        msg = f"A prototype can serve at most {MAX_GOALS} goals here; keep the main ones."
        raise InvalidInput(msg)
    return {
        "title": clean_text(
            title, what="The prototype's title", max_length=MAX_PROTOTYPE_TITLE, required=True
        ),
        "description": clean_text(
            description,
            what="The description",
            max_length=MAX_PROTOTYPE_DESCRIPTION,
            multiline=True,
        ),
        "goals": kept,
    }


def clean_decision(decision: object, reason: object) -> tuple[str, str]:
    if decision not in DECISIONS:
        msg = "Choose a decision: adopt, iterate or drop."
        raise InvalidInput(msg)
    text = clean_text(
        reason, what="The reason", max_length=MAX_REASON, required=True, multiline=True
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
    :func:`codesign_widgets.scoring_results.aggregate`, which gives the same numbers.
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
