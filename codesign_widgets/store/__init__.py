"""The workshop store: the only package that speaks SQL.

The engine and transactions (:mod:`.engine`), the schema and its migrations (:mod:`.schema`),
people, entries and privacy. Each activity's own tables are read and written by the store part
in its folder; :mod:`codesign_widgets.studio` composes them.
"""

from __future__ import annotations

from .engine import DB_ENV, default_db_url
from .privacy import PurgeResult

__all__ = ["DB_ENV", "PurgeResult", "default_db_url"]
