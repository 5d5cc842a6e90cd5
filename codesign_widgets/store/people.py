"""Participants: joining, coming back with a token, changing name or perspective."""

from __future__ import annotations

import secrets
import time

import sqlalchemy as sa

from ..core.errors import InvalidInput, NotFound
from ..core.i18n import N_
from ..core.templates import load_template
from ..core.workshop import (
    JOIN_CODE_ALPHABET,
    MAX_DISPLAY_NAME,
    Participant,
    clean_text,
    new_participant_token,
    token_digest,
)
from . import schema as t
from .engine import Database, changed
from .rules import still_in
from .workshops import workshop_state

__all__ = ["People"]

_pp = t.participant_profiles.alias("later_profiles")
_latest_profile = (
    sa.select(sa.func.max(_pp.c.id))
    .where(_pp.c.participant_id == t.participants.c.id)
    .scalar_subquery()
)
_participant_select = (
    sa.select(
        t.participants.c.id,
        t.participants.c.workshop_id,
        t.participants.c.public_id,
        t.participants.c.joined_at,
        t.participant_profiles.c.display_name,
        t.participant_profiles.c.perspective,
        t.participant_profiles.c.consent,
    )
    .select_from(t.participants)
    .join(t.participant_profiles, t.participant_profiles.c.id == _latest_profile)
)


def _participant(row: sa.Row) -> Participant:
    return Participant(
        id=row.id,
        workshop_id=row.workshop_id,
        public_id=row.public_id,
        display_name=row.display_name,
        perspective=row.perspective,
        consent=bool(row.consent),
        joined_at=row.joined_at,
    )


class People:
    """Who takes part: joining, coming back with a token, a new name or perspective."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _profile(
        self, workshop_id: int, display_name: str, perspective: str, consent: bool
    ) -> dict:
        name = clean_text(display_name, what=N_("Your name"), max_length=MAX_DISPLAY_NAME)
        with self.db.read() as conn:
            workshop = workshop_state(conn, workshop_id)
        load_template(workshop.template).perspective(perspective)  # InvalidInput if unknown
        if consent is not True:
            msg = N_(
                'Please read the note about your data and tick "I agree" to take part. '
                "If you'd rather not, you can still follow on the big screen."
            )
            raise InvalidInput(msg)
        return {"display_name": name, "perspective": perspective, "consent": True}

    def join(
        self, workshop_id: int, display_name: str, perspective: str, consent: bool
    ) -> tuple[Participant, str]:
        """Add a participant; returns them and their bearer token (kept by their browser)."""
        profile = self._profile(workshop_id, display_name, perspective, consent)
        token = new_participant_token()
        now = time.time()
        with self.db.write() as conn:
            public_id = "P-" + "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))
            participant_id = conn.execute(
                sa.insert(t.participants).values(
                    workshop_id=workshop_id,
                    public_id=public_id,
                    token_hash=token_digest(token),
                    joined_at=now,
                )
            ).inserted_primary_key[0]
            conn.execute(
                sa.insert(t.participant_profiles).values(
                    participant_id=participant_id, at=now, **profile
                )
            )
            changed(conn, workshop_id, "participants")
        return self.participant(participant_id), token

    def update_profile(
        self, participant: Participant, display_name: str, perspective: str
    ) -> Participant:
        """Record a new name or perspective; earlier ones stay in the file."""
        profile = self._profile(participant.workshop_id, display_name, perspective, True)
        with self.db.write() as conn:
            conn.execute(
                sa.insert(t.participant_profiles).values(
                    participant_id=participant.id, at=time.time(), **profile
                )
            )
            changed(conn, participant.workshop_id, "participants")
        return self.participant(participant.id)

    def participant(self, participant_id: int) -> Participant:
        """The participant with this id, as their profile stands now."""
        with self.db.read() as conn:
            row = conn.execute(
                _participant_select.where(t.participants.c.id == participant_id)
            ).first()
        if row is None:
            msg = N_("That participant is not in this workshop.")
            raise NotFound(msg)
        return _participant(row)

    def participant_by_token(self, workshop_id: int, token: str | None) -> Participant | None:
        """The participant holding ``token`` in this workshop, or None."""
        if not token or not isinstance(token, str) or len(token) > 100:
            return None
        with self.db.read() as conn:
            row = conn.execute(
                _participant_select.where(
                    t.participants.c.token_hash == token_digest(token),
                    t.participants.c.workshop_id == workshop_id,
                    still_in(t.participants.c.id),  # someone who left cannot come back as them
                )
            ).first()
        return _participant(row) if row else None

    def participants(
        self, workshop_id: int, *, include_withdrawn: bool = False
    ) -> list[Participant]:
        """People in the workshop, first to join first; those who left only when asked for."""
        query = _participant_select.where(t.participants.c.workshop_id == workshop_id)
        if not include_withdrawn:
            query = query.where(still_in(t.participants.c.id))
        with self.db.read() as conn:
            rows = conn.execute(query.order_by(t.participants.c.joined_at)).all()
        return [_participant(r) for r in rows]
