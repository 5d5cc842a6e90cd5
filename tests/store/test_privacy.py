"""Privacy: a participant leaves and takes everything back, the facilitator erases a participant
on request, old workshops are purged; the commands and the participant page's leave button."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import time

import pytest

from codesign_widgets.analysis.open_data import export_package
from codesign_widgets.analysis.workshop_data import load_workshop
from codesign_widgets.cli.main import main
from codesign_widgets.core.errors import InvalidInput, NotAllowed, NotFound
from codesign_widgets.core.templates import load_template
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.store import schema as t
from codesign_widgets.store.privacy import _workshop_rows
from codesign_widgets.studio import Studio

AMARA = "Amara (demo)"  # in the played demo she added something in every activity
PEOPLE_COLUMNS = ("participant", "voter", "author", "rater")
FREE_TEXT = ("text", "what_matters", "goal", "steps", "to_seven")  # themes are shared words


@pytest.fixture
def demo(played_demo, tmp_path):
    """A private copy of the played demo: ``path``, ``store``, ``workshop``, ``amara``."""
    path = tmp_path / "demo.db"
    shutil.copy(played_demo["path"], path)
    studio = Studio.open(f"sqlite:///{path}")
    workshop = studio.workshops.by_code(played_demo["code"])
    amara = next(p for p in studio.people.participants(workshop.id) if p.display_name == AMARA)
    yield {"path": path, "studio": studio, "workshop": workshop, "amara": amara}
    studio.close()


def sql(path, query: str, *args) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(query, args).fetchall()


def texts_of(path, participant_id: int) -> list[str]:
    """What this person wrote, read straight from the file: lines, cards, names, comments."""
    found = [AMARA]
    for (body,) in sql(
        path,
        "SELECT body FROM entry_revisions JOIN entries ON entries.id = entry_id "
        "WHERE participant_id = ?",
        participant_id,
    ):
        body = json.loads(body)
        found += [body.get(key, "") for key in FREE_TEXT]
    found += [
        r[0]
        for r in sql(
            path,
            "SELECT json_extract(body, '$.name') FROM network_revisions JOIN network_items "
            "ON network_items.id = item_id WHERE participant_id = ? AND kind = 'stakeholder'",
            participant_id,
        )
    ]
    found += [r[0] for r in sql(path, "SELECT text FROM scoring_comments WHERE participant_id = ?",
                                 participant_id)]  # fmt: skip
    # The facilitator's prototypes name the goals they serve: the facilitator's words, kept.
    linked = {g for (goals,) in sql(path, "SELECT goals FROM scoring_prototype_revisions")
              for g in json.loads(goals)}  # fmt: skip
    return sorted({x for x in found if x and x not in linked})


def people_in(data) -> set[str]:
    """Every pseudonym that any row of any loaded table names."""
    seen = set()
    for frame in data.tables.values():
        for column in PEOPLE_COLUMNS:
            if column in frame:
                seen |= set(frame[column].dropna().astype(str))
    return seen


# -- withdrawing --------------------------------------------------------------------------------
def test_a_participant_who_leaves_is_in_no_shared_read_result_or_export(demo, tmp_path):
    """Every activity's reads leave out all she added, withdrawn or not; the audit stays."""
    studio, w, amara = demo["studio"], demo["workshop"], demo["amara"]
    before = load_workshop(w.code, demo["path"])
    assert amara.public_id in people_in(before)  # she is in every table before she leaves
    for table in ("entries", "goals", "goal_votes", "stakeholders", "ratings", "scores"):
        frame = before.tables[table]
        column = next(c for c in PEOPLE_COLUMNS if c in frame)
        assert (frame[column] == amara.public_id).any(), table
    mine = [x for x in texts_of(demo["path"], amara.id) if x != AMARA]
    stages = {s.activity: s.key for s in load_template(w.template).stages}
    counts = studio.privacy.withdraw_participant(amara)

    assert counts["entries"] >= 3
    assert counts["dots"] >= 1
    assert counts["network_items"] >= 1
    assert counts["scores"]
    assert counts["comments"]
    assert counts["ratings"]
    assert amara.id not in {p.id for p in studio.people.participants(w.id)}
    assert amara.id in {p.id for p in studio.people.participants(w.id, include_withdrawn=True)}
    assert not [e for e in studio.entries.find(w.id, include_hidden=True, include_withdrawn=True)
                if e.author_id == amara.id]  # fmt: skip
    goals = stages["goal_mapping"]
    cards = studio.goals.cards.goal_cards(w.id, goals, include_hidden=True, include_withdrawn=True)
    assert amara.id not in {c.author_id for c in cards}
    assert amara.public_id not in {
        v.participant_public_id for v in studio.goals.votes.vote_records(w.id, goals)
    }
    assert studio.goals.votes.votes_placed(w.id, goals) == sum(
        v.delta for v in studio.goals.votes.vote_records(w.id, goals)
    )
    net = studio.network.maps.network_map(
        w.id, stages["stakeholder_network"], include_withdrawn=True
    )
    assert amara.id not in {s.author_id for s in net.stakeholders}
    assert amara.id not in {x.author_id for x in net.ties}
    assert amara.id not in {r.rater_id for r in net.ratings}
    scoring = stages["prototype_scoring"]
    assert amara.public_id not in {
        s.participant for s in studio.scoring.scores.score_table(w.id, scoring)
    }
    comments = [
        c
        for r in studio.scoring.rounds.rounds(w.id, scoring)
        for c in studio.scoring.scores.revealed_comments(w.id, r.id)
    ]
    assert "People like me would actually go." not in {text for _p, _q, text in comments}

    after = load_workshop(w.code, demo["path"])
    assert amara.public_id not in people_in(after)
    out = export_package(after, tmp_path / "package")
    exported = "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())
    assert amara.public_id not in exported
    for text in mine:
        assert text not in exported, text
    audit = studio.privacy.participant_events(w.id)
    assert [(a["participant"], a["kind"], a["actor"]) for a in audit] == [
        (amara.public_id, "withdrew", "participant")
    ]
    (entry_id,) = sql(demo["path"], "SELECT MIN(id) FROM entries WHERE participant_id = ?",
                      amara.id)[0]  # fmt: skip
    assert studio.entries.history(entry_id)[-1]["status"] == "withdrawn"  # the record stays


