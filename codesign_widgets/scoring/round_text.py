"""What a participant's phone says about a scoring round: its state and what to do now, and,
once it is revealed, the group's results in words.

Escaped HTML from plain values, no widgets and no pandas: the phone stays lean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..core.i18n import N_, Translator, translator
from ..core.safe_text import escaped
from ..ui.announce import announced
from .model import Round, RoundState, Standing

__all__ = ["results_html", "round_status_html"]

WHAT_NOW = {
    RoundState.OPEN: N_(
        "Score each prototype on each criterion. Your scores are private until "
        "the round is revealed; you can change them until it closes."
    ),
    RoundState.CLOSED: N_("Scores are sealed. Wait for the facilitator to reveal them."),
    RoundState.REVEALED: N_("These are the group's results. Your own scores are below."),
}


def round_status_html(round_: Round | None, tr: Translator | None = None) -> str:
    """The round's number and state, and what the participant can do now.

    >>> round_status_html(None)
    '<p>Scoring has not started yet: the facilitator will open the first round.</p>'
    """
    _ = (tr or translator()).gettext
    if round_ is None:
        return escaped(
            _("Scoring has not started yet: the facilitator will open the first round."), "p"
        )
    state = round_.state
    # Opened, closed, revealed: said out loud too (the page's live region), not only shown.
    return announced(
        _("Round {n}: {state}").format(n=round_.number, state=_(state.label)),
        "div",
        f"codesign-round-{state.value}",
    ) + escaped(_(WHAT_NOW[state]), "p")


def results_html(
    standings: Sequence[Standing], titles: Mapping[int, str], tr: Translator | None = None
) -> str:
    """A revealed round's ranking with every perspective counted equally (and pooled), in
    words; ``titles`` names each prototype by id.

    >>> results_html([], {})
    '<p>Nobody scored in this round.</p>'
    """
    ranked = sorted(
        (s for s in standings if s.equal_say is not None), key=lambda s: s.equal_say_rank
    )
    _ = (tr or translator()).gettext
    if not ranked:
        return escaped(_("Nobody scored in this round."), "p")
    lines = [
        _(
            "{rank}. {title}: {score} of 100 with every perspective counted equally "
            "({pooled} with everyone pooled; {people} scored)"
        ).format(
            rank=s.equal_say_rank,
            title=titles[s.prototype_id],
            score=f"{s.equal_say:.0f}",
            pooled=f"{s.pooled:.0f}",
            people=s.people,
        )
        for s in ranked
    ]
    return escaped(_("Results"), "h3") + "".join(escaped(x, "div") for x in lines)
