"""The palette stays apart under simulated colour-vision deficiencies and is visible on white.

Threshold: every pair of colours in one set (perspective groups, tie types, kinds) differs by
CIEDE2000 >= 15, with normal vision and under full protanopia, deuteranopia and tritanopia
(Machado 2009, severity 1.0). A difference of about 1 is just noticeable for large patches
side by side; for thin marks (2-4 px lines, card borders) Szafir (2018, "Modeling color
difference for visualization design") measured that several times more is needed, and a
projector washes colours out further, so we ask for about 15 times the side-by-side threshold.
The audit's close pairs (old palette) fall under it: Money vs Care under deuteranopia and the
perspective colours under tritanopia.
"""

from __future__ import annotations

import itertools

import pytest

from codesign_widgets.core import palette
from codesign_widgets.core.palette import contrast_ratio, delta_e_2000, simulate

THRESHOLD = 15.0
VISIONS = (None, *palette.DEFICIENCIES)
SETS = {
    "perspective groups": [*palette.GROUP_COLOURS.values(), *palette.FALLBACK_COLOURS],
    "tie types": list(palette.TIE_COLOURS.values()),
    "kinds": list(palette.KIND_COLOURS.values()),
}


def smallest_difference(colours: list[str], vision: str | None) -> tuple[float, str, str]:
    seen = [simulate(c, vision) if vision else c for c in colours]
    return min(
        (delta_e_2000(seen[i], seen[j]), colours[i], colours[j])
        for i, j in itertools.combinations(range(len(colours)), 2)
    )


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("name", SETS)
def test_every_pair_stays_apart(name, vision):
    """No two colours of a set come closer than the threshold, for any of the visions."""
    difference, a, b = smallest_difference(SETS[name], vision)
    assert difference >= THRESHOLD, f"{name}: {a} and {b} differ by {difference:.1f}"


def test_the_old_palette_fails_the_same_check():
    """The check catches what the audit found: the old tie colours under deuteranopia and
    the old perspective colours under tritanopia."""
    old_ties = ["#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00"]
    old_groups = ["#0072B2", "#D55E00", "#009E73"]
    assert smallest_difference(old_ties, "deuteranopia")[0] < THRESHOLD
    assert smallest_difference(old_groups, "tritanopia")[0] < THRESHOLD


@pytest.mark.parametrize("colour", sorted({c for s in SETS.values() for c in s}))
def test_graphics_stand_out_from_the_page(colour):
    """Lines, borders, bars and nodes: at least 3:1 against the white page (WCAG 1.4.11)."""
    assert contrast_ratio(colour, palette.PAGE) >= 3.0


@pytest.mark.parametrize("colour", [palette.POOLED, palette.UNKNOWN_COLOUR])
def test_greys_used_for_text_are_readable(colour):
    """ "Pooled" and "not sure" appear in legends as text: at least 4.5:1 (WCAG 1.4.3)."""
    assert contrast_ratio(colour, palette.PAGE) >= 4.5


def test_pooled_differs_from_equal_say_black():
    """Pooled bars stand beside black equal-say bars."""
    assert delta_e_2000(palette.POOLED, "#000000") >= THRESHOLD


def test_ciede2000_of_greys_is_the_weighted_lightness_difference():
    """For two greys CIEDE2000 reduces to the lightness difference over S_L (Sharma, Wu and
    Dalal 2005, eq. 13-16), and black to white is 100."""
    assert delta_e_2000("#ffffff", "#000000") == pytest.approx(100.0, abs=0.01)
    l1, l2 = palette.lab("#777777")[0], palette.lab("#888888")[0]
    s_l = 1 + 0.015 * ((l1 + l2) / 2 - 50) ** 2 / (20 + ((l1 + l2) / 2 - 50) ** 2) ** 0.5
    assert delta_e_2000("#777777", "#888888") == pytest.approx((l2 - l1) / s_l, rel=1e-6)


def test_simulation_collapses_red_and_green_for_deuteranopia():
    """Red and green, far apart normally, come close under deuteranopia, not under tritanopia."""
    assert delta_e_2000("#d62728", "#2ca02c") > 60
    deutan = delta_e_2000(simulate("#d62728", "deuteranopia"), simulate("#2ca02c", "deuteranopia"))
    tritan = delta_e_2000(simulate("#d62728", "tritanopia"), simulate("#2ca02c", "tritanopia"))
    assert deutan < 25 < tritan


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_sharma_test_data(first, second, expected):
    """Pairs 1, 17, 25 and 34 of Sharma, Wu and Dalal's (2005) published test data."""
    assert delta_e_2000(first, second) == pytest.approx(expected, abs=1e-4)
