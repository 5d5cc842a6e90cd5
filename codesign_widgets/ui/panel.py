"""The base of every participant panel: what it is built with, how it follows the live feed
and how it stops when the room moves on.

A panel is built with ``(studio, workshop, template, participant, stage, notice, feed=feed)``
and offers ``set_workshop(workshop)`` for stage changes. Which panel a stage shows is the
participant page's choice (:mod:`codesign_widgets.room.registry`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.i18n import translator
from .keyed import close_later

if TYPE_CHECKING:
    from ..core.templates import Stage, Template
    from ..core.workshop import Participant, WorkshopState
    from ..live import Feed
    from ..studio import Studio
    from .common import Notice

__all__ = ["ActivityPanel"]


class ActivityPanel(widgets.VBox):
    """What every participant panel is built with, and how it stops when the room moves on.

    Subclasses set ``css_class``, build their widgets after ``super().__init__(...)``, call
    :meth:`follow` for the live topics they show and implement ``set_workshop(workshop)``.
    """

    css_class = ""

    def __init__(
        self,
        studio: Studio,
        workshop: WorkshopState,
        template: Template,
        participant: Participant,
        stage: Stage,
        notice: Notice,
        feed: Feed | None = None,
    ) -> None:
        super().__init__()
        if self.css_class:
            self.add_class(self.css_class)
        self.studio, self.workshop, self.template = studio, workshop, template
        self.participant, self.stage, self.notice = participant, stage, notice
        self.feed = feed
        self._unsubscribe: Callable[[], None] | None = None
        # The words of the workshop's language (its plan's); a panel says ``self._("...")``.
        self.tr = translator(template.language)
        self._ = self.tr.gettext

    def follow(self, topics: Iterable[str], callback: Callable[[set[str]], None]) -> None:
        """Call ``callback`` when the live feed reports one of ``topics`` in this workshop."""
        if self.feed is not None and self._unsubscribe is None:
            self._unsubscribe = self.feed.subscribe(self.workshop.id, topics, callback)

    def close(self) -> None:
        """Stop following the feed, then close the panel. Its widgets (and all they hold)
        are closed a moment later: a keystroke or a tap already on its way still finds its
        widget, instead of "model not found" in the phone's page."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        close_later([*self.children, self.layout])
        super().close()
