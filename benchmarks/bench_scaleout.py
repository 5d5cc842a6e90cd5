"""Beyond one laptop: the same join wave and card latency on one participant server and on two
behind Debian's nginx (the shipped ``deploy/nginx-codesign.conf``), on one machine; on a SQLite
file shared by the servers (WAL) and on PostgreSQL (a throw-away server, ``tests/postgres.py``).

For each store, one after the other in the same run:

* **one server** (the baseline): ``StudioServer`` as ``codesign serve`` starts it, phones on
  its own address;
* **two servers behind nginx**: the hub and a participant server under ``/p1/`` plus a
  participant-only server under ``/p2/``, one database, phones entering through nginx's
  shared entry (``/?code=...``), which shares them out round robin.

N protocol phones (``tests/protocol_phone.py``) open the join link within the window, join and
reach the goal wall (``bench_room.wave``); then each adds cards and the facilitator's wall (a
protocol projector on the hub) must show them (``bench_room.cards_to_projector``). Reported:
time to interactive / joined / first activity, errors, CPU of the participant servers and
their kernels, resident memory per kernel, the store connections the kernels hold (PostgreSQL:
``pg_stat_activity``; SQLite: open handles on the file), and card tap to own list and to the
projector.

Usage::

    python benchmarks/bench_scaleout.py --phones 10 [--cards 1] [--stores sqlite,postgresql]
    python benchmarks/bench_scaleout.py --stores postgresql --layouts poll,one --cards 3

The second compares the projector with and without LISTEN/NOTIFY: ``poll`` starts the hub
with ``CODESIGN_LISTEN=0`` (its pages poll every 100 ms, the baseline), ``one`` as shipped.

All phones are played by this one process on the same cores as the servers: on a 2-core
machine two servers cannot be faster than one; what the run shows is what a second server and
a proxy cost, and that nothing is lost or slower by much when phones are spread out.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_room import TreeMeter, cards_to_projector, close_wave, stats, wave

from codesign_widgets.apps import LISTEN_ENV
from codesign_widgets.serving.options import ServeOptions
from codesign_widgets.serving.processes import free_port
from codesign_widgets.serving.server import StudioServer
from tests.nginx import NginxProxy, find_nginx
from tests.postgres import PostgresServer, find_pg_bin
from tests.processes import kernels_of
from tests.protocol_phone import goal_prompts, goal_workshop

#: ``--layouts`` keys: one server; one server whose hub polls only (no LISTEN/NOTIFY: the
#: baseline for the projector on PostgreSQL); two participant servers behind nginx.
LAYOUTS = {"one": "one server", "poll": "one server, hub polls", "two": "two + nginx"}


def listening(db_url: str) -> int:
    """Connections LISTENing on the database now (the hub's pages, on PostgreSQL)."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND query LIKE 'LISTEN%%'"
                ).scalar()
            )
    finally:
        engine.dispose()


def store_connections(db_url: str, kernels: list[psutil.Process]) -> int:
    """Connections the participant kernels hold to the store now."""
    if db_url.startswith("sqlite"):
        path = os.path.realpath(db_url.split(":///", 1)[1])
        count = 0
        for proc in kernels:
            try:
                count += sum(1 for f in proc.open_files() if f.path == path)
            except psutil.Error:
                continue
        return count
    import sqlalchemy as sa

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).scalar()
            )
    finally:
        engine.dispose()


def _options(db_url: str, **extra) -> ServeOptions:
    extra.setdefault("participant_port", free_port())
    extra.setdefault("facilitator_port", free_port())
    # One machine plays every phone: one address for all of them.
    return ServeOptions(db_url=db_url, max_kernels_per_client=0, **extra)


