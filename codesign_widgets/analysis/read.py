"""Reading one workshop from its file: every table's rows, pseudonymised, as plain dicts.

:func:`read_workshop` is what :func:`.workshop_data.load_workshop` and its siblings call for
each workshop; the rows follow :mod:`.open_data_schema`. Display names typed
into free text are replaced by pseudonyms (:func:`_scrubber`), free text is kept only where the
plan's consent covers it, private goal cards and sealed scoring rounds are never read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..core.templates import load_template
from ..core.workshop import WorkshopState
from .open_data_schema import TABLES


def _scrubber(names: Iterable[tuple[str, str]]) -> Callable[[str], str]:
    """Replace every typed display name (whole words, any case) by the person's pseudonym.

    ``names`` are (display name, pseudonym) pairs: every name each person used, so an earlier
    name, or the name of someone who has since left, is replaced too.
    """
    pairs = sorted(
        ((name, pid) for name, pid in names if len(name.strip()) >= 2),
        key=lambda pair: -len(pair[0]),
    )
    if not pairs:
        return lambda text: text
    lookup = {name.casefold(): pid for name, pid in pairs}
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(name) for name, _ in pairs) + r")(?!\w)", re.IGNORECASE
    )
    return lambda text: pattern.sub(lambda m: lookup[m.group(0).casefold()], text)


def read_workshop(studio, workshop: WorkshopState, *, names: bool, free_text: bool | None) -> dict:
    """Every table's rows for one workshop, as plain dicts (see :mod:`open_data_schema`)."""
    plan = load_template(workshop.template)
    share_text = plan.export_free_text and free_text is not False
    groups = {p.key: p.group for p in plan.perspectives}
    people = studio.people.participants(workshop.id)
    scrub = (
        (lambda text: text) if names else _scrubber(studio.privacy.display_names_used(workshop.id))
    )

    def free(text: str, withheld: str = "") -> str:
        return scrub(text) if share_text else withheld

    w = workshop.code
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["workshops"].append(
        {"workshop": w, "title": workshop.title, "template": workshop.template,
         "created_at": workshop.created_at, "current_stage": workshop.current_stage,
         "pseudonymised": not names, "free_text_shared": share_text}
    )  # fmt: skip
    for position, stage in enumerate(plan.stages, start=1):
        rows["stages"].append(
            {"workshop": w, "stage": stage.key, "position": position, "title": stage.title,
             "activity": stage.activity, "state": workshop.state_of(stage.key).value}
        )  # fmt: skip
    for p in people:
        rows["participants"].append(
            {"workshop": w, "participant": p.public_id,
             "display_name": p.display_name if names else p.public_id,
             "perspective": p.perspective, "group": groups.get(p.perspective, p.perspective),
             "consent": p.consent, "joined_at": p.joined_at}
        )  # fmt: skip
    for e in studio.entries.find(workshop.id, include_hidden=True, include_withdrawn=True):
        if e.activity == "goal_mapping":
            continue  # goal cards have a table of their own, and private ones stay private
        text = e.body.get("text", "") if isinstance(e.body, dict) else ""
        rows["entries"].append(
            {"workshop": w, "entry_id": e.id, "stage": e.stage, "activity": e.activity,
             "kind": e.kind, "participant": e.author_public_id, "perspective": e.perspective,
             "group": groups.get(e.perspective, e.perspective), "text": free(str(text)),
             "status": e.status, "hidden": e.hidden, "created_at": e.created_at,
             "updated_at": e.updated_at}
        )  # fmt: skip
    by_activity: dict[str, list[str]] = {}
    for stage in plan.stages:
        by_activity.setdefault(stage.activity, []).append(stage.key)
    for stage in by_activity.get("goal_mapping", []):
        _read_goals(studio, workshop, stage, rows, free)
    for stage in by_activity.get("stakeholder_network", []):
        _read_network(studio, workshop, stage, rows, free)
    for stage in by_activity.get("prototype_scoring", []):
        _read_scoring(studio, workshop, stage, rows, free, groups)
    return rows


def _read_goals(studio, workshop, stage: str, rows: dict, free) -> None:
    w = workshop.code
    cards = studio.goals.cards.goal_cards(
        workshop.id, stage, include_hidden=True, include_withdrawn=True
    )
    for c in cards:
        rows["goals"].append(
            {"workshop": w, "card_id": c.id, "stage": stage, "participant": c.author_public_id,
             "perspective": c.perspective, "group": c.group,
             "what_matters": free(c.what_matters), "goal": free(c.goal, f"Goal {c.id}"),
             "steps": free(c.steps), "barriers": free("; ".join(c.barriers)),
             "confidence": c.confidence, "to_seven": free(c.to_seven),
             "review_date": c.review_date, "theme": c.theme, "status": c.status,
             "hidden": c.hidden, "created_at": c.created_at, "updated_at": c.updated_at}
        )  # fmt: skip
        for service in c.services:
            rows["goal_services"].append({"workshop": w, "card_id": c.id, "service": service})
    for v in studio.goals.votes.vote_records(workshop.id, stage):
        rows["goal_votes"].append(
            {"workshop": w, "stage": stage, "target_kind": v.target_kind, "target": v.target,
             "voter": v.participant_public_id, "perspective": v.perspective, "group": v.group,
             "delta": v.delta, "at": v.at}
        )  # fmt: skip


