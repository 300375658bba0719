"""Files written by PyTorch and tensorboardX (and damaged copies) read by our reader give what
the real TensorBoard reader found in them (``expected.json``), apart from the documented cases
where we read more than TensorBoard does."""

from __future__ import annotations

import json
import math

import pytest

from engine.summary import EventFileReader
from tests.summary.runs import read_run

_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _value(v):
    return _SPECIAL.get(v, v) if isinstance(v, str) else v


def _same(a, b) -> bool:
    a, b = _value(a), _value(b)
    return (math.isnan(a) and math.isnan(b)) or a == b


def _cases(fixtures_root):
    for logdir in ("torch", "tbx", "broken"):
        expected = json.loads((fixtures_root / logdir / "expected.json").read_text())
        for run in expected["runs"]:
            yield logdir, run


def _all_cases():
    from tests.conftest import FIXTURES

    # broken/data_crc is where we read more than TensorBoard: see test_data_crc_skips_one_record.
    return [pytest.param(logdir, run, id=f"{logdir}/{run}") for logdir, run in _cases(FIXTURES)
            if (logdir, run) != ("broken", "data_crc")]


@pytest.mark.parametrize(("logdir", "run"), _all_cases())
def test_fixture_run_matches_tensorboard(fixtures_dir, logdir, run):
    expected = json.loads((fixtures_dir / logdir / "expected.json").read_text())["runs"][run]
    got = read_run(fixtures_dir / logdir / run)

    assert sorted(got.scalars) == sorted(expected["scalars"])
    for tag, exp in expected["scalars"].items():
        points = got.scalars[tag]
        assert len(points) == exp["count"], tag
        for (step, value), (exp_step, exp_value) in zip(points, exp["points"], strict=True):
            assert step == exp_step and _same(value, exp_value), (tag, step, value, exp_value)

    assert sorted(got.histograms) == sorted(expected["histograms"])
    for tag, exp in expected["histograms"].items():
        histos = got.histograms[tag]
        assert len(histos) == exp["count"]
        assert histos[0].step == exp["first_step"]
        last, exp_last = histos[-1], exp["last"]
        assert last.step == exp_last["step"]
        assert (last.min, last.max, last.num) == (exp_last["min"], exp_last["max"], exp_last["num"])
        assert last.sum == pytest.approx(exp_last["sum"], rel=1e-12, abs=1e-12)
        assert len(last.buckets) == exp_last["tensor_bucket_count"]
        assert last.buckets[:, 2].sum() == pytest.approx(exp_last["num"])

    assert sorted(got.text) == sorted(expected["text"])
    for tag, exp in expected["text"].items():
        entries = got.text[tag]
        assert len(entries) == exp["count"]
        assert list(entries[0]) == exp["first"] and list(entries[-1]) == exp["last"]

    assert bool(got.graphs) == expected["graph"]["present"]
    if got.graphs:
        assert len(got.graphs[-1].node) == expected["graph"]["node_count"]

    for exp in expected["hparams"].values():
        data = got.hparams[exp["kind"]]
        if exp["kind"] == "experiment":
            assert sorted(h["name"] for h in data["hparam_infos"]) == exp["hparams"]
            assert sorted(m["name"]["tag"] for m in data["metric_infos"]) == exp["metrics"]
        elif exp["kind"] == "session_start_info":
            assert data["hparams"] == exp["hparams"]
        else:
            assert data["status"] == "STATUS_SUCCESS" and exp["status"] == 1
    assert not got.problems

    exp_files = expected["files"]
    assert [f.path.rsplit("/", 1)[-1] for f in got.files] == [f["name"] for f in exp_files]
    for status, exp in zip(got.files, exp_files, strict=True):
        assert status.records == exp["records_read"]
        assert status.file_version == exp["file_version"]
        header_broken = exp["stopped_early"] and "header crc32" in exp["stopped_early"]
        assert (status.stopped is not None) == bool(header_broken), status.stopped
        if exp["stopped_early"] and "truncated" in exp["stopped_early"]:
            assert status.pending_bytes > 0  # a writer mid-record: wait for it, not an error


def test_data_crc_skips_one_record(fixtures_dir):
    """TensorBoard stops at the record whose payload CRC fails; we skip it and read on."""
    manifest = json.loads((fixtures_dir / "broken" / "manifest.json").read_text())["variants"]["data_crc"]
    damaged = read_run(fixtures_dir / "broken" / "data_crc")
    intact = read_run(fixtures_dir / "broken" / "intact")
    (status,) = damaged.files
    assert (status.records, status.skipped, status.stopped) == (1024, 1, None)
    assert str(manifest["bad_record_offset"]) in status.problems[0]
    lost = sum(len(v) for v in intact.scalars.values()) - sum(len(v) for v in damaged.scalars.values())
    lost += sum(len(v) for v in intact.histograms.values()) - sum(len(v) for v in damaged.histograms.values())
    lost += sum(len(v) for v in intact.text.values()) - sum(len(v) for v in damaged.text.values())
    assert lost == 1  # exactly the one summary in the damaged record
    for tag, points in damaged.scalars.items():
        assert set(points) <= set(intact.scalars[tag])


@pytest.mark.parametrize("variant", ["truncated", "length_crc", "length_huge", "random", "empty"])
def test_broken_file_offsets(fixtures_dir, variant):
    """The reader stops where the manifest says and leaves the offset resumable."""
    manifest = json.loads((fixtures_dir / "broken" / "manifest.json").read_text())["variants"][variant]
    (path,) = (fixtures_dir / "broken" / variant).iterdir()
    reader = EventFileReader(path)
    events = list(reader.read())
    st = reader.status
    if variant == "truncated":
        assert len(events) == manifest["complete_records"]
        assert st.offset == manifest["last_record_offset"] and st.stopped is None
        assert list(reader.read()) == []  # nothing new yet: still waiting at the same offset
        assert st.offset == manifest["last_record_offset"]
    elif variant in ("length_crc", "length_huge"):
        assert len(events) == manifest["records_before"]
        assert st.offset == manifest["bad_record_offset"]
        assert "length checksum" in st.stopped
    elif variant == "random":
        assert events == [] and st.stopped is not None and st.offset == 0
    else:
        assert events == [] and st.stopped is None and st.offset == 0
