"""Errors a person can meet, each saying what happened and what to do next."""

from __future__ import annotations

__all__ = ["CodesignError", "InvalidInput", "NotAllowed", "NotFound", "StoreUnavailable"]


class CodesignError(Exception):
    """Base class: ``str(error)`` is a sentence fit to show a facilitator or participant.

    Raised as ``NotAllowed(N_("{stage} is locked."), stage=title)``, the message is a
    template and its parameters: ``str()`` stays English for logs and the command line, and
    :meth:`translated` gives the same sentence in a workshop's language.

    >>> error = CodesignError("{n} is too many.", n=3)
    >>> str(error), error.message, error.params
    ('3 is too many.', '{n} is too many.', {'n': 3})
    """

    def __init__(self, message: str = "", /, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**params) if params else message)

    def translated(self, tr: object | None) -> str:
        """The message in ``tr``'s language (anything with ``gettext``), parameters filled.

        >>> CodesignError("{n} is too many.", n=3).translated(None)
        '3 is too many.'
        """
        if tr is None:
            return str(self)
        text = tr.gettext(self.message)
        # A parameter that is itself a message ("Your line" in "{what} is too long") is said
        # in the same language; anything else (numbers, what people typed) stays as it is.
        params = {k: tr.gettext(v) if isinstance(v, str) else v for k, v in self.params.items()}
        try:
            return text.format(**params) if params else text
        except (KeyError, IndexError, ValueError):  # a broken translation: the English
            return str(self)


class InvalidInput(CodesignError, ValueError):
    """Something typed or sent does not fit: too long, empty, the wrong kind."""


class NotAllowed(CodesignError, PermissionError):
    """The action is refused: wrong key, a locked stage, someone else's entry."""


class NotFound(CodesignError, LookupError):
    """No workshop, participant or entry with that code or id."""


class StoreUnavailable(CodesignError, RuntimeError):
    """The workshop file cannot be opened, read or written."""