def _read_network(studio, workshop, stage: str, rows: dict, free) -> None:
    w = workshop.code
    net = studio.network.maps.network_map(workshop.id, stage, include_withdrawn=True)
    pseudonym = {p.id: p.public_id for p in studio.people.participants(workshop.id)}
    for s in net.stakeholders:
        rows["stakeholders"].append(
            {"workshop": w, "stage": stage, "stakeholder_id": s.id,
             "name": free(s.name, f"S{s.id}"), "kind": s.kind, "perspective": s.perspective,
             "goals": free(s.goals), "author": pseudonym.get(s.author_id, ""),
             "author_perspective": s.author_perspective, "origin": s.origin,
             "status": s.status, "merged_into": net.merges.get(s.id),
             "aliases": free("; ".join(s.aliases)), "created_at": s.created_at}
        )  # fmt: skip
    for t in net.ties:
        rows["ties"].append(
            {"workshop": w, "stage": stage, "tie_id": t.id, "source": t.source,
             "target": t.target, "type": t.type, "direction": t.direction,
             "strength": t.strength, "author": pseudonym.get(t.author_id, ""),
             "author_perspective": t.author_perspective, "origin": t.origin,
             "status": t.status, "created_at": t.created_at}
        )  # fmt: skip
    for r in net.ratings:
        rows["ratings"].append(
            {"workshop": w, "stage": stage, "stakeholder_id": r.stakeholder_id,
             "rater": pseudonym.get(r.rater_id, ""), "rater_perspective": r.rater_perspective,
             "influence": r.influence, "interest": r.interest, "at": r.at}
        )  # fmt: skip
    for t in net.settings.tie_types:
        rows["tie_types"].append(
            {"workshop": w, "stage": stage, "key": t.key, "label": t.label,
             "colour": t.colour, "channel": t.channel}
        )  # fmt: skip


def _read_scoring(studio, workshop, stage: str, rows: dict, free, groups: dict) -> None:
    from ..scoring.model import RoundState

    w = workshop.code
    for p in studio.scoring.prototypes.prototypes(workshop.id, stage, include_withdrawn=True):
        rows["prototypes"].append(
            {"workshop": w, "stage": stage, "prototype_id": p.id, "title": p.title,
             "description": p.description, "goals": "; ".join(p.goals), "status": p.status,
             "created_at": p.created_at, "updated_at": p.updated_at}
        )  # fmt: skip
    for r in studio.scoring.rounds.rounds(workshop.id, stage):
        c = r.criteria
        rows["rounds"].append(
            {"workshop": w, "stage": stage, "round": r.number, "state": r.state.value,
             "criteria_set": c.key, "criteria_name": c.name,
             "axes": "; ".join(c.axes) if c.axes else "", "opened_at": r.opened_at}
        )  # fmt: skip
        for k in c.criteria:
            rows["criteria"].append(
                {"workshop": w, "stage": stage, "round": r.number, "criterion": k.key,
                 "label": k.label, "question": k.question, "weight": k.weight, "min": k.min,
                 "max": k.max, "reverse": k.reverse, "labels": "; ".join(k.labels)}
            )  # fmt: skip
        if r.state is RoundState.REVEALED:
            for pid, perspective, text in studio.scoring.scores.revealed_comments(
                workshop.id, r.id
            ):
                rows["comments"].append(
                    {"workshop": w, "stage": stage, "round": r.number, "prototype_id": pid,
                     "perspective": perspective, "text": free(text)}
                )  # fmt: skip
    for s in studio.scoring.scores.score_table(workshop.id, stage):
        rows["scores"].append(
            {"workshop": w, "stage": stage, "round": s.round_number,
             "participant": s.participant, "perspective": s.perspective,
             "group": groups.get(s.perspective, s.perspective), "prototype_id": s.prototype_id,
             "criterion": s.criterion, "value": s.value}
        )  # fmt: skip
    for d in studio.scoring.prototypes.decisions(workshop.id, stage).values():
        rows["decisions"].append(
            {"workshop": w, "stage": stage, "prototype_id": d.prototype_id,
             "decision": d.decision, "reason": d.reason, "round": d.round_number, "at": d.at}
        )  # fmt: skip
