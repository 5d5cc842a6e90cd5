"""A pseudonymised export replaces a name only where it is that person's name, and lists
every replacement for review."""

from __future__ import annotations

import pytest

from codesign_widgets.analysis.open_data import export_package
from codesign_widgets.analysis.workshop_data import load_workshop

EVERYDAY = {
    "Will": "Patients will come if the bus will run.",
    "May": "We may need a second clinic in May.",
    "Hope": "I hope the new hope line works.",
    "Rose": "Costs rose again; the rose garden stays.",
    "Bill": "The bill was too high to pay.",
}


@pytest.fixture
def loaded(studio, workshop, db_url):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    people = {}
    for name, line in EVERYDAY.items():
        person, _ = studio.people.join(workshop.id, name, "lived_experience", True)
        people[name] = person
        studio.entries.add(person, "checkin", "note", "welcome", {"text": line})
    studio.entries.add(people["Will"], "checkin", "note", "welcome",
                       {"text": "I came with Rose and Bill, and May met us."})  # fmt: skip
    studio.entries.add(people["Hope"], "checkin", "note", "welcome",
                       {"text": "Will said the bus is late."})  # fmt: skip
    data = load_workshop(workshop.code, db_url.removeprefix("sqlite:///"))
    return data, {n: p.public_id for n, p in people.items()}


def test_names_that_are_everyday_words_leave_everyday_words_alone(loaded):
    data, _ids = loaded
    texts = data.entries["text"].tolist()
    for line in EVERYDAY.values():
        assert line in texts


def test_a_name_capitalised_mid_sentence_is_replaced(loaded):
    data, ids = loaded
    assert f"I came with {ids['Rose']} and {ids['Bill']}, and {ids['May']} met us." in (
        data.entries["text"].tolist()
    )


def test_a_name_starting_a_sentence_or_read_as_a_month_is_left_and_flagged(loaded):
    data, ids = loaded
    assert "Will said the bus is late." in data.entries["text"].tolist()
    checks = data.name_replacements[data.name_replacements["kind"] == "check"]
    assert sorted(checks["pseudonym"]) == sorted([ids["May"], ids["Will"]])  # "in May", "Will"
    assert set(checks["context"]) == {""}  # the list never repeats a possible name


def test_the_package_readme_lists_every_replacement(loaded, tmp_path):
    data, ids = loaded
    out = export_package(data, tmp_path / "package")
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert readme.count(' in "') == 3  # Rose, Bill and May in one sentence
    assert f'{ids["Rose"]} in "I came with {ids["Rose"]} and {ids["Bill"]}' in readme
    assert f"CHECK by hand: a sentence starts with a word that is also the name of {ids['Will']}" \
        in readme  # fmt: skip
    for name in EVERYDAY:
        assert f" {name} " not in readme.replace("Will said", "")
    assert (out / "data" / "name_replacements.csv").is_file()
