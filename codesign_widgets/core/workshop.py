"""Workshops, stages and participants: plain data and the rules about them.

Pure Python: no SQL, no widgets. The store persists these; the views show them.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass, field

from .errors import InvalidInput
from .i18n import N_

__all__ = [
    "JOIN_CODE_ALPHABET",
    "MAX_DISPLAY_NAME",
    "MAX_NOTE",
    "Entry",
    "Participant",
    "StageState",
    "WorkshopState",
    "clean_text",
    "display_name_or_anonymous",
    "hash_key",
    "new_facilitator_key",
    "new_join_code",
    "new_participant_token",
    "normalise_join_code",
    "token_digest",
    "verify_key",
]

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read off a projector is typed right first time.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6
MAX_DISPLAY_NAME = 40
MAX_NOTE = 280
MAX_TITLE = 120


class StageState(enum.StrEnum):
    """Where a stage is: participants may contribute only while it is ``OPEN``.

    A stage starts ``NOT_STARTED``; the facilitator opens it, locks it (no more changes),
    reveals its results and may close it. Each state reads the same on the hub, the
    projector and the phones: :attr:`word` names it, :attr:`label` adds what it means.

    >>> StageState("locked").label
    'Locked: no more changes'
    >>> [s.word for s in StageState]
    ['Not started', 'Open', 'Locked', 'Revealed', 'Closed']
    """

    NOT_STARTED = "not_started"
    OPEN = "open"
    LOCKED = "locked"
    REVEALED = "revealed"
    CLOSED = "closed"

    @property
    def word(self) -> str:
        """The state in a word or two: Not started, Open, Locked, Revealed, Closed."""
        return {
            "not_started": N_("Not started"),
            "open": N_("Open"),
            "locked": N_("Locked"),
            "revealed": N_("Revealed"),
            "closed": N_("Closed"),
        }[self.value]

    @property
    def label(self) -> str:
        """The state's word and what it means for the people in the room."""
        return {
            "not_started": N_("Not started"),
            "open": N_("Open: add your contributions"),
            "locked": N_("Locked: no more changes"),
            "revealed": N_("Revealed: the results are shown"),
            "closed": N_("Closed"),
        }[self.value]


