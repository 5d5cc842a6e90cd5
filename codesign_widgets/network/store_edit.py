"""A participant's writes to a stakeholder network: add and rate stakeholders, draw ties,
withdraw what they drew; and the rules every write checks inside its transaction.

The rules listed in :mod:`.model` are checked here, inside the write transaction, against
the map as it stands then; the facilitator's writes (:mod:`.store_facilitator`) use them too.
A withdrawal is a new revision: nothing is overwritten.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.i18n import N_
from ..core.templates import Template, load_template
from ..core.workshop import Participant
from ..store import schema as t
from ..store.engine import Database, changed
from ..store.rules import check_open, check_under_cap, held_in_stage, person_caps_now
from ..store.workshops import workshop_state
from .model import NetworkMap, Stakeholder, resolve
from .rules import (
    clean_rating,
    clean_stakeholder,
    clean_tie,
    find_same_name,
    name_key,
)
from .store_read import ACTIVITY, LATEST_REVISION, TOPIC, load_map, perspectives_of, read_settings

__all__ = [
    "NetworkEdits",
    "check_item_cap",
    "check_network_stage",
    "insert_item",
    "names_on_map",
    "on_map",
    "rate",
    "revise_item",
]


def names_on_map(net: NetworkMap) -> dict[int, list[str]]:
    """Every name each stakeholder on the map goes by: its own, aliases, merged names."""
    names: dict[int, list[str]] = {s.id: [s.name, *s.aliases] for s in net.current()}
    for s in net.stakeholders:
        kept = resolve(s.id, net.merges)
        if kept != s.id and kept in names and s.status == "active":
            names[kept].append(s.name)
    return names


def on_map(net: NetworkMap, stakeholder_id: object) -> Stakeholder:
    """The stakeholder if a tie or rating may point at it now; a sentence otherwise."""
    found = net.by_id().get(stakeholder_id) if isinstance(stakeholder_id, int) else None
    if found is None:
        msg = N_("That stakeholder is not on this map. Reload the page and choose again.")
        raise NotFound(msg)
    if found.id in net.merges:
        kept = net.by_id()[resolve(found.id, net.merges)]
        msg = N_(
            "{name!r} was merged into {kept!r} (the same body). Choose {kept!r} and try again."
        )
        raise InvalidInput(msg, name=found.name, kept=kept.name)
    if found.status != "active":
        msg = N_(
            "{name!r} was taken off the map. Choose another stakeholder, or add "
            "it again if it belongs there."
        )
        raise InvalidInput(msg, name=found.name)
    return found


def check_network_stage(conn: sa.Connection, participant: Participant, stage: str) -> Template:
    """Refuse unless ``stage`` is an open stakeholder-network stage and the person is in;
    the workshop's plan otherwise."""
    plan = load_template(workshop_state(conn, participant.workshop_id).template)
    if plan.stage(stage).activity != ACTIVITY:
        msg = N_("This stage does not take stakeholders or ties.")
        raise NotAllowed(msg)
    check_open(conn, participant, stage)
    return plan


def check_item_cap(conn, participant: Participant, stage: str, kind: str, plan: Template) -> None:
    """Refuse a stakeholder or tie (``kind``) from a person who holds as many in the stage
    as the plan lets one person; withdrawn ones do not count, hidden ones do."""
    held = held_in_stage(
        conn, t.network_items, t.network_revisions, LATEST_REVISION, participant, stage,
        t.network_items.c.kind == kind,
    )  # fmt: skip
    name = "stakeholders" if kind == "stakeholder" else "ties"
    caps = person_caps_now(conn, participant.workshop_id, plan.per_person)
    check_under_cap(held, (name, getattr(caps, name)))


def insert_item(
    conn, workshop_id, stage, kind, body, *, participant=None, origin="participant"
) -> int:
    """A new stakeholder or tie with its first revision; returns its id."""
    now = time.time()
    item_id = conn.execute(
        sa.insert(t.network_items).values(
            workshop_id=workshop_id,
            stage=stage,
            kind=kind,
            participant_id=participant.id if participant else None,
            perspective=participant.perspective if participant else "",
            origin=origin,
            created_at=now,
        )
    ).inserted_primary_key[0]
    conn.execute(
        sa.insert(t.network_revisions).values(
            item_id=item_id, body=body, status="active", actor=origin, at=now
        )
    )
    return item_id


def rate(conn, item_id: int, participant: Participant | None, influence, interest) -> None:
    """Record an influence and interest rating (``participant`` None: the facilitator's)."""
    conn.execute(
        sa.insert(t.network_ratings).values(
            item_id=item_id,
            participant_id=participant.id if participant else None,
            perspective=participant.perspective if participant else "",
            influence=influence,
            interest=interest,
            at=time.time(),
        )
    )


