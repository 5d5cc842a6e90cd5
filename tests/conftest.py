"""Fixtures shared by the tests: a workshop database, a studio on it, a workshop, a person.

``db_url`` is a fresh database for each test. The store, rules and live-feed tests (the
modules in :data:`BOTH_STORES`) run twice, on SQLite and on a real PostgreSQL server that the
session starts (see :mod:`tests.postgres`); the other tests (views, analysis) use SQLite, or
both with ``CODESIGN_TEST_ALL_ON_POSTGRES=1``. Without PostgreSQL (Debian's ``postgresql``
package) or its driver (``psycopg``) the PostgreSQL half is skipped on a laptop but fails
under ``CI=true``, so a CI run cannot pass without having tried it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codesign_widgets.studio import Studio

from .nginx import NginxProxy, find_nginx
from .postgres import PostgresServer, find_pg_bin

TESTS = Path(__file__).resolve().parent
# Test modules (or folders) that run on both stores.
BOTH_STORES = (
    "store",
    "goals/test_goals_store.py",
    "network/test_network_store.py",
    "scoring/test_scoring_store.py",
    "room",
    "core/test_text_fidelity.py",
)
_numbers = itertools.count(1)


def _runs_on_both(path: Path) -> bool:
    if os.environ.get("CODESIGN_TEST_ALL_ON_POSTGRES"):  # every db_url test, e.g. before a release
        return True
    relative = path.resolve().relative_to(TESTS).as_posix()
    return any(relative == p or relative.startswith(p + "/") for p in BOTH_STORES)


def pytest_generate_tests(metafunc):
    if (
        "db_url" in metafunc.fixturenames
        and _runs_on_both(metafunc.definition.path)
        and not metafunc.definition.get_closest_marker("sqlite_only")
    ):
        metafunc.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)


def _unavailable(reason: str, what: str = "PostgreSQL tests") -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{what} cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the session, with the schema made in database ``codesign``."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        _unavailable("PostgreSQL is not installed (apt-get install -y postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the PostgreSQL driver is missing (pip install 'psycopg[binary]')")
    import sqlalchemy as sa

    server = PostgresServer(bin_dir)
    try:
        server.start()
        server.admin = sa.create_engine(server.url, isolation_level="AUTOCOMMIT")
        with server.admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE codesign")
        Studio.open(server.database_url("codesign")).close()
        yield server
        server.admin.dispose()
    finally:
        server.stop()


def _empty_postgres_database(server) -> str:
    """The session's database, emptied (faster than a new database per test), under a URL
    of its own (the live feed keeps one poller per URL)."""
    import sqlalchemy as sa

    from codesign_widgets.store import schema as t

    url = server.database_url("codesign")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    tables = ", ".join(
        table.name for table in t.metadata.sorted_tables if table is not t.schema_info
    )
    with engine.connect() as conn:
        # A connection a test left behind would hold TRUNCATE up: end them first.
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = 'codesign' AND pid <> pg_backend_pid()"
        )
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()
    return f"{url}?application_name=test{next(_numbers)}"


@pytest.fixture
def db_url(request, tmp_path):
    """An empty workshop database: a new SQLite file, or PostgreSQL where the test runs on
    both stores."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return f"sqlite:///{tmp_path / 'studio.db'}"
    return _empty_postgres_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def pg_url(request):
    """An empty workshop database on the session's PostgreSQL server (PostgreSQL-only tests)."""
    return _empty_postgres_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def studio(db_url):
    s = Studio.open(db_url)
    yield s
    s.close()


@pytest.fixture
def created(studio):
    """A fresh workshop and its facilitator key."""
    return studio.workshops.create("Foot care <b>pathway</b>", "codesign_day")


@pytest.fixture
def workshop(created):
    return created[0]


@pytest.fixture
def ann(studio, workshop):
    participant, _token = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    return participant


@pytest.fixture(scope="session")
def played_demo(tmp_path_factory):
    """The demo workshop after the day (every activity has data), in a file of its own:
    ``path``, ``url`` and ``code``. Read it only: it is shared by the whole session."""
    from codesign_widgets.cli.demo import create_demo
    from codesign_widgets.cli.demo_played import play_demo

    path = tmp_path_factory.mktemp("played") / "studio.db"
    s = Studio.open(f"sqlite:///{path}")
    code, _key = create_demo(s)
    play_demo(s, code)
    s.close()
    return {"path": path, "url": f"sqlite:///{path}", "code": code}


@pytest.fixture(scope="session")
def demo_report(played_demo, tmp_path_factory):
    """The played demo's report, built once (nbconvert runs a kernel: tens of seconds):
    ``path`` of the HTML file and the ``progress`` steps reported while building it."""
    from codesign_widgets.analysis.report import build_report

    steps = []
    path = build_report(
        played_demo["url"],
        played_demo["code"],
        tmp_path_factory.mktemp("report") / "report.html",
        progress=lambda step, total, what: steps.append((step, total, what)),
    )
    return {"path": path, "progress": steps}


@pytest.fixture
def nginx_proxy() -> Iterator[Callable[..., Any]]:
    """Factory: ``nginx_proxy(ports, port=None)`` starts Debian's nginx with the shipped
    example config (``deploy/nginx-codesign.conf``) in front of participant servers on
    ``ports``; stopped at the end of the test. Skipped without nginx on a laptop, failing
    under ``CI=true``."""

    binary = find_nginx()
    if binary is None:
        _unavailable("nginx is not installed (apt-get install -y nginx)", "nginx tests")
    started: list[NginxProxy] = []

    def start(ports: list[int], port: int | None = None) -> NginxProxy:
        proxy = NginxProxy(binary, ports, port)
        started.append(proxy)
        proxy.start()
        return proxy

    yield start
    for proxy in started:
        proxy.stop()
