"""The bad-input corpus: hostile and broken files and bodies, made on the spot (never stored).

Shared by the corpus test (tests/test_robustness_corpus.py) and bench/bench_robustness.py.
Each case is what an attacker or an unlucky user would send: bombs of every kind,
spreadsheets far larger than they look, malformed and truncated files, wrong encodings,
huge, deep and non-finite JSON bodies.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Journey" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def workbook(sheet_parts: Iterator[bytes] | bytes) -> bytes:
    """A minimal XLSX workbook whose one sheet ("Journey") is the given XML, streamed in."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            if isinstance(sheet_parts, bytes):
                sheet.write(sheet_parts)
            else:
                for part in sheet_parts:
                    sheet.write(part)
    return buffer.getvalue()


def xlsx_far_corners() -> bytes:
    """One cell at A1 and one at XFD1048576: 1.5 KB that claims 17 billion cells."""
    return workbook(
        (
            _SHEET_OPEN + '<dimension ref="A1:XFD1048576"/><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Step</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
            "</sheetData></worksheet>"
        ).encode()
    )


def xlsx_zip_bomb(unpacked_mb: int = 192) -> bytes:
    """A classic zip bomb: a sheet of `unpacked_mb` MB of rows that deflates to under 1 MB."""
    row = b'<row><c t="inlineStr"><is><t>Step</t></is></c></row>'
    block = row * (1_048_576 // len(row))

    def parts() -> Iterator[bytes]:
        yield (_SHEET_OPEN + "<sheetData>").encode()
        for _ in range(unpacked_mb):
            yield block
        yield b"</sheetData></worksheet>"

    return workbook(parts())


def xlsx_entity_bomb() -> bytes:
    """The "billion laughs": ten levels of entities, each ten of the one below."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet ['
        + "".join(entities)
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return workbook(sheet.encode())


def xlsx_many_cells(cells: int = 1_200_000) -> bytes:
    """More real (blank, styled) cells than the cell budget, in few rows."""
    per_row = 4_000

    def parts() -> Iterator[bytes]:
        yield (_SHEET_OPEN + "<sheetData>").encode()
        for r in range(1, cells // per_row + 2):
            yield f'<row r="{r}">'.encode() + b'<c s="0"/>' * per_row + b"</row>"
        yield b"</sheetData></worksheet>"

    return workbook(parts())


def csv_wide(columns: int = 1_000_000) -> bytes:
    """A 2 MB CSV of one million step columns."""
    return b"Step" + b",x" * columns + b"\r\n"


def csv_tall(rows: int = 200_000) -> bytes:
    """A CSV of 200,000 labelled rows: each would be a custom lane."""
    lines = [b"Stage,Start", b"Step,Begin"] + [f"Row {i},x".encode() for i in range(rows)]
    return b"\r\n".join(lines) + b"\r\n"


def csv_huge_cell(chars: int = 2_000_000) -> bytes:
    """One cell of two million characters."""
    return b"Step,Begin\r\nNotes," + b"y" * chars + b"\r\n"


def yaml_steps(steps: int) -> bytes:
    """A document with one map of `steps` steps (written out, not aliased)."""
    lines = [
        "journeyline: 1",
        "maps:",
        "  - name: Huge",
        "    stages:",
        "      - name: All",
        "        steps:",
    ]
    lines += [f"          - name: Step {i}" for i in range(steps)]
    return ("\n".join(lines) + "\n").encode()


def yaml_alias_bomb() -> bytes:
    """The YAML billion laughs: nine levels of aliases, each nine of the one below."""
    lines = ["journeyline: 1", 'a0: &a0 ["lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("maps: [*a9]")
    return ("\n".join(lines) + "\n").encode()


def json_deep(depth: int = 100_000) -> bytes:
    """A JSON document nested `depth` lists deep."""
    return b'{"journeyline": 1, "maps": ' + b"[" * depth + b"]" * depth + b"}"


@dataclass(frozen=True)
class UploadCase:
    """A file sent to `POST /api/workspaces/import` (and the import into a workspace)."""

    name: str
    filename: str
    make: Callable[[], bytes]


def _truncated_xlsx() -> bytes:
    whole = xlsx_far_corners()
    return whole[: len(whole) // 2]


UPLOADS: tuple[UploadCase, ...] = (
    UploadCase("xlsx A1 and XFD1048576", "corners.xlsx", xlsx_far_corners),
    UploadCase("xlsx zip bomb (192 MB of XML)", "bomb.xlsx", xlsx_zip_bomb),
    UploadCase("xlsx XML entity bomb", "laughs.xlsx", xlsx_entity_bomb),
    UploadCase("xlsx 1.2M blank cells", "cells.xlsx", xlsx_many_cells),
    UploadCase("xlsx truncated", "truncated.xlsx", _truncated_xlsx),
    UploadCase(
        "xlsx that is not a zip", "random.xlsx", lambda: b"PK\x03\x04" + b"\x00garbage" * 50
    ),
    UploadCase("csv 1,000,000 columns", "wide.csv", csv_wide),
    UploadCase("csv 200,000 rows", "tall.csv", csv_tall),
    UploadCase("csv 2M-character cell", "cell.csv", csv_huge_cell),
    UploadCase(
        "csv in UTF-16 without a BOM", "utf16.csv", lambda: "Step,Été\r\n".encode("utf-16-le")
    ),
    UploadCase("csv of binary bytes", "binary.csv", lambda: bytes(range(256)) * 40),
    UploadCase("yaml 6,000 steps", "steps.yaml", lambda: yaml_steps(6_000)),
    UploadCase("yaml alias bomb", "aliases.yaml", yaml_alias_bomb),
    UploadCase("yaml malformed", "broken.yaml", lambda: b"journeyline: 1\nmaps: [\n  - {name: x\n"),
    UploadCase(
        "yaml in Latin-1",
        "latin1.yaml",
        lambda: "journeyline: 1\nname: Caf\xe9\n".encode("latin-1"),
    ),
    UploadCase("json 100,000 levels deep", "deep.json", json_deep),
    UploadCase(
        "json NaN",
        "nan.json",
        lambda: b'{"journeyline": 1, "maps": [{"name": "m", "scale": {"min": NaN}}]}',
    ),
    UploadCase(
        "json 1e400",
        "big.json",
        lambda: b'{"journeyline": 1, "maps": [{"name": "m", "scale": {"max": 1e400}}]}',
    ),
    UploadCase("mermaid garbage", "junk.mmd", lambda: b"\x00\xff" * 4000),
    UploadCase("no extension", "noextension", lambda: b"journeyline: 1\n"),
    UploadCase("unknown extension", "file.exe", lambda: b"MZ" + b"\x00" * 100),
)
"""Every file of the corpus; each must be answered 4xx."""


@dataclass(frozen=True)
class BodyCase:
    """A raw JSON body sent to a map or workspace write."""

    name: str
    target: str
    """'map' (PUT the map), 'step' (POST a step) or 'workspace' (PATCH the workspace)."""
    make: Callable[[], bytes]


BODIES: tuple[BodyCase, ...] = (
    BodyCase("body over 1 MB", "map", lambda: b'{"name": "' + b"x" * 2_000_000 + b'"}'),
    BodyCase(
        "body 100,000 levels deep",
        "map",
        lambda: b'{"name": "m", "stages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ),
    BodyCase("body not JSON", "map", lambda: b"{not json"),
    BodyCase("body not UTF-8", "map", lambda: b'{"name": "\xff\xfe"}'),
    BodyCase("body a list", "map", lambda: b"[1, 2, 3]"),
    BodyCase(
        "body 100,000 stages",
        "map",
        lambda: b'{"name": "m", "stages": [' + b",".join([b'{"name": "s"}'] * 100_000) + b"]}",
    ),
    BodyCase("body NaN emotion", "step", lambda: b'{"name": "s", "emotion": NaN}'),
    BodyCase("body Infinity emotion", "step", lambda: b'{"name": "s", "emotion": Infinity}'),
    BodyCase("body 1e400 emotion", "step", lambda: b'{"name": "s", "emotion": 1e400}'),
    BodyCase("body lone surrogate", "step", lambda: b'{"name": "\\ud800"}'),
    BodyCase("body NaN analysis setting", "workspace", lambda: b'{"analysis": {"min_drop": NaN}}'),
)
"""Every raw body of the corpus; each must be answered 4xx."""


# --- a real server to send the corpus to ---------------------------------------------------------


@dataclass
class Served:
    """A `journeyline serve` process with a workspace and an owner's API token."""

    base_url: str
    token: str
    workspace: str
    process: subprocess.Popen[bytes]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def rss_bytes(self) -> int:
        """The server process's resident memory now (its workers not counted)."""
        return rss_of(self.process.pid)

    def tree_rss_bytes(self) -> int:
        """The server's and every descendant's (forkserver, workers) resident memory."""
        return sum(rss_of(pid) for pid in [self.process.pid, *descendants(self.process.pid)])


def rss_of(pid: int) -> int:
    """A process's resident memory in bytes, from /proc (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found.extend(children)
        todo.extend(children)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(data_dir: Path, *, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Prepare a workspace (the SaaS-trial template) and an owner token in
    `data_dir`, then run `journeyline serve` on it in its own process until the block ends."""
    from journeyline.model import Workspace
    from journeyline.store import accounts, open_database, sqlite_url, workspaces
    from journeyline.templates import load_template

    data_dir.mkdir(parents=True, exist_ok=True)
    db = open_database(sqlite_url(data_dir))
    source = Workspace.model_validate(load_template("saas-trial").model_dump())
    with db.writing() as session:
        owner = accounts.actor_of(accounts.create_account(session, "owner@corpus.local", "Owner"))
    workspace = workspaces.create_workspace(db, owner, "Corpus", source=source)["id"]
    token = accounts.create_api_token(db, owner, "corpus")[1]
    db.close()
    port = _free_port()
    command = [str(Path(sys.executable).parent / "journeyline"), "serve", "--port", str(port)]
    environment = dict(os.environ, JOURNEYLINE_DATA_DIR=str(data_dir), **(env or {}))
    log = (data_dir / "server.log").open("wb")  # never a pipe: a full one would block the server
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", token, workspace, process)
    try:
        _wait_until_up(served)
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _wait_until_up(served: Served) -> None:
    for _ in range(600):
        if served.process.poll() is not None:
            raise RuntimeError("the server exited before it answered")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{served.base_url}/api/health", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("the server did not come up within 60 s")


@dataclass
class Answer:
    """What the server answered to one corpus case, how fast, and its memory after."""

    case: str
    status: int
    seconds: float
    server_rss: int
    message: str


class PeakMemory:
    """Samples the server's RSS (and its whole tree's) in the background; keeps the peaks."""

    def __init__(self, served: Served, every: float = 0.05) -> None:
        self.served = served
        self.every = every
        self.server = 0
        self.tree = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            self.server = max(self.server, self.served.rss_bytes())
            self.tree = max(self.tree, self.served.tree_rss_bytes())
            self._done.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def _message(response: httpx.Response) -> str:
    with contextlib.suppress(ValueError, KeyError, TypeError):
        error = response.json()["error"]
        shown = error["diagnostics"][0]["message"] if error["diagnostics"] else error["message"]
        return str(shown)
    return response.text[:200]


_CLOSE = {"Connection": "close"}


def send_upload(
    served: Served,
    http: httpx.Client,
    case: UploadCase,
    *,
    into: bool,
    workspace: str | None = None,
) -> Answer:
    """POST one corpus file as a new workspace (or `into` the workspace)."""
    target = workspace or served.workspace
    path = f"/api/workspaces/{target}/import" if into else "/api/workspaces/import"
    content = case.make()
    started = time.perf_counter()
    # Each case on a connection of its own: keeping connections alive after errors is
    # tested elsewhere; here only the answer counts.
    response = http.post(path, files={"file": (case.filename, content)}, headers=_CLOSE)
    seconds = time.perf_counter() - started
    return Answer(case.name, response.status_code, seconds, served.rss_bytes(), _message(response))


def send_body(
    served: Served, http: httpx.Client, case: BodyCase, workspace: str | None = None
) -> Answer:
    """Send one raw corpus body to the first map (PUT, or a new step) or the workspace."""
    base = f"/api/workspaces/{workspace or served.workspace}"
    map_id = http.get(f"{base}/maps").json()[0]["id"]
    if case.target == "workspace":
        method, path = "PATCH", base
        etag = http.get(base).headers.get("etag", "")
    else:
        method = "PUT" if case.target == "map" else "POST"
        read = http.get(f"{base}/maps/{map_id}")
        etag = read.headers.get("etag", "")
        path = f"{base}/maps/{map_id}"
        if case.target == "step":
            path += f"/steps?stage={read.json()['map']['stages'][0]['id']}"
    headers = {"Content-Type": "application/json", "If-Match": etag, **_CLOSE}
    started = time.perf_counter()
    response = http.request(method, path, content=case.make(), headers=headers)
    seconds = time.perf_counter() - started
    return Answer(case.name, response.status_code, seconds, served.rss_bytes(), _message(response))


def poisoned(served: Served, http: httpx.Client, workspace: str | None = None) -> list[str]:
    """What no longer works: every map read, drawn (SVG) and analysed, and the workspace read."""
    problems: list[str] = []
    base = f"/api/workspaces/{workspace or served.workspace}"
    for path in (base, f"{base}/maps", "/api/workspaces"):
        response = http.get(path)
        if response.status_code != 200:
            problems.append(f"GET {path}: {response.status_code}")
    listing = http.get(f"{base}/maps")
    for journey in listing.json() if listing.status_code == 200 else []:
        where = f"{base}/maps/{journey['id']}"
        for path in (where, f"{where}/render.svg", f"{where}/analysis", f"{where}/priorities"):
            try:
                response = http.get(path)
            except httpx.HTTPError as error:
                problems.append(f"GET {path}: {type(error).__name__}")
                continue
            if response.status_code != 200:
                problems.append(f"GET {path}: {response.status_code} {_message(response)}")
    return problems
