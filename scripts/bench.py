"""What the SDK costs over raw httpx and the generated layer, and how it scales.

Every figure that has a target is a ratio of contenders measured side by side
in this run, their repeats interleaved so that a noisy neighbour slows both,
and each time is the median of its repeats. Run through ``scripts/bench``:

    scripts/bench --quick            # under a minute, smaller counts
    scripts/bench --json out.json    # full mode, a few minutes

Sections (``--only 1,5`` runs some): 1 per-call ``get`` over
``httpx.MockTransport``; 2 ``iter`` against the reference server, with peak
memory; 3 ``create``/``update`` of 5,000 classes; 4 ``AsyncClient``
concurrency; 5 the reference server alone, loaded from a second process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

import pictograph
from pictograph import ProjectClass
from pictograph._rules import DEFAULT_ANNOTATION_TYPES, name_key
from pictograph_api import AuthenticatedClient
from pictograph_api.api.projects import get_project
from pictograph_server import admin
from pictograph_server.storage import connect, utc_now

ROOT = Path(__file__).resolve().parent.parent
API_BASE = "/api/v1/developer"
MOCK_URL = "http://127.0.0.1:9"
MB = 1024 * 1024

# The targets.
MAX_SDK_OVER_GENERATED = 1.25
MIN_ITER_OVER_RAW = 0.85
MAX_MEMORY_GROWTH = 10 * MB
MAX_VALIDATE_MS = 50.0
MIN_ASYNC_SPEEDUP = 3.0
MIN_SERVER_GETS = 3000.0

# Section 4: the round trip of the "distant" server, about a nearby cloud region.
LATENCY_MS = 20
WARM_UP = 10  # section 4: gets per contender before the measured runs
# Section 2: over loopback, each contender walks at least this many projects.
MIN_LOOPBACK_ITEMS = 30_000
# Section 2, prefetch: what the loop does with each project, and the page size.
WORK_MS = 0.2
PREFETCH_PAGE = 100


@dataclass(frozen=True)
class Mode:
    """How much each section measures."""

    name: str
    calls: int  # section 1: calls per repeat
    call_repeats: int
    small: int  # section 2: projects in the two organisations
    large: int
    iter_repeats: int
    write_repeats: int  # section 3
    trip_repeats: int
    gets: int  # section 4
    gets_repeats: int
    load_seconds: float  # section 5, per round
    load_rounds: int


QUICK = Mode("quick", 200, 5, 1_000, 10_000, 3, 5, 3, 200, 2, 1.5, 3)
FULL = Mode("full", 2_000, 15, 10_000, 100_000, 3, 15, 5, 200, 10, 5.0, 3)


@dataclass
class Row:
    """One line of the table: a measured value, and its ratio against a target."""

    section: str
    case: str
    value: float
    unit: str
    ratio: float | None = None
    ratio_of: str = ""
    target: str = ""
    passed: bool | None = None


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def interleaved(
    contenders: dict[str, Callable[[], float]], repeats: int
) -> dict[str, float]:
    """The median seconds of each contender, their repeats taken in turns.

    Each contender returns the seconds its measured part took. The order
    alternates every round so that neither always runs first.
    """
    times: dict[str, list[float]] = {name: [] for name in contenders}
    items = list(contenders.items())
    for repeat in range(repeats):
        for name, run in items if repeat % 2 == 0 else reversed(items):
            gc.collect()
            times[name].append(run())
    return {name: median(values) for name, values in times.items()}


def timed(function: Callable[[], object]) -> Callable[[], float]:
    def run() -> float:
        started = time.perf_counter()
        function()
        return time.perf_counter() - started

    return run


def timed_async(
    loop: asyncio.AbstractEventLoop, function: Callable[[], Awaitable[object]]
) -> Callable[[], float]:
    async def measure() -> float:
        started = time.perf_counter()
        await function()
        return time.perf_counter() - started

    return lambda: loop.run_until_complete(measure())


# --- Test data ---------------------------------------------------------------


def palette_colour(index: int) -> str:
    return f"#{(index * 2654435761) % 0xFFFFFF:06x}"


def class_list(count: int, *, shift: int = 0) -> list[ProjectClass]:
    types = ("bbox", "polygon")
    return [
        ProjectClass(f"class-{i:04d}", types[i % 2], palette_colour(i + shift))
        for i in range(count)
    ]


def project_document(name: str, classes: int) -> dict[str, Any]:
    """A project as the server returns it (the spec's ``Project``)."""
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "description": "Benchmark project",
        "project_config": {
            "annotation_types": ["bbox", "polygon"],
            "classes": [
                {"name": c.name, "type": c.type, "color": c.color}
                for c in class_list(classes)
            ],
        },
        "image_count": 1200,
        "annotation_count": 48000,
        "version": 3,
        "created_at": "2025-01-02T03:04:05.678Z",
        "updated_at": "2025-01-03T03:04:05.678Z",
    }