async def one_layout(args, work: Path, db_url: str, layout: str) -> list[str]:
    code, _wid, _key = goal_workshop(db_url, f"Scale-out: {layout}")
    servers: list[StudioServer] = []
    proxy = None
    try:
        if layout in (LAYOUTS["one"], LAYOUTS["poll"]):
            hub = StudioServer(_options(db_url), work_dir=work / "one")
            servers.append(hub)
            if layout == LAYOUTS["poll"]:
                os.environ[LISTEN_ENV] = "0"  # the servers' environment is this one's
            try:
                hub.start()
            finally:
                os.environ.pop(LISTEN_ENV, None)
            base, path = hub.participant_base, f"/voila/render/join.ipynb?code={code}"
        else:
            ports = [free_port(), free_port()]
            proxy = NginxProxy(find_nginx(), ports)
            public = f"{proxy.base}/"
            hub = StudioServer(
                _options(db_url, base_url="/p1/", public_url=public, participant_port=ports[0]),
                work_dir=work / "p1",
            )
            second = StudioServer(
                _options(
                    db_url,
                    roles=("participant",),
                    base_url="/p2/",
                    public_url=public,
                    participant_port=ports[1],
                ),
                work_dir=work / "p2",
            )
            servers += [hub, second]
            for server in servers:
                server.start()
            proxy.start()
            base, path = proxy.base, f"/?code={code}"
        for server in servers:
            server.wait_pools()
        await asyncio.sleep(args.settle)
        pids = tuple(s._procs["participant"].pid for s in servers)
        load = os.getloadavg()[0]
        print(f"{layout}: {args.phones} phones within {args.window:.0f} s ...", flush=True)
        outcome = await wave(base, path, args.phones, 0, args.window, True, pids)
        results = outcome["results"]
        errors = [r["error"] for r in results if "error" in r]
        kernels = kernels_of(pids)
        connections = store_connections(db_url, kernels)
        rss = outcome["rss"]
        spread = ""
        if proxy is not None:
            on = [p.prefix for p in outcome["phones"]]
            spread = " (" + ", ".join(f"{on.count(x)} on {x}" for x in sorted(set(on))) + ")"
        rows = [f"load {load:.1f}{spread}"]
        for measure in ("interactive", "joined", "activity"):
            values = [r[measure] for r in results if measure in r]
            rows.append(f"{measure + ' s':<22} {len(values):>3}/{len(results):<3} {stats(values)}")
        rows.append(
            f"{'wave':<22} {len(errors)} errors, {outcome['cpu']:.0f} CPU-s in "
            f"{outcome['took']:.0f} s (servers + kernels)"
        )
        held = (
            "handles open on the SQLite file"
            if db_url.startswith("sqlite")
            else "PostgreSQL connections"
        )
        rows.append(
            f"{'per kernel':<22} RSS {statistics.mean(rss) if rss else 0:.0f} MB; {connections} "
            f"{held} for {len(kernels)} kernels ({len(kernels) - len(outcome['phones'])} pooled)"
        )
        if args.cards:
            cpu = TreeMeter(pids)
            acks, shown, card_errors = await cards_to_projector(
                hub, code, outcome["phones"], args.cards, goal_prompts()
            )
            rows.append(f"{'card to own list s':<22} {len(acks):>3}     {stats(acks)}")
            rows.append(f"{'card to projector s':<22} {len(shown):>3}     {stats(shown)}")
            per_card = 1000 * cpu.seconds() / max(1, len(acks))
            rows.append(
                f"{'cards':<22} {len(card_errors)} errors, {per_card:.0f} ms CPU per card "
                "(servers + kernels)"
            )
            errors += card_errors
            if not db_url.startswith("sqlite"):
                rows.append(f"{'LISTEN connections':<22} {listening(db_url)} (the hub's pages)")
        for error in sorted(set(errors))[:3]:
            rows.append(f"{'':<22} {errors.count(error)} x {error[:90]}")
        await close_wave(outcome)
        return rows
    finally:
        for server in servers:
            server.stop()
        if proxy is not None:
            proxy.stop()


def _postgres_url(pg: PostgresServer, name: str) -> str:
    import sqlalchemy as sa

    admin = sa.create_engine(pg.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return pg.database_url(name)


async def run(args, work: Path) -> list[tuple[str, str, list[str]]]:
    table = []
    pg = None
    try:
        for store in args.stores:
            if store == "postgresql" and pg is None:
                bin_dir = find_pg_bin()
                if bin_dir is None:
                    table.append((store, "-", ["PostgreSQL not installed: skipped"]))
                    continue
                pg = PostgresServer(bin_dir)
                pg.start()
            for i, layout in enumerate(LAYOUTS[key] for key in args.layouts):
                folder = work / f"{store}-{i}"
                folder.mkdir()
                if store == "sqlite":
                    db_url = f"sqlite:///{folder / 'studio.db'}"
                else:
                    db_url = _postgres_url(pg, f"scale{i}")
                table.append((store, layout, await one_layout(args, folder, db_url, layout)))
    finally:
        if pg is not None:
            pg.stop()
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=10, help="phones in the wave (10)")
    parser.add_argument("--window", type=float, default=10, help="seconds the wave lasts (10)")
    parser.add_argument("--cards", type=int, default=1, help="cards each phone adds (1; 0: none)")
    parser.add_argument("--settle", type=float, default=5, help="seconds to let pools warm (5)")
    parser.add_argument("--stores", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument(
        "--layouts",
        default="one,two",
        help="one (one server, the baseline), poll (one server whose hub polls only, no "
        "LISTEN/NOTIFY), two (two servers behind nginx); comma-separated (one,two)",
    )
    args = parser.parse_args(argv)
    args.stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    args.layouts = [s.strip() for s in args.layouts.split(",") if s.strip()]
    if any(key not in LAYOUTS for key in args.layouts):
        parser.error(f"--layouts takes {', '.join(LAYOUTS)}")
    if find_nginx() is None:
        print("nginx is not installed (apt-get install -y nginx): nothing to compare.")
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="codesign-scaleout-") as tmp:
        table = asyncio.run(run(args, Path(tmp)))
    print()
    print(
        f"{os.cpu_count()} cores; {args.phones} phones, {args.cards} card(s) each; "
        f"load average now {os.getloadavg()[0]:.1f}; {time.monotonic() - started:.0f} s in all"
    )
    print(f"{'store':<11} {'layout':<12} {'measure':<22} {'n':>7} {'p50':>7} {'p95':>7} {'max':>7}")
    for store, layout, rows in table:
        for row in rows:
            print(f"{store:<11} {layout:<12} {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
