"""Lists that update in place: rows are kept by key, updated through their traits, and a
row that went away is closed only after it left the page and a grace period passed."""

from __future__ import annotations

import asyncio
import math

import ipywidgets as widgets
import pytest

from codesign_widgets.ui.common import replace_children
from codesign_widgets.ui.keyed import (
    KeyedList,
    close_later,
    close_retired,
    close_tree,
    open_widget_count,
)


def row_list(box=None, close_after=5.0):
    box = box if box is not None else widgets.VBox()
    made, updated = [], []

    def make(key, value):
        made.append(key)
        return widgets.HBox([widgets.HTML(value), widgets.Button(description=f"Withdraw {key}")])

    def update(row, value):
        updated.append(value)
        row.children[0].value = value

    rows = KeyedList(
        box, make, update, header=[widgets.HTML("Your lines")], close_after=close_after
    )
    return box, rows, made, updated


def test_a_redraw_with_the_same_items_makes_and_closes_nothing():
    box, rows, made, updated = row_list()
    rows.show([(1, "tea"), (2, "bus"), (3, "Will")])
    before, children = open_widget_count(), box.children
    rows.show([(1, "tea"), (2, "bus"), (3, "Will")])
    assert open_widget_count() == before
    assert box.children == children
    assert made == [1, 2, 3]
    assert updated == []
    assert all(w.comm is not None for w in children)


def test_a_changed_item_keeps_its_widget_and_changes_only_its_text():
    box, rows, made, updated = row_list()
    rows.show([(1, "tea"), (2, "bus")])
    first = box.children[1]
    model_id = first.model_id
    rows.show([(1, "tea, no sugar"), (2, "bus")])
    assert box.children[1] is first
    assert first.model_id == model_id
    assert first.children[0].value == "tea, no sugar"
    assert updated == ["tea, no sugar"]
    assert made == [1, 2]


def test_new_items_are_added_in_order_and_the_order_follows_the_data():
    box, rows, made, _updated = row_list()
    rows.show([(1, "a"), (2, "b")])
    one, two = box.children[1:]
    rows.show([(3, "c"), (2, "b"), (1, "a")])
    assert box.children[2:] == (two, one)
    assert [r.children[0].value for r in box.children[1:]] == ["c", "b", "a"]
    assert made == [1, 2, 3]


def test_a_removed_row_leaves_the_page_at_once_and_is_closed_only_later():
    async def main():
        box, rows, _made, _updated = row_list(close_after=0.2)
        rows.show([(1, "$5 or $10"), (2, "نمی‌خواهم")])
        gone = box.children[1]
        rows.show([(2, "نمی‌خواهم")])
        assert gone not in box.children
        # A tap on its way still finds the button: nothing of the row is closed yet.
        assert all(w.comm is not None for w in (gone, *gone.children, gone.layout))
        await asyncio.sleep(0.4)
        return gone

    gone = asyncio.run(main())
    button = gone.children[1]
    assert gone.comm is None
    assert button.comm is None
    assert button.layout.comm is None
    assert button.style.comm is None


def test_without_an_event_loop_retired_rows_are_closed_at_once():
    box, rows, _made, _updated = row_list()
    rows.show([(1, "a"), (2, "b")])
    gone = box.children[1]
    rows.show([(2, "b")])
    assert gone.comm is None
    assert gone.children[0].layout.comm is None


def test_close_tree_keeps_what_is_asked_and_counts_every_part():
    kept = widgets.Text(description="Your line")
    box = widgets.VBox([widgets.HTML("x"), kept])
    assert close_tree(box, keep=[kept]) == 5  # box + layout, HTML + layout + style
    assert kept.comm is not None
    assert kept.layout.comm is not None


def test_replace_children_keeps_the_new_rows_open_and_closes_the_old_later():
    async def main():
        shared = widgets.HTML("kept")
        old = widgets.HBox([shared, widgets.Button(description="old")])
        box = widgets.VBox([old])
        replace_children(box, [shared])
        assert old.comm is not None
        await asyncio.sleep(0)
        return old, shared

    old, shared = asyncio.run(main())
    assert close_retired(now=math.inf) >= 1
    assert old.comm is None
    assert shared.comm is not None


def test_the_footer_belongs_to_the_caller_and_stays_open():
    box, rows, _made, _updated = row_list()
    more = widgets.Button(description="Show earlier cards")
    rows.show([(1, "a")])
    rows.set_footer([more])
    assert box.children[-1] is more
    rows.set_footer([])
    assert more not in box.children
    assert more.comm is not None


@pytest.mark.parametrize("count", [200])
def test_a_list_redrawn_after_every_new_item_stays_at_its_size(count):
    """A phone's list of the newest 20, redrawn after each of 200 new items."""
    box, rows, _made, _updated = row_list()
    items = []
    rows.show(items)
    for i in range(20):
        items.append((i, f"item {i}"))
        rows.show(items[-20:])
    full = open_widget_count()
    for i in range(20, count):
        items.append((i, f"item {i}"))
        rows.show(items[-20:])
    assert open_widget_count() <= full * 1.1
    assert len(box.children) == 21


def test_close_later_with_nothing_does_nothing():
    close_later([])
