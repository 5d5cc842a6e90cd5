"""The composition root: one workshop file and every part of the store that works on it.

>>> studio = Studio.open("sqlite://")  # an in-memory file, for a try-out
>>> workshop, key = studio.workshops.create("Walking group", "codesign_day")
>>> ann, _token = studio.people.join(workshop.id, "Ann", "lived_experience", consent=True)
>>> [p.display_name for p in studio.people.participants(workshop.id)]
['Ann']

Each part takes the database (and, where it builds on another part, that part) and checks
its rules inside its own write transactions; none reaches into another's private helpers.
A participant's kernel builds one too: the parts are light (SQLAlchemy, no pandas).
"""

from __future__ import annotations

from .goals.store import GoalStore
from .network.store import NetworkStore
from .scoring.store import ScoringStore
from .store.engine import Database
from .store.entries import Entries
from .store.moderation import Moderation
from .store.people import People
from .store.privacy import Privacy
from .store.workshops import Workshops

__all__ = ["Studio"]


class Studio:
    """A workshop file and its parts.

    ``db`` (:class:`~.store.engine.Database`: transactions, the change feed),
    ``workshops`` (stages, the facilitator key), ``people``, ``entries`` (check-in lines),
    ``privacy`` (withdraw, erase, purge), ``moderation`` (hide everything from a person),
    and one part per activity: ``goals`` (``.cards``, ``.votes``), ``network`` (``.maps``,
    ``.edits``, ``.facilitator``) and ``scoring`` (``.prototypes``, ``.rounds``, ``.scores``).
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.workshops = Workshops(db)
        self.people = People(db)
        self.entries = Entries(db)
        self.privacy = Privacy(db)
        self.moderation = Moderation(db)
        self.goals = GoalStore(db, self.entries)
        self.network = NetworkStore(db)
        self.scoring = ScoringStore(db)

    @classmethod
    def open(cls, url: str | None = None, *, create: bool = True) -> Studio:
        """Open (and with ``create``, make) the workshop file at ``url`` (a SQLAlchemy URL;
        default ``$CODESIGN_DB``, else ``studio.db`` in the user's data folder)."""
        return cls(Database.open(url, create=create))

    def close(self) -> None:
        """Give back the file's connections."""
        self.db.close()
