"""A participant's goal-mapping panel: add, edit and withdraw goal cards; place dots.

Built for a phone, one column, every input with a real label. It holds only what this
participant may see: their own cards (private and shared), the group's shared cards, their
own dots, and vote totals only once the facilitator has revealed them. No pandas here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.templates import Stage, Template
from ..core.workshop import Participant, StageState, WorkshopState
from ..live import Feed
from ..ui.batching import Batcher
from ..ui.common import Notice, replace_children, run_action
from ..ui.panel import ActivityPanel
from .cards import CONFIDENCE_PROMPT_BELOW, DEFAULT_PROMPTS
from .themes import current_themes

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["GoalPanel"]

TOPICS = {"entries", "votes", "goals", "stages"}
MAX_WALL = 60  # cards with dot buttons on a phone; the projector shows them all


class GoalPanel(ActivityPanel):
    """Goal cards and dot voting for one goal-mapping stage.

    Actions are methods: :meth:`add_card`, :meth:`edit_card`, :meth:`save_edit`,
    :meth:`cancel_edit`, :meth:`withdraw`, :meth:`vote`.
    """

    css_class = "codesign-goals"

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
        self.editing: int | None = None
        self._extra_services: list[str] = []
        self._services: tuple[str, ...] = ()
        self._mine: list = []
        self.prompts = {**DEFAULT_PROMPTS, **template.goal_prompts}
        self._build_form()
        self.my_cards = widgets.VBox()
        self.dots_label = widgets.HTML()
        self.wall = widgets.VBox()
        self.themes = widgets.VBox()
        self.children = [
            widgets.HTML(escaped("Add a goal card", "h3")),
            self.form,
            self.my_cards,
            widgets.HTML(escaped("Dots: what matters most to the group?", "h3")),
            self.dots_label,
            self.themes,
            self.wall,
        ]
        self._batcher = Batcher(self.refresh, 0.5)
        self.refresh(TOPICS)
        self.follow(TOPICS - {"stages"}, self.on_change)

    def on_change(self, topics: set[str]) -> None:
        """Live feed: other phones' cards and the facilitator's changes, in batches."""
        self._batcher(topics)

    def close(self) -> None:
        """Stop following the feed and close every widget (the room moved to another stage)."""
        self._batcher.cancel()
        for box in (self.my_cards, self.wall, self.themes):
            replace_children(box, [])
        for widget in (*self.form.children, *self.service_boxes.values(), *self.children):
            widget.close()
        super().close()

    # -- the form --------------------------------------------------------------------------------
    def _build_form(self) -> None:
        p = self.prompts
        self.what_matters = widgets.Textarea(description=p["what_matters"])
        self.goal = widgets.Textarea(description=p["goal"])
        self.steps = widgets.Textarea(description=p["steps"])
        self.service_boxes: dict[str, widgets.Checkbox] = {}
        self.services = widgets.VBox()
        self.new_service = widgets.Text(description=p["new_service"])
        self.barriers = widgets.Textarea(description=p["barriers"])
        self.confidence = widgets.IntSlider(
            description=p["confidence"], min=0, max=10, value=5, continuous_update=False
        )
        self.to_seven = widgets.Textarea(description=p["to_seven"])
        self.confidence.observe(lambda _c: self._show_to_seven(), "value")
        self.review_date = widgets.DatePicker(description=p["review_date"])
        self.theme = widgets.Combobox(description=p["theme"], ensure_option=False)
        self.visibility = widgets.RadioButtons(
            description=p["visibility"],
            options=[("Only me", "private"), ("The group (shown on the big screen)", "shared")],
            value="private",
        )
        self.save_button = widgets.Button(
            description="Add card", button_style="primary", icon="plus"
        )
        self.save_button.on_click(lambda _b: self.save_edit() if self.editing else self.add_card())
        self.cancel_button = widgets.Button(
            description="Cancel editing", icon="times", layout={"display": "none"}
        )
        self.cancel_button.on_click(lambda _b: self.cancel_edit())
        self.form = widgets.VBox(
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

    def _draw_services(self, services: tuple[str, ...]) -> None:
        self._services = services
        checked = {name for name, box in self.service_boxes.items() if box.value}
        boxes = {}
        for name in (*services, *self._extra_services):
            box = self.service_boxes.get(name) or widgets.Checkbox(
                description=name, indent=False, value=name in checked
            )
            boxes[name] = box
        self.service_boxes = boxes
        self.services.children = list(boxes.values())

    def form_values(self) -> dict:
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

    def _clear_form(self) -> None:
        for box in (self.what_matters, self.goal, self.steps, self.barriers, self.to_seven):
            box.value = ""
        self.new_service.value = self.theme.value = ""
        for box in self.service_boxes.values():
            box.value = False
        self.confidence.value = 5
        self.review_date.value = None
        self.visibility.value = "private"

    # -- actions -------------------------------------------------------------------------------
    def add_card(self) -> bool:
        """Save the form as a new card (only while the stage is open; the store checks)."""
        shared = self.visibility.value == "shared"
        ok = run_action(
            self.notice,
            self.studio.goals.cards.add_goal_card,
            self.participant,
            self.stage.key,
            self.form_values(),
            ok="Card shared with the group." if shared else "Card saved: only you can see it.",
        )
        if ok:
            self._clear_form()
            self.refresh({"entries"})
        return bool(ok)

    def edit_card(self, card_id: int) -> bool:
        """Load one of the participant's own cards into the form to change it."""
        mine = {c.id: c for c in self._mine}
        card = mine.get(card_id)
        if card is None:
            self.notice.show("You can only edit your own cards.", "error")
            return False
        self.editing = card_id
        self.what_matters.value, self.goal.value = card.what_matters, card.goal
        self.steps.value, self.to_seven.value = card.steps, card.to_seven
        self.barriers.value = "\n".join(card.barriers)
        known = {name.casefold() for name in self.service_boxes}
        # Services the author typed in stay as ticked boxes of their own while editing.
        self._extra_services = [s for s in card.services if s.casefold() not in known]
        self._draw_services(self._services)
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
        self.save_button.description = "Save changes"
        self.cancel_button.layout.display = ""
        self.notice.show("Editing your card: change it and press Save changes.", "info")
        return True

    def save_edit(self) -> bool:
        """Save the form as a new version of the card being edited (the old one is kept)."""
        if self.editing is None:
            return False
        values = self.form_values()
        ok = run_action(
            self.notice,
            self.studio.goals.cards.revise_goal_card,
            self.participant,
            self.editing,
            values,
            ok="Changes saved (the earlier version is kept).",
        )
        if ok:
            self.cancel_edit(quiet=True)
            self.refresh({"entries"})
        return bool(ok)

    def cancel_edit(self, quiet: bool = False) -> None:
        self.editing = None
        self._extra_services = []
        self._clear_form()
        self._draw_services(self._services)
        self.save_button.description = "Add card"
        self.cancel_button.layout.display = "none"
        if not quiet:
            self.notice.clear()

    def withdraw(self, card_id: int) -> bool:
        """Take back one of the participant's own cards (kept on record as withdrawn)."""
        ok = run_action(
            self.notice,
            self.studio.goals.cards.withdraw_goal_card,
            self.participant,
            card_id,
            ok="Withdrawn: it no longer shows anywhere.",
        )
        if self.editing == card_id:
            self.cancel_edit(quiet=True)
        self.refresh({"entries"})
        return bool(ok)

    def vote(self, target_kind: str, target: str, delta: int = 1) -> bool:
        """Place a dot on a shared card or theme (``delta=1``) or take one back (-1)."""
        ok = run_action(
            self.notice,
            self.studio.goals.votes.vote,
            self.participant,
            self.stage.key,
            target_kind,
            str(target),
            delta,
            ok="Dot placed." if delta == 1 else "Dot taken back.",
        )
        self.refresh({"votes"})
        return bool(ok)

    # -- drawing -------------------------------------------------------------------------------
    def set_workshop(self, workshop: WorkshopState) -> None:
        """The stage moved on or changed state (called by the participant page)."""
        self.workshop = workshop
        self.refresh({"stages"})

    def refresh(self, topics: set[str]) -> None:
        """Redraw what ``topics`` touched (called by the live feed and after actions)."""
        try:
            settings = self.studio.goals.cards.goal_settings(self.workshop.id, self.stage.key)
            cards = self.studio.goals.cards.goal_cards(
                self.workshop.id, self.stage.key, viewer=self.participant
            )
            self._mine = self.studio.goals.cards.my_goal_cards(self.participant, self.stage.key)
            mine_votes = self.studio.goals.votes.my_votes(self.participant, self.stage.key)
            state = self.workshop.state_of(self.stage.key)
            totals = (
                self.studio.goals.votes.revealed_totals(self.workshop.id, self.stage.key)
                if state is StageState.REVEALED
                else {}
            )
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return
        is_open = state is StageState.OPEN
        self._draw_services(settings.services)
        shared = [c for c in cards if c.shared]
        self.theme.options = tuple(current_themes(shared))
        # Cosmetic only: the store refuses every change to a stage that is not open.
        for w in (self.save_button, *self.form.children):
            if hasattr(w, "disabled"):
                w.disabled = not is_open
        for box in self.service_boxes.values():
            box.disabled = not is_open
        self._draw_mine(is_open)
        revealed = state is StageState.REVEALED
        self._draw_votes(shared, settings.budget, mine_votes, totals if revealed else None, is_open)

    def _draw_mine(self, is_open: bool) -> None:
        rows = []
        for card in self._mine:
            who = "Shared with the group" if card.shared else "Only you can see this"
            if card.hidden:
                who += " (the facilitator took it off the wall)"
            text = "\n".join(
                part
                for part in (
                    card.goal,
                    f"What matters: {card.what_matters}",
                    f"Services: {', '.join(card.services)}" if card.services else "",
                    f"Confidence: {card.confidence}/10" if card.confidence is not None else "",
                    f"Theme: {card.theme}" if card.theme else "",
                    who,
                )
                if part
            )
            edit = widgets.Button(description="Edit", icon="pencil", disabled=not is_open)
            edit.on_click(lambda _b, i=card.id: self.edit_card(i))
            withdraw = widgets.Button(description="Withdraw", icon="undo")
            withdraw.on_click(lambda _b, i=card.id: self.withdraw(i))
            rows.append(
                widgets.VBox([widgets.HTML(escaped(text, "div", "codesign-card")), edit, withdraw])
            )
        header = widgets.HTML(escaped("Your cards" if rows else "", "h3"))
        replace_children(self.my_cards, [header, *rows])

    def _draw_votes(self, shared, budget, mine_votes, totals, is_open) -> None:
        used = sum(mine_votes.values())
        self.dots_label.value = escaped(
            f"You have {budget - used} of {budget} dots left."
            if is_open
            else f"You placed {used} of {budget} dots.",
            "p",
        )

        def row(kind: str, target: str, text: str) -> widgets.Widget:
            have = mine_votes.get((kind, target), 0)
            line = f"{text}\nYour dots: {have}"
            if totals is not None:
                line += f" · Everyone: {totals.get((kind, target), 0)}"
            plus = widgets.Button(description="Add a dot", icon="plus", disabled=not is_open)
            plus.on_click(lambda _b: self.vote(kind, target, 1))
            minus = widgets.Button(
                description="Take a dot back", icon="minus", disabled=not is_open or not have
            )
            minus.on_click(lambda _b: self.vote(kind, target, -1))
            return widgets.VBox(
                [widgets.HTML(escaped(line, "div", "codesign-card")), widgets.HBox([plus, minus])]
            )

        themes = current_themes(shared)
        theme_rows = [row("theme", name, f"Theme: {name}") for name in themes]
        replace_children(
            self.themes,
            [widgets.HTML(escaped("Themes" if theme_rows else "", "h4")), *theme_rows],
        )
        card_rows = [
            row("card", str(c.id), f"{c.goal}\n({c.what_matters})") for c in shared[-MAX_WALL:]
        ]
        if not card_rows:
            card_rows = [widgets.HTML(escaped("No shared cards yet.", "p"))]
        replace_children(self.wall, [widgets.HTML(escaped("Shared cards", "h4")), *card_rows])