# --- Section 1: per-call cost over MockTransport -----------------------------


def mock_transport(name: str, classes: int) -> httpx.MockTransport:
    body = json.dumps({"data": project_document(name, classes)}).encode()
    headers = {"Content-Type": "application/json", "ETag": '"3"'}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=headers)

    return httpx.MockTransport(handler)


def generated_client(key: str) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=MOCK_URL, token=key, prefix="", auth_header_name="X-API-Key"
    )


def bench_per_call(mode: Mode) -> list[Row]:
    key = "pk_test_" + "x" * 43
    name = "road-signs"
    path = f"{API_BASE}/projects/{name}"
    transport = mock_transport(name, 80)
    n = mode.calls

    raw = httpx.Client(base_url=MOCK_URL, transport=transport)
    raw.headers["X-API-Key"] = key
    generated = generated_client(key).set_httpx_client(
        httpx.Client(base_url=MOCK_URL, transport=transport, headers={"X-API-Key": key})
    )
    sdk = pictograph.Client(key, base_url=MOCK_URL, transport=transport)

    def raw_calls() -> None:
        for _ in range(n):
            response = raw.get(path)
            response.raise_for_status()
            json.loads(response.content)

    def generated_calls() -> None:
        for _ in range(n):
            get_project.sync_detailed(name, client=generated)

    def sdk_calls() -> None:
        for _ in range(n):
            sdk.projects.get(name)

    loop = asyncio.new_event_loop()
    araw = httpx.AsyncClient(base_url=MOCK_URL, transport=transport)
    araw.headers["X-API-Key"] = key
    agenerated = generated_client(key).set_async_httpx_client(
        httpx.AsyncClient(
            base_url=MOCK_URL, transport=transport, headers={"X-API-Key": key}
        )
    )
    asdk = pictograph.AsyncClient(key, base_url=MOCK_URL, transport=transport)

    async def araw_calls() -> None:
        for _ in range(n):
            response = await araw.get(path)
            response.raise_for_status()
            json.loads(response.content)

    async def agenerated_calls() -> None:
        for _ in range(n):
            await get_project.asyncio_detailed(name, client=agenerated)

    async def asdk_calls() -> None:
        for _ in range(n):
            await asdk.projects.get(name)

    # One call each first: imports, pools and caches warmed outside the clock.
    for warm in (raw_calls, generated_calls, sdk_calls):
        warm()
    for awarm in (araw_calls, agenerated_calls, asdk_calls):
        loop.run_until_complete(awarm())
    medians = interleaved(
        {
            "raw": timed(raw_calls),
            "generated": timed(generated_calls),
            "sdk": timed(sdk_calls),
            "araw": timed_async(loop, araw_calls),
            "agenerated": timed_async(loop, agenerated_calls),
            "asdk": timed_async(loop, asdk_calls),
        },
        mode.call_repeats,
    )
    sdk.close()
    raw.close()
    loop.run_until_complete(asdk.aclose())
    loop.run_until_complete(araw.aclose())
    loop.close()

    us = {name: seconds / n * 1e6 for name, seconds in medians.items()}
    section = "1 get, 80 classes, MockTransport"
    rows = []
    for prefix, flavour in (("", "sync"), ("a", "async")):
        raw_us, gen_us, sdk_us = (us[prefix + k] for k in ("raw", "generated", "sdk"))
        ratio = sdk_us / gen_us
        rows += [
            Row(section, f"{flavour}: raw httpx + json.loads", raw_us, "µs/call"),
            Row(
                section,
                f"{flavour}: generated layer",
                gen_us,
                "µs/call",
                gen_us / raw_us,
                "x raw",
            ),
            Row(
                section,
                f"{flavour}: pictograph",
                sdk_us,
                "µs/call",
                ratio,
                "x generated",
                f"≤ {MAX_SDK_OVER_GENERATED}x generated",
                ratio <= MAX_SDK_OVER_GENERATED,
            ),
        ]
    return rows