def test_leaving_is_recorded_not_deleted_and_cannot_be_undone_by_a_stale_page(studio, workshop):
    """Withdrawals are new rows; someone who left can neither save nor come back by token."""
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    ann, token = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    entry = studio.entries.add(ann, "checkin", "note", "welcome", {"text": "Being heard"})
    studio.privacy.withdraw_participant(ann)
    assert [h["status"] for h in studio.entries.history(entry)] == ["active", "withdrawn"]
    assert studio.people.participant(ann.id).display_name == ""
    assert studio.people.participant_by_token(workshop.id, token) is None
    with pytest.raises(NotAllowed, match="left this workshop"):
        studio.entries.add(ann, "checkin", "note", "welcome", {"text": "again"})
    with pytest.raises(NotAllowed, match="already left"):
        studio.privacy.withdraw_participant(ann)
    assert studio.privacy.has_withdrawn(ann.id)


def test_a_leaver_takes_back_each_dot_so_the_budget_arithmetic_still_holds(demo):
    studio, amara = demo["studio"], demo["amara"]
    placed = sql(demo["path"], "SELECT SUM(delta) FROM votes WHERE participant_id = ?", amara.id)
    studio.privacy.withdraw_participant(amara)
    net = sql(demo["path"], "SELECT SUM(delta) FROM votes WHERE participant_id = ?", amara.id)
    assert placed[0][0] > 0
    assert net[0][0] == 0