def new_join_code() -> str:
    """A short code without look-alike characters, e.g. ``'KP7QXA'``."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """Upper-case a typed code and drop spaces and dashes.

    >>> normalise_join_code(" kp7-qxa ")
    'KP7QXA'
    """
    return "".join(ch for ch in str(text).upper() if ch not in " -\t")[:32]


def new_facilitator_key() -> str:
    return secrets.token_urlsafe(18)


def new_participant_token() -> str:
    return secrets.token_urlsafe(24)


def hash_key(key: str, salt: bytes | None = None) -> str:
    """Hash a facilitator key for storage as ``'scrypt$salt$digest'`` (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(key.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_key(key: str, stored: str) -> bool:
    """Compare a typed key with a stored hash in constant time."""
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    if scheme != "scrypt" or not isinstance(key, str) or len(key) > 200:
        return False
    candidate = hash_key(key, salt).split("$")[2]
    return hmac.compare_digest(candidate, digest_hex)


def token_digest(token: str) -> str:
    """Participant tokens are long random strings, so a plain SHA-256 is enough to store."""
    return hashlib.sha256(token.encode()).hexdigest()


# Characters that can hide or reorder what is shown without being seen themselves: C0/C1
# controls, the bidi embeddings, overrides and isolates ("Trojan Source"), zero-width spaces
# and invisible operators, the byte-order mark, surrogates and private-use characters.
# Everything else people type is kept as typed: ZWNJ and ZWJ (Persian, Hindi, emoji
# families), variation selectors, the marks LRM/RLM/ALM, and emoji tag sequences (the
# Welsh and Scottish flags) when they follow the black flag they belong to.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = frozenset("\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u180e")
_DROP_CATEGORIES = {"Cc", "Cs", "Co"}
_BLACK_FLAG = "\U0001f3f4"
_TAG_FIRST, _TAG_CANCEL = 0xE0020, 0xE007F


def _keeps(ch: str, previous: str) -> bool:
    """Whether ``ch`` (after the kept character ``previous``) stays in cleaned text."""
    code = ord(ch)
    if _TAG_FIRST <= code <= _TAG_CANCEL:
        return previous == _BLACK_FLAG or _TAG_FIRST <= ord(previous or "\0") <= _TAG_CANCEL
    if ch in _BIDI_CONTROLS or ch in _INVISIBLE or code == 0xE0001:
        return False
    return unicodedata.category(ch) not in _DROP_CATEGORIES


def _too_long(what: str, length: int, max_length: int) -> InvalidInput:
    msg = N_(
        "{what} is too long ({length:,} characters): please shorten it to at most "
        "{max_length:,} characters."
    )
    return InvalidInput(msg, what=what, length=length, max_length=max_length)


def clean_text(
    text: object, *, what: str, max_length: int, required: bool = False, multiline: bool = False
) -> str:
    """Normalise untrusted text: NFC, trimmed, without the characters that can hide or
    reorder text (controls, bidi overrides, zero-width spaces). Everything else is kept as
    typed: ZWNJ in Persian, ZWJ emoji families, emoji tag sequences such as the Welsh flag.

    Raises :class:`InvalidInput` with a sentence for the person when the text is
    missing or too long. Too long is refused rather than cut, so nobody loses words
    without knowing; exactly ``max_length`` characters is allowed.

    >>> clean_text("  Ann\\u202e  ", what="Your name", max_length=40)
    'Ann'
    >>> persian = "\\u0645\\u06cc\\u200c\\u062e\\u0648\\u0627\\u0647\\u0645"  # with ZWNJ
    >>> clean_text(persian, what="A line", max_length=40) == persian
    True
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        msg = N_("{what} must be text.")
        raise InvalidInput(msg, what=what)
    if len(text) > max_length * 4:
        raise _too_long(what, len(text), max_length)
    text = unicodedata.normalize("NFC", text)
    kept: list[str] = []
    for ch in text:
        if ch in ("\t", "\r", "\n"):
            kept.append("\n" if multiline and ch == "\n" else " ")
        elif _keeps(ch, kept[-1] if kept else ""):
            kept.append(ch)
    cleaned = "".join(kept).strip()
    if len(cleaned) > max_length:
        raise _too_long(what, len(cleaned), max_length)
    if required and not cleaned:
        msg = N_("{what} is empty: please write something first.")
        raise InvalidInput(msg, what=what)
    return cleaned


def display_name_or_anonymous(name: str, public_id: str) -> str:
    return name or f"Anonymous {public_id[-4:]}"


@dataclass(frozen=True)
class Participant:
    """Someone who joined a workshop; ``public_id`` is the pseudonym used in data."""

    id: int
    workshop_id: int
    public_id: str
    display_name: str
    perspective: str
    consent: bool
    joined_at: float

    @property
    def shown_name(self) -> str:
        return display_name_or_anonymous(self.display_name, self.public_id)


@dataclass(frozen=True)
class WorkshopState:
    """A workshop as the rooms sees it now: its stages' states and the current stage."""

    id: int
    code: str
    title: str
    template: str
    created_at: float
    current_stage: str
    stage_states: dict[str, StageState] = field(default_factory=dict)
    timer_ends_at: float | None = None
    timer_stage: str | None = None

    def state_of(self, stage_key: str) -> StageState:
        return self.stage_states.get(stage_key, StageState.NOT_STARTED)


@dataclass(frozen=True)
class Entry:
    """One contribution as it stands now: its latest revision, with moderation applied."""

    id: int
    activity: str
    kind: str
    stage: str
    author_id: int
    author_public_id: str
    perspective: str
    body: dict
    status: str  # "active" or "withdrawn"
    hidden: bool
    created_at: float
    updated_at: float
