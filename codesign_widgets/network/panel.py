"""A participant's stakeholder-network panel: add stakeholders and ties from a phone.

One column, every input labelled. Names already on the map are offered while typing, and a
name that is already there records the participant's own influence rating for it instead of
adding it twice. The kernel holds only what this participant may see: the names on the map,
the tie types, and their own stakeholders and ties. No networkx here (a test checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.i18n import N_
from ..core.safe_text import escaped
from ..core.templates import Stage, Template
from ..core.workshop import Participant, StageState, WorkshopState
from ..live import Feed
from ..ui.batching import PHONE_LIVE_EVERY, Batcher
from ..ui.common import Notice, RepeatTap, run_action, update_withdraw_row, withdraw_row
from ..ui.keyed import KeyedList
from ..ui.panel import ActivityPanel
from .model import DIRECTIONS
from .rules import MAX_GOALS, MAX_NAME, find_same_name

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["NetworkPanel"]

TOPICS = {"network"}
STRENGTHS = [(N_("1: weak"), 1), (N_("2: medium"), 2), (N_("3: strong"), 3)]


class NetworkPanel(ActivityPanel):
    """Stakeholders and ties for one network stage.

    Actions are methods: :meth:`add_stakeholder` (or rate one already on the map),
    :meth:`add_tie`, :meth:`withdraw`.
    """

    css_class = "codesign-network"

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
        super().__init__(studio, workshop, template, participant, stage, notice, feed=feed)
        self.names: dict[int, str] = {}
        # A double tap on Add (or a tap sent again) adds nothing and reports no false error.
        self._stakeholder_taps, self._tie_taps = RepeatTap(), RepeatTap()
        _ = self._
        self._build_stakeholder_form()
        self._build_tie_form()
        self.mine = widgets.VBox()
        self._mine_header = widgets.HTML()
        self._mine_rows = KeyedList(
            self.mine, self._make_row, update_withdraw_row, header=[self._mine_header]
        )
        self.children = [
            widgets.HTML(escaped(_("Add a stakeholder"), "h3")),
            self.stakeholder_form,
            widgets.HTML(escaped(_("Add a tie"), "h3")),
            self.tie_form,
            self.mine,
        ]
        self.refresh(TOPICS)
        self._batcher = Batcher(lambda topics: self.refresh(topics, live=True), PHONE_LIVE_EVERY)
        self.follow(TOPICS, self.on_change)

    def on_change(self, topics: set[str]) -> None:
        """Live feed: other phones' work and the facilitator's changes, in batches."""
        self._batcher(topics)

    # -- forms ----------------------------------------------------------------------
    def _build_stakeholder_form(self) -> None:
        _ = self._
        self.name = widgets.Combobox(
            description=_("Name"),
            placeholder=_("Start typing: names on the map appear"),
            ensure_option=False,
            continuous_update=False,
        )
        self.name.observe(lambda _c: self._show_same_name(), "value")
        self.same_name = widgets.HTML()
        self.kind = widgets.Dropdown(description=_("Kind"), options=[], value=None)
        self.perspective = widgets.Dropdown(
            description=_("Whose perspective they bring"),
            options=[(_("Not sure"), "")] + [(p.label, p.key) for p in self.template.perspectives],
            value="",
        )
        # Every box is sent when the person leaves it (a tap on Add does), not per keystroke:
        # the browser holds a box's next value until the kernel has answered the last one,
        # while a tap goes at once, so on a busy kernel the tap would overtake the last words
        # ("Podiatry bu"). The names on the map are suggested by the browser as they type; the
        # "already on the map" hint comes when they leave the name box.
        self.goals = widgets.Textarea(
            description=_("What they want here"),
            placeholder=_("Up to {n} characters").format(n=MAX_GOALS),
            continuous_update=False,
        )
        self.influence = widgets.IntSlider(
            description=_("Influence on this (0-10)"), min=0, max=10, value=5,
            continuous_update=False,
        )  # fmt: skip
        self.interest = widgets.IntSlider(
            description=_("Interest in this (0-10)"), min=0, max=10, value=5,
            continuous_update=False,
        )  # fmt: skip
        self.add_button = widgets.Button(
            description=_("Add stakeholder"), button_style="primary", icon="plus"
        )
        self.add_button.on_click(lambda _b: self.add_stakeholder())
        self.stakeholder_form = widgets.VBox(
            [
                self.name,
                self.same_name,
                self.kind,
                self.perspective,
                self.goals,
                self.influence,
                self.interest,
                self.add_button,
            ]
        )

    def _build_tie_form(self) -> None:
        _ = self._
        self.source = widgets.Dropdown(description=_("From"), options=[], value=None)
        self.target = widgets.Dropdown(description=_("To"), options=[], value=None)
        self.tie_type = widgets.Dropdown(description=_("Type of tie"), options=[], value=None)
        self.direction = widgets.Dropdown(
            description=_("Direction"),
            options=[(_(label), key) for key, label in DIRECTIONS.items()],
            value="forward",
        )
        self.strength = widgets.Dropdown(
            description=_("Strength"), options=[(_(t), n) for t, n in STRENGTHS], value=2
        )
        self.tie_button = widgets.Button(
            description=_("Add tie"), button_style="primary", icon="link"
        )
        self.tie_button.on_click(lambda _b: self.add_tie())
        self.tie_form = widgets.VBox(
            [
                self.source,
                self.target,
                self.tie_type,
                self.direction,
                self.strength,
                self.tie_button,
            ]
        )

    def _same(self) -> int | None:
        typed = self.name.value
        if not typed or len(typed) > MAX_NAME * 4:
            return None
        return find_same_name(typed, self.names)

    def _show_same_name(self) -> None:
        same = self._same()
        if same is None:
            self.same_name.value = ""
            self.add_button.description = self._("Add stakeholder")
            return
        self.same_name.value = escaped(
            self._(
                "Already on the map as “{name}”: your influence and interest will be added to it."
            ).format(name=self.names[same]),
            "div",
            "codesign-hint",
        )
        self.add_button.description = self._("Add my rating")

    # -- actions ----------------------------------------------------------------------
    def add_stakeholder(self) -> bool:
        """Add the stakeholder in the form, or rate it if the name is already on the map.

        The same tap again within a few seconds (the form emptied by the first) does nothing.
        """
        words = (self.name.value.strip(), self.kind.value)
        if self._stakeholder_taps.repeats(words, empty=("", self.kind.value)):
            return True
        same = self._same()
        if same is not None:
            name = self.names[same]
            ok = run_action(
                self.notice,
                self.studio.network.edits.rate_stakeholder,
                self.participant,
                self.stage.key,
                same,
                self.influence.value,
                self.interest.value,
                ok=self._("“{name}” was already on the map: your rating was added to it.").format(
                    name=name
                ),
            )
        else:
            if self.kind.value is None:
                self.notice.show(self._("Please choose what kind of stakeholder this is."), "error")
                return False
            ok = run_action(
                self.notice,
                self.studio.network.edits.add_stakeholder,
                self.participant,
                self.stage.key,
                self.name.value,
                self.kind.value,
                self.perspective.value,
                self.goals.value,
                self.influence.value,
                self.interest.value,
                ok=self._("Added to the map."),
            )
        if ok:
            self._stakeholder_taps.saved(words)
            self.name.value = ""
            self.goals.value = ""
            self.refresh(TOPICS)
        return bool(ok)

    def add_tie(self) -> bool:
        """Draw the tie chosen in the form (the same tap again within a few seconds, with the
        form unchanged, does nothing: not a second tie, nor a false "already a tie")."""
        words = tuple(
            w.value
            for w in (self.source, self.target, self.tie_type, self.direction, self.strength)
        )
        if self._tie_taps.repeats(words, empty=None):
            return True
        if self.source.value is None or self.target.value is None:
            self.notice.show(self._("Choose who the tie is from and who it is to."), "error")
            return False
        if self.tie_type.value is None:
            self.notice.show(self._("Choose the type of tie."), "error")
            return False
        ok = run_action(
            self.notice,
            self.studio.network.edits.add_tie,
            self.participant,
            self.stage.key,
            self.source.value,
            self.target.value,
            self.tie_type.value,
            self.direction.value,
            self.strength.value,
            ok=self._("Tie added to the map."),
        )
        if ok:
            self._tie_taps.saved(words)
        self.refresh(TOPICS)
        return bool(ok)

    def withdraw(self, item_id: int) -> bool:
        """Take back one of the participant's own stakeholders or ties (kept on record)."""
        ok = run_action(
            self.notice,
            self.studio.network.edits.withdraw_network_item,
            self.participant,
            item_id,
            ok=self._("Withdrawn: it is no longer on the map."),
        )
        self.refresh(TOPICS)
        return bool(ok)

    # -- drawing ----------------------------------------------------------------------
    def set_workshop(self, workshop: WorkshopState) -> None:
        """The stage moved on or changed state (called by the participant page)."""
        self.workshop = workshop
        self.refresh({"stages"})

    def refresh(self, topics: set[str], *, live: bool = False) -> None:
        """Redraw names, choices and the participant's own items.

        A ``live`` redraw (other people's work) leaves the name box's suggestions alone: any
        change to a text box's traits makes the browser redraw it from the value the kernel
        last heard, wiping a name typed since. The kernel's own list of names, which decides
        "already on the map", is always up to date.
        """
        try:
            view = self.studio.network.maps.participant_network(self.participant, self.stage.key)
        except CodesignError as exc:
            self.notice.show(exc.translated(self.notice.tr), "error")
            return
        settings, self.names = view.settings, view.names
        by_name = sorted(self.names.items(), key=lambda item: item[1].casefold())
        if not live:
            self.name.options = tuple(name for _id, name in by_name)
        choices = [(name, item_id) for item_id, name in by_name]
        for dropdown in (self.source, self.target):
            keep = dropdown.value if dropdown.value in self.names else None
            dropdown.options = choices
            dropdown.value = keep
        self.kind.options = [(self._(settings.kind_label(k)), k) for k in settings.kinds]
        types = [(self._(t.label), t.key) for t in settings.tie_types]
        keep = self.tie_type.value if self.tie_type.value in {k for _l, k in types} else None
        self.tie_type.options = types
        self.tie_type.value = keep
        self._show_same_name()
        is_open = self.workshop.state_of(self.stage.key) is StageState.OPEN
        # Cosmetic only: the store refuses every change to a stage that is not open.
        for form in (self.stakeholder_form, self.tie_form):
            for w in form.children:
                if hasattr(w, "disabled"):
                    w.disabled = not is_open
        self._draw_mine(view)

    def _draw_mine(self, view) -> None:
        _, settings = self._, view.settings
        labels = {t.key: _(t.label) for t in settings.tie_types}
        items = [
            *((s.id, f"{s.name} ({_(settings.kind_label(s.kind))})") for s in view.stakeholders),
            *(
                (
                    x.id,
                    _("{source} → {target}: {type}, strength {n}").format(
                        source=view.tie_ends[x.source],
                        target=view.tie_ends[x.target],
                        type=labels.get(x.type, x.type),
                        n=x.strength,
                    ),
                )
                for x in view.ties
            ),
        ]
        self._mine_header.value = escaped(_("What you drew") if items else "", "h3")
        self._mine_rows.show(items)

    def _make_row(self, item_id: int, text: str) -> widgets.Widget:
        return withdraw_row(
            text, lambda: self.withdraw(item_id), self._("Take it back"), tr=self.tr
        )

    def close(self) -> None:
        """Stop following the feed; the rows are closed a moment after they leave the page."""
        self._batcher.cancel()
        self._mine_rows.close()
        super().close()