# -- erasing ------------------------------------------------------------------------------------
def test_erasing_scrubs_her_names_and_texts_from_the_file_bytes(demo):
    """After erase (and the VACUUM it runs) the file holds none of her words or her name."""
    studio, w, amara = demo["studio"], demo["workshop"], demo["amara"]
    words = texts_of(demo["path"], amara.id)
    assert AMARA in words
    assert "People like me would actually go." in words
    raw = demo["path"].read_bytes()
    assert any(x.encode() in raw for x in words)  # the check below can fail

    counts = studio.privacy.erase_participant(w.id, amara.public_id.lower())
    studio.close()
    assert counts["withdrawn"] == 1
    assert counts["names"] >= 1
    assert counts["texts"] >= 4
    files = [demo["path"], demo["path"].with_name("demo.db-wal")]
    raw = b"".join(p.read_bytes() for p in files if p.exists())
    for text in words:
        assert text.encode() not in raw, text
    reopened = Studio.open(f"sqlite:///{demo['path']}")
    audit = reopened.privacy.participant_events(w.id)
    assert [(a["kind"], a["actor"]) for a in audit] == [
        ("withdrew", "facilitator"),
        ("erased", "facilitator"),
    ]
    assert set(audit[1]["detail"]) == {"rows"}  # how many, never what
    assert load_workshop(w.code, demo["path"]).stakeholders.shape[0]  # the map still loads
    reopened.close()


def test_erasing_someone_who_already_left_and_an_unknown_code(studio, workshop):
    ann, _ = studio.people.join(workshop.id, "Ann Example", "lived_experience", True)
    studio.privacy.withdraw_participant(ann)
    assert studio.privacy.erase_participant(workshop.id, ann.public_id)["withdrawn"] == 0
    with pytest.raises(NotFound, match="No participant P-NOPE"):
        studio.privacy.erase_participant(workshop.id, "P-NOPE")


# -- purging ------------------------------------------------------------------------------------
def age(path, code: str, days: float) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE workshops SET created_at = ? WHERE code = ?", (time.time() - days * 86400, code)
        )


def test_every_table_that_holds_workshop_data_is_purged():
    """A table added later is found by its keys; only the file's own bookkeeping is not."""
    planned = {table.name for table, _ in _workshop_rows([1])}
    assert set(t.metadata.tables) - planned == {"schema_info", "purges"}


def test_purge_removes_old_workshops_whole_and_keeps_new_ones(demo):
    studio, w = demo["studio"], demo["workshop"]
    fresh, _key = studio.workshops.create("Next week's session", "codesign_day")
    age(demo["path"], w.code, 40)
    assert [x.code for x in studio.privacy.old_workshops(30)] == [w.code]
    result = studio.privacy.purge_workshops(30)
    assert [x.code for x in result.workshops] == [w.code]
    assert result.rows["scores"]
    assert result.rows["participants"]
    assert result.total_rows > 100
    assert [x.code for x in studio.workshops.all()] == [fresh.code]
    for name in t.metadata.tables:
        if name in ("schema_info", "purges", "workshops", "workshop_events", "changes"):
            continue
        assert sql(demo["path"], f"SELECT COUNT(*) FROM {name}") == [(0,)], name
    assert w.title.encode() not in demo["path"].read_bytes()
    assert sql(demo["path"], "SELECT workshops FROM purges") == [(1,)]
    assert studio.privacy.purge_workshops(30).workshops == ()


@pytest.mark.parametrize("days", [0, 0.5, -3, True, "7"])
def test_purge_refuses_an_age_under_one_day(studio, workshop, days):
    with pytest.raises(InvalidInput, match="at least 1 day"):
        studio.privacy.purge_workshops(days)
    assert studio.workshops.all() == [workshop]


# -- the commands -------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["erase-participant", "purge"])
def test_privacy_commands_have_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "--yes" in capsys.readouterr().out


def test_erase_participant_command(demo, monkeypatch, capsys):
    db, code, amara = str(demo["path"]), demo["workshop"].code, demo["amara"]
    args = ["erase-participant", "--db", db, "--code", code, "--participant", amara.public_id]
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert main(args) == 1
    assert "Nothing was changed" in capsys.readouterr().out
    assert not demo["studio"].privacy.has_withdrawn(amara.id)
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Withdrew everything" in out
    assert "Erased" in out
    assert main([*args, "--yes"]) == 0
    assert "already withdrawn" in capsys.readouterr().out
    assert main([*args[:-1], "P-NOPE", "--yes"]) == 2
    assert "No participant P-NOPE" in capsys.readouterr().err


