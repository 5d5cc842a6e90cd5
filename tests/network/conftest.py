"""Fixtures of the stakeholder-network tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def open_map(studio, workshop):
    """The workshop with its network stage open and current."""
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    studio.workshops.set_current_stage(workshop.id, "network")
    return studio.workshops.state(workshop.id)
