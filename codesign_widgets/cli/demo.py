"""The demo workshop: a fictional group, so a facilitator can try the studio in a minute."""

from __future__ import annotations

import tomllib

from ..core.templates import data_path, load_template
from ..core.workshop import StageState
from ..studio import Studio

__all__ = ["create_demo"]


def create_demo(studio: Studio) -> tuple[str, str]:
    """Create the demo workshop from ``data/demo.toml``; returns (join code, facilitator key).

    Its first stage is open and holds a few invented check-in lines, so the wall is not empty;
    its scoring stage has prototypes and a criteria set ready, so round 1 can open at once.
    """
    plan = tomllib.loads((data_path() / "demo.toml").read_text(encoding="utf-8"))
    workshop, key = studio.workshops.create(plan["title"], plan["template"])
    first = load_template(plan["template"]).stages[0]
    studio.workshops.set_stage_state(workshop.id, first.key, StageState.OPEN)
    people = []
    for person in plan.get("participants", []):
        participant, _token = studio.people.join(
            workshop.id, person["display_name"], person["perspective"], consent=True
        )
        people.append(participant)
        for text in person.get("notes", []):
            studio.entries.add(participant, first.activity, "note", first.key, {"text": text})
    scoring = plan.get("prototype_scoring")
    if scoring:
        stage = studio.scoring.prototypes.scoring_stage(workshop.id)
        for prototype in scoring.get("prototypes", []):
            studio.scoring.prototypes.add_prototype(
                workshop.id,
                stage,
                prototype["title"],
                prototype.get("description", ""),
                prototype.get("goals", []),
            )
        studio.scoring.rounds.set_criteria(workshop.id, stage, scoring["criteria"])
    if plan.get("stakeholder_network"):
        _draw_demo_network(studio, workshop.id, people, plan["stakeholder_network"])
    return workshop.code, key


def _draw_demo_network(studio: Studio, workshop_id: int, people: list, network: dict) -> None:
    """The demo people draw a small map; the network stage opens for it and closes again."""
    stage = studio.network.maps.network_stage(workshop_id).key
    studio.workshops.set_stage_state(workshop_id, stage, StageState.OPEN)
    ids = {}
    for s in network.get("stakeholders", []):
        ids[s["name"]] = studio.network.edits.add_stakeholder(
            people[s["by"]], stage, s["name"], s["kind"], s.get("perspective", ""),
            s.get("goals", ""), s["influence"], s["interest"],
        )  # fmt: skip
    for r in network.get("ratings", []):
        studio.network.edits.rate_stakeholder(
            people[r["by"]], stage, ids[r["name"]], r["influence"], r["interest"]
        )
    for t in network.get("ties", []):
        studio.network.edits.add_tie(
            people[t["by"]], stage, ids[t["from"]], ids[t["to"]], t["type"],
            t.get("direction", "forward"), t.get("strength", 2),
        )  # fmt: skip
    studio.workshops.set_stage_state(workshop_id, stage, StageState.CLOSED)
