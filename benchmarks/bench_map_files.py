"""Map files: how long reading and previewing an import takes, against networkx reading the
same file (the baseline, measured in the same run).

For each file (Gephi's Les Misérables and US Airports samples from tests/data/networks, and
a generated GraphML of ``--size`` stakeholders with 4 ties each), printed per row (median of
``--repeat`` runs, seconds):

- ``networkx``: ``nx.read_gexf`` / ``nx.read_graphml`` on the file (the baseline);
- ``read``: :func:`read_map_files` (defused parse, every value kept);
- ``preview``: :func:`read_network`, the whole preview the facilitator sees;
- ``import``: the preview written to a temporary SQLite workshop in one transaction;
- ``export``: the map out again as GEXF, with every imported value.

Usage::

    python benchmarks/bench_map_files.py [--size 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import tempfile
import time
from pathlib import Path

import networkx as nx

from codesign_widgets.network.file_import import read_map_files, read_network
from codesign_widgets.network.model import NetworkSettings
from codesign_widgets.studio import Studio

DATA = Path(__file__).parent.parent / "tests" / "data" / "networks"


def timed(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def generated(size: int) -> bytes:
    graph = nx.gnm_random_graph(size, 4 * size, seed=1)
    for node in graph:
        graph.nodes[node]["label"] = f"Stakeholder {node}"
        graph.nodes[node]["kind"] = "organisation"
    for u, v in graph.edges():
        graph.edges[u, v]["weight"] = (u * 7 + v) % 31 + 1
    return "\n".join(nx.generate_graphml(graph)).encode()


def baseline(name: str, data: bytes):
    if name.endswith(".gexf"):
        data = re.sub(rb"http://www\.gexf\.net/1\.3", b"http://gexf.net/1.3", data)
        return lambda: nx.read_gexf(io.BytesIO(data))
    return lambda: nx.read_graphml(io.BytesIO(data))


def run(name: str, data: bytes, repeat: int, folder: Path) -> dict[str, float]:
    files = [(name, data)]
    row = {"networkx": timed(baseline(name, data), repeat)}
    row["read"] = timed(lambda: read_map_files(files), repeat)
    row["preview"] = timed(lambda: read_network(files, NetworkSettings()), repeat)
    times = []
    for attempt in range(repeat):
        studio = Studio.open(f"sqlite:///{folder / f'{name}-{attempt}.db'}")
        workshop, _key = studio.workshops.create("Bench", "codesign_day")
        plan = studio.network.facilitator.plan_import(workshop.id, "network", files)
        started = time.perf_counter()
        studio.network.facilitator.import_network(workshop.id, "network", plan, name)
        times.append(time.perf_counter() - started)
    row["import"] = statistics.median(times)
    row["export"] = timed(
        lambda: studio.network.facilitator.export_map(workshop.id, "network", "gexf"), repeat
    )
    studio.close()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cases = [
        ("gephi-les-miserables.gexf", (DATA / "gephi-les-miserables.gexf").read_bytes()),
        ("gephi-us-airports.gexf", (DATA / "gephi-us-airports.gexf").read_bytes()),
        (f"generated-{args.size}.graphml", generated(args.size)),
    ]
    columns = ["networkx", "read", "preview", "import", "export"]
    print(f"{'file':<28} {'MB':>5} " + " ".join(f"{c:>9}" for c in columns))
    with tempfile.TemporaryDirectory() as folder:
        for name, data in cases:
            row = run(name, data, args.repeat, Path(folder))
            print(
                f"{name:<28} {len(data) / 2**20:>5.2f} "
                + " ".join(f"{row[c]:>9.3f}" for c in columns)
            )


if __name__ == "__main__":
    main()
