from __future__ import annotations

import pytest

from codesign_widgets.studio import Studio


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'studio.db'}"


@pytest.fixture
def studio(db_url):
    s = Studio.open(db_url)
    yield s
    s.close()


@pytest.fixture
def created(studio):
    """A fresh workshop and its facilitator key."""
    return studio.workshops.create("Foot care <b>pathway</b>", "codesign_day")


@pytest.fixture
def workshop(created):
    return created[0]


@pytest.fixture
def ann(studio, workshop):
    participant, _token = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    return participant


@pytest.fixture(scope="session")
def played_demo(tmp_path_factory):
    """The demo workshop after the day (every activity has data), in a file of its own:
    ``path``, ``url`` and ``code``. Read it only: it is shared by the whole session."""
    from codesign_widgets.cli.demo import create_demo
    from codesign_widgets.cli.demo_played import play_demo

    path = tmp_path_factory.mktemp("played") / "studio.db"
    s = Studio.open(f"sqlite:///{path}")
    code, _key = create_demo(s)
    play_demo(s, code)
    s.close()
    return {"path": path, "url": f"sqlite:///{path}", "code": code}


@pytest.fixture(scope="session")
def demo_report(played_demo, tmp_path_factory):
    """The played demo's report, built once (nbconvert runs a kernel: tens of seconds):
    ``path`` of the HTML file and the ``progress`` steps reported while building it."""
    from codesign_widgets.analysis.report import build_report

    steps = []
    path = build_report(
        played_demo["url"],
        played_demo["code"],
        tmp_path_factory.mktemp("report") / "report.html",
        progress=lambda step, total, what: steps.append((step, total, what)),
    )
    return {"path": path, "progress": steps}
