"""The text side of a revealed round's results: numbers and labels as shown, escaped tables,
and the sections that are tables only (who moved since the last round, and the ranks with
one perspective left out).

Facilitator and analyst code only (pandas). Every cell is participant text or a number, and
goes through :func:`escaped`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import pandas as pd

from ..core.i18n import Translator, translator
from ..core.safe_text import escaped
from .criteria import CriteriaSet
from .results import Movement, Results

__all__ = [
    "leave_one_out_section",
    "movement_section",
    "number_text",
    "short_label",
    "table_html",
]

MAX_LABEL = 28


def short_label(text: str, limit: int = MAX_LABEL) -> str:
    """A label short enough for a chart axis: at most ``limit`` characters.

    >>> short_label("A walk-in clinic open in the evenings and at weekends")  # 28 at most
    'A walk-in clinic open in th…'
    >>> short_label("A walk-in clinic open in the evenings", 12)
    'A walk-in c…'
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number_text(value: float | None, digits: int = 0) -> str:
    """A number as shown in a table, or a dash where there is none.

    >>> number_text(62.46), number_text(2.25, 1)
    ('62', '2.2')
    >>> number_text(None) == number_text(float("nan")) == chr(0x2013)  # an en dash
    True
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return f"{value:.{digits}f}"


def table_html(header: Sequence[str], rows: Sequence[Sequence[str]], css: str = "") -> str:
    """An HTML table whose every cell is escaped text."""
    head = "".join(escaped(h, "th") for h in header)
    body = "".join("<tr>" + "".join(escaped(c, "td") for c in row) + "</tr>" for row in rows)
    return f'<table class="codesign-table {css}"><tr>{head}</tr>{body}</table>'


def movement_section(
    movement: Movement,
    criteria: CriteriaSet,
    titles: Mapping[int, str],
    group_labels: Mapping[str, str],
    tr: Translator | None = None,
) -> list[widgets.Widget]:
    """Who changed (per perspective, not per name: this is projected) and the spread, in
    ``tr``'s language."""
    tr = tr or translator()
    _ = tr.gettext
    parts = [
        widgets.HTML(escaped(_("Since the last round"), "h3")),
        widgets.HTML(escaped(movement.said(tr), "p")),
    ]
    if movement.compared_people:
        by_group = (
            movement.people.assign(moved=movement.people["changed"] > 0)
            .groupby("group")[["moved", "up", "down"]]
            .sum()
        )
        counts = movement.people.groupby("group").size()
        of = _("{n} of {total}")
        rows = [
            [group_labels.get(g, g), of.format(n=int(r["moved"]), total=int(counts[g])),
             str(int(r["up"])), str(int(r["down"]))]
            for g, r in by_group.iterrows()
        ]  # fmt: skip
        header = [_("Perspective"), _("People who changed a score"), _("Up"), _("Down")]
        parts.append(widgets.HTML(table_html(header, rows)))
        labels = {c.key: c.label for c in criteria.criteria}
        closer, apart, same = _("closer together"), _("further apart"), _("the same")
        spread = [
            [titles[pid], labels.get(key, key), number_text(r["iqr_before"], 1),
             number_text(r["iqr_after"], 1),
             closer if r["narrowed"] else (apart if r["widened"] else same)]
            for (pid, key), r in movement.spread.iterrows()
            if pid in titles
        ]  # fmt: skip
        header = [
            _("Prototype"),
            _("Criterion"),
            _("Spread of the middle half before"),
            _("Spread of the middle half now"),
            _("Scores are"),
        ]
        parts.append(widgets.HTML(table_html(header, spread)))
    return parts


def leave_one_out_section(
    results: Results,
    titles: Mapping[int, str],
    group_labels: Mapping[str, str],
    tr: Translator | None = None,
) -> list[widgets.Widget]:
    """How the ranks move when one perspective is left out (nothing if none can be), in
    ``tr``'s language."""
    _ = (tr or translator()).gettext
    out = results.leave_one_out
    if not out:
        return []
    ranking = results.ranking
    ids = [pid for pid in titles if pid in ranking.index]
    rows = []
    for pid in ids:
        row = [titles[pid], number_text(ranking.loc[pid, "equal_say_rank"])]
        for frame in out.values():
            shift = frame.loc[pid, "shift"]
            arrow = "" if shift is pd.NA or shift == 0 else (" ▲" if shift > 0 else " ▼")
            row.append(f"{number_text(frame.loc[pid, 'rank'])}{arrow}")
        rows.append(row)
    without = _("Without {perspective}")
    header = [
        _("Prototype"),
        _("Place with every perspective"),
        *[without.format(perspective=group_labels.get(g, g)) for g in out],
    ]
    return [
        widgets.HTML(escaped(_("If one perspective were left out"), "h3")),
        widgets.HTML(
            escaped(
                _(
                    "The places with equal say when one perspective is left out: ▲ moves up, "
                    "▼ moves down. A big move means that perspective decides the result."
                ),
                "p",
            )
        ),
        widgets.HTML(table_html(header, rows)),
    ]
