"""What the notebooks display: each function reads the page request and returns an app.

Kept apart from the views so that a participant's kernel imports only the participant view.
"""

from __future__ import annotations

import os

import ipywidgets as widgets

from .core.errors import CodesignError
from .serving.voila_env import cookie_value, request_params

__all__ = [
    "LISTEN_ENV",
    "ROLE_ENV",
    "facilitator_app",
    "goal_mapping_app",
    "participant_app",
    "prototype_scoring_app",
    "stakeholder_network_app",
]

#: Set to "participant" in the participant server's kernels: facilitator views refuse to build.
ROLE_ENV = "CODESIGN_ROLE"
#: "0" in the hub's environment: its pages poll only, no LISTEN/NOTIFY (PgBouncer in
#: transaction mode passes no notifications; a benchmark's baseline).
LISTEN_ENV = "CODESIGN_LISTEN"
#: Seconds between a phone's polls for the room's changes. Its own actions show at once and
#: other people's work is drawn at most every 2 s anyway; 60 phones polling ten times a second
#: cost a tenth of the laptop's two cores while nothing happened.
PHONE_POLL_SECONDS = 0.5


def _listens() -> bool:
    return os.environ.get(LISTEN_ENV, "1") != "0"


def _problem(text: str, language: str | None = None) -> widgets.Widget:
    from .ui.common import Notice
    from .ui.page_language import PageLanguage

    notice = Notice()
    notice.show(text, "error")
    if language is None:
        return notice
    from .core.i18n import translator

    return widgets.VBox([notice, PageLanguage(translator(language))])


def _speaking(app: widgets.Box, workshop) -> widgets.Box:
    """``app`` (a hub or projector view of ``workshop``) with the page language of the
    workshop's plan: ``<html lang>`` follows it, so the plan's words and what people wrote are
    read aloud in their language (the hub's own controls stay English)."""
    from .core.i18n import translator
    from .core.templates import load_template
    from .ui.page_language import PageLanguage

    language = load_template(workshop.template).language
    app.children = (*app.children, PageLanguage(translator(language)))
    return app


def _watched(app: widgets.Widget, *, facilitator: bool) -> widgets.Widget:
    """``app``, whose taps now say so in its notice when they fail unexpectedly (a bug)
    instead of doing nothing (:mod:`.ui.trouble`). The hub's start form says it in the hub
    it opens."""
    from .ui.trouble import tell_unexpected

    def notice():
        return getattr(getattr(app, "hub", None) or app, "notice", None)

    tell_unexpected(notice, facilitator=facilitator)
    return app


def participant_app(db_url: str | None = None) -> widgets.Widget:
    """The participant page for ``?code=...``: join form, stage, check-in."""
    from .core.i18n import translator
    from .live import Feed
    from .room.join import ParticipantApp
    from .serving.sessions import token_cookie_name
    from .serving.voila_env import browser_language, cap_memory, hand_over_token
    from .studio import Studio

    cap_memory()
    params = request_params()
    language = browser_language()  # the code form's, until the workshop's plan says
    try:
        studio = Studio.open(db_url, create=False)
    except CodesignError as exc:
        tr = translator(language)
        return _problem(
            tr.format(
                "{error} (Tell the facilitator: the studio cannot reach its file.)",
                error=exc.translated(tr),
            ),
            language,
        )

    def remembered(code: str) -> str | None:
        return cookie_value(token_cookie_name(code.upper()))

    app = ParticipantApp(
        studio,
        code=params.get("code") or None,
        feed=Feed.for_studio(studio, interval=PHONE_POLL_SECONDS),
        hand_over=hand_over_token,
        remembered=remembered,
        language=language,
        just_joined=params.get("joined") == "1",
    )
    return _watched(app, facilitator=False)


def _facilitator_session():
    """The hub sessions of the facilitator server and this page's session id, if served."""
    from .serving.sessions import HUB_COOKIE, HubSessions

    return HubSessions.from_env(), cookie_value(HUB_COOKIE)


def _granted(code: str | None, sessions, session: str | None) -> bool:
    """Whether this signed-in browser opened workshop ``code`` with its key before."""
    from .core.workshop import normalise_join_code

    if sessions is None or not code:
        return False
    return normalise_join_code(code) in (sessions.codes(session) or [])


