"""The facilitator's writes to a stakeholder network: new tie types, merging two stakeholders
that are the same body, taking an item off the map (or putting it back), importing a map.

Merges and new tie types are events; a hide is a revision: nothing is overwritten. An import
is one transaction, linking names already on the map instead of adding them twice.
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotAllowed, NotFound
from ..store import schema as t
from ..store.engine import Database, changed
from .model import TieType, resolve
from .rules import clean_tie_type, find_same_name, name_key
from .store_edit import insert_item, names_on_map, on_map, rate, revise_item
from .store_read import LATEST_REVISION, TOPIC, NetworkMaps, load_map, read_settings

if TYPE_CHECKING:
    from .import_map import ImportedMap

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

    def import_network(
        self, workshop_id: int, stage: str, imported: ImportedMap, source: str
    ) -> dict:
        """Facilitator: add a map read from a file; names already on the map are linked, not
        added twice. One transaction: all of it is added, or none. Returns counts."""
        self.maps.network_stage(workshop_id, stage)
        counts = {"stakeholders": 0, "linked": 0, "ties": 0, "skipped_ties": 0}
        with self.db.write() as conn:
            types = _add_tie_types(conn, workshop_id, stage, imported)
            net = load_map(conn, workshop_id, stage)
            ids = _add_stakeholders(conn, workshop_id, stage, imported, net, counts)
            _add_ties(conn, workshop_id, stage, imported, net, ids, types, counts)
            _network_event(conn, workshop_id, stage, "import", source[:200], json.dumps(counts))
            changed(conn, workshop_id, TOPIC)
        return counts


def _add_tie_types(conn, workshop_id: int, stage: str, imported: ImportedMap) -> set[str]:
    """The file's tie types that the map lacks become the map's own (matched by name); the
    imported ties are pointed at them. Returns every tie type key the map now has."""
    settings = read_settings(conn, workshop_id, stage)
    types = {t.key for t in settings.tie_types}
    for label in imported.new_tie_types:
        found = next((x for x in settings.tie_types if name_key(x.label) == name_key(label)), None)
        if found is None:
            tie_type = clean_tie_type(label, settings.tie_types)
            value = {"key": tie_type.key, "label": tie_type.label, "colour": tie_type.colour}
            _network_event(conn, workshop_id, stage, "tie_type", tie_type.key, json.dumps(value))
            settings = dataclasses.replace(settings, tie_types=(*settings.tie_types, tie_type))
            found = tie_type
        types.add(found.key)
        for tie in imported.ties:
            if tie["type"] == "new:" + label:
                tie["type"] = found.key
    return types


def _add_stakeholders(conn, workshop_id, stage, imported: ImportedMap, net, counts) -> list[int]:
    """Each imported stakeholder, or the one already on the map with its name; returns the
    map's id for each, in the file's order."""
    names = names_on_map(net)
    ids = []
    for item in imported.stakeholders:
        same = find_same_name(item["name"], names)
        if same is not None:
            ids.append(resolve(same, net.merges))
            counts["linked"] += 1
            continue
        body = {k: item[k] for k in ("name", "kind", "perspective", "goals")}
        body["name_key"], body["aliases"] = name_key(item["name"]), item.get("aliases", [])
        item_id = insert_item(conn, workshop_id, stage, "stakeholder", body, origin="import")
        if item["influence"] is not None or item["interest"] is not None:
            influence = 5 if item["influence"] is None else item["influence"]
            interest = 5 if item["interest"] is None else item["interest"]
            rate(conn, item_id, None, influence, interest)
        names[item_id] = [item["name"]]
        ids.append(item_id)
        counts["stakeholders"] += 1
    return ids


def _add_ties(conn, workshop_id, stage, imported: ImportedMap, net, ids, types, counts) -> None:
    """The imported ties between the stakeholders' ids; loops, repeats of a tie already on
    the map and ties of an unknown type are skipped (and counted)."""
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
        insert_item(conn, workshop_id, stage, "tie", {**tie, "source": u, "target": v},
                    origin="import")  # fmt: skip
        counts["ties"] += 1
