"""A workshop at the size of a real room, for tests that look at the projector.

The demo workshop (three people, a handful of cards) fits any screen. A real day has 30 people,
60 goal cards with long and right-to-left text, 40 stakeholders of whom some nobody tied to
anything, and a scored round of eight prototypes. :func:`fill_room` adds that to a demo
workshop through the studio, as phones would.
"""

from __future__ import annotations

from codesign_widgets.core.templates import load_template
from codesign_widgets.core.workshop import StageState
from codesign_widgets.studio import Studio

from .hostile import AS_TYPED

PERSPECTIVES = ("lived_experience", "provider", "system")

#: Everyday text a room types: long words, right-to-left scripts, emoji, money.
TEXTS = [
    *AS_TYPED,
    "Supercalifragilisticexpialidociousnessandthensomemorewithoutanyspaces",
    "Being able to get to the podiatry clinic without two buses and a long wait in the rain",
    "$5 or $10 a week for transport is too much for me",
    "نرگس می‌خواهد خودش به داروخانه برود",
    "Will it still be there next year?",
]

SERVICES = ["GP practice", "Podiatry", "Pharmacy", "Community nursing", "Peer support group"]


def _text(i: int) -> str:
    return f"{TEXTS[i % len(TEXTS)]} ({i})"


def fill_room(
    studio: Studio,
    code: str,
    *,
    people: int = 30,
    cards: int = 60,
    stakeholders: int = 40,
    unconnected: int = 10,
    prototypes: int = 8,
) -> None:
    """Add a full room's contributions to the demo workshop ``code``.

    Each stage is left in the state a facilitator leaves it after the live result is shown:
    goal mapping revealed, the map locked, one scoring round revealed.
    """
    workshop = studio.workshops.by_code(code)
    wid = workshop.id
    room = []
    for i in range(people):
        name = [
            "Will",
            "May",
            "نرگس",
            "Dr 🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f Jones",
        ][i % 4]
        joined, _token = studio.people.join(
            wid, f"{name} {i}", PERSPECTIVES[i % len(PERSPECTIVES)], consent=True
        )
        room.append(joined)

    plan = load_template(workshop.template)
    goals = next(s.key for s in plan.stages if s.activity == "goal_mapping")
    studio.workshops.set_stage_state(wid, goals, StageState.OPEN)
    ids = []
    for i in range(cards):
        ids.append(
            studio.goals.cards.add_goal_card(
                room[i % people],
                goals,
                {
                    "what_matters": _text(i),
                    "goal": _text(i + 3),
                    "services": [SERVICES[i % len(SERVICES)], SERVICES[(i + 2) % len(SERVICES)]],
                    "barriers": [_text(i + 5)[:60]],
                    "confidence": 1 + i % 10,
                    "theme": ["Staying mobile", "Joined-up care", "Money", "Being heard"][i % 4],
                    "visibility": "shared",
                },
            )
        )
    for i, person in enumerate(room):
        for k in range(3):
            studio.goals.votes.vote(person, goals, "card", str(ids[(i * 7 + k * 11) % len(ids)]))
    studio.workshops.set_stage_state(wid, goals, StageState.LOCKED)
    studio.workshops.set_stage_state(wid, goals, StageState.REVEALED)

    network = studio.network.maps.network_stage(wid).key
    studio.workshops.set_stage_state(wid, network, StageState.OPEN)
    kinds = ["person", "group", "service", "organisation"]
    sids = list(studio.network.maps.network_names(wid, network))
    for i in range(stakeholders - len(sids)):
        sids.append(
            studio.network.edits.add_stakeholder(
                room[i % people],
                network,
                f"{_text(i)[:50]} #{i}",
                kinds[i % len(kinds)],
                PERSPECTIVES[i % 3],
                "",
                1 + i % 10,
                1 + (i * 3) % 10,
            )
        )
    connected = sids[: len(sids) - unconnected]
    types = [t.key for t in studio.network.maps.network_settings(wid, network).tie_types]
    for i in range(len(connected)):
        a, b = connected[i], connected[(i * 5 + 1) % len(connected)]
        if a == b:
            continue
        try:
            studio.network.edits.add_tie(
                room[i % people], network, a, b, types[i % len(types)], "forward", 1 + i % 3
            )
        except Exception:  # the same tie drawn twice: a real room does that too
            continue
    studio.workshops.set_stage_state(wid, network, StageState.LOCKED)

    scoring = studio.scoring.prototypes.scoring_stage(wid)
    have = len(studio.scoring.prototypes.prototypes(wid, scoring))
    for i in range(prototypes - have):
        studio.scoring.prototypes.add_prototype(
            wid, scoring, f"{_text(i)[:60]} idea {i}", _text(i + 1)
        )
    studio.workshops.set_stage_state(wid, scoring, StageState.OPEN)
    studio.scoring.rounds.open_round(wid, scoring)
    round_id = studio.scoring.rounds.rounds(wid, scoring)[-1].id
    criteria = [c.key for c in studio.scoring.rounds.criteria_for(wid, scoring).criteria]
    for i, person in enumerate(room):
        for j, proto in enumerate(studio.scoring.prototypes.prototypes(wid, scoring)):
            values = {c: 1 + (j + i % 3 + n) % 5 for n, c in enumerate(criteria)}
            studio.scoring.scores.save_scores(person, round_id, proto.id, values, _text(i + j))
    studio.scoring.rounds.close_round(wid, scoring)
    studio.scoring.rounds.reveal_round(wid, scoring)
