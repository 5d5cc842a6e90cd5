"""Taking back everything a participant added, and erasing their words: plain functions of
the write transaction that :class:`~codesign_widgets.store.privacy.Privacy` runs.

Withdrawing uses the mechanisms each activity already has for one item (a ``withdrawn``
revision for entries, goal cards, stakeholders and ties; a dot taken back for each dot placed).
Scores, comments and ratings have no withdrawal of their own: every shared read leaves the
person out (:func:`~codesign_widgets.store.rules.still_in`).
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from . import schema as t
from .engine import changed

__all__ = ["scrub", "withdraw_everything"]

_er = t.entry_revisions.alias("privacy_entry_revisions")
_latest_entry_revision = (
    sa.select(sa.func.max(_er.c.id)).where(_er.c.entry_id == t.entries.c.id).scalar_subquery()
)
_nr = t.network_revisions.alias("privacy_network_revisions")
_latest_network_revision = (
    sa.select(sa.func.max(_nr.c.id)).where(_nr.c.item_id == t.network_items.c.id).scalar_subquery()
)
_STAKEHOLDER_TEXT = ("name", "name_key", "goals")


def withdraw_everything(
    conn: sa.Connection, participant_id: int, workshop_id: int, actor: str
) -> dict[str, int]:
    """In the write transaction ``conn``: everything the participant added leaves every
    shared view (a ``withdrawn`` revision, each dot taken back), their profile loses its name,
    and a ``withdrew`` event records it. Returns counts of what was withdrawn."""
    now = time.time()
    counts = {
        "entries": _withdraw_entries(conn, participant_id, now),
        "network_items": _withdraw_network_items(conn, participant_id, actor, now),
        "dots": _take_back_dots(conn, participant_id, workshop_id, now),
        **_rows_left_out(conn, participant_id),
    }
    _mark_as_left(conn, participant_id, workshop_id, actor, counts, now)
    changed(conn, workshop_id, "participants", "entries", "votes", "network", "scores", "scoring")
    return counts


def _withdraw_entries(conn: sa.Connection, participant_id: int, now: float) -> int:
    """Check-in lines and goal cards: a ``withdrawn`` revision each."""
    entries = conn.execute(
        sa.select(t.entries.c.id, t.entry_revisions.c.body)
        .select_from(t.entries)
        .join(t.entry_revisions, t.entry_revisions.c.id == _latest_entry_revision)
        .where(
            t.entries.c.participant_id == participant_id,
            t.entry_revisions.c.status != "withdrawn",
        )
    ).all()
    if entries:
        conn.execute(
            sa.insert(t.entry_revisions),
            [{"entry_id": e.id, "body": e.body, "status": "withdrawn", "at": now}
             for e in entries],
        )  # fmt: skip
    return len(entries)


def _withdraw_network_items(conn: sa.Connection, participant_id: int, actor: str, now: float):
    """Stakeholders and ties: a ``withdrawn`` revision each."""
    items = conn.execute(
        sa.select(t.network_items.c.id, t.network_revisions.c.body)
        .select_from(t.network_items)
        .join(t.network_revisions, t.network_revisions.c.id == _latest_network_revision)
        .where(
            t.network_items.c.participant_id == participant_id,
            t.network_revisions.c.status != "withdrawn",
        )
    ).all()
    if items:
        conn.execute(
            sa.insert(t.network_revisions),
            [{"item_id": i.id, "body": i.body, "status": "withdrawn", "actor": actor,
              "at": now} for i in items],
        )  # fmt: skip
    return len(items)


def _take_back_dots(conn: sa.Connection, participant_id: int, workshop_id: int, now: float):
    """One dot taken back (``delta`` -1) for each dot still placed."""
    dots = conn.execute(
        sa.select(
            t.votes.c.stage,
            t.votes.c.target_kind,
            t.votes.c.target,
            sa.func.max(t.votes.c.perspective).label("perspective"),
            sa.func.sum(t.votes.c.delta).label("placed"),
        )
        .where(t.votes.c.participant_id == participant_id)
        .group_by(t.votes.c.stage, t.votes.c.target_kind, t.votes.c.target)
    ).all()
    taken_back = [
        {"workshop_id": workshop_id, "stage": d.stage, "participant_id": participant_id,
         "perspective": d.perspective, "target_kind": d.target_kind, "target": d.target,
         "delta": -1, "at": now}
        for d in dots for _ in range(max(int(d.placed or 0), 0))
    ]  # fmt: skip
    if taken_back:
        conn.execute(sa.insert(t.votes), taken_back)
    return len(taken_back)


def _rows_left_out(conn: sa.Connection, participant_id: int) -> dict[str, int]:
    """Scores, comments and ratings have no withdrawal of their own: shared reads leave the
    person out from now on (:func:`~.rules.still_in`). Counted for the audit."""
    return {
        name: int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.c.participant_id == participant_id)
            ).scalar()
        )
        for name, table in (
            ("scores", t.scores),
            ("comments", t.scoring_comments),
            ("ratings", t.network_ratings),
        )
    }


def _mark_as_left(conn, participant_id: int, workshop_id: int, actor: str, counts, now) -> None:
    """A profile with no name (the perspective kept for the record) and a ``withdrew`` event."""
    last = conn.execute(
        sa.select(t.participant_profiles.c.perspective)
        .where(t.participant_profiles.c.participant_id == participant_id)
        .order_by(t.participant_profiles.c.id.desc())
        .limit(1)
    ).scalar()
    conn.execute(
        sa.insert(t.participant_profiles).values(
            participant_id=participant_id,
            display_name="",
            perspective=last or "",
            consent=False,
            at=now,
        )
    )
    conn.execute(
        sa.insert(t.participant_events).values(
            workshop_id=workshop_id,
            participant_id=participant_id,
            kind="withdrew",
            actor=actor,
            detail=counts,
            at=now,
        )
    )


def scrub(conn: sa.Connection, participant_id: int) -> dict[str, int]:
    """Overwrite the participant's names and texts in place; counts per kind."""
    counts = {}
    counts["names"] = conn.execute(
        sa.update(t.participant_profiles)
        .where(t.participant_profiles.c.participant_id == participant_id)
        .values(display_name="")
    ).rowcount
    theirs = sa.select(t.entries.c.id).where(t.entries.c.participant_id == participant_id)
    counts["texts"] = conn.execute(
        sa.update(t.entry_revisions)
        .where(t.entry_revisions.c.entry_id.in_(theirs))
        .values(body={"erased": True})
    ).rowcount
    # A facilitator's reason for hiding their line may quote it.
    counts["texts"] += conn.execute(
        sa.update(t.moderation_events)
        .where(t.moderation_events.c.entry_id.in_(theirs), t.moderation_events.c.reason != "")
        .values(reason="")
    ).rowcount
    counts["texts"] += conn.execute(
        sa.update(t.scoring_comments)
        .where(t.scoring_comments.c.participant_id == participant_id)
        .values(text="")
    ).rowcount
    # Stakeholders keep their shape (kind, perspective) so the map still loads; the words go.
    revisions = conn.execute(
        sa.select(t.network_revisions.c.id, t.network_revisions.c.body)
        .join(t.network_items, t.network_items.c.id == t.network_revisions.c.item_id)
        .where(
            t.network_items.c.participant_id == participant_id,
            t.network_items.c.kind == "stakeholder",
        )
    ).all()
    for r in revisions:
        body = {**r.body, **dict.fromkeys(_STAKEHOLDER_TEXT, ""), "aliases": [], "erased": True}
        conn.execute(
            sa.update(t.network_revisions).where(t.network_revisions.c.id == r.id).values(body=body)
        )
    counts["texts"] += len(revisions)
    return counts
