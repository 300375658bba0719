"""The board on S3 logdirs, against moto's S3 server on 127.0.0.1 (tests/remote/s3server.py):
tailing a run while it is uploaded, 100 runs found by one listing, reloads that fetch only what
was appended, and a connection dropped mid-read."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

import engine as tf
from board.app import create_app
from board.ingest.discovery import parse_logdir_spec
from board.ingest.multiplexer import Multiplexer
from engine.summary import SummaryWriter
from tests.board.conftest import LOCAL
from tests.remote import s3server
from tests.remote.helpers import FILE_NAME, scalar_records, steps_of
from tests.remote.proxy import Proxy
from tfevents import filesystems


def _wait(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_board_tails_a_run_while_it_is_uploaded(bucket, s3_client, tmp_path):
    """Every poll shows a prefix of the steps written, none doubled; the object is a real event
    file (TensorBoard's own loader reads the same records)."""
    n = 120
    app = create_app(f"s3://{bucket}/exp", reload_interval=0.05)
    seen = []
    with TestClient(app, base_url=LOCAL) as client:
        writer = SummaryWriter(f"s3://{bucket}/exp/run1", max_queue=1000, flush_secs=1000)
        for step in range(n):
            writer.add_scalar("loss", step / 10, step)
            if step % 10 == 9:
                writer.flush()
                got = client.get("/api/scalars", params={"run": "run1", "tag": "loss"})
                if got.status_code == 200:
                    seen.append(got.json()["step"])
        writer.close()

        def all_there():
            got = client.get("/api/scalars", params={"run": "run1", "tag": "loss"})
            return got.status_code == 200 and len(got.json()["step"]) >= n
        assert _wait(all_there)
        final = client.get("/api/scalars", params={"run": "run1", "tag": "loss"}).json()
        status = client.get("/api/status").json()
    assert final["step"] == list(range(n))
    assert final["value"] == pytest.approx([s / 10 for s in range(n)], rel=1e-6)
    assert len(seen) >= 3 and all(s == list(range(len(s))) for s in seen), seen
    assert [f["stopped"] for f in status["files"]] == [None]

    # TensorBoard's own record reader (its TensorFlow-free one: importing TensorFlow costs 25 s).
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.tensorflow_stub import errors
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New

    key = writer._file.path.split(f"{bucket}/", 1)[1]
    local = tmp_path / key.rsplit("/", 1)[1]
    local.write_bytes(s3_client.get_object(Bucket=bucket, Key=key)["Body"].read())
    reader, theirs = PyRecordReader_New(str(local), 0, "", None), []
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            break
        event = Event.FromString(reader.record())
        if event.HasField("summary"):
            theirs.append(event.step)
    assert theirs == list(range(n))


def test_100_runs_one_listing_and_reloads_that_fetch_only_the_new_bytes(bucket, s3_client):
    body = scalar_records("loss", range(50))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3_client.put_object(Bucket=bucket, Key=f"many/run{i:03d}/{FILE_NAME}",
                                                     Body=body), range(100)))
    mux = Multiplexer({"": f"s3://{bucket}/many"})
    before = dict(filesystems.stats)
    mux.reload()
    assert len(mux.runs) == 100 and mux.discovery_notes == []
    assert filesystems.stats["lists"] - before["lists"] == 1  # one paginated listing, not one per run
    assert filesystems.stats["reads"] - before["reads"] == 100
    assert filesystems.stats["bytes_read"] - before["bytes_read"] == 100 * len(body)
    assert steps_of(mux, "run042", "loss") == list(range(50))

    before = dict(filesystems.stats)
    mux.reload()  # nothing changed: a listing, no reads
    assert (filesystems.stats["reads"], filesystems.stats["lists"]) == (before["reads"], before["lists"] + 1)

    appended = scalar_records("loss", [50])
    s3_client.put_object(Bucket=bucket, Key=f"many/run007/{FILE_NAME}", Body=body + appended)
    before = dict(filesystems.stats)
    mux.reload()
    assert filesystems.stats["reads"] - before["reads"] == 1
    assert filesystems.stats["bytes_read"] - before["bytes_read"] == len(appended)
    assert steps_of(mux, "run007", "loss") == list(range(51))
    assert steps_of(mux, "run008", "loss") == list(range(50))


