"""Reading stakeholder networks from the store: a stage's settings, its map, its names, and
what one participant may see of it.

The map is read as it stands now: each stakeholder and tie in its latest revision, the
ratings of people still in the workshop, and the merges. The writes that change it are in
:mod:`.store_edit` (a participant's) and :mod:`.store_facilitator` (the facilitator's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa

from ..core.errors import NotFound
from ..core.templates import Stage, load_template
from ..core.workshop import Participant
from ..store import schema as t
from ..store.engine import Database
from ..store.rules import still_in, withdrawn_participants
from ..store.workshops import workshop_state
from .model import (
    NetworkMap,
    NetworkSettings,
    Rating,
    Stakeholder,
    Tie,
    TieType,
    check_colour,
    network_settings,
    resolve,
)

__all__ = [
    "ACTIVITY",
    "LATEST_REVISION",
    "TOPIC",
    "NetworkMaps",
    "ParticipantNetwork",
    "load_map",
    "perspectives_of",
    "read_settings",
]

ACTIVITY = "stakeholder_network"
TOPIC = "network"

_nr = t.network_revisions.alias("later_network_revisions")
#: The id of each network item's latest revision (a correlated subquery to join on).
LATEST_REVISION = (
    sa.select(sa.func.max(_nr.c.id)).where(_nr.c.item_id == t.network_items.c.id).scalar_subquery()
)


@dataclass(frozen=True)
class ParticipantNetwork:
    """What one participant may see of a map: its names and tie types, and their own items.

    ``tie_ends`` names both ends of the participant's own ties, as the map stands now (a
    merged end under the name it was merged into).
    """

    settings: NetworkSettings
    names: dict[int, str]
    stakeholders: list[Stakeholder]
    ties: list[Tie]
    tie_ends: dict[int, str]


def read_settings(conn: sa.Connection, workshop_id: int, stage: str) -> NetworkSettings:
    """A stage's stakeholder kinds and tie types (the facilitator's own types included)."""
    workshop = workshop_state(conn, workshop_id)
    extra = []
    for value in conn.execute(
        sa.select(t.network_events.c.value)
        .where(
            t.network_events.c.workshop_id == workshop_id,
            t.network_events.c.stage == stage,
            t.network_events.c.kind == "tie_type",
        )
        .order_by(t.network_events.c.id)
    ).scalars():
        item = json.loads(value)
        extra.append(TieType(item["key"], item["label"], check_colour(item["colour"])))
    return network_settings(load_template(workshop.template).network, extra)


def perspectives_of(conn: sa.Connection, workshop_id: int) -> list[str]:
    """The perspective keys of the workshop's plan."""
    plan = load_template(workshop_state(conn, workshop_id).template)
    return [p.key for p in plan.perspectives]


def load_map(conn: sa.Connection, workshop_id: int, stage: str) -> NetworkMap:
    """The map of a stage as it stands now, read in the transaction ``conn`` (every item in
    its latest revision, withdrawn ones included)."""
    stakeholders, ties = _items(conn, workshop_id, stage)
    return NetworkMap(
        stakeholders, ties, _ratings(conn, workshop_id, stage), _merges(conn, workshop_id, stage),
        read_settings(conn, workshop_id, stage),
    )  # fmt: skip


def _items(conn, workshop_id: int, stage: str) -> tuple[tuple[Stakeholder, ...], tuple[Tie, ...]]:
    """Stakeholders and ties, each in its latest revision, oldest first."""
    rows = conn.execute(
        sa.select(
            t.network_items,
            t.network_revisions.c.body,
            t.network_revisions.c.status,
        )
        .select_from(t.network_items)
        .join(t.network_revisions, t.network_revisions.c.id == LATEST_REVISION)
        .where(t.network_items.c.workshop_id == workshop_id, t.network_items.c.stage == stage)
        .order_by(t.network_items.c.id)
    ).all()
    stakeholders, ties = [], []
    for r in rows:
        b = r.body
        if r.kind == "stakeholder":
            stakeholders.append(
                Stakeholder(
                    r.id, b["name"], b["kind"], b["perspective"], b.get("goals", ""),
                    r.participant_id, r.perspective, r.origin, r.status,
                    tuple(b.get("aliases", ())), r.created_at,
                )
            )  # fmt: skip
        else:
            ties.append(
                Tie(
                    r.id, b["source"], b["target"], b["type"], b["direction"], b["strength"],
                    r.participant_id, r.perspective, r.origin, r.status, r.created_at,
                )
            )  # fmt: skip
    return tuple(stakeholders), tuple(ties)


