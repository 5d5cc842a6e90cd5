"""The hub's first screen, when it is opened without a workshop: create one or open one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.safe_text import escaped
from ..core.templates import list_templates, load_template
from ..live import Feed
from ..ui.common import Notice, run_action
from .hub import FacilitatorHub

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["HubStart"]


class HubStart(widgets.VBox):
    """First screen when the hub is opened without a workshop: create one or open one."""

    def __init__(self, studio: Studio, feed: Feed | None = None) -> None:
        super().__init__()
        self.studio, self.feed = studio, feed
        self.notice = Notice()
        self.title_input = widgets.Text(
            description="Workshop title", placeholder="e.g. Redesigning foot care"
        )
        templates = [(load_template(k).name, k) for k in list_templates()]
        self.template_input = widgets.Dropdown(
            description="Plan", options=templates, value="codesign_day"
        )
        self.create_button = widgets.Button(
            description="Create workshop", button_style="primary", icon="plus"
        )
        self.create_button.on_click(lambda _b: self.create_workshop())
        self.code_input = widgets.Text(description="Join code")
        self.key_input = widgets.Password(description="Facilitator key")
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
        self.hub = FacilitatorHub(self.studio, workshop, feed=self.feed, new_key=key, key=key)
        self.children = [self.hub]
        return self.hub

    def open_workshop(self) -> FacilitatorHub | None:
        workshop = run_action(
            self.notice,
            self.studio.workshops.check_facilitator,
            self.code_input.value,
            self.key_input.value,
        )
        if not workshop:
            return None
        self.hub = FacilitatorHub(self.studio, workshop, feed=self.feed, key=self.key_input.value)
        self.children = [self.hub]
        return self.hub
