"""The report's sections, one per activity that ran, from one workshop's loaded tables.

A workshop ends in any state: just created, stopped mid goal mapping, a round opened and
never revealed, a plan without a map. :func:`activities` says for each activity of the plan
whether it ran; :func:`report_summary` says in words which did and which did not;
:func:`report_section` is one activity's charts and tables, formatted for people
(:mod:`.people_tables`), with a sentence wherever there is nothing to show, and nothing at all
for an activity that did not run. ``notebooks/report.ipynb`` displays them in order.
"""

from __future__ import annotations

import html

import pandas as pd

from ..core.workshop_tables import Tables, activity_label, stage_keys
from ..goals import analysis as goals
from ..network import analysis as network
from ..scoring import analysis as scoring
from . import goal_charts, network_charts, scoring_charts
from .charts import GROUP_LABELS, Chart
from .equal_say import equal_say_chart, workshop_equal_say
from .people_tables import HtmlText, for_people, heading_for, sentence

__all__ = ["ACTIVITIES", "SECTIONS", "activities", "report_section", "report_summary"]

#: The activities a report has a section for, in the order it shows them.
ACTIVITIES = ("goal_mapping", "stakeholder_network", "prototype_scoring")
#: Each section's heading.
SECTIONS = {
    "goal_mapping": "What matters: goals and priorities",
    "stakeholder_network": "Who is involved: the stakeholder map",
    "prototype_scoring": "Prototypes: scores, ranking and decisions",
    "equal_say": "Equal say",
}


def _count(tables: Tables, activity: str, stage: str) -> tuple[int, str]:
    """How much happened in ``stage``: a count and what it counts."""

    def rows(name: str) -> int:
        frame = tables[name]
        return int((frame["stage"] == stage).sum())

    if activity == "goal_mapping":
        count, what = rows("goals"), ("goal card shared", "goal cards shared")
    elif activity == "stakeholder_network":
        count, what = rows("stakeholders"), ("stakeholder drawn", "stakeholders drawn")
    elif activity == "prototype_scoring":
        count, what = rows("rounds"), ("scoring round opened", "scoring rounds opened")
    else:
        count, what = rows("entries"), ("line written", "lines written")
    return count, what[0] if count == 1 else what[1]


def activities(tables: Tables) -> pd.DataFrame:
    """One row per stage of the plan: its activity, last state, how much happened in it, and
    whether it ran (opened, or something was added).

    >>> from tests.tables import goal_tables
    >>> activities(goal_tables())[["stage", "ran", "what"]].to_dict("records")[0]
    {'stage': 'goals', 'ran': True, 'what': '4 goal cards shared'}
    """
    rows = []
    for s in tables["stages"].itertuples(index=False):
        count, what = _count(tables, s.activity, s.stage)
        rows.append(
            {"stage": s.stage, "title": s.title, "activity": s.activity, "state": s.state,
             "contributions": count, "what": f"{count} {what}",
             "ran": s.state != "not_started" or count > 0}
        )  # fmt: skip
    columns = ["stage", "title", "activity", "state", "contributions", "what", "ran"]
    return pd.DataFrame(rows, columns=columns)


def _ran(tables: Tables, activity: str) -> bool:
    table = activities(tables)
    return bool(table.loc[table["activity"] == activity, "ran"].any())


def report_summary(tables: Tables) -> HtmlText:
    """Which activities ran and which did not (not in the plan, or never opened), in words.

    >>> from tests.tables import goal_tables
    >>> print(report_summary(goal_tables()))  # doctest: +ELLIPSIS
    <p class="codesign-note">This report covers goal mapping (4 goal cards shared)...
    """
    table = activities(tables)
    ran, not_run, missing = [], [], []
    for activity in ACTIVITIES:
        mine = table[table["activity"] == activity]
        label = activity_label(activity)
        if mine.empty:
            missing.append(label)
        elif mine["ran"].any():
            done = ", ".join(mine.loc[mine["ran"], "what"])
            ran.append(f"{label} ({done})")
        else:
            not_run.append(label)
    lines = []
    if ran:
        lines.append(f"This report covers {_and(ran)}.")
    else:
        lines.append("No activity ran in this workshop yet, so this report has no results.")
    if not_run:
        lines.append(f"Not run in this workshop (in the plan, never opened): {_and(not_run)}.")
    if missing:
        lines.append(f"Not part of this workshop's plan: {_and(missing)}.")
    return HtmlText("".join(sentence(line) for line in lines))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _chart(chart: Chart) -> str:
    """A chart, or the sentence saying why there is none (an empty picture helps nobody)."""
    return sentence(chart.alt) if chart.empty else chart._repr_html_()


def _heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{html.escape(text)}</h{level}>"


def _groups(tables: Tables, frame: pd.DataFrame, prefix: str) -> dict[str, str]:
    return {c: heading_for(c) for c in frame.columns if str(c).startswith(prefix)}


def _goal_mapping(tables: Tables, stage: str) -> list[str]:
    if not goals.goal_cards(tables, stage):
        return [sentence(goals.NO_CARDS)]
    priorities = goals.goal_priorities(tables, stage)
    return [
        sentence("The priorities from the dots, pooled (every dot counts the same) and with an "
                 "equal say (every perspective counts the same, however many people it has)."),
        _chart(goal_charts.priorities_chart(tables, stage)),
        for_people(priorities, {"priority": "Priority", "dots": "Dots", "pooled": "Pooled share",
                                "equal_say": "Equal-say share",
                                **_groups(tables, priorities, "dots_")},
                   shares={"pooled", "equal_say"}),
        _chart(goal_charts.services_chart(tables, stage)),
        _chart(goal_charts.goal_map_chart(tables, stage)),
        for_people(goals.themes(tables, stage), {"theme": "Theme", "cards": "Goal cards",
                                                "services": "Services named",
                                                "gaps": "Cards naming no service",
                                                "mean_confidence": "Mean confidence (0-10)"}),
        _chart(goal_charts.barriers_chart(tables, stage)),
        _chart(goal_charts.confidence_chart(tables, stage)),
    ]  # fmt: skip


