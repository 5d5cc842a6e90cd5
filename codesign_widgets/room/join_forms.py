"""The participant page's forms: the join code, then name, perspective and consent, the
"Not Alice?" line of a shared device, and the leave-and-withdraw step with its confirmation.

Each form is a box of widgets that calls back what its button means (``on_enter``,
``on_join``, ``on_ask``, ``on_confirm``); :class:`~codesign_widgets.room.join.ParticipantApp`
wires them to its actions and shows one box at a time.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from ..core.i18n import Translator, translator
from ..core.safe_text import escaped
from ..core.templates import Template
from ..ui.announce import focus_heading

__all__ = ["CodeForm", "JoinForm", "LeaveStep", "NotMe"]


class CodeForm(widgets.VBox):
    """Type the code shown on the big screen; ``on_enter(code)`` opens that workshop."""

    def __init__(self, on_enter: Callable[[str], object], tr: Translator | None = None) -> None:
        _ = (tr or translator()).gettext
        self.code_input = widgets.Text(
            description=_("Join code"), placeholder=_("e.g. KP7QXA"), continuous_update=False
        )
        self.code_button = widgets.Button(
            description=_("Continue"), button_style="primary", icon="arrow-right"
        )
        self.code_button.on_click(lambda _b: on_enter(self.code_input.value))
        super().__init__(
            [
                widgets.HTML(escaped(_("Join a workshop"), "h2")),
                widgets.HTML(escaped(_("Type the code shown on the big screen."))),
                self.code_input,
                self.code_button,
            ]
        )

    def ask_again(self, code: object) -> None:
        """Show the code that opened nothing, so the participant can correct it."""
        self.code_input.value = str(code or "")[:32]


class JoinForm(widgets.VBox):
    """Name, perspective and consent for one workshop; ``on_join()`` joins with them."""

    def __init__(self, on_join: Callable[[], object], tr: Translator | None = None) -> None:
        _ = (tr or translator()).gettext
        self.title = widgets.HTML()
        self._title = ""
        self.name_input = widgets.Text(
            description=_("Your name (shown to the group)"),
            placeholder=_("Leave empty to stay anonymous"),
            continuous_update=False,
        )
        self.perspective_input = widgets.RadioButtons(description=_("I take part as"), options=[])
        self.consent_text = widgets.HTML()
        self.consent_input = widgets.Checkbox(description=_("I agree"), indent=False)
        self.join_button = widgets.Button(
            description=_("Join"), button_style="primary", icon="check"
        )
        self.join_button.on_click(lambda _b: on_join())
        super().__init__(
            [
                self.title,
                self.name_input,
                self.perspective_input,
                self.consent_text,
                self.consent_input,
                self.join_button,
            ]
        )

    def show_workshop(self, title: str, template: Template) -> None:
        """The workshop's title, its perspectives to choose from and its consent text."""
        self._title = title
        self.title.value = escaped(title, "h2")
        self.perspective_input.options = [
            (f"{p.label}: {p.hint}" if p.hint else p.label, p.key) for p in template.perspectives
        ]
        self.perspective_input.value = None
        self.consent_text.value = escaped(template.consent.strip(), "p")

    def focus(self) -> None:
        """Move keyboard focus to the form's heading (the workshop's title)."""
        self.title.value = focus_heading(self._title)

    def clear(self) -> None:
        """Empty the form (after leaving: nothing of the person stays on the page)."""
        self.name_input.value = ""
        self.perspective_input.value = None
        self.consent_input.value = False


class LeaveStep(widgets.VBox):
    """Leave the workshop and withdraw everything, in two steps: ``on_ask()`` when the leave
    button is pressed (the page shows :meth:`ask` if someone has joined), ``on_confirm()``
    when the confirm button is."""

    def __init__(
        self,
        on_ask: Callable[[], object],
        on_confirm: Callable[[], object],
        tr: Translator | None = None,
    ) -> None:
        self._ = _ = (tr or translator()).gettext
        self.leave_text = widgets.HTML()
        self.leave_button = widgets.Button(
            description=_("Leave and withdraw everything I added"),
            icon="sign-out",
            tooltip=_("Leave the workshop and take back all you added"),
        )
        self.leave_button.on_click(lambda _b: on_ask())
        self.confirm_leave_button = widgets.Button(
            description=_("Yes, withdraw everything"), button_style="danger", icon="check"
        )
        self.confirm_leave_button.on_click(lambda _b: on_confirm())
        self.stay_button = widgets.Button(description=_("No, stay"), icon="times")
        self.stay_button.on_click(lambda _b: self.stay())
        self.confirm_leave_box = widgets.VBox(
            [
                widgets.HTML(
                    escaped(
                        _(
                            "Are you sure? Everything you added in every part of the workshop "
                            "(lines, goal cards, dots, stakeholders, ties, ratings, scores and "
                            "comments) will be taken back and no longer count or show anywhere."
                        ),
                        "p",
                    )
                ),
                widgets.HBox([self.confirm_leave_button, self.stay_button]),
            ]
        )
        self.confirm_leave_box.layout.display = "none"
        super().__init__(
            [self.leave_text, self.leave_button, self.confirm_leave_box],
            layout=widgets.Layout(margin="2em 0 0 0"),
        )

    @property
    def asked(self) -> bool:
        """Whether the confirm step is on screen (a confirm click counts only then)."""
        return self.confirm_leave_box.layout.display != "none"

    def show_code(self, public_id: str) -> None:
        """Tell the participant the code the facilitator needs to erase them from the file."""
        self.leave_text.value = escaped(
            self._(
                "Your participant code is {code}. To have your data erased from the "
                "workshop file too, give this code to the facilitator."
            ).format(code=public_id),
            "p",
        )

    def ask(self) -> None:
        """Show the confirm step (nothing is withdrawn yet)."""
        self.confirm_leave_box.layout.display = None

    def stay(self) -> None:
        """Change of mind: hide the confirm step again."""
        self.confirm_leave_box.layout.display = "none"


class NotMe(widgets.HBox):
    """On a device that recognised someone: "Not Alice? Start as someone else"; the button
    calls ``on_start_over()``."""

    def __init__(self, on_start_over: Callable[[], object], tr: Translator | None = None) -> None:
        self._ = _ = (tr or translator()).gettext
        self.question = widgets.HTML()  # not a Label: a Label's "$5 or $10" became maths
        self.start_over_button = widgets.Button(
            description=_("Start as someone else"),
            icon="user",
            tooltip=_("This device forgets the person; what they added stays"),
        )
        self.start_over_button.on_click(lambda _b: on_start_over())
        super().__init__(
            [self.question, self.start_over_button],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
        )

    def show_name(self, name: str) -> None:
        """Ask about ``name`` (shown as text, never as HTML)."""
        self.question.value = escaped(self._("Not {name}?").format(name=name), "span")
