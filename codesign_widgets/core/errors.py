"""Errors a person can meet, each saying what happened and what to do next."""

from __future__ import annotations

__all__ = ["CodesignError", "InvalidInput", "NotAllowed", "NotFound", "StoreUnavailable"]


class CodesignError(Exception):
    """Base class: ``str(error)`` is a sentence fit to show a facilitator or participant."""


class InvalidInput(CodesignError, ValueError):
    """Something typed or sent does not fit: too long, empty, the wrong kind."""


class NotAllowed(CodesignError, PermissionError):
    """The action is refused: wrong key, a locked stage, someone else's entry."""


class NotFound(CodesignError, LookupError):
    """No workshop, participant or entry with that code or id."""


class StoreUnavailable(CodesignError, RuntimeError):
    """The workshop file cannot be opened, read or written."""
