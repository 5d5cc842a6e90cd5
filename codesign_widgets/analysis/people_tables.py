"""Tables for people: a result DataFrame as a report shows it to a commissioner.

Headings in words (never ``snake_case``), numbers rounded, shares as percentages, yes and no
for true and false, "—" for a missing value, no index column, every cell escaped (participant
text is untrusted), and a sentence instead of an empty table saying why there is nothing
(the ``note`` a result leaves in ``frame.attrs``, see
:func:`codesign_widgets.core.workshop_tables.noted`).
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .charts import GROUP_LABELS

__all__ = ["MISSING", "HtmlText", "for_people", "heading_for", "sentence"]

#: What a missing value reads as.
MISSING = "—"

#: Column names whose heading is not simply the name in words.
HEADINGS = {
    "pooled": "Pooled",
    "equal_say": "Equal say",
    "pooled_rank": "Pooled rank",
    "equal_say_rank": "Equal-say rank",
    "spread_low": "Middle half from",
    "spread_high": "Middle half to",
    "mean_confidence": "Mean confidence",
    "target_kind": "On a",
    "nearest_decider": "Nearest decider",
    "people_compared": "People compared",
    "people_changed": "People who changed",
    "from_round": "From round",
    "to_round": "To round",
    "stakeholder_id": "Id",
    "prototype_id": "Id",
    "people_share": "Share of people",
    "contribution_share": "Share of contributions",
    "contributions": "Contributions",
    "balance": "Times an equal share",
}

#: Columns holding a share from 0 to 1, shown as a percentage.
SHARES = {"pooled_share", "people_share", "contribution_share"}


class HtmlText(str):
    """Ready, escaped HTML that a notebook or report shows as such.

    >>> HtmlText("<p>Hello</p>")._repr_html_()
    '<p>Hello</p>'
    """

    def _repr_html_(self) -> str:
        return str(self)


def _words(key: str) -> str:
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def heading_for(column: str) -> str:
    """A column's heading in words.

    >>> heading_for("equal_say_rank"), heading_for("dots_lived_experience")
    ('Equal-say rank', 'Dots from lived experience')
    >>> heading_for("rank_without_provider"), heading_for("mean_confidence")
    ('Rank without provider', 'Mean confidence')
    """
    if column in HEADINGS:
        return HEADINGS[column]
    for prefix, words in (("dots_", "Dots from "), ("score_", "Score from "),
                          ("rank_without_", "Rank without "),
                          ("shift_without_", "Shift without ")):  # fmt: skip
        if column.startswith(prefix):
            group = column.removeprefix(prefix)
            return words + GROUP_LABELS.get(group, group.replace("_", " ")).lower()
    return _words(column)


def _cell(value, share: bool) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, str):
        return value if value.strip() else MISSING
    if isinstance(value, bool | np.bool_):
        return "Yes" if value else "No"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        if share:
            return f"{float(value):.0%}"
        return f"{float(value):,.1f}".removesuffix(".0")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d %b %Y %H:%M")
    return str(value)


def sentence(text: str) -> HtmlText:
    """A sentence as an escaped paragraph.

    >>> sentence("No dots were revealed <yet>.")
    '<p class="codesign-note">No dots were revealed &lt;yet&gt;.</p>'
    """
    return HtmlText(f'<p class="codesign-note">{html.escape(text)}</p>')


def for_people(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    *,
    shares: set[str] | frozenset[str] = frozenset(),
    empty: str = "Nothing to show.",
) -> HtmlText:
    """``frame`` as an HTML table for people; ``columns`` picks and names columns (column to
    heading, in order; default: every column, named by :func:`heading_for`), ``shares`` are
    shown as percentages. An empty frame gives its note (or ``empty``) as a sentence.

    >>> frame = pd.DataFrame({"prototype": ["Walk-in <clinic>"], "equal_say": [62.3333],
    ...                       "pooled_share": [0.4567], "decision": [None]})
    >>> table = for_people(frame)
    >>> print(table[table.index("<th>"):table.index("</thead>")])
    <th>Prototype</th><th>Equal say</th><th>Pooled share</th><th>Decision</th></tr>
    >>> print(table[table.index("<td>"):table.index("</tbody>")])
    <td>Walk-in &lt;clinic&gt;</td><td>62.3</td><td>46%</td><td>—</td></tr>
    >>> for_people(frame.iloc[0:0], empty="No scoring round was revealed.")
    '<p class="codesign-note">No scoring round was revealed.</p>'
    """
    if frame.empty:
        return sentence(frame.attrs.get("note") or empty)
    names = dict(columns) if columns else {c: heading_for(str(c)) for c in frame.columns}
    names = {c: h for c, h in names.items() if c in frame.columns}
    wanted = set(shares) | SHARES
    head = "".join(f"<th>{html.escape(h)}</th>" for h in names.values())
    rows = []
    for record in frame[list(names)].itertuples(index=False):
        cells = "".join(
            f"<td>{html.escape(_cell(v, c in wanted))}</td>"
            for c, v in zip(names, record, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return HtmlText(
        f'<table class="codesign-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