# --- The reference server ----------------------------------------------------


@dataclass
class Server:
    """A ``pictograph-server serve`` subprocess on a free loopback port."""

    url: str
    db_path: Path
    process: subprocess.Popen[str]

    @property
    def api_url(self) -> str:
        return self.url + API_BASE

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_server(folder: Path, *options: str, log: str = "server") -> Server:
    """Start the server on the database in ``folder``; returns once it serves."""
    db_path = folder / "bench.db"
    command = [
        sys.executable,
        "-m",
        "pictograph_server",
        "serve",
        "--port",
        "0",
        "--db",
        str(db_path),
        "--blobs",
        str(folder / "blobs"),
        "--bootstrap-key-file",
        str(folder / "admin-key"),
        *options,
    ]
    log_path = folder / f"{log}.log"
    with log_path.open("w", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=log_file, text=True
        )
    assert process.stdout is not None
    first: list[str] = []
    stdout = process.stdout
    reader = threading.Thread(target=lambda: first.append(stdout.readline()))
    reader.daemon = True
    reader.start()
    reader.join(30)
    url = first[0].strip() if first else ""
    if not url.startswith("http://"):
        process.kill()
        process.wait()
        log_text = log_path.read_text(encoding="utf-8")
        raise RuntimeError(f"the server did not start: {url!r}\n{log_text}")
    return Server(url, db_path, process)


def seed_projects(db_path: Path, org: str, names: Sequence[str], classes: int) -> None:
    """Insert projects straight into the database, in one transaction."""
    conn = connect(db_path)
    try:
        org_id = conn.execute(
            "SELECT id FROM organisations WHERE name = ?", (org,)
        ).fetchone()["id"]
        now = utc_now()
        types = json.dumps(list(DEFAULT_ANNOTATION_TYPES))
        class_json = json.dumps(
            [
                {"name": c.name, "type": "bbox", "color": c.color}
                for c in class_list(classes)
            ]
        )
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO projects (id, org_id, name, name_key, description,"
            " annotation_types, classes, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (
                (
                    str(uuid.uuid4()),
                    org_id,
                    name,
                    name_key(name),
                    None,
                    types,
                    class_json,
                    now,
                    now,
                )
                for name in names
            ),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


@dataclass
class Fixture:
    """The seeded server and a key per organisation."""

    server: Server
    keys: dict[str, str]
    small: int
    large: int


@contextmanager
def seeded_server(mode: Mode) -> Iterator[Fixture]:
    """A server whose organisations ``small`` and ``large`` hold many projects."""
    with tempfile.TemporaryDirectory(prefix="pictograph-bench-") as tmp:
        folder = Path(tmp)
        db_path = folder / "bench.db"
        keys = {
            org: admin.create_key(db_path, org, "owner")
            for org in ("small", "large", "writes", "get")
        }
        seed_projects(db_path, "small", project_names(mode.small), 3)
        seed_projects(db_path, "large", project_names(mode.large), 3)
        seed_projects(db_path, "get", ["road-signs"], 80)
        server = start_server(folder)
        try:
            yield Fixture(server, keys, mode.small, mode.large)
        finally:
            server.stop()


def project_names(count: int) -> list[str]:
    return [f"project-{i:06d}" for i in range(count)]


# --- Section 2: iter over many projects --------------------------------------


def raw_iter(client: httpx.Client, page_size: int) -> Iterator[dict[str, Any]]:
    """The hand-written paging loop the SDK is compared with."""
    params: dict[str, Any] = {"limit": page_size}
    while True:
        response = client.get("/projects", params=params)
        response.raise_for_status()
        page = json.loads(response.content)
        yield from page["data"]
        if not page["pagination"]["has_more"]:
            return
        params = {"limit": page_size, "cursor": page["pagination"]["next_cursor"]}


def count_items(items: Iterator[object], expected: int) -> None:
    seen = sum(1 for _ in items)
    if seen != expected:
        raise RuntimeError(f"iterated {seen} items, expected {expected}")


