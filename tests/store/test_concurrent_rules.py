"""Every rule holds when 50 people tap at the same moment, on SQLite and on PostgreSQL.

Each writer is a thread with a Studio (an engine, a connection) of its own, like a kernel.
They wait at a barrier and then all write at once; the stored result must be what the same
taps one at a time would give. (PostgreSQL's default READ COMMITTED alone lets a check and
its write interleave: eight dots with a budget of 3 once stored 8.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from codesign_widgets.core.errors import CodesignError, NotAllowed, NotFound, StoreUnavailable
from codesign_widgets.network.graph import build_graph
from codesign_widgets.store import schema as t
from codesign_widgets.studio import Studio

WRITERS = 50
TRIES = 5  # SQLite answers "busy, try again" after its 5 s timeout on a loaded machine


def all_at_once(db_url: str, action: Callable[[Studio, int], object]) -> list[object]:
    """Run ``action(studio, index)`` in WRITERS threads released together; returns each
    one's result or the refusal (a :class:`CodesignError`) it met. A write the store could
    not take yet (:class:`StoreUnavailable`, nothing saved) is tried again, as a person would.
    """
    studios = [Studio.open(db_url, create=False) for _ in range(WRITERS)]
    barrier = threading.Barrier(WRITERS)
    results: list[object] = [None] * WRITERS

    def run(index: int) -> None:
        barrier.wait()
        for attempt in range(TRIES):
            try:
                results[index] = action(studios[index], index)
            except StoreUnavailable as exc:  # "busy, try again": the person taps again
                results[index] = exc
                time.sleep(0.05 * (attempt + 1))
                continue
            except CodesignError as exc:
                results[index] = exc
            break

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for s in studios:
            s.close()
    assert not any(thread.is_alive() for thread in threads)
    return results


def refused(results: list[object]) -> list[CodesignError]:
    return [r for r in results if isinstance(r, CodesignError)]


def refusals(results: list[object]) -> set[str]:
    """The kinds of refusal met, with their sentences (shown when a check fails)."""
    return {f"{type(r).__name__}: {r}" for r in refused(results)}


def only_not_allowed(results: list[object]) -> bool:
    return all(isinstance(r, NotAllowed) for r in refused(results))


def test_fifty_dots_at_once_stay_within_the_budget(studio, workshop, ann, db_url):
    studio.workshops.set_stage_state(workshop.id, "goals", "open")
    card = studio.goals.cards.add_goal_card(
        ann, "goals", {"what_matters": "My dog", "goal": "Walk", "visibility": "shared"}
    )
    studio.goals.cards.set_dot_budget(workshop.id, "goals", 3)

    results = all_at_once(db_url, lambda s, _i: s.goals.votes.vote(ann, "goals", "card", str(card)))

    assert len(refused(results)) == WRITERS - 3
    assert only_not_allowed(results), refusals(results)
    assert studio.goals.votes.my_votes(ann, "goals") == {("card", str(card)): 3}


def test_fifty_taps_on_open_round_open_one_round(studio, workshop, db_url):
    studio.scoring.prototypes.add_prototype(workshop.id, "prototypes", "Walk-in clinic")
    studio.scoring.rounds.set_criteria(workshop.id, "prototypes", "impact_effort")

    results = all_at_once(
        db_url, lambda s, _i: s.scoring.rounds.open_round(workshop.id, "prototypes")
    )

    assert [r for r in results if not isinstance(r, CodesignError)] == [1]
    assert {str(r) for r in refused(results)} == {"Round 1 is already open."}
    assert [r.number for r in studio.scoring.rounds.rounds(workshop.id, "prototypes")] == [1]


def test_no_score_lands_after_the_round_is_closed(studio, workshop, db_url):
    stage = "prototypes"
    proto = studio.scoring.prototypes.add_prototype(workshop.id, stage, "Peer group")
    studio.scoring.rounds.set_criteria(workshop.id, stage, "impact_effort")
    studio.scoring.rounds.open_round(workshop.id, stage)
    round_id = studio.scoring.rounds.rounds(workshop.id, stage)[-1].id
    people = [
        studio.people.join(workshop.id, f"Scorer {i}", "provider", True)[0]
        for i in range(WRITERS - 1)
    ]

    def act(s: Studio, index: int) -> object:
        if index == WRITERS - 1:
            return s.scoring.rounds.close_round(workshop.id, stage)
        return s.scoring.scores.save_scores(people[index], round_id, proto, {"impact": 4})

    results = all_at_once(db_url, act)

    saved = [i for i, r in enumerate(results[:-1]) if not isinstance(r, CodesignError)]
    assert results[-1] == 1  # the round closed
    assert only_not_allowed(results), refusals(results)
    with studio.db.read() as conn:
        closed_at = conn.execute(
            sa.select(t.scoring_round_events.c.at).where(
                t.scoring_round_events.c.round_id == round_id,
                t.scoring_round_events.c.state == "closed",
            )
        ).scalar_one()
        rows = conn.execute(
            sa.select(t.scores.c.participant_id, t.scores.c.at).where(
                t.scores.c.round_id == round_id
            )
        ).all()
    # Exactly the acknowledged saves are stored, each one before the close.
    assert sorted(r.participant_id for r in rows) == sorted(people[i].id for i in saved)
    assert all(r.at <= closed_at for r in rows)


def test_no_line_lands_after_the_stage_is_closed(studio, workshop, db_url):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    people = [
        studio.people.join(workshop.id, f"Will {i}", "lived_experience", True)[0]
        for i in range(WRITERS - 1)
    ]

    def act(s: Studio, index: int) -> object:
        if index == WRITERS - 1:
            return s.workshops.set_stage_state(workshop.id, "welcome", "closed")
        return s.entries.add(people[index], "checkin", "note", "welcome", {"text": "$5 or $10"})

    results = all_at_once(db_url, act)

    added = {r for r in results[:-1] if isinstance(r, int)}
    assert only_not_allowed(results), refusals(results)
    assert len(added) + len(refused(results)) == WRITERS - 1
    with studio.db.read() as conn:
        closed_at = conn.execute(
            sa.select(t.workshop_events.c.at).where(
                t.workshop_events.c.workshop_id == workshop.id,
                t.workshop_events.c.kind == "stage_state",
                t.workshop_events.c.value == "closed",
            )
        ).scalar_one()
        rows = conn.execute(
            sa.select(t.entries.c.id, t.entries.c.created_at).where(
                t.entries.c.workshop_id == workshop.id
            )
        ).all()
    assert {r.id for r in rows} == added
    assert all(r.created_at <= closed_at for r in rows)


def test_a_person_withdraws_once_however_often_they_tap(studio, workshop, ann, db_url):
    results = all_at_once(db_url, lambda s, _i: s.privacy.withdraw_participant(ann))

    assert len(refused(results)) == WRITERS - 1
    assert all("already left" in str(r) for r in refused(results))
    kinds = [e["kind"] for e in studio.privacy.participant_events(workshop.id)]
    assert kinds.count("withdrew") == 1


def test_two_facilitators_merging_stakeholders_both_ways_merge_once(studio, workshop, ann, db_url):
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    gp, clinic = (
        studio.network.edits.add_stakeholder(ann, "network", name, "organisation", "", "", 5, 5)
        for name in ("GP", "GP surgery")
    )

    def act(s: Studio, index: int) -> object:
        merged, kept = (gp, clinic) if index % 2 else (clinic, gp)
        return s.network.facilitator.merge_stakeholders(workshop.id, "network", merged, kept)

    results = all_at_once(db_url, act)

    assert len(refused(results)) == WRITERS - 1
    net = studio.network.maps.network_map(workshop.id, "network")
    assert len(net.merges) == 1
    graph = build_graph(net)
    assert len(graph.nodes) == 1
    assert graph.nodes[next(iter(graph.nodes))]["aliases"] in (("GP",), ("GP surgery",))


@pytest.mark.parametrize("theme_pairs", [("Money", "Getting about")])
def test_fifty_theme_merges_leave_one_theme(studio, workshop, ann, db_url, theme_pairs):
    stage = "goals"
    studio.workshops.set_stage_state(workshop.id, stage, "open")
    source, into = theme_pairs
    cards = [
        studio.goals.cards.add_goal_card(
            ann, stage, {"what_matters": "Bus fare", "goal": f"Go {i}", "visibility": "shared"}
        )
        for i in range(2)
    ]
    studio.goals.cards.assign_theme(workshop.id, stage, cards[0], source)
    studio.goals.cards.assign_theme(workshop.id, stage, cards[1], into)

    def act(s: Studio, index: int) -> object:
        a, b = (source, into) if index % 2 else (into, source)
        return s.goals.cards.merge_themes(workshop.id, stage, a, b)

    results = all_at_once(db_url, act)

    assert not refused(results) or all(isinstance(r, NotFound) for r in refused(results))
    themes = {c.theme for c in studio.goals.cards.goal_cards(workshop.id, stage)}
    assert len(themes) == 1
