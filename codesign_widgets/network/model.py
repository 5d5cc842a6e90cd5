"""Stakeholder networks: who is involved, how they are linked, and who has a say.

Value objects and settings: pure Python and light, no SQL, no widgets and no networkx, because
a participant's kernel imports this module (and :mod:`codesign_widgets.network.rules`, which
checks what people send) to fill in a form. Graphs and metrics live in
:mod:`codesign_widgets.network.graph` and :mod:`codesign_widgets.network.measures`, the layout
in :mod:`codesign_widgets.network.layout`; only the facilitator's and analysts' kernels load
them.

A *stakeholder* is a person, group, organisation or service, with the perspective it stands
for (lived experience, provider, system), what it wants, and how much influence and interest it
has (Net-Map's "influence tower", 0-10). Influence and interest are *ratings*: whoever adds a
stakeholder gives the first one, and anyone may rate it again, so the map can show influence as
each perspective sees it. A *tie* links two stakeholders with a type (information, money, ...),
a direction and a strength 1-3. Merging two stakeholders that are the same body is an event:
both names are kept, and ties drawn to either meet at the one that is kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..core.errors import InvalidInput
from ..core.i18n import N_
from ..core.palette import TIE_COLOURS

__all__ = [
    "DEFAULT_KINDS",
    "DEFAULT_TIE_TYPES",
    "DIRECTIONS",
    "KIND_LABELS",
    "NetworkMap",
    "NetworkSettings",
    "Rating",
    "Stakeholder",
    "Tie",
    "TieType",
    "network_settings",
    "resolve",
]

#: Stakeholder kinds are stable keys (shapes and colours on the map are keyed by them); what a
#: person reads is the kind's label, from the plan or these defaults, in the page's language.
DEFAULT_KINDS = ("person", "group", "organisation", "service")
KIND_LABELS = {
    "person": N_("Person"),
    "group": N_("Group"),
    "organisation": N_("Organisation"),
    "service": N_("Service"),
}
#: How a tie runs: from -> to, both ways, or a link with no direction.
DIRECTIONS = {"forward": N_("From → to"), "both": N_("Both ways"), "none": N_("No direction")}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class TieType:
    """A kind of link. ``channel`` says whether a voice can travel along it (conflict: no)."""

    key: str
    label: str
    colour: str = "#555555"
    channel: bool = True


DEFAULT_TIE_TYPES = (
    TieType("information", N_("Information"), TIE_COLOURS["information"]),
    TieType("money", N_("Money / commissioning"), TIE_COLOURS["money"]),
    TieType("referral", N_("Referral"), TIE_COLOURS["referral"]),
    TieType("care", N_("Care / support"), TIE_COLOURS["care"]),
    TieType("influence", N_("Influence"), TIE_COLOURS["influence"]),
    TieType("conflict", N_("Conflict"), TIE_COLOURS["conflict"], channel=False),
)
# Colours for tie types the facilitator adds (each also gets its own line style on the map);
# all at least 3:1 on white.
EXTRA_COLOURS = ("#0072B2", "#D55E00", "#555555", "#882255", "#117733")


@dataclass(frozen=True)
class NetworkSettings:
    """What a template says about networks; :func:`network_settings` fills in defaults."""

    kinds: tuple[str, ...] = DEFAULT_KINDS
    tie_types: tuple[TieType, ...] = DEFAULT_TIE_TYPES
    #: Perspective groups whose stakeholders decide (commissioners, managers) ...
    decider_groups: tuple[str, ...] = ("system",)
    #: ... and anyone whose influence (perspectives weighted equally) is at least this.
    decider_influence: float = 8.0
    lived_groups: tuple[str, ...] = ("lived_experience",)
    #: Labels of kinds the plan names (``kinds = [{key = "person", label = "Person"}]``).
    kind_labels: Mapping[str, str] = field(default_factory=dict, hash=False)

    def kind_label(self, key: str) -> str:
        """What a person reads for the kind ``key``: the plan's label, the default one, or
        the key itself (translate it with the page's ``gettext``).

        >>> network_settings({}).kind_label("organisation")
        'Organisation'
        >>> network_settings({"kinds": [{"key": "team", "label": "Tîm"}]}).kind_label("team")
        'Tîm'
        """
        return self.kind_labels.get(key) or KIND_LABELS.get(key) or key.capitalize()

    def tie_type(self, key: str) -> TieType:
        for tie_type in self.tie_types:
            if tie_type.key == key:
                return tie_type
        msg = N_("Please choose one of the tie types shown.")
        raise InvalidInput(msg)


def network_settings(
    raw: Mapping | None, extra_tie_types: Sequence[TieType] = ()
) -> NetworkSettings:
    """Read a template's ``[network]`` table (may be empty) plus the facilitator's tie types.

    >>> network_settings({}).tie_type("conflict").channel
    False
    """
    raw = dict(raw or {})
    kinds, kind_labels = _kinds(raw.get("kinds", DEFAULT_KINDS))
    types = []
    for index, item in enumerate(raw.get("tie_types", [])):
        if "key" not in item or "label" not in item:
            msg = N_("Each [[network.tie_types]] in the template needs a key and a label.")
            raise InvalidInput(msg)
        colour = str(item.get("colour", EXTRA_COLOURS[index % len(EXTRA_COLOURS)]))
        types.append(
            TieType(
                str(item["key"]),
                str(item["label"]),
                check_colour(colour),
                bool(item.get("channel", True)),
            )
        )
    tie_types = tuple(types) or DEFAULT_TIE_TYPES
    known = {t.key for t in tie_types}
    tie_types += tuple(t for t in extra_tie_types if t.key not in known)
    return NetworkSettings(
        kinds=kinds,
        kind_labels=kind_labels,
        tie_types=tie_types,
        decider_groups=tuple(raw.get("decider_groups", ("system",))),
        decider_influence=float(raw.get("decider_influence", 8.0)),
        lived_groups=tuple(raw.get("lived_groups", ("lived_experience",))),
    )


def _kinds(raw: object) -> tuple[tuple[str, ...], dict[str, str]]:
    """A plan's kinds: keys as strings, or tables with a key and a label."""
    keys, labels = [], {}
    for item in raw if isinstance(raw, (list, tuple)) else []:
        if isinstance(item, Mapping):
            if "key" not in item:
                msg = N_("Each kind in the template's [network] kinds needs a key.")
                raise InvalidInput(msg)
            keys.append(str(item["key"]))
            if item.get("label"):
                labels[str(item["key"])] = str(item["label"])
        else:
            keys.append(str(item))
    return (tuple(keys) or DEFAULT_KINDS), labels


def check_colour(colour: str) -> str:
    return colour if _COLOUR.match(colour or "") else "#555555"


# -- the map as it stands --------------------------------------------------------------------------
@dataclass(frozen=True)
class Stakeholder:
    """A stakeholder as it stands now. ``author_id`` is None for imported or facilitator ones."""

    id: int
    name: str
    kind: str
    perspective: str
    goals: str
    author_id: int | None
    author_perspective: str
    origin: str  # participant | facilitator | import
    status: str = "active"  # active | withdrawn | hidden
    aliases: tuple[str, ...] = ()  # names of stakeholders merged into this one
    created_at: float = 0.0


@dataclass(frozen=True)
class Tie:
    id: int
    source: int
    target: int
    type: str
    direction: str
    strength: int
    author_id: int | None
    author_perspective: str
    origin: str
    status: str = "active"
    created_at: float = 0.0


@dataclass(frozen=True)
class Rating:
    """One person's view of a stakeholder's influence and interest (the latest one counts)."""

    stakeholder_id: int
    rater_id: int | None
    rater_perspective: str
    influence: float  # a person's rating is a whole number; an imported one may not be
    interest: float
    at: float = 0.0


@dataclass(frozen=True)
class NetworkMap:
    """Everything drawn in one network stage: stakeholders, ties, ratings and merges.

    ``stakeholders`` and ``ties`` hold active items only unless read with withdrawn ones.
    ``merges`` maps a merged stakeholder's id to the id it was merged into.
    """

    stakeholders: tuple[Stakeholder, ...] = ()
    ties: tuple[Tie, ...] = ()
    ratings: tuple[Rating, ...] = ()
    merges: dict[int, int] = field(default_factory=dict)
    settings: NetworkSettings = field(default_factory=NetworkSettings)

    def by_id(self) -> dict[int, Stakeholder]:
        return {s.id: s for s in self.stakeholders}

    def current(self) -> list[Stakeholder]:
        """Active stakeholders that were not merged away, with merged names as aliases."""
        return [s for s in self.stakeholders if s.status == "active" and s.id not in self.merges]

    def latest_ratings(self) -> list[Rating]:
        """Each rater's latest rating of each stakeholder, on the stakeholder kept by merges.

        Ratings without a rater (imports) are all kept.
        """
        latest: dict[tuple, Rating] = {}
        for index, rating in enumerate(sorted(self.ratings, key=lambda r: r.at)):
            target = resolve(rating.stakeholder_id, self.merges)
            who = rating.rater_id if rating.rater_id is not None else f"import-{index}"
            latest[(target, who)] = rating
        return [
            Rating(target, r.rater_id, r.rater_perspective, r.influence, r.interest, r.at)
            for (target, _who), r in latest.items()
        ]


def resolve(stakeholder_id: int, merges: Mapping[int, int]) -> int:
    """Follow merges to the stakeholder that is kept (A into B, B into C: A resolves to C).

    >>> resolve(1, {1: 2, 2: 3})
    3
    """
    seen = {stakeholder_id}
    while stakeholder_id in merges:
        stakeholder_id = merges[stakeholder_id]
        if stakeholder_id in seen:  # a cycle cannot be stored, but never loop forever
            break
        seen.add(stakeholder_id)
    return stakeholder_id
