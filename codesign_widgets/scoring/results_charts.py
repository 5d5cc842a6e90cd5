"""The chart sections of a revealed round's results: the ranking, the criteria heatmap, the
2x2 and the perspectives side by side, each a bqplot figure with a table of the same numbers
beside it (for screen readers and the back row).

Facilitator and analyst code only (pandas and bqplot). Participant text goes only through
:func:`escaped` or into chart labels, which bqplot draws as SVG text (never as HTML).
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import bqplot as bq
import ipywidgets as widgets
import pandas as pd

from ..core.i18n import N_, Translator, translator
from ..core.palette import POOLED
from ..core.safe_text import escaped, escaped_attribute
from ..ui.common import perspective_colour
from .criteria import CriteriaSet
from .model import DECISION_LABELS, Decision
from .results import Results
from .results_tables import MAX_LABEL, number_text, short_label, table_html

__all__ = [
    "axis_names",
    "heatmap_section",
    "legend_html",
    "perspectives_section",
    "ranking_section",
    "two_by_two_section",
]

# Chart text follows the page's type: on the projector that is the body size (18 px at
# 1280x720, 28 px at 1920x1080, see the projector template); elsewhere at least 18 px.
BIG = {"font-size": "max(18px, var(--jp-widgets-font-size, 18px))"}
#: Perspectives on the side-by-side chart: a marker shape each as well as a colour.
MARKERS = ("circle", "square", "triangle-up", "diamond", "cross")
#: The same shapes as text, for the legends drawn outside the charts.
MARKER_SYMBOLS = {"circle": "●", "square": "■", "triangle-up": "▲", "diamond": "◆", "cross": "✚"}
#: The shapes in words, for the charts' legends.
MARKER_WORDS = {
    "circle": N_("circle"),
    "square": N_("square"),
    "triangle-up": N_("triangle up"),
    "diamond": N_("diamond"),
    "cross": N_("cross"),
}
EQUAL_SAY_BAR, POOLED_DIAMOND, MIDDLE_HALF = (
    N_("Equal say (bar)"),
    N_("Pooled (diamond)"),
    N_("Middle half of people (line)"),
)
LOW, HIGH = "#f0f0f0", "#0072B2"
CONTESTED = "#D55E00"


def _chart(marks, axes, title: str, height: str = "420px", left: int = 90, **kwargs) -> bq.Figure:
    """A bqplot figure in the results' style: big titles, room for axis labels, full width."""
    figure = bq.Figure(
        marks=marks,
        axes=axes,
        title=title,
        title_style=BIG,
        legend_text=BIG,
        fig_margin={"top": 50, "bottom": 90, "left": left, "right": 30},
        layout={"height": height, "width": "100%", "min_width": "320px"},
        **kwargs,
    )
    return figure


def _score_axes(x: bq.OrdinalScale, y: bq.LinearScale, tr: Translator) -> list[bq.Axis]:
    """Prototypes along the bottom, weighted scores (0-100) up the side."""
    return [
        bq.Axis(scale=x, side="bottom", tick_style=BIG),
        # Every 20: at the projector's type (20-28 px) ticks every 10 touch on a 720-line screen.
        bq.Axis(
            scale=y,
            side="left",
            label=tr.gettext("Weighted score (0-100)"),
            tick_style=BIG,
            tick_values=[0, 20, 40, 60, 80, 100],
        ),
    ]


