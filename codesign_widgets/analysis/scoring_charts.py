"""Prototype scoring charts as the projector showed them, from one workshop's loaded tables
(:data:`~codesign_widgets.core.workshop_tables.Tables`), each a
:class:`~codesign_widgets.analysis.charts.Chart`:

- :func:`ranking_chart`: equal say and pooled, with the spread of people's scores;
- :func:`criteria_chart`: each prototype on each criterion, the heatmap;
- :func:`two_by_two_chart`: the criteria set's 2x2, when it has one;
- :func:`perspectives_chart`: each perspective group's scores side by side.

The numbers come from :mod:`codesign_widgets.scoring.analysis`.
"""

from __future__ import annotations

import pandas as pd

from ..core.palette import POOLED
from ..core.workshop_tables import Tables
from ..scoring.analysis import (
    NO_SCORING,
    NOT_REVEALED,
    prototype_titles,
    ranking,
    scoring_results,
)
from ..scoring.results import Results
from .charts import (
    Chart,
    empty_chart,
    figure,
    finish,
    group_colour,
    group_label,
    literal,
    shorten,
)

__all__ = ["criteria_chart", "perspectives_chart", "ranking_chart", "two_by_two_chart"]


def _nothing(tables: Tables, results: Results | None) -> str | None:
    """Why a round's results cannot be drawn, or None when they can."""
    if results is None:
        has_stage = (tables["stages"]["activity"] == "prototype_scoring").any()
        return NOT_REVEALED if has_stage else NO_SCORING
    if results.empty:
        return results.notes[-1] if results.notes else "Nobody scored in this round."
    return None


def ranking_chart(tables: Tables, stage: str | None = None, round: int | None = None) -> Chart:
    """Equal-say and pooled weighted scores, with the middle half of people's scores.

    >>> from tests.tables import scoring_tables
    >>> ranking_chart(scoring_tables()).title
    "Ranking: equal say and pooled, with the spread of people's scores"
    """
    full = ranking(tables, stage, round)
    table = full.dropna(subset=["equal_say"])
    title = "Ranking: equal say and pooled, with the spread of people's scores"
    if table.empty:
        return empty_chart(title, full.attrs.get("note", "Nobody scored in this round."))
    fig = figure()
    ax = fig.add_subplot()
    x = list(range(len(table)))
    ax.bar([v - 0.2 for v in x], table["equal_say"], 0.4, color="#000000", label="Equal say")
    ax.bar([v + 0.2 for v in x], table["pooled"], 0.4, color=POOLED, hatch="//",
           edgecolor="#ffffff", label="Pooled (hatched)")  # fmt: skip
    ax.vlines(x, table["spread_low"], table["spread_high"], color="#D55E00", linewidth=6,
              label="Middle half of people")  # fmt: skip
    ax.set_xticks(x, [shorten(t, 20) for t in table["prototype"]])
    ax.set_ylim(0, 100)
    ax.set_ylabel("Weighted score (0-100)")
    ax.legend()
    ax.set_title(title, loc="left")
    alt = "; ".join(
        f"{r.prototype}: equal say {r.equal_say:.0f} (rank {r.equal_say_rank}), pooled "
        f"{r.pooled:.0f}" for r in table.itertuples()
    )  # fmt: skip
    return finish(fig, title, alt)


def criteria_chart(tables: Tables, stage: str | None = None, round: int | None = None) -> Chart:
    """Each prototype on each criterion (mean score 0-100): the projector's heatmap.

    >>> from tests.tables import scoring_tables
    >>> criteria_chart(scoring_tables()).alt
    'Walk-in clinic on impact: 75; Phone line on impact: 62 (contested)'
    """
    results = scoring_results(tables, stage, round)
    title = "Each prototype on each criterion (darker is better)"
    if (why := _nothing(tables, results)) is not None:
        return empty_chart(title, why)
    titles = prototype_titles(tables, stage)
    scores = results.per_criterion["score"].unstack("criterion")
    scores = scores.reindex(columns=list(results.criteria.keys))
    if scores.empty or scores.isna().all().all():
        return empty_chart(title, "Nobody scored in this round.")
    fig = figure(8, 0.7 * len(scores) + 1.8)
    ax = fig.add_subplot()
    image = ax.imshow(scores.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=100,
                      aspect="auto")  # fmt: skip
    ax.set_xticks(range(scores.shape[1]), [literal(c.label) for c in results.criteria.criteria])
    ax.set_yticks(range(len(scores)), [shorten(titles[int(p)], 28) for p in scores.index])
    fig.colorbar(image, ax=ax, label="Mean score (0-100)")
    ax.set_title(title, loc="left")
    contested = results.per_criterion["contested"]
    alt = "; ".join(
        f"{titles[int(p)]} on {c}: {v:.0f}" + (" (contested)" if contested[(p, c)] else "")
        for (p, c), v in results.per_criterion["score"].items() if pd.notna(v)
    )  # fmt: skip
    return finish(fig, title, alt)


