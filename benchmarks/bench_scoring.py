"""Prototype scoring timings: aggregation of 100,000 score rows and the full results panel.

Run: ``.venv/bin/python benchmarks/bench_scoring.py``. Prints a table; nothing passes or
fails here (house style: timings belong in benchmarks, not unit tests). The baseline is a
plain pandas groupby (median, mean, count per prototype and criterion) on the same frame,
measured in the same run, so the figures can be compared across machines.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codesign_widgets.scoring.criteria import load_criteria_set
from codesign_widgets.scoring.model import ScoreRow
from codesign_widgets.scoring.results import aggregate, movement, score_frame

GROUPS = ["lived_experience", "provider", "system"]


def timed(fn, repeats: int = 7) -> tuple[float, float]:
    """(median, best) wall time in milliseconds over ``repeats`` runs after one warm-up."""
    fn()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs)


def synthetic_frame(rows: int, seed: int = 1) -> pd.DataFrame:
    """``rows`` counted scores: 6 APEASE criteria, 40 prototypes, as many people as needed."""
    rng = np.random.default_rng(seed)
    criteria = list(load_criteria_set("apease").keys)
    prototypes = 40
    people = -(-rows // (prototypes * len(criteria)))
    index = pd.MultiIndex.from_product(
        [range(people), range(prototypes), criteria], names=["p", "prototype_id", "criterion"]
    ).to_frame(index=False)[:rows]
    groups = np.array(GROUPS)[rng.integers(0, 3, people)]
    values = rng.integers(1, 6, rows).astype(float)
    values[rng.random(rows) < 0.05] = np.nan  # "can't say"
    return pd.DataFrame(
        {
            "round_number": 1,
            "participant": "P-" + index["p"].astype(str),
            "perspective": groups[index["p"]],
            "group": groups[index["p"]],
            "prototype_id": index["prototype_id"].astype("int64"),
            "criterion": index["criterion"],
            "value": values,
        }
    )


def bench_aggregation(rows: int = 100_000) -> list[tuple[str, float, float]]:
    criteria = load_criteria_set("apease")
    frame = synthetic_frame(rows)
    later = synthetic_frame(rows, seed=2)
    ids = sorted(frame["prototype_id"].unique())
    records = [
        ScoreRow(1, p, g, g, int(i), c, None if np.isnan(v) else int(v))
        for p, g, i, c, v in zip(
            frame["participant"],
            frame["group"],
            frame["prototype_id"],
            frame["criterion"],
            frame["value"],
            strict=True,
        )
    ]

    def baseline():
        return frame.groupby(["prototype_id", "criterion"])["value"].agg(["median", "mean", "size"])

    return [
        (f"plain pandas groupby, {rows:,} rows (baseline)", *timed(baseline)),
        (
            f"aggregate(): all results, {rows:,} rows",
            *timed(lambda: aggregate(frame, criteria, ids, GROUPS)),
        ),
        (f"movement(): two rounds of {rows:,} rows", *timed(lambda: movement(frame, later))),
        (
            f"score_frame(): {rows:,} ScoreRow objects to a frame",
            *timed(lambda: score_frame(records), 3),
        ),
    ]


def bench_panel(people: int = 60, prototypes: int = 10) -> list[tuple[str, float, float]]:
    """A real store on disk: 60 people score 10 prototypes on APEASE's 6 criteria."""
    from codesign_widgets.scoring.hub import ScoringHub
    from codesign_widgets.scoring.room_tab import build_results_panel
    from codesign_widgets.studio import Studio

    rng = np.random.default_rng(3)
    folder = Path(tempfile.mkdtemp(prefix="bench-scoring-"))
    studio = Studio.open(f"sqlite:///{folder / 'bench.db'}")
    workshop, _key = studio.workshops.create("Benchmark", "codesign_day")
    stage = studio.scoring.prototypes.scoring_stage(workshop.id)
    ids = [
        studio.scoring.prototypes.add_prototype(workshop.id, stage, f"Prototype {i + 1}")
        for i in range(prototypes)
    ]
    criteria = studio.scoring.rounds.set_criteria(workshop.id, stage, "apease")
    studio.scoring.rounds.open_round(workshop.id, stage)
    round_id = studio.scoring.rounds.rounds(workshop.id, stage)[-1].id
    start = time.perf_counter()
    for n in range(people):
        person, _ = studio.people.join(workshop.id, f"Person {n}", GROUPS[n % 3], True)
        for pid in ids:
            values = {k: int(rng.integers(1, 6)) for k in criteria.keys}
            studio.scoring.scores.save_scores(person, round_id, pid, values, f"Comment {n}")
    saving = (time.perf_counter() - start) * 1000 / (people * prototypes)
    studio.scoring.rounds.close_round(workshop.id, stage)
    studio.scoring.rounds.reveal_round(workshop.id, stage)
    hub = ScoringHub(studio, workshop)

    def panel():
        return build_results_panel(
            studio, workshop.id, stage, round_id, hub.rounds, hub.prototypes,
            hub.group_labels, hub.decisions, GROUPS,
        )  # fmt: skip

    rows = len(studio.scoring.scores.revealed_scores(workshop.id, round_id))
    size = f"{people} x {prototypes} x {len(criteria.keys)}"
    results = [
        (
            f"read {rows:,} revealed scores from SQLite",
            *timed(lambda: studio.scoring.scores.revealed_scores(workshop.id, round_id)),
        ),
        (f"full results panel, {size} (read + aggregate + charts)", *timed(panel, 5)),
        ("whole scoring hub, revealed round", *timed(lambda: ScoringHub(studio, workshop), 3)),
        ("one participant save (one prototype, 6 scores + comment)", saving, saving),
    ]
    studio.close()
    return results


def main() -> None:
    rows = bench_aggregation() + bench_panel()
    width = max(len(name) for name, *_ in rows)
    print(f"{'what':<{width}}  {'median ms':>10}  {'best ms':>9}")
    print("-" * (width + 23))
    for name, median, best in rows:
        print(f"{name:<{width}}  {median:>10.1f}  {best:>9.1f}")


if __name__ == "__main__":
    main()
