"""The messages a participant's browser can send to its kernel, for crafted-message tests.

A crafted page can set any synced trait (``method: update``) and fire any button's click
(``method: custom``), disabled, hidden or not; these helpers send exactly those messages
through the widget's own handler, as the kernel would receive them.
"""

from __future__ import annotations


def send_update(widget, **state) -> None:
    """What the front end sends when a value changes (``method: update``)."""
    widget._handle_msg(
        {
            "content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
            "buffers": [],
        }
    )


def send_click(button) -> None:
    """What the front end sends for a click, whether the button shows as disabled or not."""
    button._handle_msg(
        {"content": {"data": {"method": "custom", "content": {"event": "click"}}}, "buffers": []}
    )


def widget_tree(root):
    """Every widget reachable from ``root``: what its browser can ask the kernel for."""
    from ipywidgets import Widget

    seen, todo, found = set(), [root], []
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        found.append(w)
        for name in w.keys:
            value = getattr(w, name, None)
            values = value if isinstance(value, list | tuple) else [value]
            todo.extend(v for v in values if isinstance(v, Widget))
    return found
