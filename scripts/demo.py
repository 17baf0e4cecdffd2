"""A walkthrough of the projects SDK against the embedded reference server.

Started by ``scripts/demo``: it starts ``pictograph-server`` on a free loopback
port with a temporary database, creates API keys with the documented command,
and uses the SDK as the reference page does, on real label sets. It exits
non-zero on any failure and always stops the server and removes its files.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import tinycss2.color4
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pictograph import (
    Client,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PictographError,
    PreconditionFailedError,
    Project,
    ProjectClass,
    ValidationError,
)

# Piped output gets a width that fits the tables, and no colour swatches.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 110)

# PASCAL VOC 2012: the 20 object classes with the dataset's own palette.
PASCAL_VOC = [
    ("aeroplane", "#800000"),
    ("bicycle", "#008000"),
    ("bird", "#808000"),
    ("boat", "#000080"),
    ("bottle", "#800080"),
    ("bus", "#008080"),
    ("car", "#808080"),
    ("cat", "#400000"),
    ("chair", "#c00000"),
    ("cow", "#408000"),
    ("diningtable", "#c08000"),
    ("dog", "#400080"),
    ("horse", "#c00080"),
    ("motorbike", "#408080"),
    ("person", "#c08080"),
    ("pottedplant", "#004000"),
    ("sheep", "#804000"),
    ("sofa", "#00c000"),
    ("train", "#80c000"),
    ("tvmonitor", "#004080"),
]

# Cityscapes: the 19 evaluation classes with their official colours, written
# in several CSS syntaxes (each is exactly the official RGB value).
CITYSCAPES = [
    ("road", "flat", "rgb(128 64 128)"),
    ("sidewalk", "flat", "#f423e8"),
    ("building", "construction", "rgb(70, 70, 70)"),
    ("wall", "construction", "#66669c"),
    ("fence", "construction", "rgb(190 153 153 / 100%)"),
    ("pole", "object", "#999"),
    ("traffic light", "object", "#faaa1e"),
    ("traffic sign", "object", "rgb(220 220 0)"),
    ("vegetation", "nature", "olivedrab"),
    ("terrain", "nature", "palegreen"),
    ("sky", "sky", "steelblue"),
    ("person", "human", "crimson"),
    ("rider", "human", "hsl(0 100% 50%)"),
    ("car", "vehicle", "#00008e"),
    ("truck", "vehicle", "rgb(0 0 70)"),
    ("bus", "vehicle", "#003c64"),
    ("train", "vehicle", "rgb(0 80 100)"),
    ("motorcycle", "vehicle", "#0000e6"),
    ("bicycle", "vehicle", "rgb(119 11 32)"),
]


class DemoFailed(Exception):
    """A step did not show what it should have."""


@dataclass
class Server:
    """A running ``pictograph-server`` with its temporary files."""

    url: str
    db: Path
    blobs: Path
    process: subprocess.Popen[str]

    def cli(self, *args: str) -> str:
        """Runs a ``pictograph-server`` subcommand and returns its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "pictograph_server", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise DemoFailed(f"pictograph-server {args[0]} failed: {done.stderr}")
        return done.stdout.strip()

    def create_key(self, org: str, role: str) -> str:
        return self.cli(
            "keys", "create", "--db", str(self.db), "--org", org, "--role", role
        )

    def seed(self, org: str, project: str, images: int, per_image: int) -> None:
        self.cli(
            "seed",
            "--db",
            str(self.db),
            "--blobs",
            str(self.blobs),
            "--org",
            org,
            project,
            "--images",
            str(images),
            "--annotations-per-image",
            str(per_image),
            "--exports",
            "2",
            "--models",
            "1",
        )


