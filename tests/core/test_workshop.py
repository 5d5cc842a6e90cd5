"""Domain rules: codes, keys, text cleaning, stage states, templates."""

from __future__ import annotations

import pytest

from codesign_widgets.core.errors import InvalidInput, NotFound
from codesign_widgets.core.templates import ACTIVITIES, list_templates, load_template
from codesign_widgets.core.workshop import (
    JOIN_CODE_ALPHABET,
    StageState,
    clean_text,
    hash_key,
    new_join_code,
    normalise_join_code,
    verify_key,
)
from tests.hostile import AS_TYPED


def test_join_codes_avoid_look_alike_characters():
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(JOIN_CODE_ALPHABET)


@pytest.mark.parametrize(("typed", "code"), [(" kp7-qxa ", "KP7QXA"), ("KP7 QXA", "KP7QXA")])
def test_typed_codes_are_normalised(typed, code):
    assert normalise_join_code(typed) == code


def test_facilitator_key_is_stored_hashed_and_checked():
    stored = hash_key("s3cret")
    assert "s3cret" not in stored
    assert verify_key("s3cret", stored)
    assert not verify_key("s3cret ", stored)
    assert not verify_key("", stored)
    assert not verify_key("s3cret", "garbage")
    assert hash_key("s3cret") != stored  # salted


def test_clean_text_drops_controls_and_bidi_overrides_but_keeps_languages_and_emoji():
    raw = "  مرحبا \u202eevil\u202c 👩\u200d👧 zero\u200bwidth\x00 "
    cleaned = clean_text(raw, what="Your line", max_length=100)
    assert cleaned == "مرحبا evil 👩\u200d👧 zerowidth"


@pytest.mark.parametrize("text", AS_TYPED)
def test_clean_text_keeps_everyday_text_exactly_as_typed(text):
    assert clean_text(text, what="Your line", max_length=200) == text


def test_clean_text_drops_what_hides_or_reorders_text():
    hiding = "a\u202ab\u2066c\u2069d\u200be\u2060f\ufeffg\U000e0041h\x1bi"
    assert clean_text(hiding, what="Your line", max_length=40) == "abcdefghi"
    # A tag character is kept only inside a flag's tag sequence, not on its own.
    assert clean_text("\U0001f3f4\U000e0067\U000e007f x\U000e0067", what="L", max_length=9) == (
        "\U0001f3f4\U000e0067\U000e007f x"
    )


def test_clean_text_refuses_too_long_and_empty_with_a_sentence():
    with pytest.raises(InvalidInput, match=r"too long \(41 characters\).* at most 40 characters"):
        clean_text("x" * 41, what="Your name", max_length=40)
    assert clean_text("x" * 40, what="Your name", max_length=40) == "x" * 40
    with pytest.raises(InvalidInput, match="too long"):
        clean_text("x" * 5_000_000, what="Your name", max_length=40)
    with pytest.raises(InvalidInput, match="empty"):
        clean_text("   ", what="Your line", max_length=40, required=True)
    assert clean_text(None, what="Your name", max_length=40) == ""
    with pytest.raises(InvalidInput, match="must be text"):
        clean_text(["a"], what="Your name", max_length=40)


def test_stage_states_have_plain_labels_and_one_word_each():
    assert {s.value for s in StageState} == {"not_started", "open", "locked", "revealed", "closed"}
    for state in StageState:
        assert state.label.startswith(state.word)
    assert StageState.NOT_STARTED.word != StageState.CLOSED.word


def test_every_shipped_template_loads_and_uses_known_activities():
    assert {"codesign_day", "care_planning"} <= set(list_templates())
    for key in list_templates():
        plan = load_template(key)
        assert plan.perspectives
        assert plan.stages
        assert {s.activity for s in plan.stages} <= set(ACTIVITIES)
        assert len({s.key for s in plan.stages}) == len(plan.stages)
        groups = {p.group for p in plan.perspectives}
        assert groups == {"lived_experience", "provider", "system"}
        for stage in plan.stages:
            assert stage.ask
            assert stage.prompt
            assert stage.minutes > 0


def test_unknown_template_and_stage_say_what_exists():
    with pytest.raises(NotFound, match="choose one of: .*codesign_day"):
        load_template("nope")
    with pytest.raises(NotFound, match="no stage 'nope'"):
        load_template("codesign_day").stage("nope")
    with pytest.raises(InvalidInput, match="choose one of the perspectives"):
        load_template("codesign_day").perspective("nope")
