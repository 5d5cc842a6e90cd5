"""The demo workshop: a fictional group, so a facilitator can try the studio in a minute."""

from __future__ import annotations

import tomllib

from .store import Store
from .templates import data_path, load_template
from .workshop import StageState

__all__ = ["create_demo"]


def create_demo(store: Store) -> tuple[str, str]:
    """Create the demo workshop from ``data/demo.toml``; returns (join code, facilitator key).

    Its first stage is open and holds a few invented check-in lines, so the wall is not empty.
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
    return workshop.code, key
