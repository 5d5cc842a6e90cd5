"""The store: rules checked inside transactions, nothing lost, clear messages for bad files."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from codesign_widgets.core.errors import InvalidInput, NotAllowed, NotFound, StoreUnavailable
from codesign_widgets.core.workshop import StageState
from codesign_widgets.store import engine, schema
from codesign_widgets.store.engine import Database
from codesign_widgets.studio import Studio


def test_a_new_workshop_starts_on_its_first_stage_with_no_stage_started(studio, workshop):
    assert workshop.current_stage == "welcome"
    assert workshop.state_of("welcome") is StageState.NOT_STARTED
    assert workshop.title == "Foot care <b>pathway</b>"  # stored as text, escaped when shown


def test_the_facilitator_key_opens_the_workshop_and_nothing_else_does(studio, created):
    workshop, key = created
    assert studio.workshops.check_facilitator(workshop.code.lower(), key).id == workshop.id
    with pytest.raises(NotAllowed, match="key does not match"):
        studio.workshops.check_facilitator(workshop.code, key + "x")
    with pytest.raises(NotFound, match="No workshop has the code"):
        studio.workshops.check_facilitator("ZZZZZZ", key)


def test_wrong_or_missing_join_code_says_what_to_do(studio):
    with pytest.raises(NotFound, match="Check the code on the big screen"):
        studio.workshops.by_code("")
    with pytest.raises(NotFound, match="ZZZZ"):
        studio.workshops.by_code("zzzz")


def test_joining_checks_name_perspective_and_consent(studio, workshop):
    with pytest.raises(InvalidInput, match="too long"):
        studio.people.join(workshop.id, "x" * (5 * 1024 * 1024), "provider", True)
    with pytest.raises(InvalidInput, match="perspectives"):
        studio.people.join(workshop.id, "Ann", "superuser", True)
    with pytest.raises(InvalidInput, match="I agree"):
        studio.people.join(workshop.id, "Ann", "provider", False)
    assert studio.people.participants(workshop.id) == []
    anonymous, token = studio.people.join(workshop.id, "", "provider", True)
    assert anonymous.shown_name.startswith("Anonymous")
    hostile, _ = studio.people.join(workshop.id, "<script>alert(1)</script>", "system", True)
    assert hostile.display_name == "<script>alert(1)</script>"
    assert studio.people.participant_by_token(workshop.id, token) == anonymous
    assert studio.people.participant_by_token(workshop.id, "not-a-token") is None
    assert studio.people.participant_by_token(workshop.id, "x" * 5000) is None


def test_a_token_only_works_in_its_own_workshop(studio, workshop):
    other, _ = studio.workshops.create("Other", "codesign_day")
    _p, token = studio.people.join(workshop.id, "Ann", "provider", True)
    assert studio.people.participant_by_token(other.id, token) is None


def test_profile_changes_are_recorded_not_overwritten(studio, workshop, ann):
    changed = studio.people.update_profile(ann, "Ann B", "provider")
    assert (changed.display_name, changed.perspective) == ("Ann B", "provider")
    assert studio.people.participant(ann.id).display_name == "Ann B"


def test_contributions_only_while_the_stage_is_open(studio, workshop, ann):
    with pytest.raises(NotAllowed, match="not opened yet"):
        studio.entries.add(ann, "checkin", "note", "welcome", {"text": "hi"})
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    entry_id = studio.entries.add(ann, "checkin", "note", "welcome", {"text": "hi"})
    studio.workshops.set_stage_state(workshop.id, "welcome", StageState.LOCKED)
    with pytest.raises(NotAllowed, match="locked"):
        studio.entries.add(ann, "checkin", "note", "welcome", {"text": "late"})
    with pytest.raises(NotAllowed, match="locked"):
        studio.entries.revise(ann, entry_id, {"text": "edited late"})
    studio.entries.withdraw(ann, entry_id)  # taking words back is always allowed
    assert [e.body["text"] for e in studio.entries.find(workshop.id)] == []


def test_an_entry_must_fit_its_stage(studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "goals", "open")
    with pytest.raises(NotAllowed, match="does not take checkin"):
        studio.entries.add(ann, "checkin", "note", "goals", {"text": "hi"})
    with pytest.raises(NotFound):
        studio.entries.add(ann, "checkin", "note", "no-such-stage", {"text": "hi"})
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    with pytest.raises(InvalidInput, match="too long"):
        studio.entries.add(ann, "checkin", "note", "welcome", {"text": "x" * 70_000})


def test_edits_withdrawals_and_moderation_keep_every_version(studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    entry_id = studio.entries.add(ann, "checkin", "note", "welcome", {"text": "first"})
    studio.entries.revise(ann, entry_id, {"text": "second"})
    studio.entries.set_hidden(workshop.id, entry_id, True, reason="off topic")
    assert studio.entries.find(workshop.id) == []
    [hidden] = studio.entries.find(workshop.id, include_hidden=True)
    assert hidden.hidden
    assert hidden.body == {"text": "second"}
    studio.entries.set_hidden(workshop.id, entry_id, False)
    assert [e.body["text"] for e in studio.entries.find(workshop.id)] == ["second"]
    studio.entries.withdraw(ann, entry_id)
    assert studio.entries.find(workshop.id) == []
    [withdrawn] = studio.entries.find(workshop.id, include_withdrawn=True)
    assert withdrawn.status == "withdrawn"
    history = studio.entries.history(entry_id)
    assert [(h["body"]["text"], h["status"]) for h in history] == [
        ("first", "active"),
        ("second", "active"),
        ("second", "withdrawn"),
    ]


def test_nobody_changes_someone_elses_entry(studio, workshop, ann):
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    entry_id = studio.entries.add(ann, "checkin", "note", "welcome", {"text": "mine"})
    with pytest.raises(NotAllowed, match="your own"):
        studio.entries.revise(bob, entry_id, {"text": "hijacked"})
    with pytest.raises(NotAllowed, match="your own"):
        studio.entries.withdraw(bob, entry_id)
    other, _ = studio.workshops.create("Other", "codesign_day")
    with pytest.raises(NotFound):
        studio.entries.set_hidden(other.id, entry_id, True)
    assert [e.body["text"] for e in studio.entries.find(workshop.id)] == ["mine"]


def test_entries_keep_the_perspective_their_author_had_when_writing(studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    studio.entries.add(ann, "checkin", "note", "welcome", {"text": "as a patient"})
    studio.people.update_profile(ann, "Ann", "provider")
    [entry] = studio.entries.find(workshop.id)
    assert entry.perspective == "lived_experience"


def test_stage_moves_and_timer_are_events(studio, workshop):
    studio.workshops.set_current_stage(workshop.id, "goals")
    studio.workshops.start_timer(workshop.id, "goals", 300)
    state = studio.workshops.state(workshop.id)
    assert state.current_stage == "goals"
    assert state.timer_ends_at is not None
    studio.workshops.stop_timer(workshop.id, "goals")
    assert studio.workshops.state(workshop.id).timer_ends_at is None
    with pytest.raises(InvalidInput):
        studio.workshops.start_timer(workshop.id, "goals", 0)
    with pytest.raises(NotFound):
        studio.workshops.set_current_stage(workshop.id, "nowhere")


def test_every_write_is_announced_on_the_change_feed(studio, workshop, ann):
    start = studio.db.last_change_id()
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    studio.entries.add(ann, "checkin", "note", "welcome", {"text": "hi"})
    topics = [topic for _id, _w, topic in studio.db.changes_since(start)]
    assert topics == ["stages", "entries"]


def test_restarting_loses_nothing(db_url, studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    studio.entries.add(ann, "checkin", "note", "welcome", {"text": "kept"})
    studio.close()
    again = Studio.open(db_url, create=False)
    assert [p.display_name for p in again.people.participants(workshop.id)] == ["Ann"]
    assert [e.body["text"] for e in again.entries.find(workshop.id)] == ["kept"]
    assert again.workshops.state(workshop.id).state_of("welcome") is StageState.OPEN


def test_a_missing_file_is_explained_not_created_for_kernels(tmp_path):
    with pytest.raises(StoreUnavailable, match="There is no workshop file .*codesign serve"):
        Studio.open(f"sqlite:///{tmp_path / 'missing.db'}", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_a_file_that_is_not_a_workshop_is_refused_untouched(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreUnavailable, match="not a workshop file"):
        Studio.open(f"sqlite:///{junk}")
    assert junk.read_bytes().startswith(b"this is not sqlite")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t(x)").connection.commit()
    with pytest.raises(StoreUnavailable, match="holds other data"):
        Studio.open(f"sqlite:///{other}")


@pytest.mark.sqlite_only
def test_a_read_only_file_is_explained_even_for_root(tmp_path, studio, workshop, db_url):
    studio.close()
    # Root ignores file modes, so open the file read-only through SQLite itself.
    path = db_url.removeprefix("sqlite:///")
    ro = Studio.open(f"sqlite:///file:{path}?mode=ro&uri=true", create=False)
    assert ro.workshops.state(workshop.id).title.startswith("Foot care")
    with pytest.raises(StoreUnavailable, match="read-only"):
        ro.workshops.set_stage_state(workshop.id, "welcome", "open")
    assert stat.S_ISREG(os.stat(path).st_mode)


@pytest.mark.sqlite_only
def test_a_file_locked_by_another_program_is_explained(monkeypatch, db_url, studio, workshop):
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    busy = Studio.open(db_url)
    holder = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable, match="busy: another program"):
            busy.workshops.set_stage_state(workshop.id, "welcome", "open")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    busy.workshops.set_stage_state(workshop.id, "welcome", "open")  # works again once released
    assert studio.workshops.state(workshop.id).state_of("welcome") is StageState.OPEN


@pytest.mark.sqlite_only
def test_files_from_other_versions_are_explained_and_upgraded(
    monkeypatch, db_url, studio, workshop
):
    studio.close()
    newer = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", newer)
    with pytest.raises(StoreUnavailable, match="older version.*codesign upgrade"):
        Studio.open(db_url)

    def add_theme_column(conn):
        conn.exec_driver_sql("ALTER TABLE workshops ADD COLUMN theme TEXT DEFAULT ''")

    monkeypatch.setitem(schema.MIGRATIONS, newer - 1, add_theme_column)
    old, new, backup = Database.upgrade(db_url)
    assert (old, new) == (newer - 1, newer)
    assert backup.exists()
    upgraded = Studio.open(db_url, create=False)
    assert upgraded.db.schema_version() == newer
    assert upgraded.workshops.state(workshop.id).title.startswith("Foot care")
    monkeypatch.setattr(schema, "SCHEMA_VERSION", newer - 1)
    with pytest.raises(StoreUnavailable, match="newer version"):
        Studio.open(db_url)


def test_text_is_stored_clean_whoever_calls_the_store(studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    entry_id = studio.entries.add(
        ann, "checkin", "note", "welcome", {"text": "a\x00b\u202ec\x1b", "tags": ["x\x07"]}
    )
    [entry] = [e for e in studio.entries.find(workshop.id) if e.id == entry_id]
    assert entry.body == {"text": "abc", "tags": ["x"]}
