"""The prototype-scoring results panel: tables and bqplot charts a room can read.

Facilitator and analyst code only (pandas and bqplot). Every chart has a table beside it
with the same numbers as text, for screen readers and for the back row. Participant text
(titles, comments) goes only through :func:`escaped` or into chart labels, which bqplot
draws as SVG text (never as HTML). The sections are drawn in :mod:`.results_charts` and
:mod:`.results_tables`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import bqplot as bq
import ipywidgets as widgets

from ..core.i18n import Translator, translator
from ..core.safe_text import escaped
from .model import Decision
from .results import Movement, Results
from .results_charts import (
    heatmap_section,
    perspectives_section,
    ranking_section,
    two_by_two_section,
)
from .results_tables import leave_one_out_section, movement_section

__all__ = ["ResultsPanel"]


class ResultsPanel(widgets.VBox):
    """One revealed round: ranking (pooled and equal say) with spread, heatmap, 2x2,
    per-perspective comparison, leaving a perspective out, movement, comments.

    ``titles`` maps prototype id to title (in the order to show); ``group_labels`` maps
    perspective group to the label shown. ``charts`` holds the figures drawn, by name.
    """

    def __init__(
        self,
        results: Results,
        titles: Mapping[int, str],
        group_labels: Mapping[str, str],
        *,
        round_number: int,
        movement: Movement | None = None,
        comments: Sequence[tuple[int, str, str]] = (),
        decisions: Mapping[int, Decision] | None = None,
        tr: Translator | None = None,
    ) -> None:
        super().__init__()
        self.tr = tr = tr or translator()  # the charts' and headings' words: the plan's
        self.add_class("codesign-results")
        self.results, self.titles, self.group_labels = results, dict(titles), dict(group_labels)
        self.decisions = decisions or {}
        self.charts: dict[str, bq.Figure] = {}
        parts: list[widgets.Widget] = [
            widgets.HTML(escaped(tr.gettext("Round {n}: results").format(n=round_number), "h2")),
            widgets.HTML("".join(escaped(n, "p", "codesign-note") for n in results.notes)),
        ]
        if not results.empty:
            parts += self._charts()
            parts += leave_one_out_section(results, self.titles, self.group_labels, tr)
        if movement is not None:
            parts += movement_section(
                movement, results.criteria, self.titles, self.group_labels, tr
            )
        if comments:
            parts += self._comments(comments)
        self.children = parts

    def _charts(self) -> list[widgets.Widget]:
        """The ranking, the heatmap, the 2x2 (if the criteria have axes), the perspectives."""
        results, titles = self.results, self.titles
        sections = {
            "ranking": ranking_section(results, titles, self.decisions, self.tr),
            "heatmap": heatmap_section(results, titles, self.tr),
        }
        if results.criteria.axes:
            sections["two_by_two"] = two_by_two_section(results, titles, self.tr)
        sections["perspectives"] = perspectives_section(results, titles, self.group_labels, self.tr)
        parts: list[widgets.Widget] = []
        for name, (figure, section) in sections.items():
            if figure is not None:
                self.charts[name] = figure
            if name == "ranking":
                figure.add_class("codesign-live-result")  # the projector shows it above the fold
            parts += section
        return parts

    def _comments(self, comments: Sequence[tuple[int, str, str]]) -> list[widgets.Widget]:
        """The round's comments, unnamed: prototype, perspective, text."""
        lines = [
            f"{self.titles.get(pid, '?')}"
            + (f" ({self.group_labels.get(p, p)})" if p else "")
            + f": {text}"
            for pid, p, text in comments
            if pid in self.titles
        ]
        return [
            widgets.HTML(escaped(self.tr.gettext("Comments (unnamed)"), "h3")),
            widgets.HTML("".join(escaped(x, "div", "codesign-comment") for x in lines)),
        ]
