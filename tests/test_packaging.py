"""The wheel a non-editable ``pip install .`` builds serves every page and asset on its own.

``static/`` and ``templates/`` live at the top of the source tree but must ship inside the
``board`` package (setup.py maps them). This builds the wheel from a copy of the tracked files,
unpacks it, and runs the app from the unpacked copy in a subprocess whose working directory is
outside the repo, so nothing can be found in the source tree by accident.
"""
import json
import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent

SERVE_EVERY_PAGE = r"""
import json, pathlib, re, sys
import board
from fastapi.testclient import TestClient
from board.app import create_app

site, logdir = sys.argv[1], sys.argv[2]
assert pathlib.Path(board.__file__).resolve().is_relative_to(pathlib.Path(site).resolve()), board.__file__
static = pathlib.Path(board.__file__).parent / "static"
served, problems = [], []
with TestClient(create_app([logdir]), base_url="http://localhost") as client:
    first = client.get("/")
    if first.status_code != 200:
        problems.append(("/", first.status_code))
    pages = sorted(set(re.findall(r'href="(/[a-z_]+)"', first.text)))
    assets = set()
    for page in pages:
        r = client.get(page)
        served.append(page)
        if r.status_code != 200 or "<html" not in r.text.lower():
            problems.append((page, r.status_code))
        assets |= set(re.findall(r'(?:src|href)="(/[^"?#]+)', r.text))
    assets |= {"/static/" + p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file()}
    for path in sorted(assets - set(pages)):
        r = client.get(path)
        served.append(path)
        if r.status_code != 200 or not r.content:
            problems.append((path, r.status_code))
print(json.dumps({"pages": pages, "served": served, "problems": problems}))
"""


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=False)
    if tracked.returncode != 0:
        pytest.fail("tests/test_packaging.py needs the git checkout to know which files are tracked")
    source = work / "source"
    for name in tracked.stdout.decode().split("\0"):
        if name and (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(source)], check=True, cwd=work)
    (wheel,) = dist.glob("*.whl")
    site = work / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_wheel_carries_the_templates_and_static_files(unpacked_wheel):
    package = unpacked_wheel / "board"
    for folder in ("static", "templates"):
        shipped = {p.relative_to(package / folder) for p in (package / folder).rglob("*") if p.is_file()}
        in_tree = {p.relative_to(REPO / folder) for p in (REPO / folder).rglob("*") if p.is_file()}
        assert shipped == in_tree, f"{folder}/ in the wheel differs from the tree"


def test_installed_wheel_serves_every_page_and_asset(unpacked_wheel, tmp_path):
    logdir = tmp_path / "logdir"
    logdir.mkdir()
    env = {"PYTHONPATH": str(unpacked_wheel), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", SERVE_EVERY_PAGE, str(unpacked_wheel), str(logdir)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(report["pages"]) >= 7, report["pages"]
    assert any(path.endswith(".js") for path in report["served"])
    assert report["problems"] == []
