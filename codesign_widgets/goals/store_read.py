"""Reading goal mapping in a transaction: goal cards someone may see, a stage's settings and
the facilitator's theming steps, as plain functions of the connection.

Privacy is enforced in SQL: a private card's row never leaves the database for anyone but its
author. A card's theme is worked out from the facilitator's theming steps as it is read.
:class:`~.store_cards.GoalCards` and :class:`~.store_votes.GoalVotes` call these.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa

from ..store import schema as t
from ..store.entries import latest_entries
from ..store.workshops import template_of
from .cards import DEFAULT_BUDGET, GoalCard, card_from_body
from .themes import ThemeEvent, effective_theme, theme_names

__all__ = [
    "ACTIVITY",
    "KIND",
    "GoalSettings",
    "WallWindow",
    "read_goal_cards",
    "read_settings",
    "read_wall_window",
    "theme_events",
]

ACTIVITY = "goal_mapping"
KIND = "goal"


@dataclass(frozen=True)
class GoalSettings:
    """What the facilitator set for a goal-mapping stage."""

    budget: int
    services: tuple[str, ...]
    theme_events: tuple[ThemeEvent, ...]


_visibility = t.entry_revisions.c.body["visibility"].as_string()


def goal_query(workshop_id: int, stage: str | None, viewer_id: int | None):
    """The query of goal cards ``viewer_id`` may see (None: shared ones only), and its
    ``hidden`` expression."""
    query, hidden = latest_entries(workshop_id)
    query = query.where(t.entries.c.activity == ACTIVITY, t.entries.c.kind == KIND)
    if stage is not None:
        query = query.where(t.entries.c.stage == stage)
    # Privacy in SQL: someone else's private card is never read into this kernel.
    shared = _visibility == "shared"
    if viewer_id is None:
        query = query.where(shared)
    else:
        query = query.where(shared | (t.entries.c.participant_id == viewer_id))
    return query, hidden


def theme_events(
    conn: sa.Connection, workshop_id: int, stage: str | None
) -> tuple[ThemeEvent, ...]:
    """The facilitator's theming steps (assign, merge), oldest first."""
    query = (
        sa.select(t.goal_events)
        .where(
            t.goal_events.c.workshop_id == workshop_id,
            t.goal_events.c.kind.in_(("assign", "merge")),
        )
        .order_by(t.goal_events.c.id)
    )
    if stage is not None:
        query = query.where(t.goal_events.c.stage == stage)
    return tuple(ThemeEvent(r.kind, r.target, r.value) for r in conn.execute(query))


def read_goal_cards(
    conn: sa.Connection,
    workshop_id: int,
    stage: str | None,
    viewer_id: int | None,
    *,
    include_hidden: bool = False,
    include_withdrawn: bool = False,
    own_only: bool = False,
    ids: Collection[int] | None = None,
) -> list[GoalCard]:
    """Goal cards ``viewer_id`` may see (only their own with ``own_only``; only those of
    ``ids`` when given), read in the transaction ``conn``."""
    query, hidden = goal_query(workshop_id, stage, viewer_id)
    if own_only:
        query = query.where(t.entries.c.participant_id == viewer_id)
    if ids is not None:
        query = query.where(t.entries.c.id.in_(list(ids)))
    if not include_withdrawn:
        query = query.where(t.entry_revisions.c.status == "active")
    if not include_hidden:
        query = query.where(hidden.is_(False))
    rows = conn.execute(query).all()
    events = theme_events(conn, workshop_id, stage)
    template = template_of(conn, workshop_id)
    groups = {p.key: p.group for p in template.perspectives}
    cards = []
    for r in rows:
        own = str(r.body.get("theme", ""))
        cards.append(
            card_from_body(
                r.body,
                id=r.id,
                author_id=r.participant_id,
                author_public_id=r.public_id,
                perspective=r.perspective,
                group=groups.get(r.perspective, r.perspective),
                theme=effective_theme(r.id, own, events),
                hidden=bool(r.hidden),
                status=r.status,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
        )
    return cards


@dataclass(frozen=True)
class WallWindow:
    """What a phone's held wall needs: the cards it shows, as they are now (those the
    facilitator took off or their authors withdrew left out), how many shared cards the wall
    has, how many of them are new to it (added since, or shown again, above its oldest), and
    the themes in use (in card order, so a new one comes last)."""

    shown: list[GoalCard]
    total: int
    fresh: int
    themes: list[str]


def read_wall_window(
    conn: sa.Connection, workshop_id: int, stage: str, held: Collection[int]
) -> WallWindow:
    """The shared cards of ``held`` and the wall's counts and themes, reading only each other
    card's id and theme: a watching phone's cost hardly grows with the room's wall."""
    query, hidden = goal_query(workshop_id, stage, None)
    query = query.where(t.entry_revisions.c.status == "active", hidden.is_(False))
    theme = t.entry_revisions.c.body["theme"].as_string()
    rows = conn.execute(query.with_only_columns(t.entries.c.id, theme)).all()
    events = theme_events(conn, workshop_id, stage)
    held = set(held)
    oldest = min(held, default=0)
    fresh = sum(1 for r in rows if r[0] not in held and r[0] > oldest)
    themes = theme_names(effective_theme(r[0], r[1] or "", events) for r in rows)
    shown = read_goal_cards(conn, workshop_id, stage, None, ids=held) if held else []
    return WallWindow(shown, len(rows), fresh, themes)


def read_settings(conn: sa.Connection, workshop_id: int, stage: str) -> GoalSettings:
    """A goal-mapping stage's settings, read in the transaction ``conn``."""
    template = template_of(conn, workshop_id)
    rows = conn.execute(
        sa.select(t.goal_events)
        .where(t.goal_events.c.workshop_id == workshop_id)
        .order_by(t.goal_events.c.id)
    ).all()
    budget = DEFAULT_BUDGET
    services = list(template.services)
    known = {s.casefold() for s in services}
    for r in rows:
        if r.kind == "budget" and r.stage == stage:
            budget = int(r.value)
        elif r.kind == "service" and r.value.casefold() not in known:
            services.append(r.value)
            known.add(r.value.casefold())
    events = tuple(
        ThemeEvent(r.kind, r.target, r.value)
        for r in rows
        if r.kind in ("assign", "merge") and r.stage == stage
    )
    return GoalSettings(budget=budget, services=tuple(services), theme_events=events)
