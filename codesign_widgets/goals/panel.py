"""A participant's goal-mapping panel: add, edit and withdraw goal cards; place dots.

Built for a phone, one column, every input with a real label (the card form is
:mod:`.card_form`). It holds only what this
participant may see: their own cards (private and shared), the group's shared cards, their
own dots, and vote totals only once the facilitator has revealed them. No pandas here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.templates import Stage, Template
from ..core.workshop import Participant, StageState, WorkshopState
from ..live import Feed
from ..ui.batching import PHONE_LIVE_EVERY, Batcher
from ..ui.common import Notice, RepeatTap, run_action
from ..ui.keyed import KeyedList, close_later
from ..ui.panel import ActivityPanel
from .card_form import GoalCardForm
from .cards import DEFAULT_PROMPTS
from .themes import current_themes

if TYPE_CHECKING:
    from ..studio import Studio
    from .store_read import GoalSettings


__all__ = ["GoalPanel"]

TOPICS = {"entries", "votes", "goals", "stages"}
WALL_PAGE = 20  # shared cards with dot buttons a phone shows at first (and per "Show more")
#: Seconds after a saved card in which "Add card" again is the same tap (see ``add_card``).
REPEAT_TAP = 3.0


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
        self._taps = RepeatTap(REPEAT_TAP)
        self._mine: list = []
        prompts = {**DEFAULT_PROMPTS, **template.goal_prompts}
        self.form = GoalCardForm(
            prompts, on_save=self._save, on_cancel=self.cancel_edit, tr=self.tr
        )
        _ = self._
        self.my_cards = widgets.VBox()
        self.dots_label = widgets.HTML()
        self.wall = widgets.VBox()
        self.themes = widgets.VBox()
        self.wall_size = WALL_PAGE  # how many of the newest shared cards are shown
        self.themes_size = WALL_PAGE  # how many themes are shown
        self._themes_more = widgets.Button(description=_("Show more themes"), icon="chevron-down")
        self._themes_more.on_click(lambda _b: self.show_more_themes())
        self._mine_header = widgets.HTML()
        self._themes_header = widgets.HTML()
        self._wall_header = widgets.HTML(escaped(_("Shared cards"), "h4"))
        self._wall_empty = widgets.HTML(escaped(_("No shared cards yet."), "p"))
        self._wall_more = widgets.Button(description=_("Show earlier cards"), icon="chevron-down")
        self._wall_more.on_click(lambda _b: self.show_more())
        self._wall_count = widgets.HTML()
        # Cards other phones add while this person reads wait behind this button: the wall
        # does not move under their thumb, and a card costs this phone one small message.
        self._wall_new = widgets.Button(icon="arrow-down", layout={"display": "none"})
        self._wall_new.on_click(lambda _b: self.show_new())
        self._held: list[int] | None = None  # the shared cards on the wall, while it is held
        self._settings: GoalSettings | None = None  # the stage's settings, last read
        self._theme_names: list[str] = []  # the themes to place dots on, last worked out
        self._mine_rows = KeyedList(
            self.my_cards, self._make_mine, self._update_mine, header=[self._mine_header]
        )
        self._theme_rows = KeyedList(
            self.themes, self._make_vote_row, self._update_vote_row, header=[self._themes_header]
        )
        self._wall_rows = KeyedList(
            self.wall,
            self._make_vote_row,
            self._update_vote_row,
            header=[widgets.VBox([self._wall_header, self._wall_new])],
        )
        self.children = [
            widgets.HTML(escaped(_("Add a goal card"), "h3")),
            self.form,
            self.my_cards,
            widgets.HTML(escaped(_("Dots: what matters most to the group?"), "h3")),
            self.dots_label,
            self.themes,
            self.wall,
        ]
        self._batcher = Batcher(lambda topics: self.refresh(topics, hold=True), PHONE_LIVE_EVERY)
        self.refresh(TOPICS)
        self.follow(TOPICS - {"stages"}, self.on_change)

    def on_change(self, topics: set[str]) -> None:
        """Live feed: other phones' cards and the facilitator's changes, in batches.

        Other people's dots change nothing a phone shows until the totals are revealed, so
        they cost it nothing; other people's new cards wait behind "Show new cards"
        (:meth:`refresh` with ``hold``), while edits, withdrawals and cards the facilitator
        takes off the wall show at once.
        """
        if topics <= {"votes"} and self.workshop.state_of(self.stage.key) is not (
            StageState.REVEALED
        ):
            return
        self._batcher(topics)

    def close(self) -> None:
        """Stop following the feed and close every widget (the room moved to another stage)."""
        self._batcher.cancel()
        for rows in (self._mine_rows, self._theme_rows, self._wall_rows):
            rows.close()
        close_later([self._wall_empty, self._wall_more, self._wall_count, self._themes_more])
        super().close()

    # -- actions -------------------------------------------------------------------------------
    def _save(self) -> None:
        """The form's save button: a new card, or the edited one's new version."""
        if self.editing:
            self.save_edit()
        else:
            self.add_card()

    def add_card(self) -> bool:
        """Save the form as a new card (only while the stage is open; the store checks).

        The same tap again within :data:`REPEAT_TAP` seconds (a double tap, or a page that
        reconnected sending its tap again) adds nothing and reports no error: the form it
        finds is empty, or holds the words of the card just saved.
        """
        values = self.form.values()
        if self._taps.repeats(self._words(values), empty=("", "")):
            return True
        shared = values["visibility"] == "shared"
        ok = run_action(
            self.notice,
            self.studio.goals.cards.add_goal_card,
            self.participant,
            self.stage.key,
            values,
            ok=self._("Card shared with the group.")
            if shared
            else self._("Card saved: only you can see it."),
        )
        if ok:
            self._taps.saved(self._words(values))
            self.form.clear()
            if shared and self._held is not None:
                # The wall stays as the person was reading it, their card on top; other
                # people's new cards wait behind "Show N new cards" as they did. (Jumping to
                # the newest cards rebuilt every row of the wall: in a busy room all of them
                # are new each time one person adds a card.)
                self._held = [*self._held, int(ok)][-self.wall_size :]
            self.refresh({"entries"}, hold=True)
        return bool(ok)

    @staticmethod
    def _words(values: dict) -> tuple[str, str]:
        return tuple(str(values[k]).strip() for k in ("what_matters", "goal"))

    def edit_card(self, card_id: int) -> bool:
        """Load one of the participant's own cards into the form to change it."""
        mine = {c.id: c for c in self._mine}
        card = mine.get(card_id)
        if card is None:
            self.notice.show(self._("You can only edit your own cards."), "error")
            return False
        self.editing = card_id
        self.form.load(card)
        self.notice.show(self._("Editing your card: change it and press Save changes."), "info")
        return True

    def save_edit(self) -> bool:
        """Save the form as a new version of the card being edited (the old one is kept)."""
        if self.editing is None:
            return False
        values = self.form.values()
        ok = run_action(
            self.notice,
            self.studio.goals.cards.revise_goal_card,
            self.participant,
            self.editing,
            values,
            ok=self._("Changes saved (the earlier version is kept)."),
        )
        if ok:
            self.cancel_edit(quiet=True)
            self.refresh({"entries"}, hold=True)
        return bool(ok)

    def cancel_edit(self, quiet: bool = False) -> None:
        """Stop editing: the form is empty again, for a new card."""
        self.editing = None
        self.form.stop_editing()
        if not quiet:
            self.notice.clear()

    def withdraw(self, card_id: int) -> bool:
        """Take back one of the participant's own cards (kept on record as withdrawn)."""
        ok = run_action(
            self.notice,
            self.studio.goals.cards.withdraw_goal_card,
            self.participant,
            card_id,
            ok=self._("Withdrawn: it no longer shows anywhere."),
        )
        if self.editing == card_id:
            self.cancel_edit(quiet=True)
        self.refresh({"entries"}, hold=True)
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
            ok=self._("Dot placed.") if delta == 1 else self._("Dot taken back."),
        )
        self.refresh({"votes"}, hold=True)
        return bool(ok)

    # -- drawing -------------------------------------------------------------------------------
    def set_workshop(self, workshop: WorkshopState) -> None:
        """The stage moved on or changed state (called by the participant page)."""
        self.workshop = workshop
        self.refresh({"stages"})

    def refresh(self, topics: set[str], *, hold: bool = False) -> None:
        """Redraw what ``topics`` touched (called by the live feed and after actions).

        With ``hold`` (the live feed, the person's own cards and dots) the wall keeps the
        cards it shows, in place, and the person's own new card on top; newer cards are
        counted on the "Show new cards" button. Without it (a stage change, "Show new cards")
        the wall shows the newest cards.
        """
        # Only other people's cards and dots: a held wall reads just the cards it shows and
        # the counts, so a watching phone's cost does not grow with the room's wall.
        quick = hold and self._held is not None and self._settings is not None
        quick = quick and topics <= {"entries", "votes"}
        cards = self.studio.goals.cards
        try:
            if quick:
                settings = self._settings
                window = cards.wall_window(self.workshop.id, self.stage.key, self._held)
            else:
                settings = cards.goal_settings(self.workshop.id, self.stage.key)
                every = cards.goal_cards(self.workshop.id, self.stage.key, viewer=self.participant)
            self._mine = cards.my_goal_cards(self.participant, self.stage.key)
            mine_votes = self.studio.goals.votes.my_votes(self.participant, self.stage.key)
            state = self.workshop.state_of(self.stage.key)
            totals = (
                self.studio.goals.votes.revealed_totals(self.workshop.id, self.stage.key)
                if state is StageState.REVEALED
                else {}
            )
        except CodesignError as exc:
            self.notice.show(exc.translated(self.notice.tr), "error")
            return
        is_open = state is StageState.OPEN
        if quick:
            self._theme_names = window.themes
            wall = (window.themes, window.shown, window.total, window.fresh)
            self.form.show_open(is_open, None)
        else:
            self._settings = settings
            self.form.show_services(settings.services)
            shared = [c for c in every if c.shared]
            self._theme_names = current_themes(shared)
            self.form.show_open(is_open, None if hold else self._theme_names)
            if hold and self._held is not None:
                # New: cards not on the wall that belong among or above what it shows (added
                # since, or shown again by the facilitator); older ones are "earlier".
                held, oldest = set(self._held), min(self._held, default=0)
                shown = [c for c in shared if c.id in held]
                fresh = sum(1 for c in shared if c.id not in held and c.id > oldest)
            else:
                shown, fresh = shared[-self.wall_size :], 0
            wall = (self._theme_names, shown, len(shared), fresh)
        self._draw_mine(is_open)
        revealed = state is StageState.REVEALED
        self._draw_votes(*wall, settings.budget, mine_votes, totals if revealed else None, is_open)

    def show_new(self) -> None:
        """Bring the wall up to date: the newest shared cards, those added since included."""
        self._held = None
        self.refresh({"entries"})

    def show_more(self) -> None:
        """Show the next page of earlier shared cards on this phone."""
        self.wall_size += WALL_PAGE
        self.refresh({"entries"})

    def show_more_themes(self) -> None:
        """Show the next page of themes to place dots on."""
        self.themes_size += WALL_PAGE
        self.refresh({"entries"})

    def _draw_mine(self, is_open: bool) -> None:
        _ = self._
        items = []
        for card in self._mine:
            who = _("Shared with the group") if card.shared else _("Only you can see this")
            if card.hidden:
                who += " " + _("(the facilitator took it off the wall)")
            text = "\n".join(
                part
                for part in (
                    card.goal,
                    _("What matters: {text}").format(text=card.what_matters),
                    _("Services: {list}").format(list=", ".join(card.services))
                    if card.services
                    else "",
                    _("Confidence: {n}/10").format(n=card.confidence)
                    if card.confidence is not None
                    else "",
                    _("Theme: {name}").format(name=card.theme) if card.theme else "",
                    who,
                )
                if part
            )
            items.append((card.id, (text, is_open)))
        self._mine_header.value = escaped(_("Your cards") if items else "", "h3")
        self._mine_rows.show(items)

    def _make_mine(self, card_id: int, value: tuple[str, bool]) -> widgets.Widget:
        edit = widgets.Button(description=self._("Edit"), icon="pencil")
        edit.on_click(lambda _b: self.edit_card(card_id))
        withdraw = widgets.Button(description=self._("Withdraw"), icon="undo")
        withdraw.on_click(lambda _b: self.withdraw(card_id))
        row = widgets.VBox([widgets.HTML(), edit, withdraw])
        self._update_mine(row, value)
        return row

    @staticmethod
    def _update_mine(row: widgets.VBox, value: tuple[str, bool]) -> None:
        text, is_open = value
        html, edit, _withdraw = row.children
        html.value = escaped(text, "div", "codesign-card")
        edit.disabled = not is_open

    def _make_vote_row(self, key: tuple[str, str], value: tuple) -> widgets.Widget:
        kind, target = key
        plus = widgets.Button(description=self._("Add a dot"), icon="plus")
        plus.on_click(lambda _b: self.vote(kind, target, 1))
        minus = widgets.Button(description=self._("Take a dot back"), icon="minus")
        minus.on_click(lambda _b: self.vote(kind, target, -1))
        row = widgets.VBox([widgets.HTML(), widgets.HBox([plus, minus])])
        self._update_vote_row(row, value)
        return row

    @staticmethod
    def _update_vote_row(row: widgets.VBox, value: tuple) -> None:
        line, is_open, have = value
        html, buttons = row.children
        plus, minus = buttons.children
        html.value = escaped(line, "div", "codesign-card")
        plus.disabled = not is_open
        minus.disabled = not is_open or not have

    def _draw_votes(self, names, shown, total, fresh, budget, mine_votes, totals, is_open) -> None:
        """The dots line, the themes and the wall: ``shown`` of the ``total`` shared cards,
        ``fresh`` of them new since the wall was last brought up to date."""
        _, ngettext = self._, self.tr.ngettext
        used = sum(mine_votes.values())
        self.dots_label.value = escaped(
            ngettext(
                "You have {left} of {n} dot left.", "You have {left} of {n} dots left.", budget
            ).format(left=budget - used, n=budget)
            if is_open
            else ngettext(
                "You placed {used} of {n} dot.", "You placed {used} of {n} dots.", budget
            ).format(used=used, n=budget),
            "p",
        )

        def item(kind: str, target: str, text: str) -> tuple:
            have = mine_votes.get((kind, target), 0)
            line = text + "\n" + _("Your dots: {n}").format(n=have)
            if totals is not None:
                line += " · " + _("Everyone: {n}").format(n=totals.get((kind, target), 0))
            return (kind, target), (line, is_open, have)

        themes = [
            item("theme", name, _("Theme: {name}").format(name=name))
            for name in names[: self.themes_size]
        ]
        self._themes_header.value = escaped(_("Themes") if themes else "", "h4")
        self._theme_rows.show(themes)
        more = len(names) - len(themes)
        self._themes_more.description = ngettext(
            "Show {n} more theme", "Show {n} more themes", min(more, WALL_PAGE)
        ).format(n=min(more, WALL_PAGE))
        self._theme_rows.set_footer([self._themes_more] if more > 0 else [])
        self._held = [c.id for c in shown]
        # Newest first, as a feed: new cards come in at the top, under "Show new cards", and
        # earlier ones at the bottom, above "Show earlier cards".
        self._wall_rows.show(
            item("card", str(c.id), f"{c.goal}\n({c.what_matters})") for c in reversed(shown)
        )
        self._wall_new.description = ngettext(
            "Show {n} new card", "Show {n} new cards", fresh
        ).format(n=fresh)
        self._wall_new.layout.display = "" if fresh else "none"
        if not total:
            self._wall_rows.set_footer([self._wall_empty])
            return
        earlier = total - len(shown) - fresh
        if len(shown) < total:
            count = (
                ngettext(
                    "Showing {shown} of {n} shared card.",
                    "Showing {shown} of {n} shared cards.",
                    total,
                )
                if fresh
                else ngettext(
                    "Showing the newest {shown} of {n} shared card.",
                    "Showing the newest {shown} of {n} shared cards.",
                    total,
                )
            )
            self._wall_count.value = escaped(count.format(shown=len(shown), n=total), "p")
            self._wall_more.description = ngettext(
                "Show {n} earlier card", "Show {n} earlier cards", min(earlier, WALL_PAGE)
            ).format(n=min(earlier, WALL_PAGE))
            footer = [self._wall_count, self._wall_more] if earlier else [self._wall_count]
            self._wall_rows.set_footer(footer)
        else:
            self._wall_rows.set_footer([])