def revise_item(conn, item_id: int, status: str, actor: str) -> None:
    """A new revision of an item with ``status`` (withdrawn, hidden, active); body kept."""
    body = conn.execute(
        sa.select(t.network_revisions.c.body)
        .where(t.network_revisions.c.item_id == item_id)
        .order_by(t.network_revisions.c.id.desc())
        .limit(1)
    ).scalar()
    conn.execute(
        sa.insert(t.network_revisions).values(
            item_id=item_id, body=body, status=status, actor=actor, at=time.time()
        )
    )


class NetworkEdits:
    """What a participant writes to a map: stakeholders, ratings, ties, withdrawals."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add_stakeholder(
        self,
        participant: Participant,
        stage: str,
        name: str,
        kind: str,
        perspective: str,
        goals: str,
        influence: int,
        interest: int,
    ) -> int:
        """Add a stakeholder with the participant's influence and interest rating for it."""
        with self.db.write() as conn:
            settings = read_settings(conn, participant.workshop_id, stage)
            body = clean_stakeholder(
                name, kind, perspective, goals,
                settings=settings, perspectives=perspectives_of(conn, participant.workshop_id),
            )  # fmt: skip
            influence, interest = clean_rating(influence, interest)
            plan = check_network_stage(conn, participant, stage)
            check_item_cap(conn, participant, stage, "stakeholder", plan)
            net = load_map(conn, participant.workshop_id, stage)
            same = find_same_name(body["name"], names_on_map(net))
            if same is not None:
                shown = net.by_id()[same].name
                msg = N_(
                    "{name!r} is already on the map. Rate its influence instead of adding "
                    "it again, or give this one a name that tells them apart."
                )
                raise InvalidInput(msg, name=shown)
            body["name_key"] = name_key(body["name"])
            item_id = insert_item(
                conn, participant.workshop_id, stage, "stakeholder", body, participant=participant
            )
            rate(conn, item_id, participant, influence, interest)
            changed(conn, participant.workshop_id, TOPIC)
        return item_id

    def rate_stakeholder(
        self,
        participant: Participant,
        stage: str,
        stakeholder_id: int,
        influence: int,
        interest: int,
    ) -> None:
        """Record how much influence and interest the participant sees in a stakeholder."""
        influence, interest = clean_rating(influence, interest)
        with self.db.write() as conn:
            check_network_stage(conn, participant, stage)
            net = load_map(conn, participant.workshop_id, stage)
            on_map(net, stakeholder_id)
            rate(conn, stakeholder_id, participant, influence, interest)
            changed(conn, participant.workshop_id, TOPIC)

    def add_tie(
        self,
        participant: Participant,
        stage: str,
        source: int,
        target: int,
        tie_type: str,
        direction: str,
        strength: int,
    ) -> int:
        """Draw a tie between two stakeholders on the map."""
        with self.db.write() as conn:
            settings = read_settings(conn, participant.workshop_id, stage)
            body = clean_tie(source, target, tie_type, direction, strength, settings=settings)
            plan = check_network_stage(conn, participant, stage)
            check_item_cap(conn, participant, stage, "tie", plan)
            net = load_map(conn, participant.workshop_id, stage)
            a, b = on_map(net, source), on_map(net, target)
            for tie in net.ties:
                if tie.status != "active" or tie.type != body["type"]:
                    continue
                ends = (resolve(tie.source, net.merges), resolve(tie.target, net.merges))
                either_way = tie.direction != "forward" or body["direction"] != "forward"
                if ends == (a.id, b.id) or (either_way and ends == (b.id, a.id)):
                    label = settings.tie_type(body["type"]).label.lower()
                    msg = N_(
                        "There is already a {type} tie from {a!r} to {b!r}. "
                        "Nothing was added; draw a different type, or withdraw yours and draw "
                        "it again to change it."
                    )
                    raise InvalidInput(msg, type=label, a=a.name, b=b.name)
            item_id = insert_item(
                conn, participant.workshop_id, stage, "tie", body, participant=participant
            )
            changed(conn, participant.workshop_id, TOPIC)
        return item_id

    def withdraw_network_item(self, participant: Participant, item_id: int) -> None:
        """Take back one's own stakeholder or tie (kept on record; ties to it leave the map)."""
        with self.db.write() as conn:
            row = conn.execute(
                sa.select(t.network_items).where(t.network_items.c.id == item_id)
            ).first()
            if row is None or row.workshop_id != participant.workshop_id:
                msg = N_("That stakeholder or tie is not on this map.")
                raise NotFound(msg)
            if row.participant_id != participant.id:
                msg = N_("You can only withdraw what you drew yourself.")
                raise NotAllowed(msg)
            revise_item(conn, item_id, "withdrawn", "participant")
            changed(conn, participant.workshop_id, TOPIC)
