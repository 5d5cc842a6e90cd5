"""WorkshopData's results and charts are one-line methods over functions of the tables."""

from __future__ import annotations

import inspect

import pytest

from codesign_widgets.analysis import equal_say, goal_charts, network_charts, scoring_charts
from codesign_widgets.analysis.loaded_data import WorkshopData
from codesign_widgets.core import workshop_tables
from codesign_widgets.goals import analysis as goal_analysis
from codesign_widgets.network import analysis as network_analysis
from codesign_widgets.scoring import analysis as scoring_analysis
from tests.tables import goal_tables


def _results(module) -> dict:
    """The module's result functions (not its sentences, nor helpers on graphs)."""
    return {name: getattr(module, name) for name in module.__all__
            if name.islower() and name not in ("flat_graph",)}  # fmt: skip


FUNCTIONS = {
    **_results(goal_analysis),
    **_results(network_analysis),
    **_results(scoring_analysis),
    **_results(goal_charts),
    **_results(network_charts),
    **_results(scoring_charts),
    "equal_say": equal_say.workshop_equal_say,
    "equal_say_chart": equal_say.equal_say_chart,
    "stage_keys": workshop_tables.stage_keys,
    "groups": workshop_tables.perspective_groups,
    "group_order": workshop_tables.group_order,
}


def _summary(thing) -> str:
    return " ".join(inspect.getdoc(thing).split("\n\n")[0].split())


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_method_reads_as_its_function(name):
    """Same parameters after the tables, and the same summary where the names are the same:
    the notebook reads as before (examples differ: a method's runs on a WorkshopData)."""
    function, method = FUNCTIONS[name], getattr(WorkshopData, name)
    if function.__name__ == name:
        assert _summary(method) == _summary(function)
    after_tables = list(inspect.signature(function).parameters.values())[1:]
    after_self = list(inspect.signature(method).parameters.values())[1:]
    assert [(p.name, p.kind, p.default) for p in after_self] == [
        (p.name, p.kind, p.default) for p in after_tables
    ]


def test_a_method_gives_what_its_function_gives_for_the_one_workshop():
    tables = goal_tables()
    data = WorkshopData(tables)
    assert data.services_needed().equals(goal_analysis.services_needed(tables))
    assert data.services_chart().alt == goal_charts.services_chart(tables).alt
