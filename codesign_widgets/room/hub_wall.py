"""The hub's room view of people and lines: who joined by perspective, the check-in wall
projected in the room, and moderation (hide or show an entry; hide everything from one person
and show it again; hidden entries are kept).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets

from ..core.i18n import N_, translator
from ..core.safe_text import escaped, isolated_names
from ..core.templates import Template
from ..core.workshop import Participant
from ..ui.common import perspective_colour, run_action
from ..ui.keyed import KeyedList
from ..ui.links import ACTIVITY_PAGES
from ..ui.wiring import HubWiring

__all__ = ["RoomWall"]

#: After a person's name in the picker while everything of theirs is hidden.
HIDDEN_MARK = " - hidden"


class RoomWall:
    """People, wall and moderation of :class:`~codesign_widgets.room.hub.FacilitatorHub`.

    Built with the hub's ``wiring`` and the workshop's ``template``. Owns ``people`` and
    ``wall`` (projected) and ``moderation`` (on the controls tab); the hub lays them out.

    ``person_moderation`` (also on the controls tab) hides everything one person added in
    the workshop: lines, goal cards, stakeholders and ties, on every screen and in exports
    (marked hidden), and shows it again.

    Actions are methods: :meth:`set_hidden`, :meth:`hide_person`, :meth:`show_person`.
    """

    def __init__(self, wiring: HubWiring, template: Template) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id, self.template = wiring.workshop_id, template
        self.tr = translator(template.language)  # the projected parts: the plan's language
        self.counts = widgets.HTML()
        self.people = widgets.HTML()
        self.wall = widgets.HTML()
        self.moderation = widgets.VBox()
        self._nothing = widgets.HTML(escaped("Nothing to moderate yet."))
        self._rows = KeyedList(self.moderation, self._make_row, self._update_row)
        self._labels = {p.key: p.label for p in template.perspectives}
        self._build_person_moderation()

    def _build_person_moderation(self) -> None:
        """A person picker and the two buttons: hide everything from them, show it again."""
        self.person_picker = widgets.Dropdown(description="Person", options=[], value=None)
        self.hide_person_button = widgets.Button(
            description="Hide everything from this person",
            icon="eye-slash",
            button_style="warning",
            tooltip="Their lines, cards, stakeholders and ties leave every screen; all are kept",
        )
        self.hide_person_button.on_click(lambda _b: self.hide_person(self.person_picker.value))
        self.show_person_button = widgets.Button(
            description="Show their contributions again",
            icon="eye",
            tooltip="Undo: what 'Hide everything' hid comes back",
        )
        self.show_person_button.on_click(lambda _b: self.show_person(self.person_picker.value))
        for button in (self.hide_person_button, self.show_person_button):
            button.layout.width = "auto"
        self.person_moderation = widgets.VBox(
            [
                widgets.HTML(
                    escaped(
                        "One person flooding the wall? Hide everything they added in this "
                        "workshop at once. Nothing is deleted, and you can show it again.",
                        "p",
                    )
                ),
                self.person_picker,
                widgets.HBox([self.hide_person_button, self.show_person_button]),
            ]
        )

    # -- actions -----------------------------------------------------------------------------
    def set_hidden(self, entry_id: int, hidden: bool) -> bool:
        """Hide an entry from the wall (it is kept, and can be shown again)."""
        ok = run_action(
            self.notice,
            self.studio.entries.set_hidden,
            self.workshop_id,
            entry_id,
            hidden,
            ok="Hidden from the wall (kept on record)." if hidden else "Shown on the wall again.",
        )
        self.on_change({"entries"})
        return bool(ok)

    def hide_person(self, participant_id: int | None) -> bool:
        """Hide every line, card, stakeholder and tie of one person (all kept)."""
        return self._person_step(
            participant_id,
            self.studio.moderation.hide_everything,
            "Hid {n} of {name} from every screen (kept on record). 'Show their "
            "contributions again' undoes it.",
        )

    def show_person(self, participant_id: int | None) -> bool:
        """Undo :meth:`hide_person`: what it hid comes back on every screen."""
        return self._person_step(
            participant_id, self.studio.moderation.show_everything, "Showing {n} of {name} again."
        )

    def _person_step(self, participant_id: int | None, step, said: str) -> bool:
        name = self._person_name(participant_id)
        if name is None:
            return False
        counts = run_action(self.notice, step, self.workshop_id, participant_id)
        if counts:
            n = counts["entries"] + counts["network_items"]
            what = f"{n} contribution{'s' if n != 1 else ''}"
            self.notice.show(said.format(n=what, name=name), "ok")
        self.on_change({"participants", "entries"})
        return bool(counts)

    def _person_name(self, participant_id: int | None) -> str | None:
        """The picked person's name as listed, or None (and a notice) when nobody is picked."""
        names = {value: label for label, value in self.person_picker.options}
        if participant_id not in names:
            self.notice.show("Choose a person first: nobody is picked.", "error")
            return None
        return names[participant_id].removesuffix(HIDDEN_MARK)

    # -- drawing -------------------------------------------------------------------------------
    def show_people(self, participants: Sequence[Participant]) -> None:
        """How many joined by perspective (``counts``, beside the join code), and who
        (``people``, below the fold: each name isolated, so right-to-left names keep their
        place in the list)."""
        tr = self.tr
        joined = tr.ngettext("{n} joined", "{n} joined", len(participants))
        counts = [escaped(joined.format(n=len(participants)), "div", "codesign-count")]
        people = [escaped(tr.gettext("Who joined"), "h2")] if participants else []
        for index, perspective in enumerate(self.template.perspectives):
            names = [p.shown_name for p in participants if p.perspective == perspective.key]
            style = f"border-left:8px solid {perspective_colour(perspective.group, index)};"
            counts.append(
                escaped(
                    f"{perspective.label}: {len(names)}",
                    "div",
                    "codesign-perspective",
                    style + "padding-left:8px",
                )
            )
            if names:
                people.append(
                    f'<div class="codesign-perspective" style="{style}padding-left:8px">'
                    + escaped(perspective.label, "strong")
                    + f"<div>{isolated_names(names)}</div></div>"
                )
        self.counts.value = "".join(counts)
        self.people.value = "".join(people)
        self._show_person_picker(participants)

    def _show_person_picker(self, participants: Sequence[Participant]) -> None:
        """Everyone in the picker (a Dropdown shows labels as text), with their pseudonym in
        case two share a name, and whether they are hidden now; the pick is kept."""
        hidden = self.studio.moderation.hidden_people(self.workshop_id)
        options = [
            (f"{p.shown_name} ({p.public_id}){HIDDEN_MARK if p.id in hidden else ''}", p.id)
            for p in participants
        ]
        picked = self.person_picker.value
        if options != list(self.person_picker.options):
            self.person_picker.options = options
        ids = [value for _label, value in options]
        self.person_picker.value = picked if picked in ids else None

    def show_wall(self, stage_key: str, names: Mapping[int, str]) -> None:
        """The check-in lines of the room's current stage, and every line to moderate
        (``names``: participant id to the name shown)."""
        all_entries = self.studio.entries.find(
            self.workshop_id, activity="checkin", include_hidden=True
        )
        current = self.template.stage(stage_key)
        if current.activity != "checkin":
            _ = self.tr.gettext
            page = ACTIVITY_PAGES.get(current.activity, ("", N_("Activity pages")))[1]
            self.wall.value = escaped(
                _(
                    "Phones now show this stage's form. The group's work shows live on the "
                    "{page} page (facilitator: {tab}, {section})."
                ).format(page=_(page), tab="Run the workshop", section="Activity pages"),
                "p",
            )
        else:
            groups = {p.key: (p.group, i) for i, p in enumerate(self.template.perspectives)}
            lines = [
                self._line(e, *groups.get(e.perspective, ("", 0)))
                for e in all_entries
                if not e.hidden and e.stage == stage_key
            ]
            self.wall.value = (
                f'<div class="codesign-checkin-wall">{"".join(lines)}</div>'
                if lines
                else escaped(self.tr.gettext("No lines yet."), "p")
            )
        self._draw_moderation(all_entries, names)

    def _line(self, entry, group: str, index: int) -> str:
        """One check-in line, its perspective named as well as coloured; ``dir=auto`` sets
        a right-to-left line's direction from its own first letters."""
        colour = perspective_colour(group, index)
        label = self._labels.get(entry.perspective, "")
        return (
            f'<div class="codesign-card" style="border-left:8px solid {colour}">'
            + escaped(entry.body.get("text", ""), "div", dir="auto")
            + (escaped(label, "div", "codesign-card-by") if label else "")
            + "</div>"
        )

    def _draw_moderation(self, all_entries, names: Mapping[int, str]) -> None:
        items = [
            (
                entry.id,
                (
                    entry.hidden,
                    f"{'[hidden] ' if entry.hidden else ''}"
                    f"{names.get(entry.author_id, entry.author_public_id)}: "
                    f"{entry.body.get('text', '')}",
                ),
            )
            for entry in reversed(all_entries[-50:])
        ]
        self._rows.show(items)
        self._rows.set_footer([] if items else [self._nothing])

    def _make_row(self, entry_id: int, value: tuple[bool, str]) -> widgets.Widget:
        toggle = widgets.Button(tooltip="Hidden entries are kept, never deleted")
        toggle.on_click(lambda _b: self._toggle(entry_id))
        row = widgets.HBox([toggle, widgets.HTML()])
        self._update_row(row, value)
        return row

    def _toggle(self, entry_id: int) -> None:
        """The row is kept across redraws: a click acts on the entry as last shown (a row
        just taken off the list does nothing)."""
        if entry_id in self._rows.values:
            self.set_hidden(entry_id, not self._rows.values[entry_id][0])

    @staticmethod
    def _update_row(row: widgets.HBox, value: tuple[bool, str]) -> None:
        hidden, text = value
        toggle, label = row.children
        toggle.description = "Show" if hidden else "Hide"
        toggle.icon = "eye" if hidden else "eye-slash"
        label.value = escaped(text)
