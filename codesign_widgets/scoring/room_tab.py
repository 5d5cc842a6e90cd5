"""The scoring hub's room tab, projected: progress counts, then the revealed results.

Before a reveal the room shows counts only (who has scored), never a score; after a reveal it
shows the results panel of the round picked (the latest by default). Imports pandas and bqplot
through :mod:`codesign_widgets.scoring.results_panel`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.safe_text import escaped
from ..ui.common import replace_children
from .model import Prototype, Round, RoundState
from .results import aggregate, movement, score_frame
from .results_panel import ResultsPanel

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["RoomMixin", "build_results_panel"]


class RoomMixin:
    """What the projected room tab shows of the rounds: progress, then results."""

    def show_round(self, round_id: int) -> None:
        """Show the results of a revealed round (the latest is shown by default)."""
        self.round_picker.value = round_id

    # -- drawing -------------------------------------------------------------------------------
    def _draw_progress(self) -> None:
        last = self.rounds[-1] if self.rounds else None
        if last is None or last.state is RoundState.REVEALED:
            self.progress.value = ""
            return
        counts = self.studio.scoring.scores.round_progress(self.workshop.id, last.id)
        groups = ", ".join(
            f"{self.group_labels.get(g, g)} {n}" for g, n in sorted(counts["by_group"].items())
        )
        text = f"{counts['people']} people have scored so far" + (f" ({groups})" if groups else "")
        self.progress.value = escaped(
            text + ". Scores stay sealed until the reveal.", "div", "codesign-progress"
        )

    def _draw_round_picker(self) -> None:
        revealed = [r.id for r in self.rounds if r.state is RoundState.REVEALED]
        # Keep an earlier round the facilitator picked; otherwise show the latest revealed.
        shown = self._shown_round if self._shown_round in revealed[:-1] else None
        shown = shown or (revealed[-1] if revealed else None)
        self._picking = True
        try:
            self.round_picker.options = [
                (f"Round {r.number}", r.id) for r in self.rounds if r.id in revealed
            ]
            self.round_picker.value = shown
        finally:
            self._picking = False
        self.round_picker.layout.display = "" if len(revealed) > 1 else "none"
        self._draw_results(shown)

    def _on_round_pick(self, change) -> None:
        if not self._picking and change["new"] is not None:
            self._shown_round = change["new"]
            self._draw_results(change["new"])

    def _draw_results(self, round_id: int | None) -> None:
        if round_id is None:
            self.results_panel = None
            replace_children(
                self.results_box,
                [widgets.HTML(escaped("Results appear here once a round is revealed.", "p"))],
            )
            return
        self.results_panel = build_results_panel(
            self.studio,
            self.workshop.id,
            self.stage,
            round_id,
            self.rounds,
            self.prototypes,
            self.group_labels,
            self.decisions,
            [p.group for p in self.template.perspectives],
        )
        replace_children(self.results_box, [self.results_panel])


def build_results_panel(
    studio: Studio,
    workshop_id: int,
    stage: str,
    round_id: int,
    rounds: list[Round],
    prototypes: list[Prototype],
    group_labels: dict[str, str],
    decisions: dict,
    groups: list[str],
) -> ResultsPanel:
    """Read a revealed round (and the one before it) and build its results panel."""
    this = next(r for r in rounds if r.id == round_id)
    titles = {p.id: p.title for p in prototypes}
    frame = score_frame(studio.scoring.scores.revealed_scores(workshop_id, round_id))
    results = aggregate(frame, this.criteria, list(titles), list(dict.fromkeys(groups)))
    earlier = [r for r in rounds if r.number < this.number and r.state is RoundState.REVEALED]
    moved = None
    if earlier:
        before = score_frame(studio.scoring.scores.revealed_scores(workshop_id, earlier[-1].id))
        moved = movement(before, frame)
    return ResultsPanel(
        results,
        titles,
        group_labels,
        round_number=this.number,
        movement=moved,
        comments=studio.scoring.scores.revealed_comments(workshop_id, round_id),
        decisions=decisions,
    )
