"""What the notebooks display: each function reads the page request and returns an app.

Kept apart from the views so that a participant's kernel imports only the participant view.
"""

from __future__ import annotations

import os

import ipywidgets as widgets

from .core.errors import CodesignError
from .serving.voila_env import cookie_value, request_params

__all__ = [
    "ROLE_ENV",
    "facilitator_app",
    "goal_mapping_app",
    "participant_app",
    "prototype_scoring_app",
    "stakeholder_network_app",
]

#: Set to "participant" in the participant server's kernels: facilitator views refuse to build.
ROLE_ENV = "CODESIGN_ROLE"


def _problem(text: str) -> widgets.Widget:
    from .ui.common import Notice

    notice = Notice()
    notice.show(text, "error")
    return notice


def participant_app(db_url: str | None = None) -> widgets.Widget:
    """The participant page for ``?code=...``: join form, stage, check-in."""
    from .live import Feed
    from .room.identity import cookie_name
    from .room.join import ParticipantApp
    from .studio import Studio

    params = request_params()
    try:
        studio = Studio.open(db_url, create=False)
    except CodesignError as exc:
        return _problem(f"{exc} (Tell the facilitator: the studio cannot reach its file.)")
    code = params.get("code", "")
    token = cookie_value(cookie_name(code.upper())) if code else None
    return ParticipantApp(studio, code=code or None, token=token, feed=Feed.for_studio(studio))


def facilitator_app(db_url: str | None = None) -> widgets.Widget:
    """The hub for ``?code=...&key=...``; without them, a form to create or open a workshop."""
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
    feed = Feed.for_studio(studio)
    code, key = params.get("code"), params.get("key")
    if code or key:
        try:
            workshop = studio.workshops.check_facilitator(code or "", key or "")
        except CodesignError as exc:
            start = HubStart(studio, feed=feed)
            start.code_input.value = (code or "")[:32]
            start.notice.show(str(exc), "error")
            return start
        return FacilitatorHub(studio, workshop, feed=feed, key=key)
    return HubStart(studio, feed=feed)


def _activity_app(db_url: str | None, build) -> widgets.Widget:
    """``?code=...&key=...`` gives the activity's facilitator view (``build``); only
    ``?code=...`` gives the participant page, whose stage shows the activity's panel."""
    from .live import Feed
    from .studio import Studio

    params = request_params()
    code, key = params.get("code"), params.get("key")
    # The participant server (on the LAN) never builds a facilitator view, key or not.
    if not key or os.environ.get(ROLE_ENV) == "participant":
        return participant_app(db_url)
    try:
        studio = Studio.open(db_url, create=False)
        workshop = studio.workshops.check_facilitator(code or "", key)
        return build(studio, workshop, Feed.for_studio(studio), params)
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
