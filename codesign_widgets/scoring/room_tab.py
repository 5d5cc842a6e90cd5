"""The scoring hub's room tab, projected: progress counts, then the revealed results.

Before a reveal the room shows counts only (who has scored), never a score; after a reveal it
shows the results panel of the round picked (the latest by default). Imports pandas and bqplot
through :mod:`codesign_widgets.scoring.results_panel`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.i18n import Translator, translator
from ..core.safe_text import escaped
from ..core.small_groups import OTHER, OTHER_LABEL
from ..ui.keyed import close_later
from ..ui.wiring import HubWiring
from .model import Decision, Prototype, Round, RoundState
from .results import aggregate, movement, protect_small_groups, score_frame
from .results_panel import ResultsPanel

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["RoomTab", "build_results_panel"]


class RoomTab(widgets.VBox):
    """The projected room tab of :class:`~codesign_widgets.scoring.hub.ScoringHub`: the
    round's status, progress counts, then the results of the round picked.

    Built with the hub's ``wiring`` (the scoring stage), the ``title`` shown on top,
    ``group_labels`` (perspective group or key to the label shown) and the plan's
    perspective ``groups`` in order. The hub hands it the rounds (:meth:`show`,
    :meth:`show_progress`). The action is a method: :meth:`show_round`.
    """

    def __init__(
        self,
        wiring: HubWiring,
        title: str,
        group_labels: Mapping[str, str],
        groups: Sequence[str],
        smallest_group: int = 1,
        perspective_groups: Mapping[str, str] | None = None,
        tr: Translator | None = None,
    ) -> None:
        self.studio = wiring.studio
        self.tr = tr or translator()  # what the room reads: the plan's language
        self.smallest_group = smallest_group
        self.perspective_groups = dict(perspective_groups or {})
        self.workshop_id, self.stage_key = wiring.workshop_id, wiring.stage_key
        self.group_labels, self.groups = group_labels, list(groups)
        self.results_panel: ResultsPanel | None = None
        self._rounds: list[Round] = []
        self._prototypes: list[Prototype] = []
        self._decisions: Mapping[int, Decision] = {}
        self._shown_round: int | None = None
        self._picking = False
        self.round_status = widgets.HTML()
        self.progress = widgets.HTML()
        self.progress.add_class("codesign-live-result")  # while a round is open: who has scored
        self.round_picker = widgets.Dropdown(description=self.tr.gettext("Show round"), options=[])
        self.round_picker.observe(lambda c: self._on_round_pick(c), "value")
        self.results_box = widgets.VBox()
        self._no_results = widgets.HTML(
            escaped(self.tr.gettext("Results appear here once a round is revealed."), "p")
        )
        self._results_read: tuple | None = None  # what the results panel shown was built from
        super().__init__(
            [
                widgets.HTML(escaped(title, "h1")),
                self.round_status,
                self.progress,
                self.results_box,
                self.round_picker,  # below the results: the live result stays above the fold
            ]
        )
        self.add_class("codesign-room")

    def show_round(self, round_id: int) -> None:
        """Show the results of a revealed round (the latest is shown by default)."""
        self.round_picker.value = round_id

    # -- drawing -------------------------------------------------------------------------------
    def show(
        self,
        rounds: Sequence[Round],
        prototypes: Sequence[Prototype],
        decisions: Mapping[int, Decision],
    ) -> None:
        """The last round's state, and the results of the revealed round shown (its
        active ``prototypes`` and the ``decisions`` taken)."""
        self._rounds, self._prototypes = list(rounds), list(prototypes)
        self._decisions = decisions
        last = rounds[-1] if rounds else None
        _ = self.tr.gettext
        if last is None:
            status = _("No round yet: add prototypes, choose criteria, then open round 1.")
        else:
            status = _("Round {n} ({criteria}): {state}").format(
                n=last.number, criteria=last.criteria.name, state=_(last.state.label)
            )
        self.round_status.value = escaped(status, "div", "codesign-round-status")
        self._draw_round_picker()

    def show_progress(self, rounds: Sequence[Round]) -> None:
        """How many people have scored the last round so far (never a score)."""
        last = rounds[-1] if rounds else None
        if last is None or last.state is RoundState.REVEALED:
            self.progress.value = ""
            return
        counts = self.studio.scoring.scores.round_progress(self.workshop_id, last.id)
        groups = ", ".join(
            f"{self.group_labels.get(g, g)} {n}" for g, n in sorted(counts["by_group"].items())
        )
        n = counts["people"]
        text = self.tr.ngettext(
            "{n} person has scored so far", "{n} people have scored so far", n
        ).format(n=n) + (f" ({groups})" if groups else "")
        sealed = self.tr.gettext("Scores stay sealed until the reveal.")
        self.progress.value = escaped(f"{text}. {sealed}", "div", "codesign-progress")

    def _draw_round_picker(self) -> None:
        revealed = [r.id for r in self._rounds if r.state is RoundState.REVEALED]
        # Keep an earlier round the facilitator picked; otherwise show the latest revealed.
        shown = self._shown_round if self._shown_round in revealed[:-1] else None
        shown = shown or (revealed[-1] if revealed else None)
        self._picking = True
        try:
            self.round_picker.options = [
                (self.tr.gettext("Round {n}").format(n=r.number), r.id)
                for r in self._rounds
                if r.id in revealed
            ]
            self.round_picker.value = shown
        finally:
            self._picking = False
        self.round_picker.layout.display = "" if len(revealed) > 1 else "none"
        self._draw_results(shown)

    def _on_round_pick(self, change) -> None:
        if not self._picking and change["new"] is not None:
            self._shown_round = change["new"]
            self._draw_results(change["new"])

    def _draw_results(self, round_id: int | None) -> None:
        old = self.results_panel
        if round_id is None:
            self.results_panel, self._results_read = None, None
            self.results_box.children = [self._no_results]
            close_later([old] if old is not None else [])
            return
        read = read_results(
            self.studio, self.workshop_id, round_id, self._rounds, self._prototypes, self._decisions
        )
        if read == self._results_read and old is not None:
            return  # nothing it shows changed: keep the charts (a rebuild costs hundreds)
        self._results_read = read
        self.results_panel = build_results_panel(
            self.studio,
            self.workshop_id,
            self.stage_key,
            round_id,
            self._rounds,
            self._prototypes,
            self.group_labels,
            self._decisions,
            self.groups,
            read=read,
            smallest_group=self.smallest_group,
            perspective_groups=self.perspective_groups,
            tr=self.tr,
        )
        self.results_box.children = [self.results_panel]
        close_later([old] if old is not None else [])


def read_results(
    studio: Studio,
    workshop_id: int,
    round_id: int,
    rounds: Sequence[Round],
    prototypes: Sequence[Prototype],
    decisions: Mapping[int, Decision],
) -> tuple:
    """Everything a revealed round's results panel is drawn from, comparable with ``==``:
    the rounds, the prototypes, the decisions, this round's and the earlier revealed
    round's scores, and the comments."""
    this = next(r for r in rounds if r.id == round_id)
    earlier = [r for r in rounds if r.number < this.number and r.state is RoundState.REVEALED]
    scores = studio.scoring.scores
    return (
        round_id,
        tuple(rounds),
        tuple(prototypes),
        tuple(sorted(decisions.items())),
        tuple(scores.revealed_scores(workshop_id, round_id)),
        tuple(scores.revealed_scores(workshop_id, earlier[-1].id)) if earlier else None,
        tuple(scores.revealed_comments(workshop_id, round_id)),
    )


