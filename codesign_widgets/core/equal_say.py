"""The equal-say summary: did every perspective have the same say, across all activities?

Pure Python: plain numbers in, plain numbers out (the analyst code gathers them from a
workshop's tables). Perspective *groups* (lived experience, provider, system) are what equal
say is measured over. For each group ``g`` of the ``G`` groups that took part:

Participation and contributions
    ``people_share(g) = people(g) / people``;
    ``contribution_share(g) = contributions(g) / contributions``, where a contribution is a
    check-in line, a shared goal card, a dot, a stakeholder, a tie, an influence rating, a
    prototype scored (per round) or a comment, withdrawn ones not counted.
    ``balance(g) = G * contribution_share(g)``: 1 is exactly an equal share, 2 twice one.

Influence on each result (priorities from the dots, influence on the map, prototype ranking)
    Each result is a value per item: the share of dots per goal or theme, the mean influence
    rating per stakeholder (0-10), the weighted score per prototype (0-100). ``own(g)`` is the
    result from group ``g``'s contributions alone, ``pooled`` from everyone's, and
    ``without(g)`` from everyone's but ``g``'s.

    ``alignment(g) = 1 - d(own(g), pooled)``: how closely the room's result matches what this
    group said (1: exactly).
    ``shift(g) = d(pooled, without(g))``: how far the result moves when this group is left
    out (0: the group made no difference).

    ``d`` is a distance between 0 and 1. For shares (dots) it is the total variation distance
    ``1/2 * sum over items |a - b|`` (items missing from one side count as 0); for ratings and
    scores it is the mean of ``|a - b| / scale`` over the items both sides have.

Equal say looks like similar ``balance`` (near 1) and similar ``alignment`` for every group.

Worked example
--------------
Two groups placed dots: lived experience (1 person, 2 dots, both on "A") and providers
(3 people, 6 dots: 1 on "A", 5 on "B").

- pooled shares: A = 3/8, B = 5/8; lived experience's own: A = 1; providers' own: A = 1/6,
  B = 5/6.
- alignment(lived) = 1 - 1/2 (|1 - 3/8| + |0 - 5/8|) = 1 - 5/8 = 0.375;
  alignment(provider) = 1 - 1/2 (|1/6 - 3/8| + |5/6 - 5/8|) = 1 - 5/24 = 0.79.
- shift(lived) = d(pooled, providers' own) = 5/24 = 0.21; shift(provider) = 5/8 = 0.625.
- contribution shares: 2/8 and 6/8, so balance = 0.5 and 1.5.

>>> dots = {"lived_experience": {"A": 1.0}, "provider": {"A": 1 / 6, "B": 5 / 6}}
>>> pooled = {"A": 3 / 8, "B": 5 / 8}
>>> without = {"lived_experience": dots["provider"], "provider": dots["lived_experience"]}
>>> result = outcome_voice("priorities", dots, pooled, without, kind="shares")
>>> [(v.group, round(v.alignment, 3), round(v.shift, 3)) for v in result]
[('lived_experience', 0.375, 0.208), ('provider', 0.792, 0.625)]
>>> summary = summarise({"lived_experience": 1, "provider": 3},
...                     {"lived_experience": {"dots": 2}, "provider": {"dots": 6}}, result)
>>> [(g.group, round(g.balance, 2)) for g in summary.groups]
[('lived_experience', 0.5), ('provider', 1.5)]
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "ACTIVITY_LABELS",
    "EqualSay",
    "GroupSay",
    "OutcomeVoice",
    "distance",
    "outcome_voice",
    "summarise",
]

ACTIVITY_LABELS = {
    "priorities": "Priorities from the dots",
    "map": "Influence ratings on the map",
    "prototypes": "Prototype ranking",
}
GROUP_LABELS = {"lived_experience": "Lived experience", "provider": "Provider", "system": "System"}


def distance(a: Mapping[str, float], b: Mapping[str, float], *, kind: str, scale: float = 1.0):
    """Distance 0-1 between two results (see the module docstring); None if nothing to compare.

    >>> distance({"A": 1.0}, {"A": 0.5, "B": 0.5}, kind="shares")
    0.5
    >>> distance({"x": 8}, {"x": 6, "y": 1}, kind="scores", scale=10)
    0.2
    """
    if kind == "shares":
        items = set(a) | set(b)
        if not items:
            return None
        return 0.5 * sum(abs(a.get(i, 0.0) - b.get(i, 0.0)) for i in items)
    both = [i for i in a if i in b and a[i] is not None and b[i] is not None]
    if not both:
        return None
    return sum(abs(a[i] - b[i]) for i in both) / len(both) / scale


@dataclass(frozen=True)
class OutcomeVoice:
    """One group's influence on one result."""

    activity: str
    group: str
    alignment: float | None
    shift: float | None


