"""Tables of the workshop file, and how older files are brought up to date.

Every table is append-only for what people submit: profiles, entry revisions, moderation
and stage changes are new rows, so nothing a participant submitted is overwritten or lost.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "metadata"]

SCHEMA_VERSION = 2

metadata = sa.MetaData()

schema_info = sa.Table(
    "schema_info",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("upgraded_at", sa.Float, nullable=False),
)

workshops = sa.Table(
    "workshops",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("template", sa.String(64), nullable=False),
    sa.Column("key_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# kind: stage_state (stage, value=state), current_stage (stage), timer (stage, value=end time or "")
# person_cap (stage=the cap's name, value=the number: the facilitator's change during a workshop)
workshop_events = sa.Table(
    "workshop_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("value", sa.Text, nullable=False, default=""),
    sa.Column("at", sa.Float, nullable=False),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("public_id", sa.String(16), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("joined_at", sa.Float, nullable=False),
)

participant_profiles = sa.Table(
    "participant_profiles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("participant_id", sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("perspective", sa.String(64), nullable=False),
    sa.Column("consent", sa.Boolean, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

entries = sa.Table(
    "entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("participant_id", sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("activity", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

entry_revisions = sa.Table(
    "entry_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entry_id", sa.ForeignKey("entries.id"), nullable=False, index=True),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # active | withdrawn
    sa.Column("at", sa.Float, nullable=False),
)

moderation_events = sa.Table(
    "moderation_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entry_id", sa.ForeignKey("entries.id"), nullable=False, index=True),
    sa.Column("hidden", sa.Boolean, nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("at", sa.Float, nullable=False),
)

# Goal mapping, facilitator side: kind budget (value=dots), service (value=name),
# assign (target=entry id, value=theme) or merge (target=theme, value=theme it joins).
goal_events = sa.Table(
    "goal_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("target", sa.Text, nullable=False, default=""),
    sa.Column("value", sa.Text, nullable=False, default=""),
    sa.Column("at", sa.Float, nullable=False),
)

# Dot votes: one row per dot placed (+1) or taken back (-1), with the voter's perspective then.
votes = sa.Table(
    "votes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("participant_id", sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("perspective", sa.String(64), nullable=False),
    sa.Column("target_kind", sa.String(16), nullable=False),  # card | theme
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("delta", sa.Integer, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

# The live feed reads this: one row per committed change, naming what it touched.
changes = sa.Table(
    "changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.Integer, nullable=False),
    sa.Column("topic", sa.String(32), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

# Stakeholder networks. An item is a stakeholder or a tie; what it says lives in revisions
# (body JSON; status active | withdrawn | hidden), so a withdrawal or a facilitator's hide is a
# new row. ``perspective`` is the author's perspective when they drew it ("" for the facilitator
# and imports, whose participant_id is NULL).
network_items = sa.Table(
    "network_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # stakeholder | tie
    sa.Column("participant_id", sa.ForeignKey("participants.id"), nullable=True, index=True),
    sa.Column("perspective", sa.String(64), nullable=False, default=""),
    sa.Column("origin", sa.String(16), nullable=False),  # participant | facilitator | import
    sa.Column("created_at", sa.Float, nullable=False),
)

network_revisions = sa.Table(
    "network_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.ForeignKey("network_items.id"), nullable=False, index=True),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(16), nullable=False),  # participant | facilitator | import
    sa.Column("at", sa.Float, nullable=False),
)

# Influence (Net-Map tower height) and interest, 0-10, as one person sees a stakeholder; the
# latest row per person counts. Imported values have no participant.
network_ratings = sa.Table(
    "network_ratings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.ForeignKey("network_items.id"), nullable=False, index=True),
    sa.Column("participant_id", sa.ForeignKey("participants.id"), nullable=True),
    sa.Column("perspective", sa.String(64), nullable=False, default=""),
    # Float since schema 2: an imported perspective's mean (1.5) is kept as it is.
    sa.Column("influence", sa.Float, nullable=False),
    sa.Column("interest", sa.Float, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

# Facilitator: kind merge (target=merged stakeholder id, value=id it joins), tie_type
# (value=JSON key/label/colour), import (value=file name and counts).
network_events = sa.Table(
    "network_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("target", sa.Text, nullable=False, default=""),
    sa.Column("value", sa.Text, nullable=False, default=""),
    sa.Column("at", sa.Float, nullable=False),
)

# Every value an imported file gave a stakeholder or tie (GEXF attributes, Kumu columns, the
# raw weight...), so it comes back out on export. Rows are only added: the latest row per
# (item, name) counts. ``value`` is the file's value as JSON (text, number, true/false, list).
network_attributes = sa.Table(
    "network_attributes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.ForeignKey("network_items.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("value", sa.JSON, nullable=True),
    sa.Column("at", sa.Float, nullable=False),
)


def _add_network_attributes(conn: sa.Connection) -> None:
    """Schema 1 -> 2: the attribute table, and ratings that keep fractions (PostgreSQL;
    SQLite already keeps 1.5 in an INTEGER column)."""
    network_attributes.create(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":
        for column in ("influence", "interest"):
            conn.execute(
                sa.text(f"ALTER TABLE network_ratings ALTER COLUMN {column} TYPE double precision")
            )


# MIGRATIONS[n] upgrades a file at schema version n to n + 1, inside one transaction.
# Add one per schema change; `codesign upgrade --db FILE` runs them after a backup.
MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {1: _add_network_attributes}

# -- Prototype scoring (codesign_widgets.scoring.store). Append-only like the rest: a prototype's
# edits and withdrawal are revisions, a round's open/closed/revealed are events, and the score
# that counts is the latest row per (round, participant, prototype, criterion).
scoring_prototypes = sa.Table(
    "scoring_prototypes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

scoring_prototype_revisions = sa.Table(
    "scoring_prototype_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("prototype_id", sa.ForeignKey("scoring_prototypes.id"), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("goals", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # active | withdrawn
    sa.Column("at", sa.Float, nullable=False),
)

# The criteria set chosen for a stage (the latest row counts); rounds keep the one they used.
scoring_criteria_sets = sa.Table(
    "scoring_criteria_sets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

scoring_rounds = sa.Table(
    "scoring_rounds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("criteria_set_id", sa.ForeignKey("scoring_criteria_sets.id"), nullable=False),
    sa.Column("opened_at", sa.Float, nullable=False),
    sa.UniqueConstraint("workshop_id", "stage", "number"),
)

scoring_round_events = sa.Table(
    "scoring_round_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.ForeignKey("scoring_rounds.id"), nullable=False, index=True),
    sa.Column("state", sa.String(16), nullable=False),  # open | closed | revealed
    sa.Column("at", sa.Float, nullable=False),
)

# value NULL is "can't say"; perspective is the scorer's perspective when they scored.
scores = sa.Table(
    "scores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.ForeignKey("scoring_rounds.id"), nullable=False, index=True),
    sa.Column("participant_id", sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("perspective", sa.String(64), nullable=False),
    sa.Column("prototype_id", sa.ForeignKey("scoring_prototypes.id"), nullable=False),
    sa.Column("criterion", sa.String(64), nullable=False),
    sa.Column("value", sa.Integer, nullable=True),
    sa.Column("at", sa.Float, nullable=False),
)

scoring_comments = sa.Table(
    "scoring_comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.ForeignKey("scoring_rounds.id"), nullable=False, index=True),
    sa.Column("participant_id", sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("perspective", sa.String(64), nullable=False),
    sa.Column("prototype_id", sa.ForeignKey("scoring_prototypes.id"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

scoring_decisions = sa.Table(
    "scoring_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("prototype_id", sa.ForeignKey("scoring_prototypes.id"), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),  # adopt | iterate | drop
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("round_id", sa.ForeignKey("scoring_rounds.id"), nullable=True),
    sa.Column("at", sa.Float, nullable=False),
)

# -- Privacy (codesign_widgets.store.privacy). ``participant_events`` is the audit of what
# happened to a person, never of what they wrote: kind withdrew (they left and took back all
# they added; every read leaves them out from then on) or erased (the facilitator scrubbed
# their names and texts on request); actor participant | facilitator; detail JSON counts only.
participant_events = sa.Table(
    "participant_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id"), nullable=False, index=True),
    sa.Column("participant_id", sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(16), nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

# One row per `codesign purge`: when, the age limit and how many workshops and rows went.
# No workshop title or code: what was removed is gone.
purges = sa.Table(
    "purges",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("older_than_days", sa.Float, nullable=False),
    sa.Column("workshops", sa.Integer, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)
