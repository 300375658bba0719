"""What a user sees when a remote logdir cannot be used: a one-line error from the ``board``
command (no traceback) and a note in /api/status, for a missing bucket, credentials the server
refuses, and a missing s3fs; and local logdirs with neither fsspec nor s3fs importable."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from fastapi.testclient import TestClient

from board.app import create_app
from board.server import parse_args
from tests.board.conftest import LOCAL
from tests.conftest import ROOT
from tests.remote import s3server
from tests.remote.helpers import FILE_NAME, scalar_records
from tfevents import filesystems


def _board(env: dict, *args: str) -> subprocess.CompletedProcess:
    env = {**env, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "board.cli", *args, "--port", "0"], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def _status(logdir: str) -> dict:
    with TestClient(create_app(logdir, reload_interval=0), base_url=LOCAL) as client:
        deadline = time.monotonic() + 30
        while client.get("/api/status").json()["loading"] and time.monotonic() < deadline:
            time.sleep(0.05)
        return client.get("/api/status").json()


@pytest.fixture(scope="module")
def auth_endpoint():
    """An S3 server that checks credentials: it knows none, so every key is refused."""
    proc, url = s3server.start_process(auth=True)
    yield url
    proc.kill()
    proc.wait()


def test_bad_credentials_cli_and_status(auth_endpoint):
    got = _board(s3server.client_env(auth_endpoint, key="AKIAWRONG", secret="wrong"),
                 "--logdir", "s3://logs/exp")
    assert got.returncode == 2
    assert "board: s3://logs/exp: access denied" in got.stderr and "check the credentials" in got.stderr
    assert "Traceback" not in got.stderr

    filesystems.set_storage_options(s3server.options(auth_endpoint, key="AKIAWRONG", secret="wrong"))
    try:
        status = _status("s3://logs/exp")
    finally:
        filesystems.set_storage_options({})
    assert status["files"] == [] and status["errors"] == []
    assert any("access denied" in note for note in status["discovery"]), status["discovery"]


def test_missing_bucket_cli_and_status(s3_endpoint, bucket):
    got = _board(s3server.client_env(s3_endpoint), "--logdir", "s3://no-such-bucket/exp")
    assert got.returncode == 2
    assert "board: s3://no-such-bucket/exp: no such bucket" in got.stderr
    assert "Traceback" not in got.stderr
    status = _status("s3://no-such-bucket/exp")
    assert any("no such bucket" in note for note in status["discovery"]), status["discovery"]
    # A prefix with nothing under it yet in a bucket that exists is watched, not an error:
    assert _status(f"s3://{bucket}/not-yet")["discovery"] == []


def test_storage_options_flag_reaches_the_server(s3_endpoint, bucket, s3_client, capsys):
    """--logdir_storage_options with nothing in the environment; a bad JSON is a usage error."""
    s3_client.put_object(Bucket=bucket, Key=f"exp/run/{FILE_NAME}", Body=scalar_records("loss", range(3)))
    env = s3server.client_env("http://127.0.0.1:1")  # a wrong endpoint in the environment ...
    script = textwrap.dedent(f"""
        import json, sys
        from board.server import parse_args, remote_problem
        args = parse_args(["--logdir", "s3://{bucket}/exp", "--logdir_storage_options",
                           json.dumps({s3server.options(s3_endpoint)!r})])
        print(remote_problem(args.logdirs))
        from board.ingest.multiplexer import Multiplexer
        mux = Multiplexer(args.logdirs); mux.reload(); print(sorted(mux.runs))
    """)
    got = subprocess.run([sys.executable, "-c", script], env={**env, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert got.stdout.split("\n")[:2] == ["None", "['run']"], got.stderr
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--logdir", f"s3://{bucket}/exp", "--logdir_storage_options", "{nope"])
    assert exit_.value.code == 2 and "--logdir_storage_options: Expecting" in capsys.readouterr().err


def test_without_s3fs_a_clear_error_and_local_logdirs_still_work(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / FILE_NAME).write_bytes(scalar_records("loss", range(4)))
    script = textwrap.dedent(f"""
        import sys
        sys.modules["fsspec"] = sys.modules["s3fs"] = None  # as if not installed
        from board.ingest.multiplexer import Multiplexer
        from board.data.provider import DataProvider
        mux = Multiplexer({{"": {str(tmp_path)!r}}}); mux.reload()
        print("local", [int(s) for s in DataProvider(mux).scalars("run", "loss")[0]])
        del sys.modules["fsspec"]  # fsspec back, s3fs still missing
        from board.cli import main
        print("rc", main(["--logdir", "s3://bucket/exp", "--port", "0"]))
    """)
    got = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert "rc 2" in got.stdout, got.stderr
    assert "s3:// is not available: pip install s3fs (or 'board[remote]')" in got.stderr
    assert "Traceback" not in got.stderr
    assert "local [0, 1, 2, 3]" in got.stdout
