"""What only PostgreSQL needs: the connection budget, PgBouncer-safe statements, erasure that
leaves the table files, and a clear sentence when the driver is missing."""

from __future__ import annotations

import sys
import threading

import pytest
import sqlalchemy as sa

from codesign_widgets.core.errors import StoreUnavailable
from codesign_widgets.live import Feed
from codesign_widgets.studio import Studio

KERNELS = 8


def _connections(url: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        count = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            # Clients only: an autovacuum worker on the database (after write-heavy tests)
            # is the server's own.
            "AND backend_type = 'client backend'"
        ).scalar()
    engine.dispose()
    return int(count)


def test_each_kernel_holds_at_most_one_connection(pg_url):
    """Eight kernels (a Studio and a live feed each) all busy at once: the server sees at
    most eight connections, however much each one reads and writes."""
    setup = Studio.open(pg_url)
    workshop, _key = setup.workshops.create("Walking group", "codesign_day")
    setup.workshops.set_stage_state(workshop.id, "welcome", "open")
    setup.close()
    kernels = [Studio.open(pg_url, create=False) for _ in range(KERNELS)]
    feeds = [Feed(k) for k in kernels]
    barrier = threading.Barrier(KERNELS + 1)
    peak = []

    def busy(index: int) -> None:
        person, _token = kernels[index].people.join(workshop.id, f"Will {index}", "provider", True)
        barrier.wait()
        for n in range(10):
            kernels[index].entries.add(person, "checkin", "note", "welcome", {"text": f"{n}"})
            feeds[index].poll_once()
            kernels[index].people.participants(workshop.id)
        barrier.wait()

    threads = [threading.Thread(target=busy, args=(i,)) for i in range(KERNELS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    for _ in range(5):
        peak.append(_connections(pg_url))
    barrier.wait()
    peak.append(_connections(pg_url))
    for thread in threads:
        thread.join(60)
    for feed, kernel in zip(feeds, kernels, strict=True):
        feed.stop()
        kernel.close()
    assert 0 < max(peak) <= KERNELS
    assert _connections(pg_url) == 0  # closing a kernel gives its connection back


def test_no_server_side_prepared_statements(pg_url):
    """PgBouncer in transaction mode hands the server connection to someone else between
    transactions, so a statement prepared on it would be missing or wrong next time."""
    studio = Studio.open(pg_url)
    workshop, _key = studio.workshops.create("Walking group", "codesign_day")
    for _ in range(20):  # psycopg prepares a statement after its fifth run by default
        studio.workshops.state(workshop.id)
    with studio.db.read() as conn:  # the same (only) connection of the pool
        prepared = conn.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar()
    studio.close()
    assert prepared == 0


def _table_bytes(server, url: str) -> bytes:
    """Every byte of the database's tables, indexes and TOAST files on disk."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        conn.exec_driver_sql("CHECKPOINT")
        paths = conn.exec_driver_sql(
            "SELECT pg_relation_filepath(oid) FROM pg_class "
            "WHERE relkind IN ('r', 'i', 't') AND pg_relation_filepath(oid) IS NOT NULL "
            "AND relnamespace <> 'pg_catalog'::regnamespace"
        ).scalars()
        files = [server.data / p for p in paths]
    engine.dispose()
    data = b""
    for path in files:
        for part in [path, *sorted(path.parent.glob(path.name + ".*"))]:
            if part.exists():
                data += part.read_bytes()
    return data


def test_erasure_leaves_no_old_bytes_in_the_table_files(postgres_server, pg_url):
    studio = Studio.open(pg_url)
    workshop, _key = studio.workshops.create("Walking group", "codesign_day")
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    name, words = "Wilhelmina Zzyzx", "my neighbour Qorvath drives me"
    person, _token = studio.people.join(workshop.id, name, "lived_experience", True)
    studio.entries.add(person, "checkin", "note", "welcome", {"text": words})
    assert name.encode() in _table_bytes(postgres_server, pg_url)  # the check can see it

    studio.privacy.erase_participant(workshop.id, person.public_id)

    on_disk = _table_bytes(postgres_server, pg_url)
    assert name.encode() not in on_disk
    assert words.encode() not in on_disk
    assert "write-ahead log" in studio.privacy.what_remains()
    assert "backup" in studio.privacy.what_remains()
    studio.close()


def test_a_missing_driver_is_one_sentence_saying_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    with pytest.raises(StoreUnavailable) as caught:
        Studio.open("postgresql://studio@127.0.0.1:1/workshops")
    message = str(caught.value)
    assert "codesign-widgets[postgres]" in message
    assert message.count(". ") == 0
    assert "\n" not in message


def test_a_plain_postgresql_url_uses_psycopg_3(pg_url):
    studio = Studio.open(pg_url.replace("postgresql+psycopg://", "postgresql://"))
    assert studio.db.engine.url.drivername == "postgresql+psycopg"
    studio.close()


def test_erase_and_purge_commands_say_what_remains_on_postgresql(pg_url, capsys):
    from codesign_widgets.cli.main import main

    studio = Studio.open(pg_url)
    workshop, _key = studio.workshops.create("Walking group", "codesign_day")
    person, _token = studio.people.join(workshop.id, "Will", "provider", True)
    studio.close()
    args = ["erase-participant", "--db", pg_url, "--code", workshop.code]
    assert main([*args, "--participant", person.public_id, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "VACUUM FULL" in out
    assert "write-ahead log" in out
    assert "compacted the file" not in out
    purge = ["purge", "--db", pg_url, "--older-than", "1", "--yes"]
    assert main(purge) == 0  # nothing is that old yet
    assert "No workshop" in capsys.readouterr().out


def test_an_unreachable_server_or_missing_database_is_one_plain_sentence(pg_url):
    from codesign_widgets.serving.processes import free_port

    with pytest.raises(StoreUnavailable, match="cannot be reached: check that it is running"):
        Studio.open(f"postgresql://studio@127.0.0.1:{free_port()}/workshops")
    with pytest.raises(StoreUnavailable, match="There is no database at .*createdb"):
        Studio.open(pg_url.replace("/codesign?", "/no_such_db?"))


def test_a_writer_that_hangs_holding_the_lock_makes_others_busy_not_stuck(pg_url, monkeypatch):
    from codesign_widgets.store import engine

    monkeypatch.setattr(engine, "WRITE_WAIT_S", 1)
    studio = Studio.open(pg_url)
    workshop, _key = studio.workshops.create("Walking group", "codesign_day")
    other = Studio.open(pg_url, create=False)
    # The first holds the write lock, like a frozen kernel.
    with studio.db.write(), pytest.raises(StoreUnavailable, match="busy"):
        other.workshops.set_stage_state(workshop.id, "welcome", "open")
    other.workshops.set_stage_state(workshop.id, "welcome", "open")  # free again
    assert other.workshops.state(workshop.id).stage_states["welcome"].value == "open"
    other.close()
    studio.close()
