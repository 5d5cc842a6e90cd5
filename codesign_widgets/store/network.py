"""Stakeholder networks in the store: stakeholders, ties, influence ratings, merges, imports.

Every rule is checked inside the write transaction, against the map as it stands then: the
stage is open, the name is not already on the map (case and Unicode form ignored, merged names
included), a tie joins two different stakeholders that are still on the map (not withdrawn,
hidden or merged away) and is not drawn twice. A crafted widget message meets the same refusal
as a click. Nothing is overwritten: withdrawals and hides are revisions, merges are events.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..errors import InvalidInput, NotAllowed, NotFound
from ..network import (
    NetworkMap,
    NetworkSettings,
    Rating,
    Stakeholder,
    Tie,
    TieType,
    check_colour,
    clean_rating,
    clean_stakeholder,
    clean_tie,
    clean_tie_type,
    find_same_name,
    name_key,
    network_settings,
    resolve,
)
from ..templates import Stage, load_template
from ..workshop import Participant
from . import schema as t
from .privacy import still_in, withdrawn_participants

if TYPE_CHECKING:
    from ..network_io import ImportedMap

__all__ = ["ACTIVITY", "NetworkMixin", "ParticipantNetwork"]

ACTIVITY = "stakeholder_network"
TOPIC = "network"

_nr = t.network_revisions.alias("later_network_revisions")
_latest = (
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


class NetworkMixin:
    # -- plan ----------------------------------------------------------------------
    def network_stage(self, workshop_id: int, stage: str | None = None) -> Stage:
        """The network stage asked for; by default the current one, else the first."""
        workshop = self.workshop_state(workshop_id)
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

    def _net_settings(self, conn: sa.Connection, workshop_id: int, stage: str) -> NetworkSettings:
        workshop = self.workshop_state(workshop_id)
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

    def network_settings(self, workshop_id: int, stage: str) -> NetworkSettings:
        """Stakeholder kinds and tie types of a stage, the facilitator's own types included."""
        with self._read() as conn:
            return self._net_settings(conn, workshop_id, stage)

    def _net_perspectives(self, workshop_id: int) -> list[str]:
        plan = load_template(self.workshop_state(workshop_id).template)
        return [p.key for p in plan.perspectives]

    # -- reading ----------------------------------------------------------------------
    def _net_load(self, conn: sa.Connection, workshop_id: int, stage: str) -> NetworkMap:
        rows = conn.execute(
            sa.select(
                t.network_items,
                t.network_revisions.c.body,
                t.network_revisions.c.status,
            )
            .select_from(t.network_items)
            .join(t.network_revisions, t.network_revisions.c.id == _latest)
            .where(t.network_items.c.workshop_id == workshop_id, t.network_items.c.stage == stage)
            .order_by(t.network_items.c.id)
        ).all()
        stakeholders, ties = [], []
        for r in rows:
            b = r.body
            if r.kind == "stakeholder":
                stakeholders.append(
                    Stakeholder(
                        r.id,
                        b["name"],
                        b["kind"],
                        b["perspective"],
                        b.get("goals", ""),
                        r.participant_id,
                        r.perspective,
                        r.origin,
                        r.status,
                        tuple(b.get("aliases", ())),
                        r.created_at,
                    )
                )
            else:
                ties.append(
                    Tie(
                        r.id,
                        b["source"],
                        b["target"],
                        b["type"],
                        b["direction"],
                        b["strength"],
                        r.participant_id,
                        r.perspective,
                        r.origin,
                        r.status,
                        r.created_at,
                    )
                )
        ratings = [
            Rating(r.item_id, r.participant_id, r.perspective, r.influence, r.interest, r.at)
            for r in conn.execute(
                sa.select(t.network_ratings)
                .join(t.network_items, t.network_items.c.id == t.network_ratings.c.item_id)
                .where(
                    t.network_items.c.workshop_id == workshop_id,
                    t.network_items.c.stage == stage,
                    still_in(t.network_ratings.c.participant_id),
                )
                .order_by(t.network_ratings.c.id)
            )
        ]
        merges = {
            int(r.target): int(r.value)
            for r in conn.execute(
                sa.select(t.network_events.c.target, t.network_events.c.value).where(
                    t.network_events.c.workshop_id == workshop_id,
                    t.network_events.c.stage == stage,
                    t.network_events.c.kind == "merge",
                )
            )
        }
        return NetworkMap(
            tuple(stakeholders), tuple(ties), tuple(ratings), merges,
            self._net_settings(conn, workshop_id, stage),
        )  # fmt: skip

    def network_map(
        self, workshop_id: int, stage: str, *, include_withdrawn: bool = False
    ) -> NetworkMap:
        """The map of a stage for the facilitator and analysts (active items by default).

        What someone who left the workshop drew is never returned, withdrawn or not (the
        record stays in the file); others' ties to it remain, with an end off the map.
        """
        with self._read() as conn:
            net = self._net_load(conn, workshop_id, stage)
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

    # -- rules, inside the transaction ---------------------------------------------------------
    @staticmethod
    def _net_names(net: NetworkMap) -> dict[int, list[str]]:
        names: dict[int, list[str]] = {s.id: [s.name, *s.aliases] for s in net.current()}
        for s in net.stakeholders:
            kept = resolve(s.id, net.merges)
            if kept != s.id and kept in names and s.status == "active":
                names[kept].append(s.name)
        return names

    @staticmethod
    def _net_on_map(net: NetworkMap, stakeholder_id: object) -> Stakeholder:
        """The stakeholder if a tie or rating may point at it now; a sentence otherwise."""
        found = net.by_id().get(stakeholder_id) if isinstance(stakeholder_id, int) else None
        if found is None:
            msg = "That stakeholder is not on this map. Reload the page and choose again."
            raise NotFound(msg)
        if found.id in net.merges:
            kept = net.by_id()[resolve(found.id, net.merges)]
            msg = (
                f"{found.name!r} was merged into {kept.name!r} (the same body). Choose "
                f"{kept.name!r} and try again."
            )
            raise InvalidInput(msg)
        if found.status != "active":
            msg = (
                f"{found.name!r} was taken off the map. Choose another stakeholder, or add "
                "it again if it belongs there."
            )
            raise InvalidInput(msg)
        return found

    def _net_check_stage(self, conn: sa.Connection, participant: Participant, stage: str) -> None:
        plan = load_template(self.workshop_state(participant.workshop_id).template)
        if plan.stage(stage).activity != ACTIVITY:
            msg = "This stage does not take stakeholders or ties."
            raise NotAllowed(msg)
        self._check_open(conn, participant, stage)

    def _net_insert(
        self, conn, workshop_id, stage, kind, body, *, participant=None, origin="participant"
    ) -> int:
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

    # -- participant actions ---------------------------------------------------------------------
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
        with self._write() as conn:
            settings = self._net_settings(conn, participant.workshop_id, stage)
            body = clean_stakeholder(
                name, kind, perspective, goals,
                settings=settings, perspectives=self._net_perspectives(participant.workshop_id),
            )  # fmt: skip
            influence, interest = clean_rating(influence, interest)
            self._net_check_stage(conn, participant, stage)
            net = self._net_load(conn, participant.workshop_id, stage)
            same = find_same_name(body["name"], self._net_names(net))
            if same is not None:
                shown = net.by_id()[same].name
                msg = (
                    f"{shown!r} is already on the map. Rate its influence instead of adding "
                    "it again, or give this one a name that tells them apart."
                )
                raise InvalidInput(msg)
            body["name_key"] = name_key(body["name"])
            item_id = self._net_insert(
                conn, participant.workshop_id, stage, "stakeholder", body, participant=participant
            )
            self._net_rate(conn, item_id, participant, influence, interest)
            self._changed(conn, participant.workshop_id, TOPIC)
        return item_id

    @staticmethod
    def _net_rate(conn, item_id: int, participant: Participant | None, influence, interest) -> None:
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
        with self._write() as conn:
            self._net_check_stage(conn, participant, stage)
            net = self._net_load(conn, participant.workshop_id, stage)
            self._net_on_map(net, stakeholder_id)
            self._net_rate(conn, stakeholder_id, participant, influence, interest)
            self._changed(conn, participant.workshop_id, TOPIC)

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
        with self._write() as conn:
            settings = self._net_settings(conn, participant.workshop_id, stage)
            body = clean_tie(source, target, tie_type, direction, strength, settings=settings)
            self._net_check_stage(conn, participant, stage)
            net = self._net_load(conn, participant.workshop_id, stage)
            a, b = self._net_on_map(net, source), self._net_on_map(net, target)
            for tie in net.ties:
                if tie.status != "active" or tie.type != body["type"]:
                    continue
                ends = (resolve(tie.source, net.merges), resolve(tie.target, net.merges))
                either_way = tie.direction != "forward" or body["direction"] != "forward"
                if ends == (a.id, b.id) or (either_way and ends == (b.id, a.id)):
                    label = settings.tie_type(body["type"]).label.lower()
                    msg = (
                        f"There is already a {label} tie from {a.name!r} to {b.name!r}. "
                        "Nothing was added; draw a different type, or withdraw yours and draw "
                        "it again to change it."
                    )
                    raise InvalidInput(msg)
            item_id = self._net_insert(
                conn, participant.workshop_id, stage, "tie", body, participant=participant
            )
            self._changed(conn, participant.workshop_id, TOPIC)
        return item_id

    def withdraw_network_item(self, participant: Participant, item_id: int) -> None:
        """Take back one's own stakeholder or tie (kept on record; ties to it leave the map)."""
        with self._write() as conn:
            row = conn.execute(
                sa.select(t.network_items).where(t.network_items.c.id == item_id)
            ).first()
            if row is None or row.workshop_id != participant.workshop_id:
                msg = "That stakeholder or tie is not on this map."
                raise NotFound(msg)
            if row.participant_id != participant.id:
                msg = "You can only withdraw what you drew yourself."
                raise NotAllowed(msg)
            self._net_revise(conn, item_id, "withdrawn", "participant")
            self._changed(conn, participant.workshop_id, TOPIC)

    @staticmethod
    def _net_revise(conn, item_id: int, status: str, actor: str) -> None:
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

    # -- facilitator actions ----------------------------------------------------------------------
    def _network_event(
        self, conn, workshop_id: int, stage: str, kind: str, target: str, value: str
    ) -> None:
        conn.execute(
            sa.insert(t.network_events).values(
                workshop_id=workshop_id,
                stage=stage,
                kind=kind,
                target=target,
                value=value,
                at=time.time(),
            )
        )

    def add_tie_type(self, workshop_id: int, stage: str, label: str) -> TieType:
        """Facilitator: a new type of tie for this map (kept with the workshop)."""
        self.network_stage(workshop_id, stage)
        with self._write() as conn:
            settings = self._net_settings(conn, workshop_id, stage)
            tie_type = clean_tie_type(label, settings.tie_types)
            value = {"key": tie_type.key, "label": tie_type.label, "colour": tie_type.colour}
            self._network_event(
                conn, workshop_id, stage, "tie_type", tie_type.key, json.dumps(value)
            )
            self._changed(conn, workshop_id, TOPIC)
        return tie_type

    def merge_stakeholders(self, workshop_id: int, stage: str, merged: int, kept: int) -> None:
        """Facilitator: ``merged`` is the same body as ``kept``; its ties and name move over."""
        if merged == kept:
            msg = "Choose two different stakeholders to merge."
            raise InvalidInput(msg)
        with self._write() as conn:
            net = self._net_load(conn, workshop_id, stage)
            a, b = self._net_on_map(net, merged), self._net_on_map(net, kept)
            self._network_event(conn, workshop_id, stage, "merge", str(a.id), str(b.id))
            self._changed(conn, workshop_id, TOPIC)

    def hide_network_item(self, workshop_id: int, item_id: int, hidden: bool = True) -> None:
        """Facilitator: take a stakeholder or tie off the map (or put it back); it is kept."""
        with self._write() as conn:
            row = conn.execute(
                sa.select(t.network_items.c.workshop_id, t.network_revisions.c.status)
                .select_from(t.network_items)
                .join(t.network_revisions, t.network_revisions.c.id == _latest)
                .where(t.network_items.c.id == item_id)
            ).first()
            if row is None or row.workshop_id != workshop_id:
                msg = "That stakeholder or tie is not on this map."
                raise NotFound(msg)
            if row.status == "withdrawn":
                msg = "Its author withdrew it, so it stays off the map."
                raise NotAllowed(msg)
            self._net_revise(conn, item_id, "hidden" if hidden else "active", "facilitator")
            self._changed(conn, workshop_id, TOPIC)

    def import_network(
        self, workshop_id: int, stage: str, imported: ImportedMap, source: str
    ) -> dict:
        """Facilitator: add a map read from a file; names already on the map are linked, not
        added twice. One transaction: all of it is added, or none. Returns counts."""
        self.network_stage(workshop_id, stage)
        counts = {"stakeholders": 0, "linked": 0, "ties": 0, "skipped_ties": 0}
        with self._write() as conn:
            settings = self._net_settings(conn, workshop_id, stage)
            types = {t.key for t in settings.tie_types}
            for label in imported.new_tie_types:
                found = next(
                    (x for x in settings.tie_types if name_key(x.label) == name_key(label)), None
                )
                if found is None:
                    tie_type = clean_tie_type(label, settings.tie_types)
                    value = {
                        "key": tie_type.key,
                        "label": tie_type.label,
                        "colour": tie_type.colour,
                    }
                    self._network_event(
                        conn, workshop_id, stage, "tie_type", tie_type.key, json.dumps(value)
                    )
                    settings = dataclasses.replace(
                        settings, tie_types=(*settings.tie_types, tie_type)
                    )
                    found = tie_type
                types.add(found.key)
                for tie in imported.ties:
                    if tie["type"] == "new:" + label:
                        tie["type"] = found.key
            net = self._net_load(conn, workshop_id, stage)
            names = self._net_names(net)
            ids = []
            for item in imported.stakeholders:
                same = find_same_name(item["name"], names)
                if same is not None:
                    ids.append(resolve(same, net.merges))
                    counts["linked"] += 1
                    continue
                body = {k: item[k] for k in ("name", "kind", "perspective", "goals")}
                body["name_key"], body["aliases"] = name_key(item["name"]), item.get("aliases", [])
                item_id = self._net_insert(
                    conn, workshop_id, stage, "stakeholder", body, origin="import"
                )
                if item["influence"] is not None or item["interest"] is not None:
                    influence = 5 if item["influence"] is None else item["influence"]
                    interest = 5 if item["interest"] is None else item["interest"]
                    self._net_rate(conn, item_id, None, influence, interest)
                names[item_id] = [item["name"]]
                ids.append(item_id)
                counts["stakeholders"] += 1
            existing = {
                (resolve(x.source, net.merges), resolve(x.target, net.merges), x.type)
                for x in net.ties
                if x.status == "active"
            }
            for tie in imported.ties:
                u, v = ids[tie["source"]], ids[tie["target"]]
                if u == v or (u, v, tie["type"]) in existing or tie["type"] not in types:
                    counts["skipped_ties"] += 1
                    continue
                existing.add((u, v, tie["type"]))
                body = {**tie, "source": u, "target": v}
                self._net_insert(conn, workshop_id, stage, "tie", body, origin="import")
                counts["ties"] += 1
            self._network_event(
                conn, workshop_id, stage, "import", source[:200], json.dumps(counts)
            )
            self._changed(conn, workshop_id, TOPIC)
        return counts
