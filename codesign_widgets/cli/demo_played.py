"""The demo workshop after the day: every activity has contributions and revealed results.

:func:`codesign_widgets.cli.demo.create_demo` sets a workshop up for a live try-out (stages ready,
nothing decided yet). :func:`play_demo` then runs it the way a room would, from
``data/demo_played.toml``: more people join, goal cards are written and dotted, a tie is
drawn and withdrawn, two scoring rounds are held and revealed, decisions are recorded, and a
few contributions are withdrawn or hidden. The analyst notebook, the report and the open data
package are built and tested on this workshop.
"""

from __future__ import annotations

import tomllib

from ..core.templates import data_path, load_template
from ..core.workshop import Participant, StageState
from ..scoring.model import CANT_SAY
from ..studio import Store

__all__ = ["play_demo"]


def _stage_of(store: Store, workshop_id: int, activity: str) -> str:
    plan = load_template(store.workshop_state(workshop_id).template)
    return next(s.key for s in plan.stages if s.activity == activity)


def play_demo(store: Store, code: str) -> None:
    """Run the demo workshop ``code`` (made by ``create_demo``) through all its activities."""
    plan = tomllib.loads((data_path() / "demo_played.toml").read_text(encoding="utf-8"))
    workshop = store.workshop_by_code(code)
    people: list[Participant] = list(store.participants(workshop.id))
    for person in plan.get("participants", []):
        joined, _token = store.join(
            workshop.id, person["display_name"], person["perspective"], consent=True
        )
        people.append(joined)
    _checkin(store, workshop.id, people)
    _goals(store, workshop.id, people, plan.get("goal_mapping", {}))
    _network(store, workshop.id, people, plan.get("stakeholder_network", {}))
    _scoring(store, workshop.id, people, plan.get("prototype_scoring", {}))
    last = load_template(workshop.template).stages[-1].key
    store.set_current_stage(workshop.id, last)


def _checkin(store: Store, workshop_id: int, people: list[Participant]) -> None:
    """One check-in line is withdrawn by its author, one hidden by the facilitator."""
    notes = store.entries(workshop_id, activity="checkin")
    if len(notes) >= 2:
        author = next(p for p in people if p.id == notes[-1].author_id)
        store.withdraw_entry(author, notes[-1].id)
        store.set_hidden(workshop_id, notes[0].id, True, "Demo: hidden by the facilitator")


def _goals(store: Store, workshop_id: int, people: list[Participant], goals: dict) -> None:
    stage = _stage_of(store, workshop_id, "goal_mapping")
    store.set_stage_state(workshop_id, stage, StageState.OPEN)
    store.set_dot_budget(workshop_id, stage, int(goals.get("budget", 3)))
    ids = {}
    for card in goals.get("cards", []):
        author = people[card["by"]]
        fields = {k: v for k, v in card.items() if k not in ("by", "withdraw", "hide")}
        card_id = store.add_goal_card(author, stage, fields)
        ids[card["goal"]] = card_id
        if card.get("withdraw"):
            store.withdraw_goal_card(author, card_id)
        if card.get("hide"):
            store.set_hidden(workshop_id, card_id, True, "Demo: off topic")
    for dot in goals.get("dots", []):
        if "theme" in dot:
            store.vote(people[dot["by"]], stage, "theme", dot["theme"])
        else:
            store.vote(people[dot["by"]], stage, "card", str(ids[dot["goal"]]))
    store.set_stage_state(workshop_id, stage, StageState.LOCKED)
    store.set_stage_state(workshop_id, stage, StageState.REVEALED)


def _network(store: Store, workshop_id: int, people: list[Participant], network: dict) -> None:
    stage = _stage_of(store, workshop_id, "stakeholder_network")
    tie = network.get("withdrawn_tie")
    names = {name: sid for sid, name in store.network_names(workshop_id, stage).items()}
    if tie and tie["from"] in names and tie["to"] in names:
        author = people[tie["by"]]
        store.set_stage_state(workshop_id, stage, StageState.OPEN)
        tie_id = store.add_tie(
            author, stage, names[tie["from"]], names[tie["to"]], tie["type"], "forward", 1
        )
        store.withdraw_network_item(author, tie_id)
    store.set_stage_state(workshop_id, stage, StageState.LOCKED)


def _scoring(store: Store, workshop_id: int, people: list[Participant], scoring: dict) -> None:
    stage = store.scoring_stage(workshop_id)
    titles = {p.title: p.id for p in store.prototypes(workshop_id, stage)}
    store.set_stage_state(workshop_id, stage, StageState.OPEN)
    for round_plan in scoring.get("rounds", []):
        store.open_round(workshop_id, stage)
        round_id = store.rounds(workshop_id, stage)[-1].id
        for row in round_plan.get("scores", []):
            values = {
                k: (CANT_SAY if v == 0 else v)
                for k, v in row.items()
                if k not in ("by", "prototype")
            }
            store.save_scores(people[row["by"]], round_id, titles[row["prototype"]], values)
        for note in round_plan.get("comments", []):
            store.save_scores(
                people[note["by"]], round_id, titles[note["prototype"]], {}, note["text"]
            )
        store.close_round(workshop_id, stage)
        store.reveal_round(workshop_id, stage)
    for decision in scoring.get("decisions", []):
        store.record_decision(
            workshop_id, stage, titles[decision["prototype"]], decision["decision"],
            decision["reason"],
        )  # fmt: skip
    store.set_stage_state(workshop_id, stage, StageState.REVEALED)