def facilitator_app(db_url: str | None = None) -> widgets.Widget:
    """The hub for ``?code=...`` in a browser signed in to it; otherwise a form to create or
    open a workshop (with its key, once per browser). In JupyterLab, ``?code=...&key=...``."""
    from .live import Feed
    from .room.hub import FacilitatorHub
    from .room.hub_start import HubStart
    from .studio import Studio

    params = request_params()
    if os.environ.get(ROLE_ENV) == "participant":
        return _problem(
            "The facilitator hub is not served here. Open it on the facilitator's "
            "laptop with the link `codesign serve` printed."
        )
    try:
        studio = Studio.open(db_url)
    except CodesignError as exc:
        return _problem(str(exc))
    feed = Feed.for_studio(studio, listen=_listens())  # the projector wakes on NOTIFY
    sessions, session = _facilitator_session()
    on_open = None if sessions is None else (lambda code: sessions.grant(session, code))
    code = params.get("code")
    # Served: the browser's session says which workshops it may open; the key is never in
    # the address. Unserved (JupyterLab), the key may come with the code.
    key = params.get("key") if sessions is None else None
    if code and (key or _granted(code, sessions, session)):
        try:
            if key:
                workshop = studio.workshops.check_facilitator(code, key)
            else:
                workshop = studio.workshops.by_code(code)
        except CodesignError as exc:
            start = HubStart(studio, feed=feed, on_open=on_open)
            start.code_input.value = code[:32]
            start.notice.show(str(exc), "error")
            return _watched(start, facilitator=True)
        hub = FacilitatorHub(studio, workshop, feed=feed)
        return _watched(_speaking(hub, workshop), facilitator=True)
    start = HubStart(studio, feed=feed, on_open=on_open)
    if code:
        start.code_input.value = code[:32]
        start.notice.show(
            "Type this workshop's facilitator key once: this browser then keeps it open.",
            "info",
        )
    return _watched(start, facilitator=True)


def _activity_app(db_url: str | None, build) -> widgets.Widget:
    """On the facilitator server, ``?code=...`` gives the activity's facilitator view
    (``build``) to the browser signed in to that workshop's hub; on the participant server,
    the participant page, whose stage shows the activity's panel. In JupyterLab,
    ``?code=...&key=...`` gives the facilitator view."""
    from .live import Feed
    from .studio import Studio

    params = request_params()
    code, key = params.get("code"), params.get("key")
    sessions, session = _facilitator_session()
    facilitator = os.environ.get(ROLE_ENV) == "facilitator" or (sessions is None and key)
    # The participant server (on the LAN) never builds a facilitator view, key or not.
    if not facilitator or os.environ.get(ROLE_ENV) == "participant":
        return participant_app(db_url)
    try:
        studio = Studio.open(db_url, create=False)
        if sessions is None:
            workshop = studio.workshops.check_facilitator(code or "", key or "")
        elif _granted(code, sessions, session):
            workshop = studio.workshops.by_code(code)
        else:
            return _problem(
                "This page opens from the hub: open the workshop in the hub in this browser, "
                "then use its activity links."
            )
        feed = Feed.for_studio(studio, listen=_listens())
        app = build(studio, workshop, feed, params)
        return _watched(_speaking(app, workshop), facilitator=True)
    except CodesignError as exc:
        return _problem(str(exc))


def goal_mapping_app(db_url: str | None = None) -> widgets.Widget:
    """Goal mapping: the facilitator's wall and controls, or the participant page."""

    def build(studio, workshop, feed, _params):
        from .goals.hub import GoalHub  # facilitator only: never on a phone's kernel

        return GoalHub(studio, workshop, feed=feed)

    return _activity_app(db_url, build)


def stakeholder_network_app(db_url: str | None = None) -> widgets.Widget:
    """Stakeholder network: the facilitator's live map, analysis and open data (``&stage=``
    picks a network stage), or the participant page."""

    def build(studio, workshop, feed, params):
        from .network.hub import NetworkHub

        return NetworkHub(studio, workshop, feed=feed, stage=params.get("stage"))

    return _activity_app(db_url, build)


def prototype_scoring_app(db_url: str | None = None) -> widgets.Widget:
    """Prototype scoring: the facilitator's scoring hub (rounds, reveal, results), or the
    participant page."""

    def build(studio, workshop, feed, params):
        from .scoring.hub import ScoringHub

        return ScoringHub(studio, workshop, stage=params.get("stage"), feed=feed)

    return _activity_app(db_url, build)
