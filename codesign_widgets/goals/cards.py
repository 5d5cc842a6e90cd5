"""Goal mapping: goal cards as typed, checked and stored.

Pure Python: no SQL, no widgets, no pandas. The store persists cards (as entries), votes and
the facilitator's theme and service events; views and the analyst functions in
:mod:`codesign_widgets.goals.frames` show what these functions compute. A card's theme
follows the facilitator's steps in :mod:`codesign_widgets.goals.themes`; what the cards and
dots add up to is in :mod:`codesign_widgets.goals.summary`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.errors import InvalidInput
from ..core.i18n import N_
from ..core.workshop import clean_text

__all__ = [
    "CONFIDENCE_PROMPT_BELOW",
    "DEFAULT_BUDGET",
    "DEFAULT_PROMPTS",
    "MAX_BARRIERS",
    "MAX_SERVICES",
    "GoalCard",
    "clean_card",
    "clean_service",
    "clean_theme",
]

MAX_SHORT = 500  # what matters, goal
MAX_LONG = 1000  # first steps, "what would make it a 7?"
MAX_SERVICE = 80
MAX_SERVICES = 20
MAX_BARRIER = 200
MAX_BARRIERS = 20
MAX_THEME = 60
CONFIDENCE_PROMPT_BELOW = 7
DEFAULT_BUDGET = 5
MAX_BUDGET = 50

# Wording a template may override in its [goal_prompts] table.
DEFAULT_PROMPTS: dict[str, str] = {
    "what_matters": N_("What matters to me"),
    "goal": N_("My goal, in my own words"),
    "steps": N_("First steps: who does what, by when"),
    "services": N_("Supports and services that would help"),
    "new_service": N_("Another support or service (type it)"),
    "barriers": N_("What gets in the way (one per line)"),
    "confidence": N_("How confident am I (0-10)?"),
    "to_seven": N_("What would make it a 7?"),
    "review_date": N_("Review date"),
    "theme": N_("Theme (a word or two)"),
    "visibility": N_("Who sees this card"),
}


@dataclass(frozen=True)
class GoalCard:
    """One goal card as it stands now (its latest version), with the facilitator's theme."""

    id: int
    author_id: int
    author_public_id: str
    perspective: str
    group: str
    what_matters: str
    goal: str
    steps: str
    services: tuple[str, ...]
    barriers: tuple[str, ...]
    confidence: int | None
    to_seven: str
    review_date: str
    theme: str
    visibility: str
    hidden: bool = False
    status: str = "active"
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def shared(self) -> bool:
        return self.visibility == "shared"


# -- cleaning ----------------------------------------------------------------------------------
def clean_service(name: object) -> str:
    """A service name as typed, checked; shown as text and neutralised in exports.

    >>> clean_service("  =HYPERLINK(\\"x\\")  ")
    '=HYPERLINK("x")'
    """
    return clean_text(name, what=N_("A service name"), max_length=MAX_SERVICE, required=True)


def clean_theme(name: object, *, required: bool = False) -> str:
    return clean_text(name, what=N_("The theme"), max_length=MAX_THEME, required=required)