def peak_memory(run: Callable[[], None]) -> int:
    """Bytes allocated at the peak of ``run`` over what was allocated before."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        run()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def iter_rows(
    section: str, url: str, key: str, count: int, size: int, repeats: int
) -> tuple[list[Row], int]:
    """The raw loop and ``iter`` side by side on one server and page size;
    also the peak memory of one more ``iter``, in bytes."""
    raw = httpx.Client(base_url=url + API_BASE, headers={"X-API-Key": key}, timeout=60)
    sdk = pictograph.Client(key, base_url=url, timeout=60)

    def raw_run() -> None:
        count_items(raw_iter(raw, size), count)

    def sdk_run() -> None:
        count_items(sdk.projects.iter(page_size=size), count)

    with raw, sdk:
        medians = interleaved({"raw": timed(raw_run), "sdk": timed(sdk_run)}, repeats)
        peak = peak_memory(sdk_run)
    raw_rate, sdk_rate = count / medians["raw"], count / medians["sdk"]
    ratio = sdk_rate / raw_rate
    rows = [
        Row(section, f"page {size}: raw httpx loop", raw_rate, "items/s"),
        Row(
            section,
            f"page {size}: pictograph iter",
            sdk_rate,
            "items/s",
            ratio,
            "x raw",
            f"≥ {MIN_ITER_OVER_RAW}x raw",
            ratio >= MIN_ITER_OVER_RAW,
        ),
    ]
    return rows, peak


def busy(seconds: float) -> None:
    """Python work that holds the GIL: the worst case for a worker thread."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def worked_on(items: Iterator[object]) -> Iterator[object]:
    """``items``, each after ``WORK_MS`` of work on it."""
    for item in items:
        busy(WORK_MS / 1000)
        yield item


def prefetch_rows(url: str, key: str, count: int, mode: Mode) -> list[Row]:
    """``iter`` with and without ``prefetch`` when the loop works on each
    project, so that there is something for the page fetched ahead to hide."""
    section = (
        f"2 iter {count:,} projects, {LATENCY_MS} ms latency, {WORK_MS} ms of work each"
    )
    sdk = pictograph.Client(key, base_url=url, timeout=60)

    def walk(prefetch: bool) -> None:
        projects = sdk.projects.iter(page_size=PREFETCH_PAGE, prefetch=prefetch)
        count_items(worked_on(projects), count)

    with sdk:
        medians = interleaved(
            {
                "plain": timed(lambda: walk(False)),
                "prefetch": timed(lambda: walk(True)),
            },
            mode.iter_repeats,
        )
    plain, ahead = count / medians["plain"], count / medians["prefetch"]
    return [
        Row(section, f"page {PREFETCH_PAGE}: pictograph iter", plain, "items/s"),
        Row(
            section,
            f"page {PREFETCH_PAGE}: iter(prefetch=True)",
            ahead,
            "items/s",
            ahead / plain,
            "x iter",
        ),
    ]


