"""How much one person may add in one stage: check-in lines, goal cards, stakeholders, ties.

One participant could otherwise post without end (122 cards from one phone took the projector
wall from 2.9 s to 33.6 s). The plan's ``[per_person]`` table sets the caps; what it leaves
out keeps the default. A cap counts what the person holds in the stage now: what they
withdrew does not count (withdrawing one makes room for another), what the facilitator hid
does (hiding a flood must not make room for the next one). Private goal cards count too.

The store checks the cap inside the write transaction that adds, so taps at the same moment
can never pass it together (:func:`codesign_widgets.store.rules.check_under_cap`).

>>> caps = person_caps({"goal_cards": 10}, "plan.toml")
>>> caps.goal_cards, caps.ties
(10, 60)
>>> caps.for_activity("checkin")
('checkin_lines', 20)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .errors import InvalidInput

__all__ = ["MAX_CAP", "PersonCaps", "person_caps"]

#: The largest cap a plan may set: above it, a cap no longer protects the room.
MAX_CAP = 1000


@dataclass(frozen=True)
class PersonCaps:
    """The most one person may hold at once in one stage, per kind of contribution.

    >>> PersonCaps().stakeholders
    40
    """

    checkin_lines: int = 20
    goal_cards: int = 30
    stakeholders: int = 40
    ties: int = 60

    def for_activity(self, activity: str) -> tuple[str, int] | None:
        """The cap on the entries of ``activity`` (check-in lines, goal cards) as
        ``(name, number)``; None for an activity whose entries have no cap.

        >>> PersonCaps().for_activity("goal_mapping")
        ('goal_cards', 30)
        >>> PersonCaps().for_activity("prototype_scoring") is None
        True
        """
        name = {"checkin": "checkin_lines", "goal_mapping": "goal_cards"}.get(activity)
        return None if name is None else (name, getattr(self, name))


def person_caps(raw: object, where: str) -> PersonCaps:
    """The plan's ``[per_person]`` table read and checked; ``where`` names the plan file.

    >>> person_caps({}, "plan.toml") == PersonCaps()
    True
    >>> try:
    ...     person_caps({"cards": 3}, "plan.toml")
    ... except InvalidInput as refused:
    ...     print(refused)
    plan.toml [per_person] has 'cards'; use checkin_lines, goal_cards, stakeholders or ties.
    """
    if not isinstance(raw, dict):
        msg = f"{where} has per_person = {raw!r}; make it a table: [per_person]."
        raise InvalidInput(msg)
    names = [f.name for f in fields(PersonCaps)]
    for name, value in raw.items():
        if name not in names:
            known = ", ".join(names[:-1]) + f" or {names[-1]}"
            msg = f"{where} [per_person] has {name!r}; use {known}."
            raise InvalidInput(msg)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CAP:
            msg = (
                f"{where} sets per_person.{name} to {value!r}; use a whole number from 1 to "
                f"{MAX_CAP}. The default is {getattr(PersonCaps(), name)}."
            )
            raise InvalidInput(msg)
    return PersonCaps(**raw)