@contextlib.contextmanager
def reference_server(workdir: Path) -> Iterator[Server]:
    """Starts the reference server on a free port; stops it however we leave."""
    db, blobs = workdir / "pictograph.db", workdir / "blobs"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pictograph_server",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(db),
            "--blobs",
            str(blobs),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # Out of the terminal's process group: Ctrl-C reaches the demo alone,
        # which stops the server below, rather than killing the server under
        # a request in flight and reporting a connection error.
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http"):
            raise DemoFailed(f"the server did not start (it printed {url!r})")
        yield Server(url, db, blobs, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def step(title: str) -> None:
    console.print(f"\n[bold cyan]▶ {title}[/]")


def ok(message: str) -> None:
    console.print(f"  [green]✓[/] {message}")


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise DemoFailed(message)


def swatch(color: str) -> Text:
    """A block painted in a CSS colour, via the same parser the SDK uses."""
    parsed = tinycss2.color4.parse_color(color)
    if not isinstance(parsed, tinycss2.color4.Color):
        return Text("?")
    try:
        srgb = parsed.to("srgb")
    except NotImplementedError:  # tinycss2 cannot convert every space (lab…)
        return Text("n/a")
    red, green, blue = (round(max(0.0, min(1.0, c)) * 255) for c in srgb[:3])
    return Text("    ", style=f"on #{red:02x}{green:02x}{blue:02x}")


def class_table(project: Project, *, limit: int | None = None) -> Table:
    table = Table(
        title=f"{project.name} — {len(project.classes)} classes", title_justify="left"
    )
    swatches = console.color_system is not None
    for column in ("#", "class", "type", "colour as stored"):
        table.add_column(column)
    if swatches:
        table.add_column("swatch")
    for index, cls in enumerate(project.classes[:limit], start=1):
        cells: list[str | Text] = [str(index), cls.name, cls.type, cls.color or ""]
        if swatches:
            cells.append(swatch(cls.color or ""))
        table.add_row(*cells)
    return table


def walkthrough(server: Server) -> None:
    step("Keys for one organisation, one per role (pictograph-server keys create)")
    keys = {
        role: server.create_key("acme-vision", role)
        for role in ("owner", "admin", "member", "viewer")
    }
    ok(
        f"created {len(keys)} keys for organisation 'acme-vision' "
        f"(shown once, never logged)"
    )

    with Client(keys["owner"], base_url=server.url) as client:
        road_signs(client, server)
        label_sets(client, server)
        documented_errors(client, server, keys)
        pagination(client)


def road_signs(client: Client, server: Server) -> None:
    step("Create a road-sign project, as on the reference page")
    project = client.projects.create(
        "road-signs",
        description="Road sign detection training set",
        annotation_types=["bbox", "polygon"],
        classes=[
            ProjectClass(name="stop_sign", type="bbox", color="#ff0000"),
            ProjectClass(name="yield", type="bbox", color="#ffff00"),
            ProjectClass(name="merge", type="bbox", color="#ff8800"),
        ],
    )
    ok(f"created {project.name!r} (version {project.version}, id {project.id})")

    server.seed("acme-vision", "road-signs", images=30, per_image=6)
    project = client.projects.get("road-signs")
    ok(
        f"seeded {project.image_count} images and "
        f"{project.annotation_count} annotations"
    )
    console.print(class_table(project))

    step("Update the description and allowed annotation types")
    project = client.projects.update(
        "road-signs",
        description="Road signs, boxes and outlines",
        annotation_types=["bbox", "polygon", "polyline"],
    )
    ok(
        f"annotation types now {', '.join(project.annotation_types)}; "
        f"classes untouched ({len(project.classes)})"
    )

    step("Recolour and reorder the classes: nothing is lost")
    before = project.annotation_count
    project = client.projects.update(
        "road-signs",
        classes=[
            ProjectClass(name="merge", type="bbox", color="orange"),
            ProjectClass(name="yield", type="bbox", color="#ffaa00"),
            ProjectClass(name="stop_sign", type="bbox", color="rgb(255 0 0)"),
        ],
    )
    expect(project.annotation_count == before, "recolouring removed annotations")
    ok(f"annotations before {before}, after {project.annotation_count}: 0 removed")

    step("Add 'speed_limit', drop 'merge': its annotations go with it")
    project = client.projects.update(
        "road-signs",
        classes=[
            ProjectClass(name="stop_sign", type="bbox", color="#ff0000"),
            ProjectClass(name="yield", type="bbox", color="#ffaa00"),
            ProjectClass(name="speed_limit", type="bbox", color="#00aaff"),
        ],
    )
    removed = before - project.annotation_count
    expect(removed > 0, "removing a used class removed no annotations")
    ok(
        f"annotations {before} → {project.annotation_count}: "
        f"{removed} 'merge' annotations removed"
    )
    console.print(class_table(project))


def label_sets(client: Client, server: Server) -> None:
    step("PASCAL VOC: the 20 classes with the dataset's palette")
    voc = client.projects.create(
        "pascal-voc-2012",
        description="PASCAL VOC 2012 object classes",
        classes=[
            {"name": name, "type": "bbox", "color": color} for name, color in PASCAL_VOC
        ],
    )
    ok(f"created {voc.name!r} with {len(voc.classes)} classes from plain dicts")
    console.print(class_table(voc, limit=6))
    console.print(f"  … and {len(voc.classes) - 6} more")

    step("Cityscapes: 19 classes, official colours in several CSS syntaxes")
    cityscapes = client.projects.create(
        "cityscapes-fine",
        description="Cityscapes fine annotations, evaluation classes",
        annotation_types=["polygon"],
        classes=[
            ProjectClass(name, "polygon", color) for name, _group, color in CITYSCAPES
        ],
    )
    console.print(class_table(cityscapes))
    stored = [cls.color for cls in cityscapes.classes]
    expect(stored == [color for *_, color in CITYSCAPES], "colours not kept as sent")
    ok("every colour is stored exactly as it was written")

    step("Delete a seeded project: images, stored files and exports go, models stay")
    server.seed("acme-vision", "pascal-voc-2012", images=25, per_image=4)
    result = client.projects.delete("pascal-voc-2012")
    print_counts(
        result["images_deleted"],
        result["annotations_deleted"],
        result.exports_deleted,
        result.models_retained,
    )
    expect(result["images_deleted"] == 25, "the image count is wrong")
    blobs = sum(1 for path in server.blobs.rglob("*") if path.is_file())
    ok(f"{blobs} stored image files remain on disk (the road-sign project's)")


def print_counts(images: int, annotations: int, exports: int, models: int) -> None:
    table = Table(title="delete result", title_justify="left")
    for column in (
        "images deleted",
        "annotations deleted",
        "exports deleted",
        "models retained",
    ):
        table.add_column(column, justify="right")
    table.add_row(str(images), str(annotations), str(exports), str(models))
    console.print(table)


def documented_errors(client: Client, server: Server, keys: dict[str, str]) -> None:
    step("The documented errors, provoked on purpose and caught by class")
    try:
        client.projects.create("Road-Signs")
    except ConflictError as exc:
        ok(f"ConflictError (409, {exc.code}): {exc.message}")
    else:
        raise DemoFailed("a duplicate name was accepted")

    try:
        client.projects.update(
            "road-signs",
            classes=[
                {"name": "Stop_Sign", "type": "bbox"},
                {"name": "stop_sign", "type": "bbox"},
            ],
        )
    except ValidationError as exc:
        first = exc.errors[0]
        ok(f"ValidationError before any request: {first.field}: {first.message}")
    else:
        raise DemoFailed("duplicate class names were accepted")

    with Client(keys["viewer"], base_url=server.url) as viewer:
        try:
            viewer.projects.delete("road-signs")
        except ForbiddenError as exc:
            ok(f"ForbiddenError (403) for a viewer's delete: {exc.message}")
        else:
            raise DemoFailed("a viewer deleted a project")

    try:
        client.projects.get("no-such-project")
    except NotFoundError as exc:
        ok(f"NotFoundError (404, request {exc.request_id}): {exc.message}")
    else:
        raise DemoFailed("a missing project was found")

    stale = client.projects.get("road-signs").version
    client.projects.update("road-signs", description="edited elsewhere")
    try:
        client.projects.update("road-signs", description="mine", if_version=stale)
    except PreconditionFailedError as exc:
        ok(f"PreconditionFailedError (412) for a stale if_version: {exc.message}")
    else:
        raise DemoFailed("a stale if_version was accepted")


def pagination(client: Client, count: int = 300) -> None:
    step(f"Create {count} projects, then iterate over all of them")
    started = time.perf_counter()
    for number in range(count):
        client.projects.create(f"batch-{number:03d}", annotation_types=["keypoint"])
    ok(f"created {count} projects in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    names = [project.name for project in client.projects.iter(page_size=64)]
    elapsed = time.perf_counter() - started
    expect(len(names) == len(set(names)), "iter returned a project twice")
    expect(sum(n.startswith("batch-") for n in names) == count, "iter missed some")
    ok(
        f"iter(page_size=64) yielded {len(names)} projects, each once, "
        f"in {elapsed:.2f} s ({-(-len(names) // 64)} pages)"
    )

    first = client.datasets.list(limit=3)
    table = Table(title="datasets.list(limit=3)", title_justify="left")
    for column in ("name", "classes", "images", "annotations", "types"):
        table.add_column(column)
    for dataset in first:
        table.add_row(
            dataset.name,
            str(dataset.class_count),
            str(dataset.image_count),
            str(dataset.annotation_count),
            ", ".join(dataset.annotation_types),
        )
    console.print(table)
    ok(f"has_more={first.has_more}, next_cursor={first.next_cursor!r}")


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary folder (database, blobs)",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    os.environ.pop("PICTOGRAPH_API_KEY", None)

    workdir = Path(tempfile.mkdtemp(prefix="pictograph-demo-"))
    try:
        with reference_server(workdir) as server:
            console.print(
                f"[bold]Pictograph SDK demo[/] — reference server at "
                f"{server.url} (a local stand-in, not the hosted "
                f"platform)"
            )
            walkthrough(server)
    except (DemoFailed, PictographError) as exc:
        console.print(f"\n[bold red]demo failed:[/] {type(exc).__name__}: {exc}")
        return 1
    except KeyboardInterrupt:
        console.print("\n[yellow]interrupted; the server is stopped[/]")
        return 130
    finally:
        if args.keep:
            console.print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    console.print("\n[bold green]demo finished: every step behaved as documented[/]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
