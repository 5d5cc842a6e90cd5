"""Live redraws at workshop size: what a watching kernel holds while the wall fills up.

A phone watches the open goal stage while 30 other people (a second connection to the same
file, as their kernels would be) add shared cards; every card reaches the phone and the
projector's goal hub through the live feed. Printed at each size:

- ``phone widgets`` / ``hub widgets``: widgets (each one a comm the page holds too) the
  watching phone's page and the projector's page hold;
- ``open``: every widget still open in this process (phone and hub together: a leak shows
  here even when a page no longer holds the leaked widgets);
- ``fresh phone``: the baseline, widgets of a phone page built from nothing at that size (what
  a reload costs): a page that keeps its widgets stays at this;
- ``phone redraw ms`` / ``hub redraw ms``: median CPU time of the last 10 redraws (the
  phone's full redraw, as after its own card: the baseline);
- ``phone live ms``: the same phone's redraw for another person's card (its wall held, newer
  cards counted on "Show new cards"): what each phone in the room pays per card;
- ``msgs full`` / ``msgs live``: widget messages the phone's kernel sends its page per card,
  median of the last 10, for the full redraw (the baseline) and the live one;
- ``RSS MB``: this process's resident memory.

Usage::

    python benchmarks/bench_redraw.py [--sizes 20 60 120 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.widget_messages

from ipywidgets.widgets import widget as registry

from codesign_widgets.core.workshop import StageState
from codesign_widgets.goals.hub import GoalHub
from codesign_widgets.live import Feed
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.studio import Studio
from codesign_widgets.ui.keyed import open_widget_count, widgets_in
from tests.widget_messages import SentMessages

STAGE = "goals"


def phone(studio: Studio, code: str, feed: Feed | None, name: str) -> ParticipantApp:
    app = ParticipantApp(studio, code=code, feed=feed)
    app.join_form.name_input.value = name
    app.join_form.perspective_input.value = "lived_experience"
    app.join_form.consent_input.value = True
    app.join_form.join_button.click()
    return app


def timed(call) -> float:
    """Milliseconds of this process's CPU (not wall time: other work on a shared laptop would
    count in that)."""
    start = time.process_time()
    call()
    return (time.process_time() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 60, 120, 200])
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'studio.db'}"
    studio = Studio.open(url)
    workshop, _key = studio.workshops.create("Redraws", "codesign_day")
    studio.workshops.set_current_stage(workshop.id, STAGE)
    studio.workshops.set_stage_state(workshop.id, STAGE, StageState.OPEN)
    others = Studio.open(url)
    people = [
        others.people.join(workshop.id, f"P{i}", ("provider", "system")[i % 2], True)[0]
        for i in range(30)
    ]
    hub = GoalHub(studio, studio.workshops.state(workshop.id))  # redrawn by hand, timed
    app = phone(studio, workshop.code, None, "Ann")
    panel = app.stage_view.panel
    print(
        f"{'cards':>6} {'phone widgets':>14} {'fresh phone':>12} {'hub widgets':>12} "
        f"{'open':>6} {'phone redraw ms':>16} {'phone live ms':>14} {'hub redraw ms':>14} "
        f"{'msgs full':>10} {'msgs live':>10} {'RSS MB':>7}"
    )
    written, phone_ms, live_ms, hub_ms, full_msgs, live_msgs = 0, [], [], [], [], []
    for size in args.sizes:
        while written < size:
            others.goals.cards.add_goal_card(
                people[written % 30],
                STAGE,
                {"what_matters": f"m{written}", "goal": f"g{written}", "visibility": "shared",
                 "services": ["GP"], "theme": ("Rest", "Money", "")[written % 3]},
            )  # fmt: skip
            written += 1
            with SentMessages() as live:
                live_ms.append(timed(lambda: panel.refresh({"entries"}, hold=True)))
            with SentMessages() as full:
                phone_ms.append(timed(lambda: panel.refresh({"entries"})))
            live_msgs.append(live.count)
            full_msgs.append(full.count)
            hub_ms.append(timed(lambda: hub.refresh({"entries"})))
        open_now = open_widget_count()
        before = set(registry._instances)
        fresh_app = phone(studio, workshop.code, None, f"Fresh {size}")
        fresh = len(widgets_in(fresh_app))
        fresh_app.stage_view.drop_panel()
        for model_id in set(registry._instances) - before:  # all the fresh page made
            registry._instances[model_id].close()
        print(
            f"{size:>6} {len(widgets_in(app)):>14} {fresh:>12} {len(widgets_in(hub)):>12} "
            f"{open_now:>6} {statistics.median(phone_ms[-10:]):>16.1f} "
            f"{statistics.median(live_ms[-10:]):>14.1f} "
            f"{statistics.median(hub_ms[-10:]):>14.1f} "
            f"{statistics.median(full_msgs[-10:]):>10.0f} "
            f"{statistics.median(live_msgs[-10:]):>10.0f} "
            f"{psutil.Process().memory_info().rss / 1e6:>7.0f}"
        )
    others.close()
    studio.close()


if __name__ == "__main__":
    main()
