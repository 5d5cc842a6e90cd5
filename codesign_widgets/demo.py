"""The demo workshop: a fictional group, so a facilitator can try the studio in a minute."""

from __future__ import annotations

import tomllib

from .store import Store
from .templates import data_path, load_template
from .workshop import StageState

__all__ = ["create_demo"]


def create_demo(store: Store) -> tuple[str, str]:
    """Create the demo workshop from ``data/demo.toml``; returns (join code, facilitator key).

    Its first stage is open and holds a few invented check-in lines, so the wall is not empty;
    its scoring stage has prototypes and a criteria set ready, so round 1 can open at once.
    """
    plan = tomllib.loads((data_path() / "demo.toml").read_text(encoding="utf-8"))
    workshop, key = store.create_workshop(plan["title"], plan["template"])
    first = load_template(plan["template"]).stages[0]
    store.set_stage_state(workshop.id, first.key, StageState.OPEN)
    for person in plan.get("participants", []):
        participant, _token = store.join(
            workshop.id, person["display_name"], person["perspective"], consent=True
        )
        for text in person.get("notes", []):
            store.add_entry(participant, first.activity, "note", first.key, {"text": text})
    scoring = plan.get("prototype_scoring")
    if scoring:
        stage = store.scoring_stage(workshop.id)
        for prototype in scoring.get("prototypes", []):
            store.add_prototype(
                workshop.id,
                stage,
                prototype["title"],
                prototype.get("description", ""),
                prototype.get("goals", []),
            )
        store.set_criteria(workshop.id, stage, scoring["criteria"])
    return workshop.code, key
