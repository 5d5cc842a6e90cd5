"""Small-group protection for the tables the report and the open data export are made from.

The projector shows a perspective group on its own only when at least the plan's
``smallest_group`` people took part in that result (:mod:`codesign_widgets.core.small_groups`).
The report and the export apply the same rule to the rows themselves: in each table, for each
breakdown (a workshop, a stage, a scoring round), a group with fewer people than that is
relabelled "other" (``group`` and ``perspective``, or ``author_perspective`` /
``rater_perspective``) together with the smallest group shown apart when only one would be
left. So a person who was the only commissioner in the room cannot be picked out by their
perspective in the report, a chart or a CSV row. The analyst's own functions
(:class:`~codesign_widgets.analysis.loaded_data.WorkshopData` as loaded) keep every
perspective: the analyst holds the workshop file anyway.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..core.small_groups import OTHER, group_sizes, merge_small_groups, merged_note
from ..core.templates import load_template
from ..core.workshop_tables import perspective_groups

__all__ = ["PEOPLE_COLUMNS", "protect_small_groups"]

#: table -> (person column, perspective column, group column or None, breakdown columns)
PEOPLE_COLUMNS: dict[str, tuple[str, str, str | None, tuple[str, ...]]] = {
    "participants": ("participant", "perspective", "group", ("workshop",)),
    "entries": ("participant", "perspective", "group", ("workshop", "stage")),
    "goals": ("participant", "perspective", "group", ("workshop", "stage")),
    "goal_votes": ("voter", "perspective", "group", ("workshop", "stage")),
    "stakeholders": ("author", "author_perspective", None, ("workshop", "stage")),
    "ties": ("author", "author_perspective", None, ("workshop", "stage")),
    "ratings": ("rater", "rater_perspective", None, ("workshop", "stage")),
    "scores": ("participant", "perspective", "group", ("workshop", "stage", "round")),
}

#: What each table's breakdown is, for the note that says which groups were merged.
WHAT = {
    "participants": "Who joined",
    "entries": "Check-in lines",
    "goals": "Goal cards",
    "goal_votes": "Dots",
    "stakeholders": "Stakeholders drawn",
    "ties": "Ties drawn",
    "ratings": "Influence ratings",
    "scores": "Scores",
}


def _smallest(tables: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Each workshop's ``smallest_group``, from its plan."""
    workshops = tables["workshops"]
    return {
        row.workshop: load_template(row.template).smallest_group
        for row in workshops.itertuples(index=False)
    }


def _labels(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key in tables["workshops"]["template"].unique().tolist():
        for p in load_template(key).perspectives:
            labels.setdefault(p.group, p.label)
    return labels


def protect_small_groups(
    tables: Mapping[str, pd.DataFrame], smallest: int | None = None
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The tables with small perspective groups shown as "other", and the notes that say
    where (one sentence per breakdown that merged a group). ``smallest`` overrides the
    plans' ``smallest_group``.

    >>> from tests.tables import goal_tables
    >>> protected, notes = protect_small_groups(goal_tables())
    >>> sorted(set(protected["goals"]["group"]))
    ['other']
    >>> notes[0]
    'Goal cards (W1, goals): Results are not shown by perspective: ...'
    >>> protect_small_groups(goal_tables(), smallest=1)[1]
    []
    """
    out = dict(tables)
    groups = perspective_groups(tables)
    per_workshop = _smallest(tables)
    labels = _labels(tables)
    order = list(dict.fromkeys(groups.values()))
    notes: list[str] = []
    for name, (person, perspective, group_column, by) in PEOPLE_COLUMNS.items():
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        frame = frame.copy()
        group_of = (frame[group_column] if group_column else frame[perspective].map(groups)).astype(
            "object"
        )
        breakdowns = frame.groupby(list(by) if len(by) > 1 else by[0], dropna=False, sort=False)
        for keys, rows in breakdowns.groups.items():
            keys = keys if isinstance(keys, tuple) else (keys,)
            least = smallest if smallest is not None else per_workshop.get(keys[0], 1)
            people = [
                (group_of[i], frame.at[i, person])
                for i in rows
                if pd.notna(frame.at[i, person]) and pd.notna(group_of[i])
            ]
            sizes = group_sizes(people, order)
            plan = merge_small_groups(sizes, least)
            merged = {g for g, shown in plan.items() if shown == OTHER}
            if not merged:
                continue
            hit = [i for i in rows if group_of[i] in merged and pd.notna(frame.at[i, person])]
            frame.loc[hit, perspective] = OTHER
            if group_column:
                frame.loc[hit, group_column] = OTHER
            note = merged_note(plan, labels, least, sizes)
            if note:
                notes.append(f"{WHAT[name]} ({', '.join(str(k) for k in keys)}): {note}")
        out[name] = frame
    out["comments"] = _comments(out)
    return out, notes


def _comments(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Comments are unnamed, so their groups follow the scores of the same round: a comment
    from a group merged there (or from a group nobody scored in) is shown as "other"."""
    comments = tables["comments"].copy()
    if comments.empty:
        return comments
    scores = tables["scores"]
    groups = perspective_groups(tables)
    kept = {
        (w, s, r, p)
        for w, s, r, p in scores[["workshop", "stage", "round", "perspective"]].itertuples(
            index=False
        )
        if p != OTHER
    }
    merged = [
        (w, s, r, p) not in kept and groups.get(p, p) != OTHER
        for w, s, r, p in comments[["workshop", "stage", "round", "perspective"]].itertuples(
            index=False
        )
    ]
    comments.loc[merged, "perspective"] = OTHER
    return comments
