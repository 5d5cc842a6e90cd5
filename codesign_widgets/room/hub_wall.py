"""The hub's room view of people and lines: who joined by perspective, the check-in wall
projected in the room, and moderation (hide or show an entry; hidden entries are kept).
"""

from __future__ import annotations

import ipywidgets as widgets

from ..core.safe_text import escaped
from ..ui.common import perspective_colour, replace_children, run_action
from ..ui.links import ACTIVITY_PAGES

__all__ = ["WallMixin"]


class WallMixin:
    """People, wall and moderation of :class:`~codesign_widgets.room.hub.FacilitatorHub`."""

    # -- actions -----------------------------------------------------------------------------
    def set_hidden(self, entry_id: int, hidden: bool) -> bool:
        """Hide an entry from the wall (it is kept, and can be shown again)."""
        ok = run_action(
            self.notice,
            self.studio.entries.set_hidden,
            self.workshop.id,
            entry_id,
            hidden,
            ok="Hidden from the wall (kept on record)." if hidden else "Shown on the wall again.",
        )
        self.refresh({"entries"})
        return bool(ok)

    # -- drawing -------------------------------------------------------------------------------
    def _draw_people(self, participants) -> None:
        parts = [escaped(f"{len(participants)} joined", "div", "codesign-count")]
        for index, perspective in enumerate(self.template.perspectives):
            names = [p.shown_name for p in participants if p.perspective == perspective.key]
            colour = perspective_colour(perspective.group, index)
            parts.append(
                f'<div class="codesign-perspective" style="border-left:8px solid {colour};'
                f'padding-left:8px">'
                + escaped(f"{perspective.label}: {len(names)}", "strong")
                + escaped(", ".join(names), "div")
                + "</div>"
            )
        self.people.value = "".join(parts)

    def _draw_wall(self) -> None:
        stage = self.workshop.current_stage
        all_entries = self.studio.entries.find(
            self.workshop.id, activity="checkin", include_hidden=True
        )
        groups = {p.key: (p.group, i) for i, p in enumerate(self.template.perspectives)}
        cards = []
        for entry in all_entries:
            if entry.hidden or entry.stage != stage:
                continue
            group, index = groups.get(entry.perspective, ("", 0))
            colour = perspective_colour(group, index)
            cards.append(
                escaped(
                    entry.body.get("text", ""),
                    "div",
                    "codesign-card",
                    f"border-left:8px solid {colour}",
                )
            )
        current = self.template.stage(stage)
        if current.activity != "checkin":
            page = ACTIVITY_PAGES.get(current.activity, ("", "the activity page"))[1]
            self.wall.value = escaped(
                f"Phones now show this stage's form. Project the {page} page "
                "(see Run the workshop, Activity pages) to show the group's work live.",
                "p",
            )
        else:
            self.wall.value = "".join(cards) or escaped("No lines yet.", "p")
        rows = []
        for entry in reversed(all_entries[-50:]):
            author = self._names.get(entry.author_id, entry.author_public_id)
            toggle = widgets.Button(
                description="Show" if entry.hidden else "Hide",
                icon="eye" if entry.hidden else "eye-slash",
                tooltip="Hidden entries are kept, never deleted",
            )
            toggle.on_click(lambda _b, e=entry: self.set_hidden(e.id, not e.hidden))
            label = widgets.HTML(
                escaped(
                    f"{'[hidden] ' if entry.hidden else ''}{author}: {entry.body.get('text', '')}"
                )
            )
            rows.append(widgets.HBox([toggle, label]))
        replace_children(
            self.moderation, rows or [widgets.HTML(escaped("Nothing to moderate yet."))]
        )