def build_results_panel(
    studio: Studio,
    workshop_id: int,
    stage: str,
    round_id: int,
    rounds: list[Round],
    prototypes: list[Prototype],
    group_labels: dict[str, str],
    decisions: dict,
    groups: list[str],
    read: tuple | None = None,
    smallest_group: int = 1,
    perspective_groups: Mapping[str, str] | None = None,
    tr: Translator | None = None,
) -> ResultsPanel:
    """Read a revealed round (and the one before it) and build its results panel
    (``read``: what :func:`read_results` returned, if it was read already).

    Perspective groups with fewer than ``smallest_group`` scorers are shown together
    (:mod:`codesign_widgets.core.small_groups`): in the results, the movement since the last
    round and the comments' labels (``perspective_groups``: perspective key to its group)."""
    read = read or read_results(studio, workshop_id, round_id, rounds, prototypes, decisions)
    _id, _rounds, _prototypes, _decisions, this_scores, earlier_scores, comments = read
    this = next(r for r in rounds if r.id == round_id)
    titles = {p.id: p.title for p in prototypes}
    frame = score_frame(list(this_scores))
    groups = list(dict.fromkeys(groups))
    results = aggregate(
        frame, this.criteria, list(titles), groups, smallest_group, group_labels, tr=tr
    )
    protected = protect_small_groups(frame, groups, smallest_group)
    moved = None
    if earlier_scores is not None:
        before = protected.apply(score_frame(list(earlier_scores)))
        moved = movement(before, protected.frame)
    return ResultsPanel(
        results,
        titles,
        {**group_labels, OTHER: (tr or translator()).gettext(OTHER_LABEL)},
        round_number=this.number,
        movement=moved,
        comments=shown_comments(comments, results.group_plan, perspective_groups or {}),
        decisions=decisions,
        tr=tr,
    )


def shown_comments(
    comments: Sequence[tuple[int, str, str]],
    plan: Mapping[str, str],
    perspective_groups: Mapping[str, str],
) -> list[tuple[int, str, str]]:
    """Comments as (prototype, group shown, text): labelled by perspective group, never a
    finer perspective; a group too small to show apart becomes "other", and no label at all
    when no group is shown apart.

    >>> merged = {"lived": "other", "staff": "other"}
    >>> shown_comments([(1, "carer", "Yes")], merged, {"carer": "lived"})
    [(1, '', 'Yes')]
    """
    nothing_apart = bool(plan) and set(plan.values()) == {OTHER}
    out = []
    for pid, perspective, text in comments:
        group = perspective_groups.get(perspective, perspective)
        out.append((pid, "" if nothing_apart else plan.get(group, group), text))
    return out
