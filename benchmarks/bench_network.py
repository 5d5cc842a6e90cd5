"""Stakeholder-map speed: metrics, layout and the projector's redraw at 50, 500 and 2,000.

Each size is a random map (seeded) with 4 ties per stakeholder and an influence rating from
each of three perspectives, imported into a temporary SQLite workshop. Printed per size
(median of ``--repeat`` runs, seconds):

- ``degree``: the baseline, plain ``nx.degree_centrality`` on the same graph;
- ``metrics``: :func:`network_metrics` (degree, betweenness - sampled above 300 -, brokers,
  isolates, Louvain communities, reciprocity);
- ``equal say``: voice distances and influence by perspective;
- ``layout``: :func:`stable_layout` from nothing (the first drawing of an imported map);
- ``+1 layout``: the same with one newcomer, everyone else fixed (what a live redraw costs);
- ``hub first``: building :class:`NetworkHub` (store read, layout, metrics, every panel and
  every ipycytoscape element);
- ``hub +1``: a phone adds a stakeholder with a tie; the hub reads and redraws everything
  (aim: <= 1 s at 500 stakeholders).

Usage::

    python benchmarks/bench_network.py [--sizes 50 500 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import networkx as nx

from codesign_widgets.network.graph import build_graph
from codesign_widgets.network.hub import NetworkHub
from codesign_widgets.network.import_map import ImportMapping, ImportPlan
from codesign_widgets.network.layout import stable_layout
from codesign_widgets.network.measures import (
    influence_by_perspective,
    network_metrics,
    simple_graph,
    voice_distances,
)
from codesign_widgets.studio import Studio

PERSPECTIVES = ["lived_experience", "provider", "system"]
KINDS = ["person", "group", "organisation", "service"]
TYPES = ["information", "money", "referral", "care", "influence", "conflict"]


def random_map(n: int, seed: int = 1) -> ImportPlan:
    rng = random.Random(seed)
    imported = ImportPlan("bench", "bench", ImportMapping())
    for i in range(n):
        imported.stakeholders.append(
            {
                "name": f"Stakeholder {i}",
                "kind": rng.choice(KINDS),
                "perspective": rng.choice(PERSPECTIVES),
                "goals": "",
                "ratings": [("", rng.randint(0, 10), rng.randint(0, 10))],
                "aliases": [],
            }
        )
    seen = set()
    while len(imported.ties) < 4 * n:
        u, v, kind = rng.randrange(n), rng.randrange(n), rng.choice(TYPES)
        if u == v or (u, v, kind) in seen:
            continue
        seen.add((u, v, kind))
        direction = rng.choice(["forward", "forward", "both", "none"])
        imported.ties.append(
            {"source": u, "target": v, "type": kind, "direction": direction,
             "strength": rng.randint(1, 3)}
        )  # fmt: skip
    return imported


def timed(action, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run(n: int, repeat: int, folder: Path) -> dict[str, float]:
    studio = Studio.open(f"sqlite:///{folder / f'bench-{n}.db'}")
    workshop, _key = studio.workshops.create(f"Bench {n}", "codesign_day")
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    raters = [studio.people.join(workshop.id, f"R{p}", p, True)[0] for p in PERSPECTIVES]
    studio.network.facilitator.import_network(workshop.id, "network", random_map(n), "bench")
    net = studio.network.maps.network_map(workshop.id, "network")
    # Each perspective's own view of ten stakeholders, so "equal say" has work to do.
    for rater in raters:
        for s in net.stakeholders[:10]:
            studio.network.edits.rate_stakeholder(rater, "network", s.id, random.randint(0, 10), 5)
    net = studio.network.maps.network_map(workshop.id, "network")
    graph = build_graph(net)
    groups = {p: p for p in PERSPECTIVES}
    row = {}
    row["degree"], _ = timed(lambda: nx.degree_centrality(simple_graph(graph)), repeat)
    row["metrics"], metrics = timed(lambda: network_metrics(graph), repeat)
    row["equal say"], _ = timed(
        lambda: (voice_distances(graph, net.settings, groups), influence_by_perspective(graph)),
        repeat,
    )
    row["layout"], positions = timed(lambda: stable_layout(graph), repeat)
    grown = graph.copy()
    grown.add_edge("new", next(iter(graph)), key=-1)
    row["+1 layout"], _ = timed(lambda: stable_layout(grown, positions), repeat)
    row["hub first"], hub = timed(lambda: NetworkHub(studio, workshop), 1)
    some = net.stakeholders[0].id

    def one_more() -> None:
        sid = studio.network.edits.add_stakeholder(
            raters[0], "network", f"Newcomer {time.perf_counter_ns()}", "person", "", "", 5, 5
        )
        studio.network.edits.add_tie(raters[0], "network", sid, some, "care", "forward", 1)
        hub.refresh({"network"})

    row["hub +1"], _ = timed(one_more, repeat)
    row["sampled"] = metrics.betweenness_sample or 0
    studio.close()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 2000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    columns = ["degree", "metrics", "equal say", "layout", "+1 layout", "hub first", "hub +1"]
    print(f"{'stakeholders':>12} {'ties':>6} " + " ".join(f"{c:>10}" for c in columns)
          + f" {'betweenness':>12}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            row = run(n, args.repeat, Path(folder))
            how = f"{row['sampled']} pivots" if row["sampled"] else "exact"
            print(f"{n:>12} {4 * n:>6} " + " ".join(f"{row[c]:>9.3f}s" for c in columns)
                  + f" {how:>12}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