def axis_names(titles: list[str], ranks: list | None = None) -> list[str]:
    """One label per prototype along a chart's bottom, short enough never to touch the next:
    a 1280-pixel projector holds about 85 characters of 20 px labels across a chart. A rank
    (as in the table under the chart, which gives the titles in full) keeps shortened titles
    apart; without ranks, a repeat gets its place in the list.

    >>> axis_names(["Foot check at the pharmacy", "One shared foot-care record"], [1, 2])
    ['1. Foot check at the pharmacy', '2. One shared foot-care record']
    >>> axis_names(["A long title number one"] * 2 + ["c"] * 6)
    ['A lon…', 'A lon… (2)', 'c', 'c (2)', 'c (3)', 'c (4)', 'c (5)', 'c (6)']
    """
    limit = max(6, min(MAX_LABEL, 85 // max(1, len(titles)) - 4))
    names = [
        f"{rank}. {short_label(t, limit)}" if ranks is not None else short_label(t, limit)
        for t, rank in zip(titles, ranks or [None] * len(titles), strict=True)
    ]
    seen: dict[str, int] = {}
    unique = []
    for name in names:  # an ordinal axis draws equal labels as one
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def legend_html(items: list[tuple[str, str, str]]) -> widgets.HTML:
    """A chart's legend as a line of text under it, outside the plot (bqplot's own legend
    sits on the bars): each item a symbol, its colour and what it means.

    >>> legend = legend_html([("◆", "#666666", "Pooled (diamond)")]).value
    >>> legend.count("<span"), 'style="color:#666666">◆</span> Pooled (diamond)' in legend
    (2, True)
    """
    spans = "".join(
        f'<span><span aria-hidden="true" style="color:{escaped_attribute(colour)}">'
        f"{html.escape(symbol)}</span> {html.escape(label)}</span>"
        for symbol, colour, label in items
    )
    return widgets.HTML(f'<div class="codesign-chart-legend">{spans}</div>')


def ranking_section(
    results: Results,
    titles: Mapping[int, str],
    decisions: Mapping[int, Decision],
    tr: Translator | None = None,
) -> tuple[bq.Figure, list[widgets.Widget]]:
    """The ranking with equal say and pooled, the spread of people's scores, and a table
    with the same numbers, the contested criteria and the decisions taken (the chart's words
    in ``tr``'s language)."""
    tr = tr or translator()
    _ = tr.gettext
    ranking = results.ranking.dropna(subset=["equal_say"])
    ranking = ranking.sort_values(["equal_say_rank", "pooled_rank"])
    per = results.per_criterion
    contested = per[per["contested"]].groupby(level="prototype_id").size()
    table = _ranking_table(ranking, contested, titles, decisions, tr)
    names = axis_names([titles[pid] for pid in ranking.index], ranking["equal_say_rank"].tolist())
    x = bq.OrdinalScale(domain=names)
    y = bq.LinearScale(min=0, max=100)
    bars = bq.Bars(
        x=names,
        y=ranking["equal_say"].tolist(),
        scales={"x": x, "y": y},
        colors=["#000000"],
        labels=[_(EQUAL_SAY_BAR)],
        display_legend=False,
    )
    # Pooled is a diamond on the equal-say bar: told apart by shape, not by a grey alone.
    pooled = bq.Scatter(
        x=names,
        y=ranking["pooled"].tolist(),
        scales={"x": x, "y": y},
        marker="diamond",
        colors=[POOLED],
        stroke="#ffffff",
        stroke_width=2,
        default_size=260,
        labels=[_(POOLED_DIAMOND)],
        display_legend=False,
    )
    spread = bq.Lines(
        x=[[n, n] for n in names],
        y=[[lo, hi] for lo, hi in zip(ranking["spread_low"], ranking["spread_high"], strict=True)],
        scales={"x": x, "y": y},
        colors=[CONTESTED],
        stroke_width=6,
        labels=[_(MIDDLE_HALF)],
        display_legend=False,
    )
    figure = _chart(
        [bars, spread, pooled],
        _score_axes(x, y, tr),
        _("Ranking: equal say and pooled, with the spread of people's scores"),
        # The projector's live result: it fits under the header of a 720-line screen.
        height="min(420px, calc(100vh - 360px))",
    )
    legend = legend_html(
        [
            ("■", "#000000", _(EQUAL_SAY_BAR)),
            ("◆", POOLED, _(POOLED_DIAMOND)),
            ("▮", CONTESTED, _(MIDDLE_HALF)),
        ]
    )
    return figure, [
        widgets.HTML(escaped(_("Ranking"), "h3")),
        figure,
        legend,
        widgets.HTML(table),
    ]


def _ranking_table(
    ranking: pd.DataFrame,
    contested: pd.Series,
    titles: Mapping[int, str],
    decisions: Mapping[int, Decision],
    tr: Translator,
) -> str:
    """The ranking as a table: places, scores, spread, contested criteria and decisions."""
    _ = tr.gettext
    rows = []
    for pid, r in ranking.iterrows():
        decision = decisions.get(pid)
        said = _(DECISION_LABELS.get(decision.decision, decision.decision)) if decision else ""
        rows.append(
            [
                str(r["equal_say_rank"]),
                titles[pid],
                number_text(r["equal_say"]),
                f"{number_text(r['pooled'])} (#{r['pooled_rank']})",
                f"{number_text(r['spread_low'])}–{number_text(r['spread_high'])}",
                str(int(contested.get(pid, 0))),
                str(r["people"]),
                f"{said}: {decision.reason}" if decision else "",
            ]
        )
    return table_html(
        [
            _("Place (equal say)"),
            _("Prototype"),
            _("Equal say"),
            _("Pooled (place)"),
            _("Middle half of people"),
            _("Criteria people disagree on"),
            _("People"),
            _("Decision"),
        ],
        rows,
        "codesign-ranking",
    )


def heatmap_section(
    results: Results, titles: Mapping[int, str], tr: Translator | None = None
) -> tuple[bq.Figure | None, list[widgets.Widget]]:
    """Each prototype on each criterion as a heatmap, and where people agree or disagree.

    With one prototype or one criterion there is no heatmap (bqplot cannot draw a grid of
    one row or column, and the table says the same): the figure is None.
    """
    tr = tr or translator()
    _ = tr.gettext
    criteria = results.criteria
    per = results.per_criterion
    ids = [pid for pid in titles if pid in per.index.get_level_values(0)]
    heading = widgets.HTML(escaped(_("Criteria: agreement and disagreement"), "h3"))
    if len(ids) < 2 or len(criteria.criteria) < 2:
        return None, [heading, widgets.HTML(_heatmap_table(per, ids, criteria, titles, tr))]
    scores = per["score"].unstack("criterion").reindex(index=ids, columns=list(criteria.keys))
    names = [short_label(titles[pid]) for pid in ids]
    labels = [short_label(c.label) for c in criteria.criteria]
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
    figure = _chart(
        [heat],
        [
            bq.Axis(scale=heat.scales["column"], side="bottom", tick_style=BIG),
            bq.Axis(scale=heat.scales["row"], side="left", tick_style=BIG),
            bq.ColorAxis(scale=heat.scales["color"], label=_("Mean score (0-100)")),
        ],
        _("Each prototype on each criterion (darker is better)"),
        height=f"{max(300, 70 * len(ids) + 160)}px",
        left=min(320, 12 * max(len(n) for n in names) + 30),
    )
    table = _heatmap_table(per, ids, criteria, titles, tr)
    return figure, [heading, figure, widgets.HTML(table)]


def _heatmap_table(
    per: pd.DataFrame,
    ids: list[int],
    criteria: CriteriaSet,
    titles: Mapping[int, str],
    tr: Translator,
) -> str:
    """Each prototype on each criterion in words: middle score, spread, can't say, and
    whether people disagree (contested), in ``tr``'s language."""
    _ = tr.gettext
    records = per.to_dict("index")  # one dict per (prototype, criterion): fast lookups
    cell_words = _("middle score {median}, middle half spread {iqr}, {n} people")
    cant_say, disagree = _("{n} can't say"), _("CONTESTED ({why})")
    rows = []
    for pid in ids:
        cells = [titles[pid]]
        for c in criteria.criteria:
            cell = records[(pid, c.key)]
            if cell["n"] == 0:
                cells.append(_("no scores"))
                continue
            median, iqr = number_text(cell["median"], 1), number_text(cell["iqr"], 1)
            text = cell_words.format(median=median, iqr=iqr, n=cell["n"])
            if cell["cant_say"]:
                text += ", " + cant_say.format(n=cell["cant_say"])
            if cell["contested"]:
                text += " · " + disagree.format(why=_(cell["why"]))
            cells.append(text)
        rows.append(cells)
    return table_html([_("Prototype"), *[c.label for c in criteria.criteria]], rows)


def two_by_two_section(
    results: Results, titles: Mapping[int, str], tr: Translator | None = None
) -> tuple[bq.Figure, list[widgets.Widget]]:
    """The prototypes placed on the criteria set's two axes, with the four quadrants."""
    tr = tr or translator()
    _ = tr.gettext
    criteria = results.criteria
    x_key, y_key = criteria.axes
    cx, cy = criteria.criterion(x_key), criteria.criterion(y_key)
    means = results.per_criterion["mean"].unstack("criterion")
    ids = [pid for pid in titles if pid in means.index]
    placed = means.reindex(ids)[[x_key, y_key]].dropna()
    xs = bq.LinearScale(min=cx.min, max=cx.max)
    ys = bq.LinearScale(min=cy.min, max=cy.max)
    dots = bq.Scatter(
        x=placed[x_key].tolist(),
        y=placed[y_key].tolist(),
        names=[short_label(titles[pid]) for pid in placed.index],
        display_names=True,
        scales={"x": xs, "y": ys},
        colors=[HIGH],
        default_size=200,
        labels=[_("Prototypes")],
    )
    mid_x, mid_y = (cx.min + cx.max) / 2, (cy.min + cy.max) / 2
    lines = bq.Lines(
        x=[[mid_x, mid_x], [cx.min, cx.max]],
        y=[[cy.min, cy.max], [mid_y, mid_y]],
        scales={"x": xs, "y": ys},
        colors=["#666666"],
        line_style="dashed",
    )
    mean = _("{criterion} (mean score)")
    figure = _chart(
        [lines, dots],
        [
            bq.Axis(scale=xs, label=mean.format(criterion=cx.label), tick_style=BIG),
            bq.Axis(scale=ys, side="left", label=mean.format(criterion=cy.label),
                    tick_style=BIG),
        ],
        _("{y} against {x}").format(y=cy.label, x=cx.label),
        height="520px",
    )  # fmt: skip
    rows = [
        [titles[pid], number_text(r[x_key], 1), number_text(r[y_key], 1)]
        for pid, r in placed.iterrows()
    ]
    table = table_html([_("Prototype"), cx.label, cy.label], rows)
    return figure, [widgets.HTML(escaped(_("The 2x2"), "h3")), figure, widgets.HTML(table)]


def perspectives_section(
    results: Results,
    titles: Mapping[int, str],
    group_labels: Mapping[str, str],
    tr: Translator | None = None,
) -> tuple[bq.Figure, list[widgets.Widget]]:
    """Each perspective's weighted scores side by side."""
    tr = tr or translator()
    _ = tr.gettext
    by_group = results.by_group
    ids = [pid for pid in titles if pid in by_group.index]
    groups = [g for g in by_group.columns if by_group[g].notna().any()]
    names = axis_names([titles[pid] for pid in ids])
    x = bq.OrdinalScale(domain=names)
    y = bq.LinearScale(min=0, max=100)
    values = by_group.reindex(ids)
    # One marker shape per perspective as well as its colour (a dot plot, not grouped bars
    # told apart by colour alone); no marker where nobody from it scored.
    scored = {g: [(n, v) for n, v in zip(names, values[g], strict=True) if pd.notna(v)]
              for g in groups}  # fmt: skip
    dots = [
        bq.Scatter(
            x=[n for n, _v in scored[g]],
            y=[v for _n, v in scored[g]],
            scales={"x": x, "y": y},
            marker=MARKERS[i % len(MARKERS)],
            colors=[perspective_colour(g, i)],
            stroke="#ffffff",
            default_size=300,
            labels=[f"{group_labels.get(g, g)} ({_(MARKER_WORDS[MARKERS[i % len(MARKERS)]])})"],
            display_legend=False,
        )
        for i, g in enumerate(groups)
    ]
    figure = _chart(dots, _score_axes(x, y, tr), _("Each perspective's scores side by side"))
    legend = legend_html(
        [
            (
                MARKER_SYMBOLS[MARKERS[i % len(MARKERS)]],
                perspective_colour(g, i),
                f"{group_labels.get(g, g)} ({_(MARKER_WORDS[MARKERS[i % len(MARKERS)]])})",
            )
            for i, g in enumerate(groups)
        ]
    )
    rows = [
        [titles[pid], *[number_text(values.loc[pid, g]) for g in by_group.columns]] for pid in ids
    ]
    header = [_("Prototype"), *[group_labels.get(g, g) for g in by_group.columns]]
    return figure, [
        widgets.HTML(escaped(_("By perspective"), "h3")),
        figure,
        legend,
        widgets.HTML(table_html(header, rows)),
    ]
