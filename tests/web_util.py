"""What the Flask test-client tests of ``kcdocs serve`` share: an app in a private work folder,
its client, a private copy of the sample evidence, and waiting for a background run."""

from __future__ import annotations

import shutil
import time

import pytest

from kcdocs.web import WebSettings, create_app
from tests.conftest import REPO

SAMPLES = REPO / "samples"


@pytest.fixture
def app(tmp_path):
    app = create_app(WebSettings(work_dir=tmp_path / "web"))
    yield app
    app.extensions["kcdocs_tasks"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def evidence(tmp_path):
    """A private copy: review decisions are written next to the evidence."""
    return shutil.copytree(SAMPLES / "evidence", tmp_path / "佐证材料")


def wait(client, task: str, timeout: float = 180) -> dict:
    """The status of a background run once it is done; ``task`` is its id or its page's URL."""
    task_id = task.rstrip("/").split("/")[-1]
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = client.get(f"/t/{task_id}/status.json").get_json()
        if not status["busy"]:
            return status
        time.sleep(0.1)
    raise AssertionError("run did not finish")