def two_by_two_chart(tables: Tables, stage: str | None = None, round: int | None = None) -> Chart:
    """The 2x2 of the criteria set's axes (mean scores), if it has one.

    >>> from tests.tables import scoring_tables
    >>> two_by_two_chart(scoring_tables())
    <Chart 'The 2x2': Impact only has no 2x2 axes.>
    """
    results = scoring_results(tables, stage, round)
    if (why := _nothing(tables, results)) is not None:
        return empty_chart("The 2x2", why)
    criteria = results.criteria
    if not criteria.axes:
        return empty_chart("The 2x2", f"{criteria.name} has no 2x2 axes.")
    x_key, y_key = criteria.axes
    cx, cy = criteria.criterion(x_key), criteria.criterion(y_key)
    means = results.per_criterion["mean"].unstack("criterion")[[x_key, y_key]].dropna()
    titles = prototype_titles(tables, stage)
    title = f"{cy.label} against {cx.label}"
    fig = figure(7, 7)
    ax = fig.add_subplot()
    ax.axvline((cx.min + cx.max) / 2, color="#666666", linestyle="--")
    ax.axhline((cy.min + cy.max) / 2, color="#666666", linestyle="--")
    for pid, r in means.iterrows():
        ax.scatter([r[x_key]], [r[y_key]], s=150, color="#0072B2")
        ax.text(r[x_key] + 0.05, r[y_key] + 0.05, shorten(titles[int(pid)], 24))
    ax.set_xlim(cx.min, cx.max)
    ax.set_ylim(cy.min, cy.max)
    ax.set_xlabel(literal(f"{cx.label} (mean score)"))
    ax.set_ylabel(literal(f"{cy.label} (mean score)"))
    ax.set_title(literal(title), loc="left")
    alt = "; ".join(f"{titles[int(p)]}: {cx.label} {r[x_key]:.1f}, {cy.label} {r[y_key]:.1f}"
                    for p, r in means.iterrows())  # fmt: skip
    return finish(fig, title, alt)


def perspectives_chart(tables: Tables, stage: str | None = None, round: int | None = None) -> Chart:
    """Each perspective group's weighted score per prototype, side by side.

    >>> from tests.tables import scoring_tables
    >>> perspectives_chart(scoring_tables()).title
    "Each perspective's scores side by side"
    """
    results = scoring_results(tables, stage, round)
    title = "Each perspective's scores side by side"
    if (why := _nothing(tables, results)) is not None:
        return empty_chart(title, why)
    titles = prototype_titles(tables, stage)
    by_group = results.by_group
    groups = [g for g in by_group.columns if by_group[g].notna().any()]
    if not groups:
        return empty_chart(title, "Nobody scored in this round.")
    fig = figure()
    ax = fig.add_subplot()
    width = 0.8 / len(groups)
    x = list(range(len(by_group)))
    for i, g in enumerate(groups):
        ax.bar([v - 0.4 + width * (i + 0.5) for v in x], by_group[g].fillna(0), width,
               color=group_colour(g), label=group_label(g))  # fmt: skip
    ax.set_xticks(x, [shorten(titles[int(p)], 20) for p in by_group.index])
    ax.set_ylim(0, 100)
    ax.set_ylabel("Weighted score (0-100)")
    ax.legend()
    ax.set_title(title, loc="left")
    alt = "; ".join(
        f"{titles[int(p)]}: " + ", ".join(
            f"{group_label(g)} {row[g]:.0f}" for g in groups if pd.notna(row[g]))
        for p, row in by_group.iterrows()
    )  # fmt: skip
    return finish(fig, title, alt)