def outcome_voice(
    activity: str,
    own: Mapping[str, Mapping[str, float]],
    pooled: Mapping[str, float],
    without: Mapping[str, Mapping[str, float]],
    *,
    kind: str,
    scale: float = 1.0,
) -> list[OutcomeVoice]:
    """Alignment and shift for every group in ``own`` (groups sorted by name)."""
    out = []
    for group in sorted(own):
        d_own = distance(own[group], pooled, kind=kind, scale=scale)
        d_out = distance(pooled, without.get(group, {}), kind=kind, scale=scale)
        out.append(OutcomeVoice(activity, group, None if d_own is None else 1 - d_own, d_out))
    return out


@dataclass(frozen=True)
class GroupSay:
    """Everything the summary says about one perspective group."""

    group: str
    people: int
    people_share: float
    contributions: dict[str, int]
    contribution_share: float
    balance: float
    outcomes: dict[str, OutcomeVoice] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return GROUP_LABELS.get(self.group, self.group.replace("_", " ").capitalize())

    @property
    def total(self) -> int:
        return sum(self.contributions.values())


@dataclass(frozen=True)
class EqualSay:
    """The equal-say summary of a workshop: one :class:`GroupSay` per perspective group."""

    groups: tuple[GroupSay, ...]

    def rows(self) -> list[dict]:
        """One flat dict per group: the numbers behind the summary."""
        rows = []
        for g in self.groups:
            row = {
                "group": g.group,
                "people": g.people,
                "people_share": g.people_share,
                "contributions": g.total,
                "contribution_share": g.contribution_share,
                "balance": g.balance,
            }
            for activity in ACTIVITY_LABELS:
                voice = g.outcomes.get(activity)
                row[f"{activity}_alignment"] = voice.alignment if voice else None
                row[f"{activity}_shift"] = voice.shift if voice else None
            rows.append(row)
        return rows

    def _repr_html_(self) -> str:
        """The sentences, then the numbers behind them (all text escaped)."""
        parts = ["<div class='codesign-equal-say'>"]
        parts += [f"<p>{html.escape(line)}</p>" for line in self.sentences()]
        rows = self.rows()
        if rows:
            head = "".join(f"<th>{html.escape(k)}</th>" for k in rows[0])
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row.values()) + "</tr>"
                for row in rows
            )
            parts.append(f"<table><tr>{head}</tr>{body}</table>")
        # The formulas and the worked example in words (the doctest code is for developers).
        method = html.escape(__doc__.split("\n", 1)[1].split(">>>")[0].strip())
        parts.append(
            "<details><summary>How these numbers are computed</summary>"
            f"<pre style='white-space:pre-wrap'>{method}</pre></details></div>"
        )
        return "".join(parts)

    def sentences(self) -> list[str]:
        """The summary in plain words, one sentence per group and result."""
        if not self.groups:
            return ["Nobody has taken part yet, so there is no equal-say summary."]
        people = sum(g.people for g in self.groups)
        lines = []
        for g in self.groups:
            parts = [
                f"{g.label}: {g.people} of {people} people ({g.people_share:.0%}) made "
                f"{g.contribution_share:.0%} of the contributions ({g.balance:.1f} times an "
                "equal share)."
            ]
            for activity, voice in g.outcomes.items():
                if voice.alignment is None:
                    continue
                moved = (
                    f"; leaving them out moves the result by {voice.shift:.0%}"
                    if voice.shift is not None
                    else ""
                )
                parts.append(
                    f"{ACTIVITY_LABELS[activity]}: {voice.alignment:.0%} in line with what "
                    f"they said{moved}."
                )
            lines.append(" ".join(parts))
        loud = max(self.groups, key=lambda g: g.balance)
        quiet = min(self.groups, key=lambda g: g.balance)
        if len(self.groups) > 1 and loud.balance - quiet.balance >= 0.5:
            lines.append(
                f"Most heard: {loud.label} ({loud.balance:.1f}x an equal share); least heard: "
                f"{quiet.label} ({quiet.balance:.1f}x). Consider equal-say results, or hearing "
                f"more from {quiet.label.lower()}."
            )
        elif len(self.groups) > 1:
            lines.append("Contributions were close to an equal share for every perspective.")
        return lines


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def summarise(
    people: Mapping[str, int],
    contributions: Mapping[str, Mapping[str, int]],
    outcomes: Sequence[OutcomeVoice] = (),
) -> EqualSay:
    """Put participation, contributions (per group, per kind) and outcome voices together.

    Groups are those with people or contributions, in the order given by ``people``.
    """
    groups = [g for g in dict.fromkeys([*people, *contributions]) if g]
    total_people = sum(people.get(g, 0) for g in groups)
    totals = {g: sum(contributions.get(g, {}).values()) for g in groups}
    total = sum(totals.values())
    n = len(groups)
    out = []
    for g in groups:
        share = totals[g] / total if total else 0.0
        out.append(
            GroupSay(
                group=g,
                people=people.get(g, 0),
                people_share=people.get(g, 0) / total_people if total_people else 0.0,
                contributions=dict(contributions.get(g, {})),
                contribution_share=share,
                balance=n * share,
                outcomes={v.activity: v for v in outcomes if v.group == g},
            )
        )
    return EqualSay(tuple(out))
