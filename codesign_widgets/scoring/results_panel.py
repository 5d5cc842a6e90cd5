"""The prototype-scoring results panel: tables and bqplot charts a room can read.

Facilitator and analyst code only (pandas and bqplot). Every chart has a table beside it
with the same numbers as text, for screen readers and for the back row. Participant text
(titles, comments) goes only through :func:`escaped` or into chart labels, which bqplot
draws as SVG text (never as HTML).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import bqplot as bq
import ipywidgets as widgets
import pandas as pd

from ..core.safe_text import escaped
from ..ui.common import perspective_colour
from .model import Decision
from .results import Movement, Results

__all__ = ["ResultsPanel"]

BIG = {"font-size": "18px"}
LOW, HIGH = "#f0f0f0", "#0072B2"
CONTESTED = "#D55E00"
MAX_LABEL = 28


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], css: str = "") -> str:
    """An HTML table whose every cell is escaped text."""
    head = "".join(escaped(h, "th") for h in header)
    body = "".join("<tr>" + "".join(escaped(c, "td") for c in row) + "</tr>" for row in rows)
    return f'<table class="codesign-table {css}"><tr>{head}</tr>{body}</table>'


def _figure(marks, axes, title: str, height: str = "420px", left: int = 90, **kwargs) -> bq.Figure:
    figure = bq.Figure(
        marks=marks,
        axes=axes,
        title=title,
        title_style=BIG,
        fig_margin={"top": 50, "bottom": 90, "left": left, "right": 30},
        layout={"height": height, "width": "100%", "min_width": "320px"},
        **kwargs,
    )
    return figure


class ResultsPanel(widgets.VBox):
    """One revealed round: ranking (pooled and equal say) with spread, heatmap, 2x2,
    per-perspective comparison, leaving a perspective out, movement, comments.

    ``titles`` maps prototype id to title (in the order to show); ``group_labels`` maps
    perspective group to the label shown.
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
    ) -> None:
        super().__init__()
        self.add_class("codesign-results")
        self.results, self.titles, self.group_labels = results, dict(titles), dict(group_labels)
        self.decisions = decisions or {}
        parts: list[widgets.Widget] = [
            widgets.HTML(escaped(f"Round {round_number}: results", "h2")),
            widgets.HTML("".join(escaped(n, "p", "codesign-note") for n in results.notes)),
        ]
        self.charts: dict[str, bq.Figure] = {}
        if not results.empty:
            parts += self._ranking()
            parts += self._heatmap()
            if results.criteria.axes:
                parts += self._two_by_two()
            parts += self._perspectives()
            parts += self._leave_one_out()
        if movement is not None:
            parts += self._movement(movement, results.criteria)
        if comments:
            lines = [
                f"{self.titles.get(pid, '?')} ({group_labels.get(p, p)}): {text}"
                for pid, p, text in comments
                if pid in self.titles
            ]
            parts.append(widgets.HTML(escaped("Comments (unnamed)", "h3")))
            parts.append(
                widgets.HTML("".join(escaped(x, "div", "codesign-comment") for x in lines))
            )
        self.children = parts

    # -- ranking -------------------------------------------------------------------------------
    def _ranking(self) -> list[widgets.Widget]:
        ranking = self.results.ranking.dropna(subset=["equal_say"])
        ranking = ranking.sort_values(["equal_say_rank", "pooled_rank"])
        per = self.results.per_criterion
        contested = per[per["contested"]].groupby(level="prototype_id").size()
        rows = []
        for pid, r in ranking.iterrows():
            decision = self.decisions.get(pid)
            rows.append(
                [
                    str(r["equal_say_rank"]),
                    self.titles[pid],
                    _fmt(r["equal_say"]),
                    f"{_fmt(r['pooled'])} (#{r['pooled_rank']})",
                    f"{_fmt(r['spread_low'])}–{_fmt(r['spread_high'])}",
                    str(int(contested.get(pid, 0))),
                    str(r["people"]),
                    f"{decision.decision}: {decision.reason}" if decision else "",
                ]
            )
        table = _table(
            [
                "Rank (equal say)",
                "Prototype",
                "Equal say",
                "Pooled (rank)",
                "Middle half of people",
                "Contested criteria",
                "People",
                "Decision",
            ],
            rows,
            "codesign-ranking",
        )
        names = [_short(self.titles[pid]) for pid in ranking.index]
        x = bq.OrdinalScale(domain=names)
        y = bq.LinearScale(min=0, max=100)
        bars = bq.Bars(
            x=names,
            y=[ranking["equal_say"].tolist(), ranking["pooled"].tolist()],
            scales={"x": x, "y": y},
            type="grouped",
            colors=["#000000", "#999999"],
            labels=["Equal say", "Pooled"],
            display_legend=True,
        )
        spread = bq.Lines(
            x=[[n, n] for n in names],
            y=[
                [lo, hi]
                for lo, hi in zip(ranking["spread_low"], ranking["spread_high"], strict=True)
            ],
            scales={"x": x, "y": y},
            colors=[CONTESTED],
            stroke_width=6,
            labels=["Middle half of people"],
        )
        figure = _figure(
            [bars, spread],
            [
                bq.Axis(scale=x, side="bottom", tick_style=BIG),
                bq.Axis(scale=y, side="left", label="Weighted score (0-100)",
                        tick_style=BIG),
            ],
            "Ranking: equal say and pooled, with the spread of people's scores",
            legend_location="top-right",
        )  # fmt: skip
        self.charts["ranking"] = figure
        return [
            widgets.HTML(escaped("Ranking", "h3")),
            figure,
            widgets.HTML(table),
        ]

    # -- heatmap -------------------------------------------------------------------------------
    def _heatmap(self) -> list[widgets.Widget]:
        criteria = self.results.criteria
        per = self.results.per_criterion
        ids = [pid for pid in self.titles if pid in per.index.get_level_values(0)]
        scores = per["score"].unstack("criterion").reindex(index=ids, columns=list(criteria.keys))
        names = [_short(self.titles[pid]) for pid in ids]
        labels = [_short(c.label) for c in criteria.criteria]
        heat = bq.GridHeatMap(
            color=scores.fillna(-1).to_numpy(),
            row=names,
            column=labels,
            scales={
                "row": bq.OrdinalScale(),
                "column": bq.OrdinalScale(),
                "color": bq.ColorScale(min=0, max=100, colors=[LOW, HIGH]),
            },
            null_color="#ffffff",
            stroke="#ffffff",
        )
        figure = _figure(
            [heat],
            [
                bq.Axis(scale=heat.scales["column"], side="bottom", tick_style=BIG),
                bq.Axis(scale=heat.scales["row"], side="left", tick_style=BIG),
                bq.ColorAxis(scale=heat.scales["color"], label="Mean score (0-100)"),
            ],
            "Each prototype on each criterion (darker is better)",
            height=f"{max(300, 70 * len(ids) + 160)}px",
            left=min(320, 12 * max(len(n) for n in names) + 30),
        )
        self.charts["heatmap"] = figure
        records = per.to_dict("index")  # one dict per (prototype, criterion): fast lookups
        rows = []
        for pid in ids:
            cells = [self.titles[pid]]
            for c in criteria.criteria:
                cell = records[(pid, c.key)]
                if cell["n"] == 0:
                    cells.append("no scores")
                    continue
                text = (
                    f"median {_fmt(cell['median'], 1)}, IQR {_fmt(cell['iqr'], 1)}, n={cell['n']}"
                )
                if cell["cant_say"]:
                    text += f", {cell['cant_say']} can't say"
                if cell["contested"]:
                    text += f" · CONTESTED ({cell['why']})"
                cells.append(text)
            rows.append(cells)
        table = _table(["Prototype", *[c.label for c in criteria.criteria]], rows)
        return [widgets.HTML(escaped("Criteria: agreement and disagreement", "h3")), figure,
                widgets.HTML(table)]  # fmt: skip

    # -- 2x2 -----------------------------------------------------------------------------------
    def _two_by_two(self) -> list[widgets.Widget]:
        criteria = self.results.criteria
        x_key, y_key = criteria.axes
        cx, cy = criteria.criterion(x_key), criteria.criterion(y_key)
        means = self.results.per_criterion["mean"].unstack("criterion")
        ids = [pid for pid in self.titles if pid in means.index]
        placed = means.reindex(ids)[[x_key, y_key]].dropna()
        xs = bq.LinearScale(min=cx.min, max=cx.max)
        ys = bq.LinearScale(min=cy.min, max=cy.max)
        dots = bq.Scatter(
            x=placed[x_key].tolist(),
            y=placed[y_key].tolist(),
            names=[_short(self.titles[pid]) for pid in placed.index],
            display_names=True,
            scales={"x": xs, "y": ys},
            colors=[HIGH],
            default_size=200,
            labels=["Prototypes"],
        )
        mid_x, mid_y = (cx.min + cx.max) / 2, (cy.min + cy.max) / 2
        lines = bq.Lines(
            x=[[mid_x, mid_x], [cx.min, cx.max]],
            y=[[cy.min, cy.max], [mid_y, mid_y]],
            scales={"x": xs, "y": ys},
            colors=["#666666"],
            line_style="dashed",
        )
        figure = _figure(
            [lines, dots],
            [
                bq.Axis(scale=xs, label=f"{cx.label} (mean score)", tick_style=BIG),
                bq.Axis(scale=ys, side="left", label=f"{cy.label} (mean score)",
                        tick_style=BIG),
            ],
            f"{cy.label} against {cx.label}",
            height="520px",
        )  # fmt: skip
        self.charts["two_by_two"] = figure
        rows = [
            [self.titles[pid], _fmt(r[x_key], 1), _fmt(r[y_key], 1)] for pid, r in placed.iterrows()
        ]
        table = _table(["Prototype", cx.label, cy.label], rows)
        return [widgets.HTML(escaped("The 2x2", "h3")), figure, widgets.HTML(table)]

    # -- perspectives --------------------------------------------------------------------------
    def _perspectives(self) -> list[widgets.Widget]:
        by_group = self.results.by_group
        ids = [pid for pid in self.titles if pid in by_group.index]
        groups = [g for g in by_group.columns if by_group[g].notna().any()]
        names = [_short(self.titles[pid]) for pid in ids]
        x = bq.OrdinalScale(domain=names)
        y = bq.LinearScale(min=0, max=100)
        values = by_group.reindex(ids)
        bars = bq.Bars(
            x=names,
            y=[values[g].tolist() for g in groups],  # NaN: no bar (nobody from it scored)
            scales={"x": x, "y": y},
            type="grouped",
            colors=[perspective_colour(g, i) for i, g in enumerate(groups)],
            labels=[self.group_labels.get(g, g) for g in groups],
            display_legend=True,
        )
        figure = _figure(
            [bars],
            [
                bq.Axis(scale=x, side="bottom", tick_style=BIG),
                bq.Axis(scale=y, side="left", label="Weighted score (0-100)",
                        tick_style=BIG),
            ],
            "Each perspective's scores side by side",
            legend_location="top-right",
        )  # fmt: skip
        self.charts["perspectives"] = figure
        rows = [
            [self.titles[pid], *[_fmt(values.loc[pid, g]) for g in by_group.columns]] for pid in ids
        ]
        header = ["Prototype", *[self.group_labels.get(g, g) for g in by_group.columns]]
        return [
            widgets.HTML(escaped("By perspective", "h3")),
            figure,
            widgets.HTML(_table(header, rows)),
        ]

    def _movement(self, movement: Movement, criteria) -> list[widgets.Widget]:
        """Who changed (per perspective, not per name: this is projected) and the spread."""
        parts = [
            widgets.HTML(escaped("Since the last round", "h3")),
            widgets.HTML(escaped(movement.summary, "p")),
        ]
        if movement.compared_people:
            by_group = (
                movement.people.assign(moved=movement.people["changed"] > 0)
                .groupby("group")[["moved", "up", "down"]]
                .sum()
            )
            counts = movement.people.groupby("group").size()
            rows = [
                [self.group_labels.get(g, g), f"{int(r['moved'])} of {int(counts[g])}",
                 str(int(r["up"])), str(int(r["down"]))]
                for g, r in by_group.iterrows()
            ]  # fmt: skip
            parts.append(
                widgets.HTML(_table(["Perspective", "People who changed", "Up", "Down"], rows))
            )
            labels = {c.key: c.label for c in criteria.criteria}
            spread = [
                [self.titles[pid], labels.get(key, key), _fmt(r["iqr_before"], 1),
                 _fmt(r["iqr_after"], 1),
                 "narrowed" if r["narrowed"] else ("widened" if r["widened"] else "same")]
                for (pid, key), r in movement.spread.iterrows()
                if pid in self.titles
            ]  # fmt: skip
            parts.append(
                widgets.HTML(
                    _table(["Prototype", "Criterion", "IQR before", "IQR now", "Spread"], spread)
                )
            )
        return parts

    def _leave_one_out(self) -> list[widgets.Widget]:
        out = self.results.leave_one_out
        if not out:
            return []
        ranking = self.results.ranking
        ids = [pid for pid in self.titles if pid in ranking.index]
        rows = []
        for pid in ids:
            row = [self.titles[pid], _fmt(ranking.loc[pid, "equal_say_rank"])]
            for frame in out.values():
                shift = frame.loc[pid, "shift"]
                arrow = "" if shift is pd.NA or shift == 0 else (" ▲" if shift > 0 else " ▼")
                row.append(f"{_fmt(frame.loc[pid, 'rank'])}{arrow}")
            rows.append(row)
        header = [
            "Prototype",
            "Rank (all perspectives)",
            *[f"Without {self.group_labels.get(g, g)}" for g in out],
        ]
        return [
            widgets.HTML(escaped("If one perspective were left out", "h3")),
            widgets.HTML(
                escaped(
                    "Ranks with equal say when one perspective is left out: ▲ climbs, ▼ drops. "
                    "A big move means that perspective carries the result.",
                    "p",
                )
            ),
            widgets.HTML(_table(header, rows)),
        ]