def _stakeholder_network(tables: Tables, stage: str) -> list[str]:
    people = network.stakeholder_table(tables, stage)
    if people.empty:
        return [sentence(people.attrs.get("note", network.NO_STAKEHOLDERS))]
    views = network.influence_views(tables, stage)
    return [
        _chart(network_charts.network_chart(tables, stage)),
        _chart(network_charts.power_interest_chart(tables, stage)),
        for_people(people, {"name": "Stakeholder", "kind": "Kind", "perspective": "Perspective",
                            "influence": "Influence (0-10)", "interest": "Interest (0-10)",
                            "ties": "Ties", "betweenness": "Betweenness",
                            "broker": "Broker"}),
        _heading("Influence as each perspective rated it", 3),
        for_people(views, {c: ("Stakeholder" if c == "stakeholder" else
                               "Spread" if c == "spread" else GROUP_LABELS.get(c, heading_for(c)))
                           for c in views.columns}),
        _heading("Steps from lived experience to the nearest decider", 3),
        for_people(network.voice_distances(tables, stage)),
    ]  # fmt: skip


def _prototype_scoring(tables: Tables, stage: str) -> list[str]:
    titles = scoring.prototype_titles(tables, stage)
    if not scoring.revealed_rounds(tables, stage):
        held = tables["rounds"][tables["rounds"]["stage"] == stage]
        parts = [sentence(scoring.NOT_REVEALED)]
        if len(held):
            states = ", ".join(f"round {r} {s}" for r, s in zip(held["round"], held["state"],
                                                                  strict=True))  # fmt: skip
            parts.append(sentence(f"Rounds held: {states}; scores stay sealed until revealed."))
        if titles:
            parts.append(sentence("Prototypes in play: " + "; ".join(titles.values()) + "."))
        return parts
    ranking = scoring.ranking(tables, stage)
    loo = scoring.leave_one_out(tables, stage)
    return [
        _chart(scoring_charts.ranking_chart(tables, stage)),
        for_people(ranking, {"prototype": "Prototype", "equal_say": "Equal say (0-100)",
                             "equal_say_rank": "Equal-say rank", "pooled": "Pooled (0-100)",
                             "pooled_rank": "Pooled rank", "people": "People who scored",
                             **_groups(tables, ranking, "score_"), "decision": "Decision"}),
        _chart(scoring_charts.criteria_chart(tables, stage)),
        _chart(scoring_charts.two_by_two_chart(tables, stage)),
        _chart(scoring_charts.perspectives_chart(tables, stage)),
        _heading("If one perspective were left out", 3),
        for_people(loo),
        _heading("How the rounds moved", 3),
        for_people(scoring.round_movement(tables, stage),
                   {"from_round": "From round", "to_round": "To round",
                    "people_compared": "People compared", "people_changed": "People who changed",
                    "summary": "What moved"}),
    ]  # fmt: skip


def _equal_say(tables: Tables) -> list[str]:
    summary = workshop_equal_say(tables)
    parts = [sentence(line) for line in summary.sentences()]
    if summary.groups:
        rows = pd.DataFrame(summary.rows())
        rows["group"] = [g.label for g in summary.groups]
        parts += [
            for_people(rows, {"group": "Perspective", "people": "People",
                              "people_share": "Share of people", "contributions": "Contributions",
                              "contribution_share": "Share of contributions",
                              "balance": "Times an equal share"}),
            _chart(equal_say_chart(tables)),
        ]  # fmt: skip
    return parts


_BUILDERS = {
    "goal_mapping": _goal_mapping,
    "stakeholder_network": _stakeholder_network,
    "prototype_scoring": _prototype_scoring,
}


def report_section(tables: Tables, activity: str) -> HtmlText:
    """One section of the report: ``activity``'s heading, charts and tables (a sub-heading
    per stage when it has several), or nothing when it did not run. ``"equal_say"`` is the
    equal-say summary across all activities.

    >>> from tests.tables import goal_tables, tables_of
    >>> report_section(goal_tables(), "goal_mapping").startswith("<section")
    True
    >>> never_opened = [{"stage": "s", "activity": "prototype_scoring", "state": "not_started"}]
    >>> report_section(tables_of(stages=never_opened), "prototype_scoring")
    ''
    """
    if activity == "equal_say":
        body = _equal_say(tables)
    elif activity not in _BUILDERS:
        msg = f"A report has sections for {', '.join(SECTIONS)}, not {activity!r}."
        raise ValueError(msg)
    elif not _ran(tables, activity):
        return HtmlText("")
    else:
        table = activities(tables)
        keys = [k for k in stage_keys(tables, activity)
                if table.loc[table["stage"] == k, "ran"].any()]  # fmt: skip
        titles = dict(zip(table["stage"], table["title"], strict=True))
        body = []
        for key in keys:
            if len(keys) > 1:
                body.append(_heading(titles.get(key) or key, 3))
            body += _BUILDERS[activity](tables, key)
    return HtmlText(
        f'<section class="codesign-section">{_heading(SECTIONS[activity])}{"".join(body)}</section>'
    )
