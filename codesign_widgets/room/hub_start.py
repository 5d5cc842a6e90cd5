"""The hub's first screen, when it is opened without a workshop: create one or open one.

Once a workshop is open, ``on_open(code)`` lets the facilitator's browser session remember it
(the server's sign-in, see ``serving/sessions.py``) and the page's address carries its join
code, so a reload opens the hub again without the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.safe_text import escaped
from ..core.templates import list_templates, load_template
from ..live import Feed
from ..ui.common import Notice, run_action
from .hub import FacilitatorHub
from .identity import PageAddress

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["HubStart"]


class HubStart(widgets.VBox):
    """First screen when the hub is opened without a workshop: create one or open one."""

    def __init__(
        self,
        studio: Studio,
        feed: Feed | None = None,
        on_open: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        self.studio, self.feed = studio, feed
        self._on_open = on_open
        self.address = PageAddress()
        self.notice = Notice()
        self.title_input = widgets.Text(
            description="Workshop title",
            placeholder="e.g. Redesigning foot care",
            continuous_update=False,
        )
        templates = [(load_template(k).name, k) for k in list_templates()]
        self.template_input = widgets.Dropdown(
            description="Plan", options=templates, value="codesign_day"
        )
        self.create_button = widgets.Button(
            description="Create workshop", button_style="primary", icon="plus"
        )
        self.create_button.on_click(lambda _b: self.create_workshop())
        self.code_input = widgets.Text(description="Join code", continuous_update=False)
        self.key_input = widgets.Password(description="Facilitator key", continuous_update=False)
        self.open_button = widgets.Button(description="Open workshop", icon="folder-open")
        self.open_button.on_click(lambda _b: self.open_workshop())
        self.hub: FacilitatorHub | None = None
        self.children = [
            widgets.HTML(escaped("Co-design studio: facilitator", "h1")),
            widgets.HTML(escaped("Create a workshop", "h2")),
            self.title_input,
            self.template_input,
            self.create_button,
            widgets.HTML(escaped("Or open one", "h2")),
            self.code_input,
            self.key_input,
            self.open_button,
            self.notice,
            self.address,
        ]

    def create_workshop(self) -> FacilitatorHub | None:
        result = run_action(
            self.notice,
            self.studio.workshops.create,
            self.title_input.value,
            self.template_input.value,
        )
        if not result:
            return None
        workshop, key = result
        return self._open(FacilitatorHub(self.studio, workshop, feed=self.feed, new_key=key))

    def open_workshop(self) -> FacilitatorHub | None:
        workshop = run_action(
            self.notice,
            self.studio.workshops.check_facilitator,
            self.code_input.value,
            self.key_input.value,
        )
        if not workshop:
            return None
        self.key_input.value = ""  # the key stays no longer than needed, even in the kernel
        return self._open(FacilitatorHub(self.studio, workshop, feed=self.feed))

    def _open(self, hub: FacilitatorHub) -> FacilitatorHub:
        self.hub = hub
        if self._on_open is not None:
            self._on_open(hub.workshop.code)
        self.address.workshop_code = hub.workshop.code
        self.children = [hub, self.address]
        return hub
