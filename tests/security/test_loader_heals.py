"""Issue 20, "a loader that never heals": a file replaced, shrunk or repaired is read again from
the start and the change reported; a file that could not be read is retried when it changes; a
recreated directory is a new run; odd names and deep trees never make a 500 or stop reloads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from board.ingest import discovery
from board.ingest.discovery import MAX_DEPTH, discover_runs
from board.ingest.multiplexer import Multiplexer
from engine.summary import SummaryWriter
from tests.board.conftest import board_client, write_run
from tfevents import filesystems, record

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def losses(mux: Multiplexer, run: str = "a") -> list[float]:
    series = mux.runs[run].store.scalars.get("loss")
    return [] if series is None else series.snapshot()[2].tolist()


def changes(mux: Multiplexer, run: str = "a") -> list[str]:
    return [c["change"] for c in mux.runs[run].changes]


def test_a_file_replaced_under_the_same_name_is_read_anew(tmp_path):
    """Before: read from the old offset, serving a mix of both files, nothing reported."""
    path = write_run(tmp_path / "a", {"loss": [(s, 1.0) for s in range(100)]})
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    assert losses(mux) == [1.0] * 100
    new = write_run(tmp_path / "new", {"loss": [(s, 2.0) for s in range(150)]})
    os.replace(new, path)
    mux.reload()
    assert losses(mux) == [2.0] * 150
    assert "replaced" in changes(mux)[0]
    with board_client(tmp_path) as client:
        assert client.get("/api/status").status_code == 200


def test_a_file_rewritten_in_place_at_the_same_size_is_read_anew(tmp_path):
    """Same inode, same size, other bytes (written in place, or a new file that took over the
    freed inode): before, nothing changed for the loader and the old values stayed served."""
    path = write_run(tmp_path / "a", {"loss": [(s, 1.0) for s in range(100)]})
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    inode = os.stat(path).st_ino
    other = (tmp_path / "other")
    with open(write_run(other, {"loss": [(s, 2.0) for s in range(100)]}), "rb") as f:
        data = f.read()
    assert len(data) == os.path.getsize(path)
    with open(path, "r+b") as f:
        f.write(data)
    assert os.stat(path).st_ino == inode
    mux.reload()
    assert losses(mux) == [2.0] * 100
    assert "rewritten" in changes(mux)[0]
    mux.reload()  # and once read, it is not read again
    assert len(changes(mux)) == 1


def test_a_shrunk_file_is_read_anew_and_reported(tmp_path):
    path = write_run(tmp_path / "a", {"loss": [(s, float(s)) for s in range(100)]})
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size // 2)
    mux.reload()
    kept = losses(mux)
    assert 0 < len(kept) < 100 and kept == [float(s) for s in range(len(kept))]
    assert "shrank" in changes(mux)[0]
    assert mux.runs["a"].statuses()[0].stopped is None


def test_a_file_repaired_after_a_bad_length_checksum_is_read_again(tmp_path):
    """Before: a file stopped once was never read again."""
    path = write_run(tmp_path / "a", {"loss": [(s, float(s)) for s in range(100)]})
    good = open(path, "rb").read()
    bad = bytearray(good)
    status = record.FileStatus(path)  # where each record starts, to damage the 50th's header
    offsets = []
    for buf, frames in record.read_chunks(status):
        offsets = [frames.base + int(s) for s in frames.starts]
        for _ in record.take_records(status, buf, frames):
            pass
    at = offsets[50]
    bad[at + 8] ^= 0xFF  # the length's checksum
    open(path, "wb").write(bytes(bad))
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    st = mux.runs["a"].statuses()[0]
    assert st.stopped and "length checksum" in st.stopped
    assert len(losses(mux)) < 100
    mux.reload()  # unchanged: nothing is retried
    assert changes(mux) == []
    with open(path, "ab") as f:  # appended to, still bad where it stopped: not read again
        f.write(b"x")
    mux.reload()
    assert changes(mux) == []
    with open(path, "r+b") as f:  # repaired
        f.write(good)
        f.truncate(len(good))
    mux.reload()
    assert losses(mux) == [float(s) for s in range(100)]
    assert "repaired" in changes(mux)[0]
    assert mux.runs["a"].statuses()[0].stopped is None


def test_a_file_that_could_not_be_opened_is_retried_when_it_changes(tmp_path, monkeypatch):
    """Permission denied, as a user other than root meets it (the tests run as root, who may
    read anything: opening a file of mode 000 is refused here as the kernel refuses others)."""
    real_open = open

    def user_open(path, *args, **kwargs):
        if os.path.exists(path) and os.stat(path).st_mode & 0o444 == 0:
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(filesystems, "open", user_open, raising=False)  # where readers open files
    write_run(tmp_path / "a", {"loss": [(0, 5.0)]})
    path = write_run(tmp_path / "a", {"loss": [(1, 6.0)]})
    os.chmod(path, 0)
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    assert losses(mux) == [5.0]
    statuses = {os.path.basename(s.path): s for s in mux.runs["a"].statuses()}
    assert "Permission denied" in statuses[os.path.basename(path)].stopped
    mux.reload()
    assert losses(mux) == [5.0]
    os.chmod(path, 0o644)  # changes the file's ctime, not its size or mtime
    mux.reload()
    assert losses(mux) == [5.0, 6.0]
    assert "retried" in changes(mux)[0]


def test_a_directory_recreated_between_two_reloads_is_a_new_run(tmp_path):
    """Before: the same file names in a new directory kept the old data (and offsets)."""
    write_run(tmp_path / "a", {"loss": [(s, 1.0) for s in range(50)]})
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    names = os.listdir(tmp_path / "a")
    data = {n: open(tmp_path / "a" / n, "rb").read() for n in names}
    os.rename(tmp_path / "a", tmp_path / "old")
    os.mkdir(tmp_path / "a")
    for n in names:  # same names; the data is shorter
        open(tmp_path / "a" / n, "wb").write(data[n][:len(data[n]) // 3])
    os.rename(tmp_path / "old", tmp_path / "elsewhere")
    mux.reload()
    assert 0 < len(losses(mux)) < 50
    assert any("made anew" in c for c in changes(mux))


def test_a_non_utf8_file_name_is_reported_and_served_escaped(tmp_path):
    """Before: /api/status answered 500 until the run directory went."""
    run = tmp_path / "a"
    with SummaryWriter(str(run), filename_suffix=os.fsdecode(b".\xff\xfe")) as w:
        w.add_scalar("loss", 1.0, 0)
    with board_client(tmp_path) as client:
        response = client.get("/api/status")
        assert response.status_code == 200
        files = response.json()["files"]
        assert files[0]["name"].endswith(".\\xff\\xfe")
        assert "not UTF-8" in files[0]["problems"][0]
        assert client.get("/api/scalars", params={"run": "a", "tag": "loss"}).json()["value"] == [1.0]


def _nest(root, depth: int) -> str:
    """``depth`` directories one in another under ``root`` (built with relative paths: the full
    path is longer than PATH_MAX)."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
    finally:
        os.close(fd)
    return os.path.join(root, *(["d"] * depth))


