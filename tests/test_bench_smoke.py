"""scripts/bench.py measures what it says; correctness only, never timing."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

import pictograph

if TYPE_CHECKING:
    from tests.conftest import LiveServer

BENCH = Path(__file__).resolve().parent.parent / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module
    spec.loader.exec_module(module)
    return module


def test_per_call_section_measures_every_contender(bench: ModuleType) -> None:
    """Section 1 on a few calls: six rows, each a positive time, two with targets."""
    mode = bench.Mode("smoke", 3, 1, 10, 20, 1, 1, 1, 5, 1, 0.2, 1)

    rows = bench.bench_per_call(mode)

    assert len(rows) == 6
    assert all(row.value > 0 for row in rows)
    assert [row.passed is None for row in rows].count(False) == 2
    assert "pictograph" in bench.table(rows)


def test_mock_transport_serves_an_80_class_project(bench: ModuleType) -> None:
    """The mocked response is the project the SDK reads, with its 80 classes."""
    transport = bench.mock_transport("road-signs", 80)
    with pictograph.Client(
        "pk_test_x", base_url=bench.MOCK_URL, transport=transport
    ) as client:
        project = client.projects.get("road-signs")

    assert project.name == "road-signs"
    assert len(project.classes) == 80


def test_seeded_rows_read_back_as_projects(bench: ModuleType, tmp_path: Path) -> None:
    """Projects seeded straight into SQLite are what the server would store."""
    from pictograph_server import admin
    from pictograph_server.projects import list_projects, project_bytes
    from pictograph_server.storage import connect

    db = tmp_path / "bench.db"
    admin.create_key(db, "smoke")
    bench.seed_projects(db, "smoke", bench.project_names(3), 2)
    conn = connect(db)
    try:
        rows = list_projects(conn, 1, 0, 10).fetchall()
        documents = [json.loads(project_bytes(row)) for row in rows]
    finally:
        conn.close()

    assert [d["name"] for d in documents] == bench.project_names(3)
    assert all(len(d["project_config"]["classes"]) == 2 for d in documents)


def test_prefetch_rows_walk_every_project_both_ways(
    bench: ModuleType, live_server: LiveServer, api_key: str
) -> None:
    """The prefetch comparison iterates the whole organisation, with and without."""
    with pictograph.Client(api_key, base_url=live_server.url) as client:
        for n in range(3):
            client.projects.create(f"bench-{n}")
    mode = bench.Mode("smoke", 1, 1, 3, 3, 1, 1, 1, 1, 1, 0.1, 1)

    plain, ahead = bench.prefetch_rows(live_server.url, api_key, 3, mode)

    assert (plain.value > 0, ahead.value > 0) == (True, True)
    assert ahead.ratio == pytest.approx(ahead.value / plain.value)
    assert "prefetch=True" in ahead.case
