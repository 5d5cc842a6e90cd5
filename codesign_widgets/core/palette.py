"""The studio's colours, chosen to stay apart for people with colour-vision deficiencies, and
the small colour maths that checks them.

One palette for every page and chart: perspective groups (goal-wall cards, map nodes, result
bars), tie types, kinds of stakeholder, and the greys of "pooled" results. Colour is never the
only channel (labels, line styles, shapes and hatching carry the same meaning), but the colours
must still differ for everyone: ``tests/core/test_palette.py`` simulates protanopia,
deuteranopia and tritanopia (Machado, Oliveira and Fernandes 2009, severity 1.0) and measures
every pair with CIEDE2000, and checks contrast against the white page (WCAG 2.x).

Pure Python (no numpy), so any layer may import it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .i18n import N_

__all__ = [
    "DEFICIENCIES",
    "FALLBACK_COLOURS",
    "GROUP_COLOURS",
    "KIND_COLOURS",
    "PAGE",
    "POOLED",
    "TIE_COLOURS",
    "TIE_LINE_STYLES",
    "UNKNOWN_COLOUR",
    "contrast_ratio",
    "delta_e_2000",
    "lab",
    "line_style",
    "simulate",
]

PAGE = "#ffffff"  # the projector's and phones' background
#: Perspective groups: Okabe-Ito blue and vermillion, and black. Other groups take the
#: fallbacks (Paul Tol's indigo, a dark grey) in order.
GROUP_COLOURS = {"lived_experience": "#0072B2", "provider": "#D55E00", "system": "#000000"}
FALLBACK_COLOURS = ("#332288", "#555555")
#: Tie types of the default template, in its order. Picked by search from the Okabe-Ito and
#: Paul Tol palettes for the largest smallest CIEDE2000 under the three simulations, among
#: colours with 3:1 contrast on white; extra types a facilitator adds take ``EXTRA``.
TIE_COLOURS = {"information": "#332288", "money": "#999933", "referral": "#7F3B08",
               "care": "#CC79A7", "influence": "#01665E", "conflict": "#000000"}  # fmt: skip
#: The second channel of a tie type on the map: cytoscape line styles, in tie-type order
#: (a dash pattern where cytoscape has no named style for it).
TIE_LINE_STYLES = (
    ("solid", None, N_("solid")),
    ("dashed", (12, 6), N_("long dashes")),
    ("dotted", None, N_("dots")),
    ("dashed", (14, 4, 3, 4), N_("dash and dot")),
    ("dashed", (4, 4), N_("short dashes")),
    ("double", None, N_("double line")),
)
#: Kinds of stakeholder (also told apart by node shape).
KIND_COLOURS = {"person": "#0072B2", "group": "#D55E00", "organisation": "#222255",
                "service": "#663333"}  # fmt: skip
UNKNOWN_COLOUR = "#767676"  # "not sure": 4.5:1 on white, so it also works as text
POOLED = "#666666"  # "pooled" beside black "equal say": 5.7:1 on white

# Linear-RGB matrices, severity 1.0 (Machado, Oliveira and Fernandes 2009, table 1).
DEFICIENCIES = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}  # fmt: skip


def line_style(index: int) -> tuple[int, str, str, tuple[int, ...] | None]:
    """The line of the ``index``-th tie type: its number (the map's style sheet has a rule
    per number), the cytoscape line style, how a legend says it, and its dash pattern
    (``None``: the style's own). Types after the last style start again at the first.

    >>> line_style(1)
    (1, 'dashed', 'long dashes', (12, 6))
    >>> line_style(6)[:3]
    (0, 'solid', 'solid')
    """
    number = index % len(TIE_LINE_STYLES)
    name, dashes, words = TIE_LINE_STYLES[number]
    return number, name, words, dashes


def _linear(colour: str) -> tuple[float, float, float]:
    """``#rrggbb`` as linear-light RGB in 0..1 (the sRGB transfer function undone)."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return r, g, b


def _hex(rgb: Sequence[float]) -> str:
    def encode(c: float) -> int:
        c = min(1.0, max(0.0, c))
        c = 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
        return round(c * 255)

    return "#" + "".join(f"{encode(c):02x}" for c in rgb)


def simulate(colour: str, deficiency: str) -> str:
    """How ``colour`` looks with ``deficiency`` (a key of :data:`DEFICIENCIES`).

    >>> simulate("#ff0000", "protanopia")
    '#6d5f00'
    >>> simulate("#777777", "tritanopia")  # greys stay grey
    '#777777'
    """
    matrix, rgb = DEFICIENCIES[deficiency], _linear(colour)
    return _hex([sum(m * c for m, c in zip(row, rgb, strict=True)) for row in matrix])


def lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour.

    >>> round(lab("#ffffff")[0], 1)
    100.0
    >>> [round(v) for v in lab("#ff0000")]
    [53, 80, 67]
    """
    r, g, b = _linear(colour)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e_2000(
    first: str | tuple[float, float, float], second: str | tuple[float, float, float]
) -> float:
    """CIEDE2000 colour difference between two sRGB colours or L*a*b* triples (about 1: just
    noticeable side by side; the test asks much more, see ``tests/core/test_palette.py``).

    >>> delta_e_2000("#0072B2", "#0072B2")
    0.0
    >>> round(delta_e_2000("#000000", "#ffffff"), 1)
    100.0
    """
    (l1, a1, b1), (l2, a2, b2) = (lab(c) if isinstance(c, str) else c for c in (first, second))
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360
    h2 = math.degrees(math.atan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh) / 2)
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    rotation = -math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
    rotation *= 2 * math.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    dl, dc, dh_ = (l2 - l1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return math.sqrt(max(0.0, dl * dl + dc * dc + dh_ * dh_ + rotation * dc * dh_))


def contrast_ratio(first: str, second: str = PAGE) -> float:
    """WCAG 2.x contrast ratio between two colours (1 to 21).

    >>> round(contrast_ratio("#000000"), 1)
    21.0
    >>> round(contrast_ratio("#999999"), 2)  # the old "pooled" grey: too faint for text
    2.85
    """

    def luminance(colour: str) -> float:
        r, g, b = _linear(colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
