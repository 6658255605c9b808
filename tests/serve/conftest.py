"""The classroom's shared fixtures: a room on Birlestik-2024 (seed 2024, English) and a test client around it
whose server loop does not run (each test steps the run itself)."""

from __future__ import annotations

import pytest

from tests.conftest import REPO

BIRLESTIK = REPO / "scenarios" / "birlestik_2024.yaml"


@pytest.fixture
def room(tmp_path):
    pytest.importorskip("starlette")
    from sim.check import load_scenario
    from sim.serve.server import open_room

    loaded = load_scenario(BIRLESTIK)
    return open_room(loaded.scenario, 2024, tmp_path / "play", speed=600.0, lang="en")


@pytest.fixture
def client(room):
    from starlette.testclient import TestClient

    from sim.serve.app import create_app

    with TestClient(create_app(room, "en", run=False)) as c:
        yield c