def _unnest(root) -> None:
    """Remove what ``_nest`` built, deepest first and without recursion (pytest's own clean-up of
    old temporary directories is a recursive rmtree, which a tree this deep would overflow)."""
    fds = [os.open(root, os.O_RDONLY)]
    try:
        while "d" in os.listdir(fds[-1]):
            fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
        while len(fds) > 1:
            deepest = fds.pop()
            for entry in os.listdir(deepest):  # a run written inside: its files
                path_fd = deepest
                if os.path.isdir(os.path.join(f"/proc/self/fd/{path_fd}", entry)):
                    shutil.rmtree(os.path.join(f"/proc/self/fd/{path_fd}", entry))
                else:
                    os.unlink(entry, dir_fd=path_fd)
            os.close(deepest)
            os.rmdir("d", dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)


@pytest.fixture
def deep_tree(tmp_path):
    os.mkdir(tmp_path / "deep")
    _nest(str(tmp_path / "deep"), 1100)
    yield tmp_path / "deep"
    _unnest(str(tmp_path / "deep"))


def test_a_directory_nested_1100_deep_does_not_stop_reloads(tmp_path, deep_tree):
    """Before: RecursionError at every reload, and ``board`` exited if it was there at start."""
    write_run(tmp_path / "a", {"loss": [(0, 1.0)]})
    write_run(os.path.join(tmp_path, "deep", *(["d"] * 3)), {"loss": [(0, 3.0)]})
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    assert mux.errors == []
    assert sorted(mux.runs) == ["a", "deep/d/d/d"]
    assert any(f"{MAX_DEPTH} levels deep" in n for n in mux.discovery_notes)
    with board_client(tmp_path) as client:
        body = client.get("/api/status").json()
        assert body["errors"] == [] and f"{MAX_DEPTH} levels" in body["discovery"][0]
    # The command line starts and checks the logdir instead of exiting with a RecursionError.
    out = subprocess.run([sys.executable, "-m", "board.cli", "diagnose", "--logdir", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": ROOT})
    assert "RecursionError" not in out.stderr and out.returncode in (0, 1), out.stderr[-2000:]


def test_discovery_keeps_its_order_and_bounds(tmp_path, monkeypatch):
    for name in ("b", "a/x", "a", "c/y/z"):
        write_run(tmp_path / name)
    assert list(discover_runs({"": str(tmp_path)})) == ["a", "a/x", "b", "c/y/z"]
    monkeypatch.setattr(discovery, "MAX_DIRECTORIES", 3)
    notes: list[str] = []
    assert len(discover_runs({"": str(tmp_path)}, notes)) < 4
    assert "more than 3 directories" in notes[0]
