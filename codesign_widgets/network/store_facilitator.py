"""The facilitator's writes to a stakeholder network: new tie types, merging two stakeholders
that are the same body, taking an item off the map (or putting it back), importing a map.

Merges and new tie types are events; a hide is a revision: nothing is overwritten. An import
is one transaction; it links names already on the map only where the facilitator chose to, and
keeps every value of the file in ``network_attributes``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..core.templates import load_template
from ..store import schema as t
from ..store.engine import Database, changed
from ..store.workshops import workshop_state
from .import_map import ImportMapping, ImportPlan, plan_import
from .model import TieType, resolve
from .rules import clean_tie_type, name_key
from .store_edit import names_on_map, on_map, revise_item
from .store_read import LATEST_REVISION, TOPIC, NetworkMaps, load_map, read_settings

__all__ = ["NetworkFacilitator"]


def _network_event(conn, workshop_id: int, stage: str, kind: str, target: str, value: str) -> None:
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


class NetworkFacilitator:
    """What the facilitator writes to a map: tie types, merges, hides, imports."""

    def __init__(self, db: Database, maps: NetworkMaps) -> None:
        self.db = db
        self.maps = maps

    def add_tie_type(self, workshop_id: int, stage: str, label: str) -> TieType:
        """Facilitator: a new type of tie for this map (kept with the workshop)."""
        self.maps.network_stage(workshop_id, stage)
        with self.db.write() as conn:
            settings = read_settings(conn, workshop_id, stage)
            tie_type = clean_tie_type(label, settings.tie_types)
            value = {"key": tie_type.key, "label": tie_type.label, "colour": tie_type.colour}
            _network_event(conn, workshop_id, stage, "tie_type", tie_type.key, json.dumps(value))
            changed(conn, workshop_id, TOPIC)
        return tie_type

    def merge_stakeholders(self, workshop_id: int, stage: str, merged: int, kept: int) -> None:
        """Facilitator: ``merged`` is the same body as ``kept``; its ties and name move over."""
        if merged == kept:
            msg = "Choose two different stakeholders to merge."
            raise InvalidInput(msg)
        with self.db.write() as conn:
            net = load_map(conn, workshop_id, stage)
            a, b = on_map(net, merged), on_map(net, kept)
            _network_event(conn, workshop_id, stage, "merge", str(a.id), str(b.id))
            changed(conn, workshop_id, TOPIC)

    def hide_network_item(self, workshop_id: int, item_id: int, hidden: bool = True) -> None:
        """Facilitator: take a stakeholder or tie off the map (or put it back); it is kept."""
        with self.db.write() as conn:
            row = conn.execute(
                sa.select(t.network_items.c.workshop_id, t.network_revisions.c.status)
                .select_from(t.network_items)
                .join(t.network_revisions, t.network_revisions.c.id == LATEST_REVISION)
                .where(t.network_items.c.id == item_id)
            ).first()
            if row is None or row.workshop_id != workshop_id:
                msg = "That stakeholder or tie is not on this map."
                raise NotFound(msg)
            if row.status == "withdrawn":
                msg = "Its author withdrew it, so it stays off the map."
                raise NotAllowed(msg)
            revise_item(conn, item_id, "hidden" if hidden else "active", "facilitator")
            changed(conn, workshop_id, TOPIC)

    def plan_import(
        self,
        workshop_id: int,
        stage: str,
        files: list[tuple[str, bytes]],
        mapping: ImportMapping | None = None,
    ) -> ImportPlan:
        """Facilitator: read files and say what importing them into this map would do;
        nothing is written. ``mapping`` None: the suggested one."""
        from .file_import import read_map_files  # networkx: facilitator and analysts only

        self.maps.network_stage(workshop_id, stage)
        raw = read_map_files(files)
        with self.db.read() as conn:
            template = load_template(workshop_state(conn, workshop_id).template)
            net = load_map(conn, workshop_id, stage)
        lookup = {p.key: p.key for p in template.perspectives}
        lookup.update({p.label: p.key for p in template.perspectives})
        return plan_import(raw, net.settings, lookup, names_on_map(net), mapping)

    def export_map(self, workshop_id: int, stage: str, fmt: str) -> bytes:
        """The map as drawn now, with every value imported files gave it, in ``fmt``."""
        from .file_export import export_network
        from .graph import build_graph

        net = self.maps.network_map(workshop_id, stage)
        attributes = self.maps.network_attributes(workshop_id, stage)
        return export_network(build_graph(net), fmt, net.settings, attributes)

    def import_network(self, workshop_id: int, stage: str, plan: ImportPlan, source: str) -> dict:
        """Facilitator: add a planned import (:func:`~.import_map.plan_import`). Stakeholders
        the plan links join the ones on the map; every value the file gave is kept with its
        stakeholder or tie. One transaction: all of it is added, or none. Returns counts."""
        self.maps.network_stage(workshop_id, stage)
        counts = {"stakeholders": 0, "linked": 0, "ties": 0, "skipped_ties": 0, "attributes": 0}
        with self.db.write() as conn:
            types = _add_tie_types(conn, workshop_id, stage, plan)
            net = load_map(conn, workshop_id, stage)
            ids = _add_stakeholders(conn, workshop_id, stage, plan, net, counts)
            _add_ties(conn, workshop_id, stage, plan, net, ids, types, counts)
            _network_event(conn, workshop_id, stage, "import", source[:200], json.dumps(counts))
            changed(conn, workshop_id, TOPIC)
        return counts


def _insert_imported(
    conn, workshop_id: int, stage: str, kind: str, items: list[dict], counts: dict
) -> list[int]:
    """New stakeholders or ties (``body``, ``attributes``, ``ratings``) in a few bulk
    statements, however many there are; returns their ids in order."""
    if not items:
        return []
    now = time.time()
    rows = [
        {
            "workshop_id": workshop_id,
            "stage": stage,
            "kind": kind,
            "participant_id": None,
            "perspective": "",
            "origin": "import",
            "created_at": now,
        }
        for _ in items
    ]
    inserted = conn.execute(
        sa.insert(t.network_items).returning(t.network_items.c.id, sort_by_parameter_order=True),
        rows,
    )
    ids = [row.id for row in inserted]
    conn.execute(
        sa.insert(t.network_revisions),
        [
            {"item_id": i, "body": item["body"], "status": "active", "actor": "import", "at": now}
            for i, item in zip(ids, items, strict=True)
        ],
    )
    ratings = [
        {
            "item_id": i,
            "participant_id": None,
            "perspective": perspective,
            "influence": influence,
            "interest": interest,
            "at": now,
        }
        for i, item in zip(ids, items, strict=True)
        for perspective, influence, interest in item.get("ratings", [])
    ]
    if ratings:
        conn.execute(sa.insert(t.network_ratings), ratings)
    values = []
    for i, item in zip(ids, items, strict=True):
        for name, value in item.get("attributes", {}).items():
            if isinstance(value, float) and not math.isfinite(value):
                value = str(value)
            values.append({"item_id": i, "name": str(name)[:200], "value": value, "at": now})
    if values:
        conn.execute(sa.insert(t.network_attributes), values)
        counts["attributes"] += len(values)
    return ids


def _add_tie_types(conn, workshop_id: int, stage: str, plan: ImportPlan) -> dict[str, str]:
    """The file's tie types that the map lacks become the map's own (matched by name).
    Returns plan type -> the map's tie type key, for every type the map now has."""
    settings = read_settings(conn, workshop_id, stage)
    types = {x.key: x.key for x in settings.tie_types}
    for label in plan.new_tie_types:
        found = next((x for x in settings.tie_types if name_key(x.label) == name_key(label)), None)
        if found is None:
            tie_type = clean_tie_type(label, settings.tie_types)
            value = {"key": tie_type.key, "label": tie_type.label, "colour": tie_type.colour}
            _network_event(conn, workshop_id, stage, "tie_type", tie_type.key, json.dumps(value))
            settings = dataclasses.replace(settings, tie_types=(*settings.tie_types, tie_type))
            found = tie_type
        types["new:" + label] = found.key
    return types


