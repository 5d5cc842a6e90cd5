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


class SentMessages:
    """Counts the widget messages this kernel sends to its page (opens, updates, closes)
    while in a ``with`` block: what a phone on venue Wi-Fi has to receive and draw.

    >>> import ipywidgets as widgets
    >>> label = widgets.Label("Will")
    >>> with SentMessages() as sent:
    ...     label.value = "Will, again"
    ...     label.value = "Will, again"  # an equal value sends nothing
    >>> sent.count
    1
    """

    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self.targets: list[str] = []  # the comm (widget model) id of each message
        self.sent: list[tuple[str, str, list[str]]] = []  # (id, message type, traits)

    def __enter__(self) -> SentMessages:
        import json

        from ipywidgets import Label

        probe = Label()  # the comm class widgets get here (outside a kernel: comm's dummy)
        self._class = type(probe.comm)
        for part in (probe.layout, probe.style, probe):  # a Label makes three widgets
            part.close()
        self._original = self._class.publish_msg

        def publish(comm_self, msg_type, data=None, metadata=None, buffers=None, **keys):
            self.count += 1
            self.targets.append(comm_self.comm_id)
            self.sent.append((comm_self.comm_id, msg_type, sorted((data or {}).get("state", {}))))
            self.bytes += len(json.dumps(data or {}, default=str))
            return self._original(comm_self, msg_type, data, metadata, buffers, **keys)

        self._class.publish_msg = publish
        return self

    def __exit__(self, *exc) -> None:
        self._class.publish_msg = self._original