def _lines(value: object, *, what: str, max_each: int, max_count: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split("\n")
    if not isinstance(value, list | tuple):
        msg = N_("{what} must be text.")
        raise InvalidInput(msg, what=what)
    items: list[str] = []
    for item in value:
        text = clean_text(item, what=what, max_length=max_each)
        if text and text.casefold() not in {i.casefold() for i in items}:
            items.append(text)
    if len(items) > max_count:
        msg = N_("{what}: at most {max_count}, please ({n} given). Keep the main ones.")
        raise InvalidInput(msg, what=what, max_count=max_count, n=len(items))
    return tuple(items)


def clean_card(raw: Mapping[str, object]) -> dict:
    """Check a goal card as typed and return the body to store.

    Required: what matters and the goal. Too long is refused with a sentence (nothing cut).
    Services are a list of names (from the workshop's list or typed new); barriers a list of
    short lines (or text, one per line); confidence 0-10 or empty; review date ``YYYY-MM-DD``
    or empty; visibility ``"private"`` (the author only) or ``"shared"`` (the group).

    >>> clean_card({"what_matters": "My dog", "goal": "Walk to the park"})["visibility"]
    'private'
    """
    if not isinstance(raw, Mapping):
        msg = N_("A goal card must be a set of named fields.")
        raise InvalidInput(msg)
    body = {
        "what_matters": clean_text(
            raw.get("what_matters"),
            what=N_("What matters to you"),
            max_length=MAX_SHORT,
            required=True,
            multiline=True,
        ),
        "goal": clean_text(
            raw.get("goal"),
            what=N_("Your goal"),
            max_length=MAX_SHORT,
            required=True,
            multiline=True,
        ),
        "steps": clean_text(
            raw.get("steps"), what=N_("First steps"), max_length=MAX_LONG, multiline=True
        ),
        "services": list(
            _lines(
                raw.get("services"),
                what=N_("Supports and services"),
                max_each=MAX_SERVICE,
                max_count=MAX_SERVICES,
            )
        ),
        "barriers": list(
            _lines(
                raw.get("barriers"),
                what=N_("Barriers"),
                max_each=MAX_BARRIER,
                max_count=MAX_BARRIERS,
            )
        ),
        "to_seven": clean_text(
            raw.get("to_seven"),
            what=N_("What would make it a 7"),
            max_length=MAX_LONG,
            multiline=True,
        ),
        "theme": clean_theme(raw.get("theme")),
    }
    confidence = raw.get("confidence")
    if confidence in (None, ""):
        body["confidence"] = None
    elif isinstance(confidence, bool) or not isinstance(confidence, int | float):
        msg = N_("Confidence is a number from 0 to 10.")
        raise InvalidInput(msg)
    elif not 0 <= confidence <= 10 or int(confidence) != confidence:
        msg = N_("Confidence is a whole number from 0 to 10, not {value}.")
        raise InvalidInput(msg, value=confidence)
    else:
        body["confidence"] = int(confidence)
    review = raw.get("review_date")
    if isinstance(review, dt.date):
        review = review.isoformat()
    if review in (None, ""):
        body["review_date"] = ""
    else:
        try:
            body["review_date"] = dt.date.fromisoformat(str(review)[:10]).isoformat()
        except ValueError as exc:
            msg = N_(
                "The review date is not a date: pick one from the calendar, or leave it empty."
            )
            raise InvalidInput(msg) from exc
    visibility = raw.get("visibility", "private")
    if visibility not in ("private", "shared"):
        msg = N_('Choose who sees the card: "only me" or "the group".')
        raise InvalidInput(msg)
    body["visibility"] = visibility
    return body


def card_from_body(
    body: Mapping[str, object],
    *,
    id: int,
    author_id: int,
    author_public_id: str,
    perspective: str,
    group: str,
    theme: str | None = None,
    hidden: bool = False,
    status: str = "active",
    created_at: float = 0.0,
    updated_at: float = 0.0,
) -> GoalCard:
    """A :class:`GoalCard` from a stored body (older or partial bodies are tolerated)."""
    confidence = body.get("confidence")
    return GoalCard(
        id=id,
        author_id=author_id,
        author_public_id=author_public_id,
        perspective=perspective,
        group=group,
        what_matters=str(body.get("what_matters", "")),
        goal=str(body.get("goal", "")),
        steps=str(body.get("steps", "")),
        services=tuple(str(s) for s in body.get("services", ()) or ()),
        barriers=tuple(str(b) for b in body.get("barriers", ()) or ()),
        confidence=int(confidence) if isinstance(confidence, int | float) else None,
        to_seven=str(body.get("to_seven", "")),
        review_date=str(body.get("review_date", "")),
        theme=str(body.get("theme", "")) if theme is None else theme,
        visibility=str(body.get("visibility", "private")),
        hidden=hidden,
        status=status,
        created_at=created_at,
        updated_at=updated_at,
    )


def example_card(**fields) -> GoalCard:
    """A card with defaults, for doctests and tests."""
    base = {
        "id": 1,
        "author_id": 1,
        "author_public_id": "P-TEST",
        "perspective": "lived_experience",
        "group": "lived_experience",
        "what_matters": "",
        "goal": "",
        "steps": "",
        "services": (),
        "barriers": (),
        "confidence": None,
        "to_seven": "",
        "review_date": "",
        "theme": "",
        "visibility": "shared",
    }
    return GoalCard(**{**base, **fields})
