"""The loaded data: :class:`WorkshopData`, the tables of one or more workshops, with every
result and chart of the analyst notebook as a method.

Each method is one line: it calls the function of the same name (and docstring) with the
tables of the one workshop loaded. The functions are where the numbers are made, and can be
called without a WorkshopData:

- :mod:`codesign_widgets.goals.analysis`, :mod:`codesign_widgets.network.analysis` and
  :mod:`codesign_widgets.scoring.analysis`: each activity's results;
- :mod:`.equal_say`: the equal-say summary across them;
- :mod:`.goal_charts`, :mod:`.network_charts`, :mod:`.scoring_charts`: the charts the
  projector showed, as static images.

Load one with :mod:`.workshop_data` (``load_workshop``, ``load_database``, ``load_package``).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd

from ..core import workshop_tables
from ..core.errors import InvalidInput, NotFound
from ..goals import analysis as goal_analysis
from ..network import analysis as network_analysis
from ..scoring import analysis as scoring_analysis
from . import goal_charts, network_charts, report_sections, scoring_charts
from .charts import GROUP_LABELS
from .equal_say import equal_say_chart, workshop_equal_say
from .open_data_schema import TABLES, typed
from .people_tables import HtmlText

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from ..core.equal_say import EqualSay
    from ..goals.cards import GoalCard
    from ..network.measures import NetworkMetrics
    from ..network.model import NetworkMap
    from ..scoring.criteria import CriteriaSet
    from ..scoring.results import Results
    from .charts import Chart

__all__ = ["WorkshopData"]


class WorkshopData:
    """The tables of one or more workshops, and what they add up to.

    Each table of :data:`codesign_widgets.analysis.open_data_schema.TABLES` is an attribute
    (``data.goals``, ``data.scores``, ...). Results, graphs and charts are computed from these
    tables alone, so a package loaded back gives the same ones. Methods that show one
    workshop use the only one loaded (pick one with :meth:`only`); each calls the function of
    the same name with that workshop's tables.

    >>> from tests.tables import goal_tables
    >>> data = WorkshopData(goal_tables())
    >>> data.codes, len(data.goals), data.services_needed()["service"].tolist()
    (['W1'], 4, ['GP', 'Podiatry'])
    """

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        missing = set(TABLES) - set(tables)
        if missing:
            msg = f"Workshop data lacks the tables {', '.join(sorted(missing))}."
            raise InvalidInput(msg)
        self.tables = {name: typed(name, tables[name]) for name in TABLES}
        #: Sentences saying which small perspective groups were merged (:meth:`protected`).
        self.small_group_notes: list[str] = []

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(f)} {n}" for n, f in self.tables.items() if len(f))
        return f"<WorkshopData {', '.join(self.codes)}: {counts}>"

    def _repr_html_(self) -> str:
        return self.overview().to_html()

    def heading(self) -> HtmlText:
        """The workshop's title, date, and who took part, as an escaped heading.

        >>> from tests.tables import goal_tables
        >>> WorkshopData(goal_tables()).heading()[:22]
        '<h1>Hand-built</h1><p>'
        """
        w = self.one().tables["workshops"].iloc[0]
        created = w["created_at"]
        if pd.isna(created):
            created = None
        elif not isinstance(created, pd.Timestamp):
            created = pd.Timestamp(float(created), unit="s", tz="UTC")
        day = f", {created:%d %B %Y}" if created is not None else ""
        people = self.tables["participants"]["group"].value_counts()
        who = ", ".join(
            f"{n} {GROUP_LABELS.get(g, g.replace('_', ' ')).lower()}" for g, n in people.items()
        )
        took_part = (
            f"{len(self.participants)} people took part: {html.escape(who)}. People appear "
            "under pseudonyms (P-codes)."
            if len(self.participants)
            else "Nobody has joined this workshop yet."
        )
        return HtmlText(
            f"<h1>{html.escape(w['title'])}</h1><p>Workshop {html.escape(w['workshop'])}{day} "
            f"({html.escape(w['template'])} plan). {took_part}</p>"
        )

    def protected(self, smallest: int | None = None) -> WorkshopData:
        """The same data with small perspective groups shown as "Other perspectives", as the
        report and the open data export show them: in each table and breakdown, a group with
        fewer than the plan's ``smallest_group`` people (or ``smallest``) takes part under
        "other" (:mod:`.small_group_tables`). ``small_group_notes`` says where.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables()).protected()
        >>> data.groups()["other"], data.goals["group"].unique().tolist()
        ('other', ['other'])
        >>> WorkshopData(goal_tables()).protected(smallest=1).small_group_notes
        []
        """
        from .small_group_tables import protect_small_groups

        tables, notes = protect_small_groups(self.tables, smallest)
        data = WorkshopData(tables)
        data.small_group_notes = notes
        return data

    # -- the report (.report_sections) ---------------------------------------------------------
    def activities(self) -> pd.DataFrame:
        """One row per stage of the plan: its activity, last state, how much happened in it, and
        whether it ran (opened, or something was added).

        >>> from tests.tables import goal_tables
        >>> WorkshopData(goal_tables()).activities()["ran"].tolist()
        [True, True, True]
        """
        return report_sections.activities(self.one().tables)

    def report_summary(self) -> HtmlText:
        """Which activities ran and which did not (not in the plan, or never opened), in words.

        >>> from tests.tables import tables_of
        >>> "No activity ran" in WorkshopData(tables_of(stages=[])).report_summary()
        True
        """
        summary = report_sections.report_summary(self.one().tables)
        if not self.small_group_notes:
            return summary
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.small_group_notes)
        return HtmlText(
            f"{summary}<p>Small groups are not shown apart, so that nobody can be picked out "
            f"by their perspective:</p><ul>{notes}</ul>"
        )

    def report_section(self, activity: str) -> HtmlText:
        """One section of the report: ``activity``'s heading, charts and tables (a sub-heading
        per stage when it has several), or nothing when it did not run. ``"equal_say"`` is the
        equal-say summary across all activities.

        >>> from tests.tables import goal_tables
        >>> WorkshopData(goal_tables()).report_section("goal_mapping")[:40]
        '<section class="codesign-section"><h2>Wh'
        """
        return report_sections.report_section(self.one().tables, activity)

    @property
    def codes(self) -> list[str]:
        """The join codes of the loaded workshops, in the order they were loaded."""
        return self.tables["workshops"]["workshop"].tolist()

    def only(self, workshop: str) -> WorkshopData:
        """The data of one loaded workshop.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.only("W1").codes
        ['W1']
        """
        if workshop not in self.codes:
            msg = f"No workshop {workshop!r} was loaded; loaded: {', '.join(self.codes)}."
            raise NotFound(msg)
        return WorkshopData(
            {n: f[f["workshop"] == workshop].reset_index(drop=True) for n, f in self.tables.items()}
        )

    def one(self, workshop: str | None = None) -> WorkshopData:
        """The data of ``workshop``, or of the only workshop loaded (an error if several are).

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.one() is data
        True
        """
        if workshop is not None:
            return self.only(workshop)
        if len(self.codes) != 1:
            msg = (
                f"This data holds {len(self.codes)} workshops ({', '.join(self.codes)}); "
                "name one with data.only('CODE')."
            )
            raise InvalidInput(msg)
        return self

    def overview(self) -> pd.DataFrame:
        """Rows per table and workshop: what was loaded, at a glance.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.overview().loc["W1", ["goals", "goal_votes"]].tolist()
        [4, 4]
        """
        counts = {
            name: frame.groupby("workshop").size().reindex(self.codes, fill_value=0)
            for name, frame in self.tables.items()
            if name != "workshops"
        }
        return pd.DataFrame(counts, index=pd.Index(self.codes, name="workshop"))

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *TABLES})

    # -- shared: stages and perspective groups ------------------------------------------------
    def stage_keys(self, activity: str) -> list[str]:
        """The keys of the stages of ``activity`` (``"goal_mapping"``...) in the plan's order.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.stage_keys("goal_mapping")
        ['goals']
        """
        return workshop_tables.stage_keys(self.tables, activity)

    def groups(self) -> dict[str, str]:
        """Perspective key to perspective group, from the workshop's plan.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.groups()["provider"]
        'provider'
        """
        return workshop_tables.perspective_groups(self.tables)

    def group_order(self) -> list[str]:
        """Perspective groups in the plan's order.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.group_order()
        ['lived_experience', 'provider', 'system']
        """
        return workshop_tables.group_order(self.tables)

    # -- goal mapping (codesign_widgets.goals.analysis) ------------------------------------------
    def goal_cards(self, stage: str | None = None, *, on_wall: bool = True) -> list[GoalCard]:
        """Goal cards as domain objects; by default only those on the wall (not withdrawn or
        hidden), as the projector showed them.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> [c.goal for c in data.goal_cards()]
        ['Walk to the shops', 'Sleep through']
        """
        return goal_analysis.goal_cards(self.one().tables, stage, on_wall=on_wall)

    def goal_priorities(self, stage: str | None = None) -> pd.DataFrame:
        """Dot priorities: pooled and equal-say shares and dots per group (revealed stages).

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.goal_priorities()[["priority", "dots"]].values.tolist()
        [['Walk to the shops', 2], ['Sleep through', 2]]
        """
        return goal_analysis.goal_priorities(self.one().tables, stage)

    def themes(self, stage: str | None = None) -> pd.DataFrame:
        """Per theme: cards on the wall, distinct services named, gaps and mean confidence.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.themes()[["theme", "cards"]].values.tolist()
        [['Getting out', 2]]
        """
        return goal_analysis.themes(self.one().tables, stage)

    def services_needed(self, stage: str | None = None) -> pd.DataFrame:
        """Supports and services named on the wall's cards, most needed first.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.services_needed().values.tolist()
        [['GP', 2], ['Podiatry', 1]]
        """
        return goal_analysis.services_needed(self.one().tables, stage)

    def barriers_named(self, stage: str | None = None) -> pd.DataFrame:
        """Barriers named on the wall's cards, most named first.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.barriers_named().values.tolist()
        [['Cost', 1], ['Transport', 1]]
        """
        return goal_analysis.barriers_named(self.one().tables, stage)

    def confidence(self, stage: str | None = None) -> pd.DataFrame:
        """Cards per confidence score 0-10, for everyone and per perspective group.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.confidence().loc["all"].tolist()
        [0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]
        """
        return goal_analysis.confidence(self.one().tables, stage)

    def goal_service_graph(self, stage: str | None = None, by: str = "goal") -> nx.Graph:
        """Goals (or themes) linked to the services named for them; gaps stay as lone nodes.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> sorted(data.goal_service_graph().nodes)
        ['goal:1', 'goal:2', 'service:gp', 'service:podiatry']
        """
        return goal_analysis.goal_service_graph(self.one().tables, stage, by)

    # -- stakeholder network (codesign_widgets.network.analysis) ---------------------------------
    def network_map(self, stage: str | None = None) -> NetworkMap:
        """The map as drawn (withdrawn and hidden items included, with their status); an empty map
        when the plan has no map stage.

        >>> from tests.tables import network_tables
        >>> data = WorkshopData(network_tables())
        >>> len(data.network_map().stakeholders)
        3
        """
        return network_analysis.network_map(self.one().tables, stage)

    def network_graph(self, stage: str | None = None, **options) -> nx.MultiDiGraph:
        """The map as a networkx MultiDiGraph whose attributes are single values (see
        :func:`flat_graph`), ready for ``nx.write_graphml`` and ``nx.write_gexf``; options as
        :func:`codesign_widgets.network.graph.build_graph` takes them. Empty without a map.

        >>> from tests.tables import network_tables
        >>> data = WorkshopData(network_tables())
        >>> data.network_graph().number_of_nodes()
        3
        """
        return network_analysis.network_graph(self.one().tables, stage, **options)

    def network_metrics(self, stage: str | None = None) -> NetworkMetrics:
        """Degree, betweenness, brokers and the rest of the map's measures
        (:func:`codesign_widgets.network.measures.network_metrics`).

        >>> from tests.tables import network_tables
        >>> data = WorkshopData(network_tables())
        >>> data.network_metrics().isolates
        []
        """
        return network_analysis.network_metrics(self.one().tables, stage)

    def stakeholder_table(self, stage: str | None = None) -> pd.DataFrame:
        """Stakeholders on the map with influence (perspectives weighted equally), interest, degree
        and betweenness: the facilitator's analysis panel as a table.

        >>> from tests.tables import network_tables
        >>> data = WorkshopData(network_tables())
        >>> data.stakeholder_table()["name"].tolist()
        ['GP practice', 'Amara', 'Commissioner']
        """
        return network_analysis.stakeholder_table(self.one().tables, stage)

    def voice_distances(self, stage: str | None = None) -> pd.DataFrame:
        """Steps from each lived-experience stakeholder to the nearest decider.

        >>> from tests.tables import network_tables
        >>> data = WorkshopData(network_tables())
        >>> data.voice_distances()["steps"].tolist()
        [2]
        """
        return network_analysis.voice_distances(self.one().tables, stage)

    def influence_views(self, stage: str | None = None) -> pd.DataFrame:
        """Each stakeholder's influence as each perspective rated it, biggest disagreement first
        (the map's equal-say panel).

        >>> from tests.tables import network_tables
        >>> data = WorkshopData(network_tables())
        >>> data.influence_views()["stakeholder"].tolist()
        ['Amara', 'GP practice', 'Commissioner']
        """
        return network_analysis.influence_views(self.one().tables, stage)

    # -- prototype scoring (codesign_widgets.scoring.analysis) -----------------------------------
    def revealed_rounds(self, stage: str | None = None) -> list[int]:
        """The numbers of the stage's revealed rounds, in order (sealed rounds are never loaded);
        none without a scoring stage.

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.revealed_rounds()
        [1, 2]
        """
        return scoring_analysis.revealed_rounds(self.one().tables, stage)

    def criteria_set(
        self, stage: str | None = None, round: int | None = None
    ) -> CriteriaSet | None:
        """The criteria set a round (default: the last) was scored on; ``None`` when no round was
        held.

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.criteria_set().name
        'Impact only'
        """
        return scoring_analysis.criteria_set(self.one().tables, stage, round)

    def prototype_titles(self, stage: str | None = None) -> dict[int, str]:
        """Prototype id to title, for the stage's prototypes still in play (not withdrawn).

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.prototype_titles()
        {1: 'Walk-in clinic', 2: 'Phone line'}
        """
        return scoring_analysis.prototype_titles(self.one().tables, stage)

    def score_frame(self, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
        """Counted scores of one revealed round (default: the last) in the results' shape; empty
        (saying why in ``.attrs["note"]``) when no round was revealed.

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> len(data.score_frame())
        4
        """
        return scoring_analysis.score_frame(self.one().tables, stage, round)

    def scoring_results(self, stage: str | None = None, round: int | None = None) -> Results | None:
        """The results panel's numbers for a revealed round (default: the last); ``None`` when no
        round was revealed (``notes`` of an empty result say why).

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.scoring_results().people
        2
        """
        return scoring_analysis.scoring_results(self.one().tables, stage, round)

    def ranking(self, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
        """Prototype ranking with titles and decisions: equal say first, then pooled.

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.ranking()["prototype"].tolist()
        ['Walk-in clinic', 'Phone line']
        """
        return scoring_analysis.ranking(self.one().tables, stage, round)

    def leave_one_out(self, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
        """Equal-say rank of each prototype with every perspective, and without each one (a positive
        shift: it climbs when that perspective is left out).

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.leave_one_out()["prototype"].tolist()
        ['Walk-in clinic', 'Phone line']
        """
        return scoring_analysis.leave_one_out(self.one().tables, stage, round)

    def round_movement(self, stage: str | None = None) -> pd.DataFrame:
        """How each revealed round moved from the one before: people who changed, spread.

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.round_movement()["people_changed"].tolist()
        [1]
        """
        return scoring_analysis.round_movement(self.one().tables, stage)

    # -- equal say (.equal_say) ------------------------------------------------------------------
    def equal_say(self) -> EqualSay:
        """The equal-say summary across all activities (:mod:`codesign_widgets.core.equal_say`).

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> [g.label for g in data.equal_say().groups]
        ['Lived experience', 'Provider', 'System']
        """
        return workshop_equal_say(self.one().tables)

    # -- charts (.goal_charts, .network_charts, .scoring_charts, .equal_say) -------------------
    def services_chart(self, stage: str | None = None, top: int = 12) -> Chart:
        """Services most needed: cards naming each (the projector's first bar chart).

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.services_chart()
        <Chart 'Services most needed': GP: 2; Podiatry: 1>
        """
        return goal_charts.services_chart(self.one().tables, stage, top)

    def barriers_chart(self, stage: str | None = None, top: int = 12) -> Chart:
        """Barriers most named: cards naming each.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.barriers_chart()
        <Chart 'Barriers most named': Cost: 1; Transport: 1>
        """
        return goal_charts.barriers_chart(self.one().tables, stage, top)

    def confidence_chart(self, stage: str | None = None) -> Chart:
        """Confidence 0-10 per perspective group, stacked.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.confidence_chart().alt
        'Lived experience: 1 at 4; Provider: 1 at 7; System: '
        """
        return goal_charts.confidence_chart(self.one().tables, stage)

    def priorities_chart(self, stage: str | None = None, top: int = 10) -> Chart:
        """Priorities from the dots: pooled and equal-say shares side by side.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.priorities_chart().title
        'Priorities from the dots: pooled and equal say'
        """
        return goal_charts.priorities_chart(self.one().tables, stage, top)

    def goal_map_chart(self, stage: str | None = None, by: str = "theme") -> Chart:
        """The goal-to-service map: goals (or themes) on the left, services on the right.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.goal_map_chart()
        <Chart 'Map: themes and the services named for them': Getting out → GP, Podiatry>
        """
        return goal_charts.goal_map_chart(self.one().tables, stage, by)

    def network_chart(self, stage: str | None = None) -> Chart:
        """The stakeholder map: node size is influence, colour the perspective group, edge colour
        the tie type (the same stable layout the projector used).

        >>> from tests.tables import network_tables
        >>> data = WorkshopData(network_tables())
        >>> data.network_chart().title
        'Stakeholder map'
        """
        return network_charts.network_chart(self.one().tables, stage)

    def power_interest_chart(self, stage: str | None = None) -> Chart:
        """Influence against interest with the four quadrants (Mendelow's grid).

        >>> from tests.tables import network_tables
        >>> data = WorkshopData(network_tables())
        >>> data.power_interest_chart().title
        'Power and interest'
        """
        return network_charts.power_interest_chart(self.one().tables, stage)

    def ranking_chart(self, stage: str | None = None, round: int | None = None) -> Chart:
        """Equal-say and pooled weighted scores, with the middle half of people's scores.

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.ranking_chart().title
        "Ranking: equal say and pooled, with the spread of people's scores"
        """
        return scoring_charts.ranking_chart(self.one().tables, stage, round)

    def criteria_chart(self, stage: str | None = None, round: int | None = None) -> Chart:
        """Each prototype on each criterion (mean score 0-100): the projector's heatmap.

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.criteria_chart().alt
        'Walk-in clinic on impact: 75; Phone line on impact: 62 (contested)'
        """
        return scoring_charts.criteria_chart(self.one().tables, stage, round)

    def two_by_two_chart(self, stage: str | None = None, round: int | None = None) -> Chart:
        """The 2x2 of the criteria set's axes (mean scores), if it has one.

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.two_by_two_chart()
        <Chart 'The 2x2': Impact only has no 2x2 axes.>
        """
        return scoring_charts.two_by_two_chart(self.one().tables, stage, round)

    def perspectives_chart(self, stage: str | None = None, round: int | None = None) -> Chart:
        """Each perspective group's weighted score per prototype, side by side.

        >>> from tests.tables import scoring_tables
        >>> data = WorkshopData(scoring_tables())
        >>> data.perspectives_chart().title
        "Each perspective's scores side by side"
        """
        return scoring_charts.perspectives_chart(self.one().tables, stage, round)

    def equal_say_chart(self) -> Chart:
        """Share of people and of contributions per perspective group, against an equal share.

        >>> from tests.tables import goal_tables
        >>> data = WorkshopData(goal_tables())
        >>> data.equal_say_chart().title
        'Equal say: people and contributions per perspective'
        """
        return equal_say_chart(self.one().tables)
