"""What the notebooks display: each function reads the page request and returns an app.

Kept apart from the views so that a participant's kernel imports only the participant view.
"""

from __future__ import annotations

import ipywidgets as widgets

from .errors import CodesignError
from .voila_env import cookie_value, request_params

__all__ = ["facilitator_app", "participant_app"]


def _problem(text: str) -> widgets.Widget:
    from .views.common import Notice

    notice = Notice()
    notice.show(text, "error")
    return notice


def participant_app(db_url: str | None = None) -> widgets.Widget:
    """The participant page for ``?code=...``: join form, stage, check-in."""
    from .live import Feed
    from .store import Store
    from .views.identity import cookie_name
    from .views.join import ParticipantApp

    params = request_params()
    try:
        store = Store.open(db_url, create=False)
    except CodesignError as exc:
        return _problem(f"{exc} (Tell the facilitator: the studio cannot reach its file.)")
    code = params.get("code", "")
    token = cookie_value(cookie_name(code.upper())) if code else None
    return ParticipantApp(store, code=code or None, token=token, feed=Feed.for_store(store))


def facilitator_app(db_url: str | None = None) -> widgets.Widget:
    """The hub for ``?code=...&key=...``; without them, a form to create or open a workshop."""
    from .live import Feed
    from .store import Store
    from .views.hub import FacilitatorHub, HubStart

    params = request_params()
    try:
        store = Store.open(db_url)
    except CodesignError as exc:
        return _problem(str(exc))
    feed = Feed.for_store(store)
    code, key = params.get("code"), params.get("key")
    if code or key:
        try:
            workshop = store.check_facilitator(code or "", key or "")
        except CodesignError as exc:
            start = HubStart(store, feed=feed)
            start.code_input.value = (code or "")[:32]
            start.notice.show(str(exc), "error")
            return start
        return FacilitatorHub(store, workshop, feed=feed)
    return HubStart(store, feed=feed)
