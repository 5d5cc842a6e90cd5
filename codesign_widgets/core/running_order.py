"""The guided run: the workshop plan as a running order, and the facilitator's next step.

A stage goes Open -> Locked -> (Revealed, where the activity has results to show). The next
step is the first unfinished step at or after the stage the room is on, so a facilitator who
skips a stage or moves the room by hand is guided from where the room is. Opening a stage
moves every phone to it in the same step. A scoring stage runs its rounds while it is open:
open round 1, close it, reveal it; then lock the stage, or run another round.

Steps are data (:class:`Step` with its :class:`Action` tuple); the hub carries them out.

>>> from codesign_widgets.core.templates import load_template
>>> from codesign_widgets.core.workshop import WorkshopState
>>> plan = load_template("codesign_day")
>>> fresh = WorkshopState(1, "ABC234", "Day", "codesign_day", 0.0, "welcome", {})
>>> next_step(plan, fresh).label
'Open on every phone: Welcome and check-in'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .templates import Stage, Template
from .workshop import StageState, WorkshopState

__all__ = [
    "REVEALS",
    "Action",
    "RoundInfo",
    "RunningOrderRow",
    "Step",
    "next_step",
    "running_order",
]

#: Activities whose stage has results to reveal to the room (votes on the goal wall).
#: Scoring reveals per round; check-in and the stakeholder map are shown as they grow.
REVEALS = frozenset({"goal_mapping"})


@dataclass(frozen=True)
class Action:
    """One change the hub makes: ``kind`` is ``"move"`` (the room to ``stage``),
    ``"state"`` (``stage`` to ``value``, a :class:`StageState`) or ``"round"`` (``value``
    is ``"open"``, ``"close"`` or ``"reveal"`` for the stage's scoring round)."""

    kind: str
    stage: str
    value: str = ""


@dataclass(frozen=True)
class Step:
    """A step of the run: the button's ``label``, what it does for the room (``says``),
    the ``actions`` carried out together, and other steps that also make sense now."""

    label: str
    says: str
    actions: tuple[Action, ...]
    also: tuple[Step, ...] = field(default=())


@dataclass(frozen=True)
class RoundInfo:
    """The last scoring round of a stage: its ``number`` and ``state`` (open, closed,
    revealed)."""

    number: int
    state: str


@dataclass(frozen=True)
class RunningOrderRow:
    """A row of the running order: the stage, its state, whether the room is on it."""

    stage: Stage
    state: StageState
    here: bool
    next: bool


def _finished(stage: Stage, state: StageState) -> bool:
    if state is StageState.CLOSED or state is StageState.REVEALED:
        return True
    return state is StageState.LOCKED and stage.activity not in REVEALS


def _open(stage: Stage) -> Step:
    return Step(
        f"Open on every phone: {stage.title}",
        f"Every phone moves to {stage.title} and people can add to it.",
        (Action("move", stage.key), Action("state", stage.key, StageState.OPEN)),
    )


def _lock(stage: Stage, also: tuple[Step, ...] = ()) -> Step:
    return Step(
        f"Lock (no more changes): {stage.title}",
        "Phones keep showing what was added, but take no more changes.",
        (Action("state", stage.key, StageState.LOCKED),),
        also,
    )


def _scoring_step(stage: Stage, last: RoundInfo | None) -> Step:
    if last is None:
        return Step(
            "Open scoring round 1",
            "Phones can score each prototype on the criteria.",
            (Action("round", stage.key, "open"),),
            (_lock(stage),),
        )
    if last.state == "open":
        return Step(
            f"Close round {last.number}: scores are final",
            "Phones stop taking scores for this round.",
            (Action("round", stage.key, "close"),),
        )
    if last.state == "closed":
        return Step(
            f"Reveal round {last.number}'s results",
            "The results show on the big screen and on every phone.",
            (Action("round", stage.key, "reveal"),),
        )
    again = Step(
        f"Open round {last.number + 1}",
        "Phones can score again, after talking the results through.",
        (Action("round", stage.key, "open"),),
    )
    return _lock(stage, (again,))


def next_step(
    plan: Template, workshop: WorkshopState, rounds: dict[str, RoundInfo] | None = None
) -> Step | None:
    """The next step from where the room is, or ``None`` when every stage is done.

    ``rounds`` gives the last scoring round of each scoring stage that has one.
    """
    rounds = rounds or {}
    keys = [s.key for s in plan.stages]
    start = keys.index(workshop.current_stage) if workshop.current_stage in keys else 0
    for stage in plan.stages[start:]:
        state = workshop.state_of(stage.key)
        if _finished(stage, state):
            continue
        if state is StageState.NOT_STARTED or workshop.current_stage != stage.key:
            return _open(stage)
        if state is StageState.OPEN:
            if stage.activity == "prototype_scoring":
                return _scoring_step(stage, rounds.get(stage.key))
            return _lock(stage)
        # Locked, with results to reveal.
        return Step(
            f"Reveal the results: {stage.title}",
            "The results show on the big screen and on every phone.",
            (Action("state", stage.key, StageState.REVEALED),),
        )
    return None


def running_order(
    plan: Template, workshop: WorkshopState, rounds: dict[str, RoundInfo] | None = None
) -> list[RunningOrderRow]:
    """The plan's stages with their state, marking the room's stage and the next step's."""
    step = next_step(plan, workshop, rounds)
    target = step.actions[0].stage if step else None
    return [
        RunningOrderRow(
            stage=s,
            state=workshop.state_of(s.key),
            here=s.key == workshop.current_stage,
            next=s.key == target,
        )
        for s in plan.stages
    ]
