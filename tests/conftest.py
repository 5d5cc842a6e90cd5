from __future__ import annotations

import pytest

from codesign_widgets.store import Store


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'studio.db'}"


@pytest.fixture
def store(db_url):
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def created(store):
    """A fresh workshop and its facilitator key."""
    return store.create_workshop("Foot care <b>pathway</b>", "codesign_day")


@pytest.fixture
def workshop(created):
    return created[0]


@pytest.fixture
def ann(store, workshop):
    participant, _token = store.join(workshop.id, "Ann", "lived_experience", True)
    return participant