def _ratings(conn, workshop_id: int, stage: str) -> tuple[Rating, ...]:
    """Influence and interest ratings of people still in the workshop, oldest first."""
    rows = conn.execute(
        sa.select(t.network_ratings)
        .join(t.network_items, t.network_items.c.id == t.network_ratings.c.item_id)
        .where(
            t.network_items.c.workshop_id == workshop_id,
            t.network_items.c.stage == stage,
            still_in(t.network_ratings.c.participant_id),
        )
        .order_by(t.network_ratings.c.id)
    )
    return tuple(
        Rating(r.item_id, r.participant_id, r.perspective, r.influence, r.interest, r.at)
        for r in rows
    )


def _merges(conn, workshop_id: int, stage: str) -> dict[int, int]:
    """Merged stakeholder id to the id it was merged into."""
    rows = conn.execute(
        sa.select(t.network_events.c.target, t.network_events.c.value).where(
            t.network_events.c.workshop_id == workshop_id,
            t.network_events.c.stage == stage,
            t.network_events.c.kind == "merge",
        )
    )
    return {int(r.target): int(r.value) for r in rows}


class NetworkMaps:
    """A stage's network settings and its map as it stands now."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- plan ----------------------------------------------------------------------
    def network_stage(self, workshop_id: int, stage: str | None = None) -> Stage:
        """The network stage asked for; by default the current one, else the first."""
        with self.db.read() as conn:
            workshop = workshop_state(conn, workshop_id)
        plan = load_template(workshop.template)
        if stage is not None:
            found = plan.stage(stage)
            if found.activity != ACTIVITY:
                msg = f"The stage {found.title!r} is not a stakeholder-network stage."
                raise NotFound(msg)
            return found
        stages = [s for s in plan.stages if s.activity == ACTIVITY]
        if not stages:
            msg = (
                f"The plan {plan.name!r} has no stakeholder-network stage. Create the "
                "workshop from a plan with one (for example 'Co-design day')."
            )
            raise NotFound(msg)
        for s in stages:
            if s.key == workshop.current_stage:
                return s
        return stages[0]

    def network_settings(self, workshop_id: int, stage: str) -> NetworkSettings:
        """Stakeholder kinds and tie types of a stage, the facilitator's own types included."""
        with self.db.read() as conn:
            return read_settings(conn, workshop_id, stage)

    def network_map(
        self, workshop_id: int, stage: str, *, include_withdrawn: bool = False
    ) -> NetworkMap:
        """The map of a stage for the facilitator and analysts (active items by default).

        What someone who left the workshop drew is never returned, withdrawn or not (the
        record stays in the file); others' ties to it remain, with an end off the map.
        """
        with self.db.read() as conn:
            net = load_map(conn, workshop_id, stage)
            left = set(conn.execute(withdrawn_participants).scalars())
        if include_withdrawn:
            return NetworkMap(
                tuple(s for s in net.stakeholders if s.author_id not in left),
                tuple(x for x in net.ties if x.author_id not in left),
                net.ratings,
                net.merges,
                net.settings,
            )
        return NetworkMap(
            tuple(s for s in net.stakeholders if s.status == "active"),
            tuple(x for x in net.ties if x.status == "active"),
            net.ratings,
            net.merges,
            net.settings,
        )

    def network_attributes(self, workshop_id: int, stage: str) -> dict[int, dict]:
        """Values imported files gave each stakeholder and tie (item id -> name -> value)."""
        a, items = t.network_attributes, t.network_items
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(a.c.item_id, a.c.name, a.c.value)
                .join(items, items.c.id == a.c.item_id)
                .where(items.c.workshop_id == workshop_id, items.c.stage == stage)
                .order_by(a.c.id)
            ).all()
        found: dict[int, dict] = {}
        for row in rows:
            found.setdefault(row.item_id, {})[row.name] = row.value
        return found

    def network_names(self, workshop_id: int, stage: str) -> dict[int, str]:
        """Names on the map now (merged ones under the name kept): what a participant may see."""
        return {s.id: s.name for s in self.network_map(workshop_id, stage).current()}

    def my_network(
        self, participant: Participant, stage: str
    ) -> tuple[list[Stakeholder], list[Tie]]:
        """The participant's own active stakeholders and ties."""
        net = self.network_map(participant.workshop_id, stage)
        return (
            [s for s in net.stakeholders if s.author_id == participant.id],
            [x for x in net.ties if x.author_id == participant.id],
        )

    def participant_network(self, participant: Participant, stage: str) -> ParticipantNetwork:
        """Everything a participant's panel shows, from one read of the map."""
        net = self.network_map(participant.workshop_id, stage)
        names = {s.id: s.name for s in net.current()}
        ties = [x for x in net.ties if x.author_id == participant.id]
        ends = {
            end: names.get(resolve(end, net.merges), "(no longer on the map)")
            for x in ties
            for end in (x.source, x.target)
        }
        return ParticipantNetwork(
            settings=net.settings,
            names=names,
            stakeholders=[s for s in net.stakeholders if s.author_id == participant.id],
            ties=ties,
            tie_ends=ends,
        )
