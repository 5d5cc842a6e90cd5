"""Small-group protection: which perspectives a breakdown may show apart."""

from __future__ import annotations

import pytest

from codesign_widgets.core.errors import InvalidInput
from codesign_widgets.core.small_groups import OTHER, merge_small_groups, merged_note
from codesign_widgets.core.templates import load_template

GROUPS = ("lived_experience", "provider", "system")


@pytest.mark.parametrize("per_group", [1, 2])
def test_with_one_or_two_people_per_perspective_nothing_is_shown_apart(per_group):
    plan = merge_small_groups(dict.fromkeys(GROUPS, per_group), 3)
    assert set(plan.values()) == {OTHER}
    note = merged_note(plan, {}, 3)
    assert note.startswith("Results are not shown by perspective")


def test_with_three_people_per_perspective_each_is_shown_apart():
    plan = merge_small_groups(dict.fromkeys(GROUPS, 3), 3)
    assert plan == {g: g for g in GROUPS}
    assert merged_note(plan, {}, 3) == ""


def test_one_small_group_is_never_left_alone_in_other():
    # Other perspectives with only the one system person would show that person: the
    # smallest big group joins them.
    plan = merge_small_groups({"lived_experience": 6, "provider": 3, "system": 1}, 3)
    assert plan == {"lived_experience": "lived_experience", "provider": OTHER, "system": OTHER}
    labels = {"provider": "Provider", "system": "System"}
    assert merged_note(plan, labels, 3).startswith("Provider and System are shown together")


def test_two_small_groups_big_enough_together_merge_alone():
    plan = merge_small_groups({"lived_experience": 6, "provider": 2, "system": 2}, 3)
    assert plan == {"lived_experience": "lived_experience", "provider": OTHER, "system": OTHER}


def test_a_group_nobody_is_in_is_left_as_it_is_and_one_shows_everything():
    assert merge_small_groups({"a": 4, "b": 0}, 3) == {"a": "a", "b": "b"}
    assert merge_small_groups({"a": 1, "b": 1}, 1) == {"a": "a", "b": "b"}


def test_the_plan_sets_the_smallest_group_and_a_bad_value_is_explained(tmp_path, monkeypatch):
    assert load_template("codesign_day").smallest_group == 3
    from codesign_widgets.core import templates

    source = (templates.data_path() / "templates" / "codesign_day.toml").read_text()
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "bad_groups.toml").write_text(
        source.replace("smallest_group = 3", "smallest_group = 0"), encoding="utf-8"
    )
    monkeypatch.setattr(templates, "data_path", lambda: tmp_path)
    templates.load_template.cache_clear()
    try:
        with pytest.raises(InvalidInput, match="smallest_group to 0; use a whole number from 1"):
            templates.load_template("bad_groups")
    finally:
        templates.load_template.cache_clear()
