"""A 15 MB map uploads through the real facilitator page (10 MiB websocket messages) in pieces
with a progress bar and is previewed; a file over the limit is refused before it is sent."""

from __future__ import annotations

import pytest

from codesign_widgets.studio import Studio

pytestmark = pytest.mark.browser

MB = 1024 * 1024


def big_csv(path, size: int, rows: int):
    lines = "".join(f"Stakeholder {i},person,{'x' * 150}\n" for i in range(rows))
    data = ("Label,Type,Description\n" + lines).encode()
    path.write_bytes(data + b"\n" * (size - len(data)))  # blank lines: skipped on import
    return path


def test_a_fifteen_megabyte_map_uploads_in_pieces_and_a_bigger_one_is_stopped_first(
    browser, studio_server, demo_workshop, tmp_path
):
    studio = Studio.open(demo_workshop["db_url"], create=False)
    workshop = studio.workshops.by_code(demo_workshop["code"])
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    studio.workshops.set_current_stage(workshop.id, "network")
    studio.close()
    server = studio_server(demo_workshop["db_url"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    hub = context.new_page()
    hub.goto(server.facilitator_url(demo_workshop["code"], demo_workshop["key"],
                                    notebook="stakeholder_network.ipynb"))  # fmt: skip
    hub.get_by_text("8 stakeholders and 9 ties shown").wait_for(timeout=90_000)
    hub.get_by_role("tab", name="Open data").click()
    chooser = hub.get_by_label("Choose a map file (or Kumu's elements and connections CSVs)")
    chooser.wait_for(timeout=10_000)

    chooser.set_input_files(str(big_csv(tmp_path / "too-big.csv", 21 * MB, 10)))
    # Said before anything is sent; the page's kernel may still be busy drawing the map.
    hub.get_by_text("is more than the 20.0 MB a map can be; nothing was sent").wait_for(
        timeout=60_000
    )

    chooser.set_input_files(str(big_csv(tmp_path / "big.csv", 15 * MB, 4000)))
    hub.get_by_text("4,000 stakeholders, 0 ties from Kumu CSV").first.wait_for(timeout=120_000)
    assert hub.locator("progress").evaluate("p => p.value") == 1
    # The page kept its connection: the preview's import button answers.
    hub.get_by_role("button", name="Import 4,000 stakeholders and 0 ties").wait_for()
    context.close()
