"""A participant's prototype-scoring panel: one prototype at a time, a score per criterion.

Built for a phone. The kernel behind it holds only what this participant may see: the
prototypes, the criteria, their own scores (this round and the last), and, once a round is
revealed, the group's aggregated results (never another person's scores). No pandas here:
the aggregation after a reveal is the small pure-Python one in :mod:`.model`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.templates import Stage, Template
from ..core.workshop import Participant, WorkshopState
from ..live import Feed
from ..ui.batching import PHONE_LIVE_EVERY, Batcher
from ..ui.common import Notice, replace_children, run_action
from ..ui.panel import ActivityPanel
from .criteria import Criterion
from .criterion_row import CriterionRow
from .model import CANT_SAY, MAX_COMMENT, Prototype, Round, RoundState, weighted_scores
from .round_text import results_html, round_status_html

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["ScoringPanel"]

TOPICS = {"scoring"}


class ScoringPanel(ActivityPanel):
    """Scoring for one prototype-scoring stage.

    Actions are methods: :meth:`score` (also called when a scale button is pressed),
    :meth:`save_comment`, :meth:`show_prototype`, :meth:`next_prototype`,
    :meth:`previous_prototype`.
    """

    css_class = "codesign-scoring"

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
        self.round: Round | None = None
        self.previous_round: Round | None = None
        self.prototypes: list[Prototype] = []
        self.mine: dict[tuple[int, str], int | None] = {}
        self.my_comments: dict[int, str] = {}
        self.last_mine: dict[tuple[int, str], int | None] = {}
        self.rows: dict[str, CriterionRow] = {}
        self.current: int | None = None  # the prototype id shown
        self._drawing = False
        self._comment_for: int | None = None  # the prototype whose comment the box holds

        _ = self._
        self.status = widgets.HTML()
        self.progress = widgets.HTML()
        self.picker = widgets.Dropdown(description=_("Prototype"), options=[])
        self.picker.observe(self._on_pick, "value")
        self.previous_button = widgets.Button(description=_("Previous"), icon="arrow-left")
        self.previous_button.on_click(lambda _b: self.previous_prototype())
        self.next_button = widgets.Button(description=_("Next"), icon="arrow-right")
        self.next_button.on_click(lambda _b: self.next_prototype())
        self.title = widgets.HTML()
        self.description = widgets.HTML()
        self.criteria_box = widgets.VBox()
        # Sent when the person leaves the box (a tap on a button does), not per keystroke: a
        # busy kernel would otherwise get the tap before the last words.
        self.comment = widgets.Textarea(
            description=_("Comment (optional)"),
            placeholder=_("Up to {n} characters").format(n=MAX_COMMENT),
            continuous_update=False,
        )
        self.comment_button = widgets.Button(description=_("Save comment"), icon="comment")
        self.comment_button.on_click(lambda _b: self.save_comment())
        self.results = widgets.HTML()
        self.scoring_box = widgets.VBox(
            [
                self.progress,
                self.picker,
                self.title,
                self.description,
                self.criteria_box,
                self.comment,
                self.comment_button,
                widgets.HBox([self.previous_button, self.next_button]),
            ]
        )
        self.children = [self.status, self.results, self.scoring_box]
        self.refresh(TOPICS)
        self._batcher = Batcher(self.refresh, PHONE_LIVE_EVERY)
        self.follow(TOPICS, self.on_change)

    def on_change(self, topics: set[str]) -> None:
        """Live feed: other phones' work and the facilitator's changes, in batches."""
        self._batcher(topics)

    def close(self) -> None:
        """Stop following the feed and redrawing; the widgets close a moment later."""
        self._batcher.cancel()
        super().close()

    # -- what the page shows -------------------------------------------------------------------
    def set_workshop(self, workshop: WorkshopState) -> None:
        """The participant page moved or changed a stage; rounds are what matter here."""
        self.workshop = workshop

    def refresh(self, topics: set[str] | None = None) -> None:
        """Re-read rounds, prototypes and this participant's own scores (live feed)."""
        try:
            rounds = self.studio.scoring.rounds.rounds(self.workshop.id, self.stage.key)
            self.prototypes = self.studio.scoring.prototypes.prototypes(
                self.workshop.id, self.stage.key
            )
            self.round = rounds[-1] if rounds else None
            self.previous_round = rounds[-2] if len(rounds) > 1 else None
            if self.round is not None:
                self.mine, self.my_comments = self.studio.scoring.scores.my_scores(
                    self.participant, self.round.id
                )
            if self.previous_round is not None:
                self.last_mine = self.studio.scoring.scores.my_scores(
                    self.participant, self.previous_round.id
                )[0]
        except CodesignError as exc:
            self.notice.show(exc.translated(self.notice.tr), "error")
            return
        self._draw()

    def _draw(self) -> None:
        self.status.value = round_status_html(self.round, self.tr)
        if self.round is None:
            self.results.value = ""
            self.scoring_box.layout.display = "none"
            return
        self._draw_results()
        if not self.prototypes:
            self.scoring_box.layout.display = "none"
            return
        self.scoring_box.layout.display = ""
        ids = [p.id for p in self.prototypes]
        if self.current not in ids:
            self.current = ids[0]
        self._drawing = True
        try:
            self.picker.options = [
                (f"{i + 1}. {p.title}", p.id) for i, p in enumerate(self.prototypes)
            ]
            self.picker.value = self.current
        finally:
            self._drawing = False
        self._draw_prototype()

    def _draw_prototype(self) -> None:
        prototype = next(p for p in self.prototypes if p.id == self.current)
        criteria = self.round.criteria
        is_open = self.round.state is RoundState.OPEN
        self.title.value = escaped(prototype.title, "h3")
        goals = (
            "\n" + self._("Serves: {goals}").format(goals="; ".join(prototype.goals))
            if prototype.goals
            else ""
        )
        self.description.value = escaped(prototype.description + goals, "p")
        if [r.criterion for r in self.rows.values()] != list(criteria.criteria):
            rows = {}
            for criterion in criteria.criteria:
                row = CriterionRow(criterion, self.tr)
                row.buttons.observe(
                    lambda change, key=criterion.key: self._on_button(key, change), "value"
                )
                rows[criterion.key] = row
            self.rows = rows
            replace_children(self.criteria_box, list(rows.values()))
        self._drawing = True
        try:
            for key, row in self.rows.items():
                given = (prototype.id, key)
                row.buttons.value = (
                    (self.mine[given] if self.mine[given] is not None else CANT_SAY)
                    if given in self.mine
                    else None
                )
                row.show_saved(self.mine.get(given), given in self.mine)
                # Cosmetic only: the store refuses scores on a round that is not open.
                row.buttons.disabled = not is_open
                row.last.value = self._last_text(row.criterion, prototype.id)
            # A live redraw keeps words typed but not saved yet; a new prototype shows its own.
            if self._comment_for != prototype.id:
                self.comment.value = self.my_comments.get(prototype.id, "")
                self._comment_for = prototype.id
        finally:
            self._drawing = False
        self.comment.disabled = self.comment_button.disabled = not is_open
        self._draw_progress_only()
        index = [p.id for p in self.prototypes].index(self.current)
        self.previous_button.disabled = index == 0
        self.next_button.disabled = index == len(self.prototypes) - 1

    def _last_text(self, criterion: Criterion, prototype_id: int) -> str:
        if self.previous_round is None or criterion.key not in self.previous_round.criteria.keys:
            return ""
        given = (prototype_id, criterion.key)
        text = (
            self._(criterion.label_for(self.last_mine[given]))
            if given in self.last_mine
            else self._("not scored")
        )
        return escaped(
            self._("Your score in round {n}: {score}").format(
                n=self.previous_round.number, score=text
            ),
            "div",
            "codesign-last",
        )

    def _draw_results(self) -> None:
        if self.round.state is not RoundState.REVEALED:
            self.results.value = ""
            return
        try:
            rows = self.studio.scoring.scores.revealed_scores(self.workshop.id, self.round.id)
        except CodesignError as exc:
            self.notice.show(exc.translated(self.notice.tr), "error")
            return
        titles = {p.id: p.title for p in self.prototypes}
        self.results.value = results_html(
            weighted_scores(rows, self.round.criteria, titles), titles, self.tr
        )

    # -- actions -------------------------------------------------------------------------------
    def score(self, criterion_key: str, value: int | str | None) -> bool:
        """Save this participant's score for the shown prototype (``CANT_SAY`` allowed)."""
        if self.round is None or self.current is None:
            self.notice.show(self._("There is no round open to score in yet."), "error")
            return False
        ok = run_action(
            self.notice,
            self.studio.scoring.scores.save_scores,
            self.participant,
            self.round.id,
            self.current,
            {criterion_key: value},
            ok=self._("Saved. You can change it until the round closes."),
        )
        if ok:
            self.mine[(self.current, criterion_key)] = None if value == CANT_SAY else value
            if criterion_key in self.rows:
                self.rows[criterion_key].show_saved(value, True)
            self._draw_progress_only()
        else:
            self.refresh()  # show what is really stored; the message stays
        return bool(ok)

    def save_comment(self) -> bool:
        """Save the comment typed for the shown prototype."""
        if self.round is None or self.current is None:
            return False
        ok = run_action(
            self.notice,
            self.studio.scoring.scores.save_scores,
            self.participant,
            self.round.id,
            self.current,
            {},
            self.comment.value,
            ok=self._("Comment saved. Only the group's results are shown, with comments unnamed."),
        )
        if ok:
            self.my_comments[self.current] = self.comment.value
        return bool(ok)

    def show_prototype(self, prototype_id: int) -> bool:
        """Show one prototype's scores and comment.

        A comment typed but not saved is saved first (while the round is open), so moving
        on loses nothing; if it cannot be saved, the page stays with the message.
        """
        if prototype_id not in [p.id for p in self.prototypes]:
            return False
        unsaved = self.comment.value != self.my_comments.get(self.current, "")
        is_open = self.round is not None and self.round.state is RoundState.OPEN
        moved = prototype_id != self.current
        if moved and unsaved and is_open and not self.save_comment():
            moved, prototype_id = False, self.current
        self.current = prototype_id
        self._drawing = True
        try:
            self.picker.value = prototype_id  # back to where we are, if we stayed
        finally:
            self._drawing = False
        self._draw_prototype()
        return moved

    def next_prototype(self) -> None:
        self._step(1)

    def previous_prototype(self) -> None:
        self._step(-1)

    def _step(self, by: int) -> None:
        ids = [p.id for p in self.prototypes]
        if self.current in ids:
            index = min(max(ids.index(self.current) + by, 0), len(ids) - 1)
            self.show_prototype(ids[index])

    # -- widget events -------------------------------------------------------------------------
    def _on_button(self, key: str, change) -> None:
        if not self._drawing and change["new"] is not None:
            self.score(key, change["new"])

    def _on_pick(self, change) -> None:
        if not self._drawing and change["new"] is not None:
            self.show_prototype(change["new"])

    def _draw_progress_only(self) -> None:
        done = sum(
            all((p.id, k) in self.mine for k in self.round.criteria.keys) for p in self.prototypes
        )
        self.progress.value = escaped(
            self.tr.ngettext(
                "You have scored {done} of {n} prototype.",
                "You have scored {done} of {n} prototypes.",
                len(self.prototypes),
            ).format(done=done, n=len(self.prototypes)),
            "div",
        )
