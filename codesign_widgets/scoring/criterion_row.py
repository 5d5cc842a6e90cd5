"""One criterion on a participant's phone: the question, the labelled scale as buttons (plus
"can't say"), what is saved, in words, and last round's score."""

from __future__ import annotations

import ipywidgets as widgets

from ..core.i18n import Translator, translator
from ..core.safe_text import as_description, escaped
from .criteria import Criterion
from .model import CANT_SAY

__all__ = ["CriterionRow"]


class CriterionRow(widgets.VBox):
    """The question, the labelled scale as buttons (plus "can't say"), last round's score."""

    def __init__(self, criterion: Criterion, tr: Translator | None = None) -> None:
        super().__init__()
        self._ = _ = (tr or translator()).gettext
        self.criterion = criterion
        self.buttons = widgets.ToggleButtons(
            description=as_description(criterion.label),
            options=[(str(v), v) for v in criterion.points] + [(_("Can't say"), CANT_SAY)],
            tooltips=[criterion.label_for(v) for v in criterion.points] + [_("I can't say")],
            value=None,
            style={"button_width": "auto", "description_width": "initial"},
            layout={"flex_flow": "row wrap", "width": "auto"},
        )
        scale = " · ".join(criterion.label_for(v) for v in criterion.points)
        self.question = widgets.HTML(escaped(criterion.question, "div", "codesign-question"))
        self.scale = widgets.HTML(escaped(scale, "div", "codesign-scale"))
        self.chosen = widgets.HTML()
        self.last = widgets.HTML()
        self.children = [self.question, self.buttons, self.scale, self.chosen, self.last]
        self.add_class("codesign-criterion")

    def show_saved(self, value: int | str | None, given: bool) -> None:
        """Say in words what is saved: a pressed button alone is easy to miss on a phone."""
        stored = None if value == CANT_SAY else value
        _ = self._
        text = (
            _("Your score: {score}").format(score=_(self.criterion.label_for(stored)))
            if given
            else _("Not scored yet")
        )
        self.chosen.value = escaped(text, "div", "codesign-chosen")