def _add_stakeholders(conn, workshop_id, stage, plan: ImportPlan, net, counts) -> list[int]:
    """Each planned stakeholder, or the one on the map the plan links it to; returns the
    map's id for each, in the file's order."""
    on_map = {x.id for x in net.stakeholders}
    ids: list[int | None] = []
    new = []
    for index, item in enumerate(plan.stakeholders):
        if plan.links.get(index) in on_map:
            ids.append(resolve(plan.links[index], net.merges))
            counts["linked"] += 1
            continue
        body = {k: item[k] for k in ("name", "kind", "perspective", "goals")}
        body["name_key"], body["aliases"] = name_key(item["name"]), item.get("aliases", [])
        new.append(
            {
                "body": body,
                "ratings": item.get("ratings", []),
                "attributes": item.get("attributes", {}),
            }
        )
        ids.append(None)
    added = iter(_insert_imported(conn, workshop_id, stage, "stakeholder", new, counts))
    counts["stakeholders"] += len(new)
    return [i if i is not None else next(added) for i in ids]


def _add_ties(conn, workshop_id, stage, plan: ImportPlan, net, ids, types, counts) -> None:
    """The planned ties between the stakeholders' ids; a repeat of a tie already on the map
    (same ends and type) is skipped and counted."""
    existing = {
        (resolve(x.source, net.merges), resolve(x.target, net.merges), x.type)
        for x in net.ties
        if x.status == "active"
    }
    new = []
    for tie in plan.ties:
        u, v, kind = ids[tie["source"]], ids[tie["target"]], types.get(tie["type"])
        if u == v or (u, v, kind) in existing or kind is None:
            counts["skipped_ties"] += 1
            continue
        existing.add((u, v, kind))
        body = {
            "source": u,
            "target": v,
            "type": kind,
            "direction": tie["direction"],
            "strength": tie["strength"],
        }
        new.append({"body": body, "attributes": tie.get("attributes", {})})
    _insert_imported(conn, workshop_id, stage, "tie", new, counts)
    counts["ties"] += len(new)
