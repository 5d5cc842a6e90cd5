from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def states(tmp_path_factory):
    """One workshop file holding a workshop in each state of :data:`tests.analysis.states.STATES`:
    ``path`` of the file and ``codes`` by state. Read it only: the whole session shares it."""
    from tests.analysis.states import build_states

    path = tmp_path_factory.mktemp("states") / "studio.db"
    return {"path": path, "codes": build_states(path)}