def bench_iter(mode: Mode, fixture: Fixture) -> list[Row]:
    """``iter`` against the raw loop over loopback at each count and page size,
    then at the smaller count against a server with ``LATENCY_MS`` per answer,
    where the network's wait, not reading the body, sets the pace."""
    counts = {"small": fixture.small, "large": fixture.large}
    rows: list[Row] = []
    peaks: dict[tuple[str, int], int] = {}
    for org, count in counts.items():
        for size in (100, 1000):
            # A walk of 1,000 projects over loopback takes some 20 ms, where
            # one hiccup of the machine moves a median of three: short walks
            # repeat more.
            found, peaks[org, size] = iter_rows(
                f"2 iter {count:,} projects",
                fixture.server.url,
                fixture.keys[org],
                count,
                size,
                max(mode.iter_repeats, MIN_LOOPBACK_ITEMS // count),
            )
            rows += found
    with distant_server(fixture) as distant:
        for size in (100, 1000):
            found, _ = iter_rows(
                f"2 iter {fixture.small:,} projects, {LATENCY_MS} ms latency",
                distant.url,
                fixture.keys["small"],
                fixture.small,
                size,
                mode.iter_repeats,
            )
            rows += found
        rows += prefetch_rows(distant.url, fixture.keys["small"], fixture.small, mode)

    section = "2 iter peak memory (tracemalloc)"
    small, large = fixture.small, fixture.large
    for size in (100, 1000):
        growth = peaks["large", size] - peaks["small", size]
        rows += [
            Row(
                section,
                f"page {size}: {small:,} projects",
                peaks["small", size] / MB,
                "MB",
            ),
            Row(
                section,
                f"page {size}: {large:,} projects",
                peaks["large", size] / MB,
                "MB",
            ),
            Row(
                section,
                f"page {size}: growth {small:,} → {large:,}",
                growth / MB,
                "MB",
                target=f"< {MAX_MEMORY_GROWTH // MB} MB",
                passed=growth < MAX_MEMORY_GROWTH,
            ),
        ]
    return rows


# --- Section 3: create and update with 5,000 classes -------------------------


class Unsent(Exception):
    """Raised by the offline transport once a request is built."""


def refuse(request: httpx.Request) -> httpx.Response:
    raise Unsent


def bench_writes(mode: Mode, fixture: Fixture) -> list[Row]:
    key = fixture.keys["writes"]
    client = pictograph.Client(key, base_url=fixture.server.url, timeout=120)
    classes = class_list(5000)
    recoloured = class_list(5000, shift=1)

    # Everything create() and update() do before the socket: the rules, the
    # wire model, the request and its JSON body; the transport then refuses.
    offline = pictograph.Client(
        key, base_url=MOCK_URL, transport=httpx.MockTransport(refuse), max_retries=0
    )

    def plan_create() -> None:
        with contextlib.suppress(Unsent):
            offline.projects.create(
                "bench-plan", annotation_types=["bbox", "polygon"], classes=classes
            )

    def plan_update() -> None:
        with contextlib.suppress(Unsent):
            offline.projects.update("bench-plan", classes=recoloured)

    plan_create()
    plan_update()
    planned = interleaved(
        {"create": timed(plan_create), "update": timed(plan_update)},
        mode.write_repeats,
    )

    names = iter(f"bench-{i}" for i in range(10_000))
    current: list[str] = []
    flip = [False]

    def create() -> None:
        name = next(names)
        client.projects.create(
            name, annotation_types=["bbox", "polygon"], classes=classes
        )
        current[:] = [name]

    def update() -> None:
        flip[0] = not flip[0]
        client.projects.update(current[0], classes=recoloured if flip[0] else classes)

    trips = interleaved(
        {"create": timed(create), "update": timed(update)}, mode.trip_repeats
    )
    client.close()
    offline.close()

    section = "3 5,000 classes"
    rows = []
    for verb in ("create", "update"):
        ms = planned[verb] * 1000
        trip = trips[verb] * 1000
        rows += [
            Row(
                section,
                f"{verb}: validate + serialise (client)",
                ms,
                "ms",
                target=f"< {MAX_VALIDATE_MS:g} ms",
                passed=ms < MAX_VALIDATE_MS,
            ),
            Row(section, f"{verb}: round trip", trip, "ms", ms / trip, "client share"),
        ]
    return rows


# --- Section 4: AsyncClient concurrency --------------------------------------


def sequential_and_concurrent(
    url: str, key: str, names: Sequence[str], repeats: int
) -> dict[str, float]:
    """Median seconds for the ``get`` of every name: ``Client`` one after the
    other, ``AsyncClient`` all at once, and the same pair in raw httpx."""
    api = url + API_BASE
    sync = pictograph.Client(key, base_url=url)
    raw = httpx.Client(base_url=api, headers={"X-API-Key": key})
    loop = asyncio.new_event_loop()
    client = pictograph.AsyncClient(key, base_url=url)
    araw = httpx.AsyncClient(base_url=api, headers={"X-API-Key": key})

    def sequential() -> None:
        for name in names:
            sync.projects.get(name)

    async def concurrent(names: Sequence[str] = names) -> None:
        await asyncio.gather(*(client.projects.get(name) for name in names))

    def raw_sequential() -> None:
        for name in names:
            raw.get(f"/projects/{name}").raise_for_status()

    async def raw_concurrent(names: Sequence[str] = names) -> None:
        responses = await asyncio.gather(*(araw.get(f"/projects/{n}") for n in names))
        for response in responses:
            response.raise_for_status()

    try:
        # Warm up the pools and the server's caches on a few names, not all:
        # 200 sequential gets at the distant server's latency take seconds.
        for name in names[:WARM_UP]:
            sync.projects.get(name)
            raw.get(f"/projects/{name}").raise_for_status()
        loop.run_until_complete(concurrent(names[:WARM_UP]))
        loop.run_until_complete(raw_concurrent(names[:WARM_UP]))
        return interleaved(
            {
                "sequential": timed(sequential),
                "concurrent": timed_async(loop, concurrent),
                "raw_sequential": timed(raw_sequential),
                "raw_concurrent": timed_async(loop, raw_concurrent),
            },
            repeats,
        )
    finally:
        sync.close()
        raw.close()
        loop.run_until_complete(client.aclose())
        loop.run_until_complete(araw.aclose())
        loop.close()


def bench_concurrency(mode: Mode, fixture: Fixture) -> list[Row]:
    """200 ``get``s twice: over plain loopback, where client and server share
    this machine's cores and there is no wait to overlap, and against a second
    server on the same database that answers after ``LATENCY_MS``, as a
    distant API does. The target applies to the second."""
    key = fixture.keys["small"]
    names = project_names(min(mode.gets, fixture.small))
    rows: list[Row] = []
    with distant_server(fixture) as distant:
        runs = {
            "loopback": sequential_and_concurrent(
                fixture.server.url, key, names, mode.gets_repeats
            ),
            f"{LATENCY_MS} ms latency": sequential_and_concurrent(
                distant.url, key, names, mode.gets_repeats
            ),
        }
    for where, medians in runs.items():
        section = f"4 {len(names)} gets, {where}"
        speedup = medians["sequential"] / medians["concurrent"]
        raw_speedup = medians["raw_sequential"] / medians["raw_concurrent"]
        target = where != "loopback"
        rows += [
            Row(
                section, "raw httpx, sequential", medians["raw_sequential"] * 1e3, "ms"
            ),
            Row(
                section,
                "raw httpx async, concurrent",
                medians["raw_concurrent"] * 1e3,
                "ms",
                raw_speedup,
                "x faster",
            ),
            Row(section, "Client, sequential", medians["sequential"] * 1e3, "ms"),
            Row(
                section,
                "AsyncClient, concurrent",
                medians["concurrent"] * 1e3,
                "ms",
                speedup,
                "x faster",
                f"≥ {MIN_ASYNC_SPEEDUP:g}x faster" if target else "",
                speedup >= MIN_ASYNC_SPEEDUP if target else None,
            ),
        ]
    return rows


@contextmanager
def distant_server(fixture: Fixture) -> Iterator[Server]:
    """A second server on the fixture's database, with ``--latency``."""
    server = start_server(
        fixture.server.db_path.parent, "--latency", str(LATENCY_MS), log="distant"
    )
    try:
        yield server
    finally:
        server.stop()


# --- Section 5: the server alone ---------------------------------------------


def load(url: str, path: str, key: str, seconds: float, connections: int) -> None:
    """The load process: keep-alive GETs on raw sockets, one in flight each.

    Prints ``{"requests": n, "seconds": s, "failed": f}``; counts only after a
    short warm-up.
    """
    host, port = url.removeprefix("http://").rsplit(":", 1)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nX-API-Key: {key}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()
    selector = selectors.DefaultSelector()
    buffers: dict[socket.socket, bytearray] = {}
    for _ in range(connections):
        sock = socket.create_connection((host, int(port)))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        buffers[sock] = bytearray()
        selector.register(sock, selectors.EVENT_READ)
        sock.sendall(request)

    warm_until = time.perf_counter() + min(0.5, seconds / 4)
    counting = False
    started = 0.0
    done = failed = 0
    while True:
        now = time.perf_counter()
        if not counting and now >= warm_until:
            counting, started, done, failed = True, now, 0, 0
        if counting and now - started >= seconds:
            break
        for event, _ in selector.select(timeout=1.0):
            ready = event.fileobj
            assert isinstance(ready, socket.socket)
            buffer = buffers[ready]
            chunk = ready.recv(262144)
            if not chunk:
                raise RuntimeError("the server closed a connection")
            buffer += chunk
            while (end := buffer.find(b"\r\n\r\n")) >= 0:
                head = bytes(buffer[:end]).lower()
                start = head.find(b"content-length:")
                length = (
                    int(head[start + 15 : head.find(b"\r\n", start)])
                    if start >= 0
                    else 0
                )
                if len(buffer) < end + 4 + length:
                    break
                done += 1
                failed += not head.startswith(b"http/1.1 200")
                del buffer[: end + 4 + length]
                ready.sendall(request)
    elapsed = time.perf_counter() - started
    for sock in buffers:
        sock.close()
    print(json.dumps({"requests": done, "seconds": elapsed, "failed": failed}))


def bench_server(mode: Mode, fixture: Fixture) -> list[Row]:
    path = f"{API_BASE}/projects/road-signs"
    rates = []
    for _ in range(mode.load_rounds):
        command = [
            sys.executable,
            __file__,
            "_load",
            fixture.server.url,
            path,
            fixture.keys["get"],
            str(mode.load_seconds),
            "8",
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True)
        result = json.loads(output.stdout)
        if result["failed"]:
            raise RuntimeError(f"{result['failed']} GETs failed under load")
        rates.append(result["requests"] / result["seconds"])
    rate = median(rates)
    return [
        Row(
            "5 server alone (1 worker)",
            "GET /projects/{name}, 80 classes, 8 connections",
            rate,
            "GET/s",
            rate / MIN_SERVER_GETS,
            "x target",
            f"≥ {MIN_SERVER_GETS:,.0f} GET/s",
            rate >= MIN_SERVER_GETS,
        )
    ]


# --- Output ------------------------------------------------------------------


def shown(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(rows: Sequence[Row]) -> str:
    header = ("section", "case", "value", "ratio", "target", "verdict")
    lines = [header]
    for row in rows:
        ratio = f"{row.ratio:.2f} {row.ratio_of}" if row.ratio is not None else ""
        verdict = "" if row.passed is None else ("PASS" if row.passed else "MISS")
        value = f"{shown(row.value)} {row.unit}"
        lines.append((row.section, row.case, value, ratio, row.target, verdict))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        cells = [
            cell.rjust(width) if column == 2 else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("| " + " | ".join(cells) + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def machine() -> dict[str, Any]:
    model = ""
    with Path("/proc/cpuinfo").open(encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "httpx": httpx.__version__,
    }


def main(argv: Sequence[str]) -> int:
    if argv and argv[0] == "_load":
        url, path, key, seconds, connections = argv[1:]
        load(url, path, key, float(seconds), int(connections))
        return 0

    parser = argparse.ArgumentParser(
        prog="scripts/bench", description=__doc__.split("\n\n")[0] if __doc__ else ""
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller counts, fewer repeats (< 1 min)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=ROOT / ".bench" / "results.json",
        help="where to write the results (default: .bench/results.json)",
    )
    parser.add_argument(
        "--only", default="1,2,3,4,5", help="sections to run, e.g. 1,5 (default: all)"
    )
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    only = {part.strip() for part in args.only.split(",")}

    started = time.perf_counter()
    print(f"bench: {mode.name} mode", file=sys.stderr)
    if mode is QUICK:
        print(
            f"bench: quick mode iterates {mode.small:,} and {mode.large:,} projects "
            "instead of 10,000 and 100,000",
            file=sys.stderr,
        )
    rows: list[Row] = []
    if "1" in only:
        began = time.perf_counter()
        rows += bench_per_call(mode)
        took = time.perf_counter() - began
        print(f"bench: section 1: {took:.1f} s", file=sys.stderr)
    if only & {"2", "3", "4", "5"}:
        with seeded_server(mode) as fixture:
            sections: list[tuple[str, Callable[[Mode, Fixture], list[Row]]]] = [
                ("2", bench_iter),
                ("3", bench_writes),
                ("4", bench_concurrency),
                ("5", bench_server),
            ]
            for number, bench in sections:
                if number in only:
                    began = time.perf_counter()
                    rows += bench(mode, fixture)
                    took = time.perf_counter() - began
                    print(f"bench: section {number}: {took:.1f} s", file=sys.stderr)
    elapsed = time.perf_counter() - started

    print(table(rows))
    missed = [f"{row.section}: {row.case}" for row in rows if row.passed is False]
    print(
        f"\n{mode.name} mode, {elapsed:.0f} s; "
        + (f"{len(missed)} target(s) missed" if missed else "every target met")
    )
    results = {
        "mode": mode.name,
        "counts": {"small": mode.small, "large": mode.large},
        "seconds": round(elapsed, 1),
        "machine": machine(),
        "rows": [asdict(row) for row in rows],
        "missed": missed,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
