"""The projector's charts as functions of a loaded workshop's tables: PNGs with words."""

from __future__ import annotations

import pandas as pd

from codesign_widgets.analysis.charts import Chart, bar_chart, literal, shorten
from codesign_widgets.analysis.equal_say import equal_say_chart
from codesign_widgets.analysis.goal_charts import (
    barriers_chart,
    goal_map_chart,
    priorities_chart,
    services_chart,
)
from codesign_widgets.analysis.network_charts import network_chart, power_interest_chart
from codesign_widgets.analysis.open_data_schema import typed
from codesign_widgets.analysis.scoring_charts import (
    criteria_chart,
    perspectives_chart,
    ranking_chart,
    two_by_two_chart,
)
from tests.hostile import HOSTILE
from tests.tables import goal_tables, network_tables, scoring_tables, tables_of


def test_the_goal_charts_say_in_words_what_they_draw():
    tables = goal_tables()
    assert services_chart(tables).alt == "GP: 2; Podiatry: 1"
    assert barriers_chart(tables).alt == "Cost: 1; Transport: 1"
    assert priorities_chart(tables).alt.startswith("Walk to the shops: 2 dots, pooled 50%")
    assert goal_map_chart(tables).alt == "Getting out → GP, Podiatry"
    assert services_chart(tables).png.startswith(b"\x89PNG")


def test_the_map_and_scoring_charts_say_in_words_what_they_draw():
    assert network_chart(network_tables()).alt == (
        "3 stakeholders. GP practice → Amara (Care / support, 2); "
        "Commissioner → GP practice (Money / commissioning, 1)"
    )
    assert "Amara: influence 1.5" in power_interest_chart(network_tables()).alt
    tables = scoring_tables()
    assert ranking_chart(tables).alt.startswith("Walk-in clinic: equal say 75 (rank 1)")
    assert criteria_chart(tables).alt == (
        "Walk-in clinic on impact: 75; Phone line on impact: 62 (contested)"  # 2 and 5: two camps
    )
    assert perspectives_chart(tables, round=1).alt.startswith(
        "Walk-in clinic: Lived experience 100, Provider 0"
    )
    assert two_by_two_chart(tables).alt == "Impact only has no 2x2 axes."


def test_a_workshop_with_nothing_yet_gets_charts_that_say_so():
    empty = tables_of()
    assert services_chart(empty).alt == "No goal card was shared on the wall in this workshop."
    assert goal_map_chart(empty).alt == "No goal card was shared on the wall in this workshop."
    assert network_chart(empty).alt == "No stakeholder was drawn on the map in this workshop."
    assert power_interest_chart(empty).alt == (
        "No stakeholder was drawn on the map in this workshop."
    )
    assert ranking_chart(empty).alt == "No scoring round was revealed in this workshop."
    assert equal_say_chart(empty).alt == "Nobody has taken part yet."


def test_a_charts_words_are_escaped_in_html():
    chart = bar_chart("<b>Title</b>", ["<script>x</script>"], [1], "#000000", "Cards")
    assert isinstance(chart, Chart)
    html = chart._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;: 1" in html
    assert "&lt;b&gt;Title&lt;/b&gt;" in html


DOLLARS = ["Cost $#@!$ too much", "$5 or $10", r"$\frac{1}{2}$ of us", "$x^2$ and $y$"]


def test_participant_text_is_drawn_literally(tmp_path):
    """Dollar signs are not maths and markup is not run: every chart draws, and says it."""
    texts = DOLLARS + HOSTILE
    tables = goal_tables()
    services = tables["goal_services"]
    extra = pd.DataFrame({"workshop": "W1", "card_id": 1, "service": texts})
    tables["goal_services"] = typed("goal_services", pd.concat([services, extra]))
    tables["goals"].loc[0, "goal"] = DOLLARS[0]
    charts = [services_chart(tables, top=40), goal_map_chart(tables, by="goal"),
              priorities_chart(tables)]  # fmt: skip
    for chart in charts:
        assert chart.png.startswith(b"\x89PNG")
    assert all(text in charts[0].alt for text in texts)
    assert DOLLARS[0] in charts[1].alt
    assert DOLLARS[0] in charts[2].alt
    svg = charts[0].save(tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml")
    shown = [t.get_text() for t in charts[0].figure.axes[0].get_yticklabels()]
    assert shorten(DOLLARS[0]) == literal(DOLLARS[0])
    assert shorten(DOLLARS[0]) in shown


def test_a_chart_is_a_figure_to_restyle_and_save(tmp_path):
    from matplotlib.figure import Figure

    chart = bar_chart("Services most needed", ["GP", "Podiatry"], [3, 1], "#D55E00", "Cards")
    assert isinstance(chart.figure, Figure)
    chart.axes[0].set_xlabel("Goal cards")
    assert chart.save(tmp_path / "services.png").read_bytes().startswith(b"\x89PNG")
    assert repr(chart) == "<Chart 'Services most needed': GP: 3; Podiatry: 1>"
    bundle = chart._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert 'alt="GP: 3; Podiatry: 1"' in bundle["text/html"]