@pytest.mark.parametrize("retries", ["back end", "next reload"])
def test_a_connection_dropped_mid_read_is_retried(bucket, s3_client, s3_endpoint, retries, monkeypatch):
    """s3fs retries a cut download itself; with its retries off, the read stops where the cut
    was, says so in the file's problems, and the next reload resumes there."""
    n = 6000
    body = scalar_records("loss", range(n))
    s3_client.put_object(Bucket=bucket, Key=f"flaky/run/{FILE_NAME}", Body=body)
    host, port = s3_endpoint.removeprefix("http://").split(":")
    proxy = Proxy((host, int(port)))
    options = s3server.options(proxy.url)
    if retries == "next reload":
        options.update(config_kwargs={"retries": {"max_attempts": 1}})  # botocore's own: off
        import s3fs

        monkeypatch.setattr(s3fs.S3FileSystem, "retries", 1)  # and s3fs's (a class attribute)
    try:
        filesystems.set_storage_options(options)
        mux = Multiplexer({"": f"s3://{bucket}/flaky"})
        proxy.cut_next.set()
        mux.reload()
        assert proxy.cuts == 1
        (status,) = mux.runs["run"].statuses()
        if retries == "next reload":
            assert len(steps_of(mux, "run", "loss")) < n
            assert status.stopped is None and "reading was interrupted" in status.problems[-1]
            mux.reload()
        assert steps_of(mux, "run", "loss") == list(range(n))
        (status,) = mux.runs["run"].statuses()
        assert status.stopped is None and status.offset == len(body) and status.records == n + 1
    finally:
        proxy.close()


def test_engine_writers_write_to_the_bucket(bucket):
    """tf.summary.create_file_writer and the Keras TensorBoard callback, on an s3:// logdir."""
    root = f"s3://{bucket}/writers"
    writer = tf.summary.create_file_writer(f"{root}/tf2")
    with writer.as_default():
        for step in range(3):
            tf.summary.scalar("accuracy", 0.5 + step / 10, step=step)
    writer.close()
    import numpy as np

    from engine import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 4), "float32"), np.zeros((8, 1), "float32")
    model.fit(x, y, epochs=2, validation_data=(x, y), verbose=0,
              callbacks=[keras.callbacks.TensorBoard(log_dir=f"{root}/keras")])
    mux = Multiplexer({"": root})
    mux.reload()
    assert sorted(mux.runs) == ["keras/train", "keras/validation", "tf2"]
    assert steps_of(mux, "tf2", "accuracy") == [0, 1, 2]
    assert steps_of(mux, "keras/train", "epoch_loss") == [0, 1]
    assert steps_of(mux, "keras/validation", "epoch_loss") == [0, 1]


def test_logdir_spec_mixes_a_bucket_and_a_local_directory(bucket, s3_client, tmp_path):
    s3_client.put_object(Bucket=bucket, Key=f"a/r1/{FILE_NAME}", Body=scalar_records("loss", range(3)))
    (tmp_path / "r2").mkdir()
    (tmp_path / "r2" / FILE_NAME).write_bytes(scalar_records("loss", range(4)))
    spec = parse_logdir_spec(f"cloud:s3://{bucket}/a,disk:file://{tmp_path}")
    assert spec == {"cloud": f"s3://{bucket}/a", "disk": str(tmp_path)}
    mux = Multiplexer(spec)
    mux.reload()
    assert sorted(mux.runs) == ["cloud/r1", "disk/r2"]
    assert steps_of(mux, "cloud/r1", "loss") == [0, 1, 2]
    assert steps_of(mux, "disk/r2", "loss") == [0, 1, 2, 3]


def test_memory_logdir(tmp_path):
    """Any fsspec URL: memory:// (in-process), written by create_file_writer and served."""
    writer = tf.summary.create_file_writer("memory://board-test/run")
    with writer.as_default():
        for step in range(5):
            tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
    writer.close()
    with TestClient(create_app("memory://board-test", reload_interval=0), base_url=LOCAL) as client:
        assert _wait(lambda: not client.get("/api/status").json()["loading"])
        assert client.get("/api/runs").json() == {"runs": ["run"]}
        got = client.get("/api/scalars", params={"run": "run", "tag": "loss"}).json()
    assert got["step"] == [0, 1, 2, 3, 4]


def test_a_failed_upload_is_reported_and_retried(s3_endpoint, s3_client):
    """An upload to a bucket that is not there yet: flush() raises a one-line OSError naming
    it; the records stay queued, and once the bucket exists they all arrive, in order."""
    name = "late-bucket"
    filesystems.set_storage_options(s3server.options(s3_endpoint))
    try:
        writer = SummaryWriter(f"s3://{name}/run", max_queue=1000, flush_secs=1000)
        writer.add_scalar("loss", 0.0, 0)
        with pytest.raises(OSError, match=f"s3://{name}/run/events.*no such bucket"):
            writer.flush()
        s3_client.create_bucket(Bucket=name)
        time.sleep(1.2)  # the writer waits a second between attempts
        writer.flush()
        for step in range(1, 4):
            writer.add_scalar("loss", float(step), step)
        writer.close()
        mux = Multiplexer({"": f"s3://{name}"})
        mux.reload()
        assert steps_of(mux, "run", "loss") == [0, 1, 2, 3]
    finally:
        filesystems.set_storage_options({})
