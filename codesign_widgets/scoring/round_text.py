"""What a participant's phone says about a scoring round: its state and what to do now, and,
once it is revealed, the group's results in words.

Escaped HTML from plain values, no widgets and no pandas: the phone stays lean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..core.safe_text import escaped
from ..ui.announce import announced
from .model import Round, RoundState, Standing

__all__ = ["results_html", "round_status_html"]

WHAT_NOW = {
    RoundState.OPEN: "Score each prototype on each criterion. Your scores are private until "
    "the round is revealed; you can change them until it closes.",
    RoundState.CLOSED: "Scores are sealed. Wait for the facilitator to reveal them.",
    RoundState.REVEALED: "These are the group's results. Your own scores are below.",
}


def round_status_html(round_: Round | None) -> str:
    """The round's number and state, and what the participant can do now.

    >>> round_status_html(None)
    '<p>Scoring has not started yet: the facilitator will open the first round.</p>'
    """
    if round_ is None:
        return escaped(
            "Scoring has not started yet: the facilitator will open the first round.", "p"
        )
    state = round_.state
    # Opened, closed, revealed: said out loud too (the page's live region), not only shown.
    return announced(
        f"Round {round_.number}: {state.label}", "div", f"codesign-round-{state.value}"
    ) + escaped(WHAT_NOW[state], "p")


def results_html(standings: Sequence[Standing], titles: Mapping[int, str]) -> str:
    """A revealed round's ranking with every perspective counted equally (and pooled), in
    words; ``titles`` names each prototype by id.

    >>> results_html([], {})
    '<p>Nobody scored in this round.</p>'
    """
    ranked = sorted(
        (s for s in standings if s.equal_say is not None), key=lambda s: s.equal_say_rank
    )
    if not ranked:
        return escaped("Nobody scored in this round.", "p")
    lines = [
        f"{s.equal_say_rank}. {titles[s.prototype_id]}: {s.equal_say:.0f} of 100 with "
        f"every perspective counted equally ({s.pooled:.0f} with everyone pooled; "
        f"{s.people} scored)"
        for s in ranked
    ]
    return escaped("Results", "h3") + "".join(escaped(x, "div") for x in lines)
