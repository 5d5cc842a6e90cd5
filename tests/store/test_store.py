"""The store: rules checked inside transactions, nothing lost, clear messages for bad files."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from codesign_widgets.core.errors import InvalidInput, NotAllowed, NotFound, StoreUnavailable
from codesign_widgets.core.workshop import StageState
from codesign_widgets.store import base, schema
from codesign_widgets.studio import Store


def test_a_new_workshop_starts_on_its_first_stage_with_every_stage_closed(store, workshop):
    assert workshop.current_stage == "welcome"
    assert workshop.state_of("welcome") is StageState.CLOSED
    assert workshop.title == "Foot care <b>pathway</b>"  # stored as text, escaped when shown


def test_the_facilitator_key_opens_the_workshop_and_nothing_else_does(store, created):
    workshop, key = created
    assert store.check_facilitator(workshop.code.lower(), key).id == workshop.id
    with pytest.raises(NotAllowed, match="key does not match"):
        store.check_facilitator(workshop.code, key + "x")
    with pytest.raises(NotFound, match="No workshop has the code"):
        store.check_facilitator("ZZZZZZ", key)


def test_wrong_or_missing_join_code_says_what_to_do(store):
    with pytest.raises(NotFound, match="Check the code on the big screen"):
        store.workshop_by_code("")
    with pytest.raises(NotFound, match="ZZZZ"):
        store.workshop_by_code("zzzz")


def test_joining_checks_name_perspective_and_consent(store, workshop):
    with pytest.raises(InvalidInput, match="too long"):
        store.join(workshop.id, "x" * (5 * 1024 * 1024), "provider", True)
    with pytest.raises(InvalidInput, match="perspectives"):
        store.join(workshop.id, "Ann", "superuser", True)
    with pytest.raises(InvalidInput, match="I agree"):
        store.join(workshop.id, "Ann", "provider", False)
    assert store.participants(workshop.id) == []
    anonymous, token = store.join(workshop.id, "", "provider", True)
    assert anonymous.shown_name.startswith("Anonymous")
    hostile, _ = store.join(workshop.id, "<script>alert(1)</script>", "system", True)
    assert hostile.display_name == "<script>alert(1)</script>"
    assert store.participant_by_token(workshop.id, token) == anonymous
    assert store.participant_by_token(workshop.id, "not-a-token") is None
    assert store.participant_by_token(workshop.id, "x" * 5000) is None


def test_a_token_only_works_in_its_own_workshop(store, workshop):
    other, _ = store.create_workshop("Other", "codesign_day")
    _p, token = store.join(workshop.id, "Ann", "provider", True)
    assert store.participant_by_token(other.id, token) is None


def test_profile_changes_are_recorded_not_overwritten(store, workshop, ann):
    changed = store.update_profile(ann, "Ann B", "provider")
    assert (changed.display_name, changed.perspective) == ("Ann B", "provider")
    assert store.participant(ann.id).display_name == "Ann B"


def test_contributions_only_while_the_stage_is_open(store, workshop, ann):
    with pytest.raises(NotAllowed, match="not opened yet"):
        store.add_entry(ann, "checkin", "note", "welcome", {"text": "hi"})
    store.set_stage_state(workshop.id, "welcome", "open")
    entry_id = store.add_entry(ann, "checkin", "note", "welcome", {"text": "hi"})
    store.set_stage_state(workshop.id, "welcome", StageState.LOCKED)
    with pytest.raises(NotAllowed, match="locked"):
        store.add_entry(ann, "checkin", "note", "welcome", {"text": "late"})
    with pytest.raises(NotAllowed, match="locked"):
        store.revise_entry(ann, entry_id, {"text": "edited late"})
    store.withdraw_entry(ann, entry_id)  # taking words back is always allowed
    assert [e.body["text"] for e in store.entries(workshop.id)] == []


def test_an_entry_must_fit_its_stage(store, workshop, ann):
    store.set_stage_state(workshop.id, "goals", "open")
    with pytest.raises(NotAllowed, match="does not take checkin"):
        store.add_entry(ann, "checkin", "note", "goals", {"text": "hi"})
    with pytest.raises(NotFound):
        store.add_entry(ann, "checkin", "note", "no-such-stage", {"text": "hi"})
    store.set_stage_state(workshop.id, "welcome", "open")
    with pytest.raises(InvalidInput, match="too long"):
        store.add_entry(ann, "checkin", "note", "welcome", {"text": "x" * 70_000})


def test_edits_withdrawals_and_moderation_keep_every_version(store, workshop, ann):
    store.set_stage_state(workshop.id, "welcome", "open")
    entry_id = store.add_entry(ann, "checkin", "note", "welcome", {"text": "first"})
    store.revise_entry(ann, entry_id, {"text": "second"})
    store.set_hidden(workshop.id, entry_id, True, reason="off topic")
    assert store.entries(workshop.id) == []
    [hidden] = store.entries(workshop.id, include_hidden=True)
    assert hidden.hidden
    assert hidden.body == {"text": "second"}
    store.set_hidden(workshop.id, entry_id, False)
    assert [e.body["text"] for e in store.entries(workshop.id)] == ["second"]
    store.withdraw_entry(ann, entry_id)
    assert store.entries(workshop.id) == []
    [withdrawn] = store.entries(workshop.id, include_withdrawn=True)
    assert withdrawn.status == "withdrawn"
    history = store.entry_history(entry_id)
    assert [(h["body"]["text"], h["status"]) for h in history] == [
        ("first", "active"),
        ("second", "active"),
        ("second", "withdrawn"),
    ]


def test_nobody_changes_someone_elses_entry(store, workshop, ann):
    bob, _ = store.join(workshop.id, "Bob", "provider", True)
    store.set_stage_state(workshop.id, "welcome", "open")
    entry_id = store.add_entry(ann, "checkin", "note", "welcome", {"text": "mine"})
    with pytest.raises(NotAllowed, match="your own"):
        store.revise_entry(bob, entry_id, {"text": "hijacked"})
    with pytest.raises(NotAllowed, match="your own"):
        store.withdraw_entry(bob, entry_id)
    other, _ = store.create_workshop("Other", "codesign_day")
    with pytest.raises(NotFound):
        store.set_hidden(other.id, entry_id, True)
    assert [e.body["text"] for e in store.entries(workshop.id)] == ["mine"]


def test_entries_keep_the_perspective_their_author_had_when_writing(store, workshop, ann):
    store.set_stage_state(workshop.id, "welcome", "open")
    store.add_entry(ann, "checkin", "note", "welcome", {"text": "as a patient"})
    store.update_profile(ann, "Ann", "provider")
    [entry] = store.entries(workshop.id)
    assert entry.perspective == "lived_experience"


def test_stage_moves_and_timer_are_events(store, workshop):
    store.set_current_stage(workshop.id, "goals")
    store.start_timer(workshop.id, "goals", 300)
    state = store.workshop_state(workshop.id)
    assert state.current_stage == "goals"
    assert state.timer_ends_at is not None
    store.stop_timer(workshop.id, "goals")
    assert store.workshop_state(workshop.id).timer_ends_at is None
    with pytest.raises(InvalidInput):
        store.start_timer(workshop.id, "goals", 0)
    with pytest.raises(NotFound):
        store.set_current_stage(workshop.id, "nowhere")


def test_every_write_is_announced_on_the_change_feed(store, workshop, ann):
    start = store.last_change_id()
    store.set_stage_state(workshop.id, "welcome", "open")
    store.add_entry(ann, "checkin", "note", "welcome", {"text": "hi"})
    topics = [topic for _id, _w, topic in store.changes_since(start)]
    assert topics == ["stages", "entries"]


def test_restarting_loses_nothing(db_url, store, workshop, ann):
    store.set_stage_state(workshop.id, "welcome", "open")
    store.add_entry(ann, "checkin", "note", "welcome", {"text": "kept"})
    store.close()
    again = Store.open(db_url, create=False)
    assert [p.display_name for p in again.participants(workshop.id)] == ["Ann"]
    assert [e.body["text"] for e in again.entries(workshop.id)] == ["kept"]
    assert again.workshop_state(workshop.id).state_of("welcome") is StageState.OPEN


def test_a_missing_file_is_explained_not_created_for_kernels(tmp_path):
    with pytest.raises(StoreUnavailable, match="There is no workshop file .*codesign serve"):
        Store.open(f"sqlite:///{tmp_path / 'missing.db'}", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_a_file_that_is_not_a_workshop_is_refused_untouched(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreUnavailable, match="not a workshop file"):
        Store.open(f"sqlite:///{junk}")
    assert junk.read_bytes().startswith(b"this is not sqlite")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t(x)").connection.commit()
    with pytest.raises(StoreUnavailable, match="holds other data"):
        Store.open(f"sqlite:///{other}")


def test_a_read_only_file_is_explained_even_for_root(tmp_path, store, workshop, db_url):
    store.close()
    # Root ignores file modes, so open the file read-only through SQLite itself.
    path = db_url.removeprefix("sqlite:///")
    ro = Store.open(f"sqlite:///file:{path}?mode=ro&uri=true", create=False)
    assert ro.workshop_state(workshop.id).title.startswith("Foot care")
    with pytest.raises(StoreUnavailable, match="read-only"):
        ro.set_stage_state(workshop.id, "welcome", "open")
    assert stat.S_ISREG(os.stat(path).st_mode)


def test_a_file_locked_by_another_program_is_explained(monkeypatch, db_url, store, workshop):
    monkeypatch.setattr(base, "BUSY_TIMEOUT_MS", 200)
    busy = Store.open(db_url)
    holder = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable, match="busy: another program"):
            busy.set_stage_state(workshop.id, "welcome", "open")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    busy.set_stage_state(workshop.id, "welcome", "open")  # works again once released
    assert store.workshop_state(workshop.id).state_of("welcome") is StageState.OPEN


def test_files_from_other_versions_are_explained_and_upgraded(monkeypatch, db_url, store, workshop):
    store.close()
    newer = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", newer)
    with pytest.raises(StoreUnavailable, match="older version.*codesign upgrade"):
        Store.open(db_url)

    def add_theme_column(conn):
        conn.exec_driver_sql("ALTER TABLE workshops ADD COLUMN theme TEXT DEFAULT ''")

    monkeypatch.setitem(schema.MIGRATIONS, newer - 1, add_theme_column)
    old, new, backup = Store.upgrade(db_url)
    assert (old, new) == (newer - 1, newer)
    assert backup.exists()
    upgraded = Store.open(db_url, create=False)
    assert upgraded.schema_version() == newer
    assert upgraded.workshop_state(workshop.id).title.startswith("Foot care")
    monkeypatch.setattr(schema, "SCHEMA_VERSION", newer - 1)
    with pytest.raises(StoreUnavailable, match="newer version"):
        Store.open(db_url)


def test_text_is_stored_clean_whoever_calls_the_store(store, workshop, ann):
    store.set_stage_state(workshop.id, "welcome", "open")
    entry_id = store.add_entry(
        ann, "checkin", "note", "welcome", {"text": "a\x00b\u202ec\x1b", "tags": ["x\x07"]}
    )
    [entry] = [e for e in store.entries(workshop.id) if e.id == entry_id]
    assert entry.body == {"text": "abc", "tags": ["x"]}
