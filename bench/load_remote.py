"""The board's loader on an S3 logdir: load and reload costs, and what a reload fetches.

    python bench/load.py --logdir s3://bench/logs [--runs 10] [--tags 10] [--steps 10000] [--repeat 7]
    python bench/load_remote.py --logdir s3://bench/logs ...        (the same)

With no AWS_ENDPOINT_URL set it starts moto's S3 server on 127.0.0.1 (a child process,
tests/remote/s3server.py) and makes the bucket. The board reaches the server through a counting
TCP proxy (tests/remote/proxy.py), so every byte on the wire is counted; the body bytes of the
range reads are counted too (``tfevents.filesystems.stats``). Prints:
  1. a full load from the bucket, and the same files loaded from a local directory;
  2. a reload with nothing new (one listing);
  3. a reload after one event is appended to one run (the object uploaded again, as the writer
     does): its time, the body bytes read vs the appended bytes (target: at most 2x), and the
     bytes on the wire (HTTP headers and the listing included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.load import file_version_record, scalar_record  # noqa: E402
from board.ingest.multiplexer import Multiplexer  # noqa: E402
from tests.remote import s3server  # noqa: E402
from tests.remote.proxy import Proxy  # noqa: E402
from tfevents import filesystems  # noqa: E402

FILE = "events.out.tfevents.1700000000.bench.1.0"


def run_bytes(tags: int, steps: int, new_style: bool) -> bytes:
    names = [f"group_{t % 3}/metric_{t}" for t in range(tags)]
    parts = [file_version_record()]
    for step in range(steps):
        parts.extend(scalar_record(names[t], step, (step * (t + 1)) % 977 / 977.0, new_style)
                     for t in range(tags))
    return b"".join(parts)


def _timed_reload(mux: Multiplexer, proxy: Proxy) -> dict:
    proxy.reset_counts()
    before = dict(filesystems.stats)
    t0 = time.perf_counter()
    events = mux.reload()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "events": events, "wire": proxy.bytes_down, "wire_reads": proxy.bytes_ranged,
            **{k: filesystems.stats[k] - before[k] for k in ("lists", "reads", "bytes_read")}}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--logdir", required=True, help="s3://BUCKET/PREFIX")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--tags", type=int, default=10)
    p.add_argument("--steps", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=7, help="append-and-reload repetitions")
    p.add_argument("--new_style", action="store_true")
    args, _ = p.parse_known_args(argv)
    if not args.logdir.startswith("s3://"):
        p.error("bench/load_remote.py measures s3:// logdirs")
    bucket, _, prefix = args.logdir[len("s3://"):].partition("/")
    proc = None
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint is None:
        proc, endpoint = s3server.start_process()
        s3server.make_bucket(endpoint, bucket)
        print(f"moto S3 server at {endpoint}, bucket {bucket!r}")
    import boto3

    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=s3server.KEY,
                      aws_secret_access_key=s3server.SECRET, region_name=s3server.REGION)
    host, port = endpoint.removeprefix("http://").split(":")
    proxy = Proxy((host, int(port)))
    try:
        _bench(args, s3, bucket, prefix, proxy)
    finally:
        proxy.close()
        if proc is not None:
            proc.kill()
            proc.wait()


def _bench(args, s3, bucket: str, prefix: str, proxy: Proxy) -> None:
    body = run_bytes(args.tags, args.steps, args.new_style)
    keys = [f"{prefix}/run_{r:02d}/{FILE}".lstrip("/") for r in range(args.runs)]
    t0 = time.perf_counter()
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    total = len(body) * args.runs
    events = args.runs * args.tags * args.steps
    print(f"uploaded {events:,} events ({total / 1e6:.1f} MB, {args.runs} objects) in "
          f"{time.perf_counter() - t0:.1f} s")
    filesystems.set_storage_options(s3server.options(proxy.url))
    t0 = time.perf_counter()
    filesystems.list_tree(f"s3://{bucket}/no-such-prefix", 1)  # import s3fs, make its client
    print(f"0. the S3 client's start (import s3fs, session, a first listing): "
          f"{time.perf_counter() - t0:.2f} s")
    mux = Multiplexer({"": args.logdir})
    full = _timed_reload(mux, proxy)
    with tempfile.TemporaryDirectory() as local:
        for r in range(args.runs):
            os.makedirs(os.path.join(local, f"run_{r:02d}"))
            with open(os.path.join(local, f"run_{r:02d}", FILE), "wb") as f:
                f.write(body)
        t0 = time.perf_counter()
        Multiplexer({"": local}).reload()
        local_seconds = time.perf_counter() - t0
    print(f"1. full load from S3: {full['seconds']:.2f} s ({full['events']:,} events, {full['reads']} range "
          f"reads, {full['lists']} listing); body bytes {full['bytes_read']:,} of {total:,} stored "
          f"({full['bytes_read'] / total:.3f}x); on the wire {full['wire']:,} bytes")
    print(f"   the same files from a local directory: {local_seconds:.2f} s "
          f"(S3 / local = {full['seconds'] / local_seconds:.1f}x)")
    idle = [_timed_reload(mux, proxy) for _ in range(args.repeat)]
    print(f"2. reload, nothing new: median {statistics.median(r['seconds'] for r in idle) * 1e3:.1f} ms, "
          f"{idle[-1]['lists']} listing, {idle[-1]['reads']} reads, {idle[-1]['wire']:,} bytes on the wire")
    rows = []
    for i in range(args.repeat):
        appended = scalar_record("group_0/metric_0", args.steps + i, 0.5, args.new_style)
        body += appended
        s3.put_object(Bucket=bucket, Key=keys[0], Body=body)
        row = _timed_reload(mux, proxy)
        rows.append((row, len(appended)))
    row, appended = rows[-1]
    ratios = [r["bytes_read"] / n for r, n in rows]
    print(f"3. reload after one appended event ({appended} bytes), x{args.repeat}: median "
          f"{statistics.median(r['seconds'] for r, _ in rows) * 1e3:.1f} ms; events read "
          f"{[r['events'] for r, _ in rows]}; body bytes read / appended: max {max(ratios):.2f}x "
          f"(target <= 2x); on the wire per reload {row['wire']:,} bytes, of which the range read's "
          f"response (headers included) {row['wire_reads']:,} and the listing the rest")
    assert max(ratios) <= 2.0, ratios


if __name__ == "__main__":
    main()