def test_purge_command(demo, monkeypatch, capsys):
    db, w = str(demo["path"]), demo["workshop"]
    demo["studio"].close()
    assert main(["purge", "--db", db, "--older-than", "30", "--yes"]) == 0
    assert "No workshop" in capsys.readouterr().out
    age(demo["path"], w.code, 40)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["purge", "--db", db, "--older-than", "30"]) == 1
    out = capsys.readouterr().out
    assert w.code in out
    assert "Nothing was removed" in out
    assert main(["purge", "--db", db, "--older-than", "30", "--yes"]) == 0
    assert "Removed 1 workshop" in capsys.readouterr().out
    assert sql(demo["path"], "SELECT COUNT(*) FROM workshops") == [(0,)]
    assert main(["purge", "--db", db, "--older-than", "0"]) == 2
    assert "at least 1 day" in capsys.readouterr().err


# -- the participant page -----------------------------------------------------------------------
def joined(studio, workshop, name="Ann"):
    app = ParticipantApp(studio, code=workshop.code)
    app.join_form.name_input.value = name
    app.join_form.perspective_input.value = "lived_experience"
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    return app


def test_the_leave_button_asks_first_then_withdraws_everything_and_forgets_the_browser(
    studio, workshop
):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    app = joined(studio, workshop)
    token = app.identity.token
    assert app.participant.public_id in app.leave_step.leave_text.value
    app.checkin.note_input.value = "Being listened to"
    app.checkin.share_button.click()
    app.leave_step.confirm_leave_button.click()  # a crafted click before being asked does nothing
    assert app.participant is not None
    assert len(studio.entries.find(workshop.id)) == 1
    app.leave_step.leave_button.click()
    assert app.leave_step.confirm_leave_box.layout.display is None
    app.leave_step.stay_button.click()
    assert app.leave_step.confirm_leave_box.layout.display == "none"
    assert len(studio.entries.find(workshop.id)) == 1
    app.leave_step.leave_button.click()
    app.leave_step.confirm_leave_button.click()

    assert studio.entries.find(workshop.id) == []
    assert studio.people.participants(workshop.id) == []
    assert app.participant is None
    assert app.identity.token == ""
    assert app.identity.forget
    assert app.join_form in app.children
    assert "You have left the workshop" in app.notice.value
    assert app.join_form.name_input.value == ""
    assert not app.join_form.consent_input.value
    assert ParticipantApp(studio, code=workshop.code, token=token).participant is None
    app.join_form.name_input.value = "Ann again"
    app.join_form.perspective_input.value = "provider"
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    assert app.participant is not None
    assert not app.identity.forget
    assert [p.display_name for p in studio.people.participants(workshop.id)] == ["Ann again"]


def test_leaving_from_an_activity_closes_its_panel(studio, workshop):
    studio.workshops.set_current_stage(workshop.id, "goals")
    app = joined(studio, workshop)
    app.on_change({"stages"})
    assert app.stage_view.panel is not None
    app.ask_to_leave()
    assert app.leave()
    assert app.stage_view.panel is None
    assert app.stage_view.activity_box.children == ()


def test_pseudonymised_exports_replace_earlier_names_and_names_of_people_who_left(
    studio, workshop, db_url
):
    """Someone else's line that names them keeps no name, after a rename or after leaving."""
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    ann, _ = studio.people.join(workshop.id, "Ann Example", "lived_experience", True)
    cal, _ = studio.people.join(workshop.id, "Cal Sample", "provider", True)
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    studio.entries.add(bob, "checkin", "note", "welcome", {"text": "Ann Example and Cal Sample"})
    studio.people.update_profile(ann, "Annie", "lived_experience")
    studio.privacy.withdraw_participant(cal)
    studio.close()
    (line,) = load_workshop(workshop.code, db_url.removeprefix("sqlite:///")).entries["text"]
    assert line == f"{ann.public_id} and {cal.public_id}"
