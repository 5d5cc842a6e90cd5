"""The goal card form on a participant's phone: what matters, the goal, first steps, the
services that would help, barriers, confidence (and what would make it a 7), a review date,
a theme and who sees the card.

Only widgets and their values: the panel (:class:`~codesign_widgets.goals.panel.GoalPanel`)
saves what :meth:`GoalCardForm.values` holds through the store, which checks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets

from ..core.i18n import Translator, translator
from ..core.safe_text import as_description, escaped
from ..ui.keyed import close_later
from .cards import CONFIDENCE_PROMPT_BELOW, GoalCard

__all__ = ["ON_CHANGE", "GoalCardForm"]

#: Text boxes send what was typed once, when the person leaves the box (tapping a button does),
#: not per keystroke. The page sends a widget's next update only after the kernel answered the
#: last one, so with per-keystroke updates a busy kernel got the button's click before the
#: last words (or, when answers were lost, before any: "What matters to you is empty" while
#: the box showed the text).
ON_CHANGE = {"continuous_update": False}


class GoalCardForm(widgets.VBox):
    """One column of labelled inputs for a goal card, worded by the plan's ``prompts``.

    ``on_save()`` is called by the save button (adding a card or saving an edit, the panel
    knows which) and ``on_cancel()`` by the cancel-editing button.
    """

    def __init__(
        self,
        prompts: Mapping[str, str],
        on_save: Callable[[], object],
        on_cancel: Callable[[], object],
        tr: Translator | None = None,
    ) -> None:
        self._ = _ = (tr or translator()).gettext
        # The plan's own wording is in its language already; the defaults are translated.
        p = {key: _(text) for key, text in prompts.items()}
        self._services: tuple[str, ...] = ()  # the stage's services, as last shown
        self._extra_services: list[str] = []  # typed by the author of the card being edited
        self.what_matters = widgets.Textarea(description=p["what_matters"], **ON_CHANGE)
        self.goal = widgets.Textarea(description=p["goal"], **ON_CHANGE)
        self.steps = widgets.Textarea(description=p["steps"], **ON_CHANGE)
        self.service_boxes: dict[str, widgets.Checkbox] = {}
        self.services = widgets.VBox()
        self.new_service = widgets.Text(description=p["new_service"], **ON_CHANGE)
        self.barriers = widgets.Textarea(description=p["barriers"], **ON_CHANGE)
        self.confidence = widgets.IntSlider(
            description=p["confidence"], min=0, max=10, value=5, continuous_update=False
        )
        self.to_seven = widgets.Textarea(description=p["to_seven"], **ON_CHANGE)
        self.confidence.observe(lambda _c: self._show_to_seven(), "value")
        self.review_date = widgets.DatePicker(description=p["review_date"])
        self.theme = widgets.Combobox(description=p["theme"], ensure_option=False, **ON_CHANGE)
        self.visibility = widgets.RadioButtons(
            description=p["visibility"],
            options=[
                (_("Only me"), "private"),
                (_("The group (shown on the big screen)"), "shared"),
            ],
            value="private",
        )
        self.save_button = widgets.Button(
            description=_("Add card"), button_style="primary", icon="plus"
        )
        self.save_button.on_click(lambda _b: on_save())
        self.cancel_button = widgets.Button(
            description=_("Cancel editing"), icon="times", layout={"display": "none"}
        )
        self.cancel_button.on_click(lambda _b: on_cancel())
        super().__init__(
            [
                self.what_matters,
                self.goal,
                self.steps,
                widgets.HTML(escaped(p["services"], "div", "codesign-label")),
                self.services,
                self.new_service,
                self.barriers,
                self.confidence,
                self.to_seven,
                self.review_date,
                self.theme,
                self.visibility,
                self.save_button,
                self.cancel_button,
            ]
        )
        self._show_to_seven()

    def _show_to_seven(self) -> None:
        low = self.confidence.value < CONFIDENCE_PROMPT_BELOW
        self.to_seven.layout.display = "" if low else "none"

    def show_services(self, services: tuple[str, ...]) -> None:
        """One box per service of the stage (ticks kept), plus those of the card edited."""
        self._services = services
        checked = {name for name, box in self.service_boxes.items() if box.value}
        boxes = {}
        for name in (*services, *self._extra_services):
            box = self.service_boxes.get(name) or widgets.Checkbox(
                description=as_description(name),
                indent=False,
                value=name in checked,
            )
            boxes[name] = box
        gone = [box for name, box in self.service_boxes.items() if name not in boxes]
        self.service_boxes = boxes
        if tuple(self.services.children) != tuple(boxes.values()):
            self.services.children = list(boxes.values())
        close_later(gone)

    def show_open(self, is_open: bool, themes: Sequence[str] | None) -> None:
        """Offer the group's ``themes`` (None: keep those offered); inputs work only while
        the stage is open (cosmetic: the store refuses every change to a stage that is not
        open).

        A live redraw passes None: any change to a text box's traits makes the browser redraw
        the box from the value the kernel last heard, wiping words typed since (a box sends
        them when the person leaves it). After a tap the kernel has them, so it is safe.
        """
        if themes is not None:
            self.theme.options = tuple(themes)
        for w in (self.save_button, *self.children):
            if hasattr(w, "disabled"):
                w.disabled = not is_open
        for box in self.service_boxes.values():
            box.disabled = not is_open

    def values(self) -> dict:
        """What the form holds, as a card for the store (which checks it)."""
        chosen = [name for name, box in self.service_boxes.items() if box.value]
        if self.new_service.value.strip():
            chosen.append(self.new_service.value)
        low = self.confidence.value < CONFIDENCE_PROMPT_BELOW
        review = self.review_date.value
        return {
            "what_matters": self.what_matters.value,
            "goal": self.goal.value,
            "steps": self.steps.value,
            "services": chosen,
            "barriers": self.barriers.value,
            "confidence": self.confidence.value,
            "to_seven": self.to_seven.value if low else "",
            "review_date": review.isoformat() if isinstance(review, dt.date) else "",
            "theme": self.theme.value,
            "visibility": self.visibility.value,
        }

    def load(self, card: GoalCard) -> None:
        """Put one of the participant's own cards into the form to change it."""
        self.what_matters.value, self.goal.value = card.what_matters, card.goal
        self.steps.value, self.to_seven.value = card.steps, card.to_seven
        self.barriers.value = "\n".join(card.barriers)
        known = {name.casefold() for name in self.service_boxes}
        # Services the author typed in stay as ticked boxes of their own while editing.
        self._extra_services = [s for s in card.services if s.casefold() not in known]
        self.show_services(self._services)
        chosen = {s.casefold() for s in card.services}
        for name, box in self.service_boxes.items():
            box.value = name.casefold() in chosen
        self.new_service.value = ""
        self.confidence.value = card.confidence if card.confidence is not None else 5
        self.review_date.value = (
            dt.date.fromisoformat(card.review_date) if card.review_date else None
        )
        self.theme.value = card.theme
        self.visibility.value = card.visibility
        self.save_button.description = self._("Save changes")
        self.cancel_button.layout.display = ""

    def clear(self) -> None:
        """Empty the form for the next card (and leave editing, if it was)."""
        for box in (self.what_matters, self.goal, self.steps, self.barriers, self.to_seven):
            box.value = ""
        self.new_service.value = self.theme.value = ""
        for box in self.service_boxes.values():
            box.value = False
        self.confidence.value = 5
        self.review_date.value = None
        self.visibility.value = "private"

    def stop_editing(self) -> None:
        """Back to adding a new card: empty, without the edited card's own services."""
        self._extra_services = []
        self.clear()
        self.show_services(self._services)
        self.save_button.description = self._("Add card")
        self.cancel_button.layout.display = "none"

    def close(self) -> None:
        """Close the form; its inputs and service boxes a moment later (a keystroke on its
        way still finds its box)."""
        close_later([*self.children, *self.service_boxes.values(), self.layout])
        super().close()
