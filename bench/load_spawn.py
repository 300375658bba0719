"""From spawn until every point is served: ``board --logdir`` over HTTP, TensorBoard's Rust data
server over its gRPC API, and ``tensorboard --load_fast=true`` over HTTP, on one logdir.

Each side is a fresh process (cold imports; the OS page cache is warm for all, as the logdir was
just written or read). The clock starts at ``Popen`` and stops when the client holds every point
of every (run, tag): ours polls ``/api/status`` until the first load is done, then asks
``/api/scalars`` for each series; the Rust server is asked ``ReadScalars`` (all runs, all tags,
every point) until it returns them all; TensorBoard is asked ``/data/plugin/scalars/tags`` and
then each series until every point arrived. Used by ``bench/load.py --spawn``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import orjson

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 300.0
POLL = 0.02
CLIENT_THREADS = 4
LAST_CPU = [0.0]  # CPU seconds of the last side timed (the process and its children)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    except ChildProcessError:
        proc.wait(10)


def _get_json(client, path: str, **params):
    """An answer parsed by orjson, as a client in a hurry would (``json.loads`` took about 10 ms
    for one 10,000-point series, more than the board took to send it)."""
    r = client.get(path, params=params)
    r.raise_for_status()
    return orjson.loads(r.content)


def _fetch_all(client, jobs, fetch) -> int:
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        return sum(pool.map(lambda job: fetch(client, *job), jobs))


_COMPILED: list[bool] = []


def _bytecode_env() -> dict:
    """The environment ``board`` is spawned with: its own modules compiled first (into their
    ``__pycache__``, git-ignored), and bytecode allowed, so that it starts as an installed board
    does (pip compiles a package's modules; the peers' are compiled) even where
    PYTHONDONTWRITEBYTECODE is set: compiling some 80 modules at each start costs about 0.3 s
    of CPU that no installed board pays."""
    env = {**os.environ, "PYTHONPATH": ROOT}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    if not _COMPILED:
        subprocess.run([sys.executable, "-m", "compileall", "-q", "board", "tfevents"], cwd=ROOT,
                       check=True, env=env, stdout=subprocess.DEVNULL)
        _COMPILED.append(True)
    return env


def ours(logdir: str, expected: int, extra: tuple = ()) -> float:
    """Seconds from spawning ``board --logdir`` until every point came back from /api/scalars."""
    import httpx

    port = _free_port()
    env = _bytecode_env()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "board.cli", "--logdir", logdir, "--port", str(port),
                             "--reload_interval", "0", *extra], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if not _get_json(client, "/api/status")["loading"]:
                        break
                if proc.poll() is not None or time.perf_counter() - t0 > TIMEOUT:
                    raise RuntimeError(f"board did not load: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(POLL)
            tags = _get_json(client, "/api/tags")["runs"]
            jobs = [(run, tag) for run, kinds in tags.items() for tag in kinds["scalars"]]

            def fetch(c, run, tag):
                return len(_get_json(c, "/api/scalars", run=run, tag=tag)["value"])

            got = _fetch_all(client, jobs, fetch)
        elapsed = time.perf_counter() - t0
    finally:
        _stop(proc)
    if got != expected:
        raise RuntimeError(f"board served {got:,} points, expected {expected:,}")
    return elapsed


def rust_server() -> str:
    import tensorboard_data_server

    return tensorboard_data_server.server_binary()


def rust(logdir: str, expected: int, last_step: int) -> float:
    """Seconds from spawning the Rust data server until ReadScalars returned every point. It is
    polled with ListScalars (cheap) until every series reached ``last_step``, then read whole."""
    import grpc
    from tensorboard.data.proto import data_provider_pb2 as pb
    from tensorboard.data.proto import data_provider_pb2_grpc as pb_grpc

    with tempfile.TemporaryDirectory() as tmp:
        port_file = os.path.join(tmp, "port")
        t0 = time.perf_counter()
        proc = subprocess.Popen([rust_server(), f"--logdir={logdir}", "--port=0",
                                 f"--port-file={port_file}", "--reload=once",
                                 "--samples-per-plugin=scalars=all"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not (os.path.exists(port_file) and open(port_file).read().endswith("\n")):
                if proc.poll() is not None or time.perf_counter() - t0 > TIMEOUT:
                    raise RuntimeError("the data server did not start")
                time.sleep(0.002)
            port = int(open(port_file).read())
            scalars = pb.PluginFilter(plugin_name="scalars")
            listing = pb.ListScalarsRequest(plugin_filter=scalars)
            request = pb.ReadScalarsRequest(plugin_filter=scalars,
                                            downsample=pb.Downsample(num_points=2**31 - 1))
            with grpc.insecure_channel(f"localhost:{port}", options=[
                    ("grpc.max_receive_message_length", 1 << 30)]) as channel:
                stub = pb_grpc.TensorBoardDataProviderStub(channel)
                while True:
                    with contextlib.suppress(grpc.RpcError):
                        listed = stub.ListScalars(listing)
                        ends = [t.metadata.max_step for r in listed.runs for t in r.tags]
                        if ends and sum(ends) == last_step * len(ends):
                            response = stub.ReadScalars(request)
                            got = sum(len(t.data.value) for r in response.runs for t in r.tags)
                            if got >= expected:
                                break
                    if time.perf_counter() - t0 > TIMEOUT:
                        raise RuntimeError("the data server did not load in time")
                    time.sleep(POLL)
            elapsed = time.perf_counter() - t0
        finally:
            _stop(proc)
    if got != expected:
        raise RuntimeError(f"the data server served {got:,} points, expected {expected:,}")
    return elapsed


def tensorboard(logdir: str, expected: int, runs: int, tags_per_run: int) -> float:
    """Seconds from spawning ``tensorboard --load_fast=true`` until its scalars route returned
    every point of every (run, tag)."""
    import httpx

    port = _free_port()
    per_series = expected // (runs * tags_per_run)
    # The number, not 0 ("all"): TensorBoard passes it both to the data server (0 -> "all") and
    # to its scalars route as the points to downsample to, where 0 returns no points at all
    # (tensorboard/plugins/scalar/scalars_plugin.py, tensorboard/data/server_ingester.py).
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "tensorboard.main", f"--logdir={logdir}",
                             f"--port={port}", "--load_fast=true", "--reload_interval=0",
                             f"--samples_per_plugin=scalars={per_series}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            done: dict = {}
            while True:
                jobs = []
                with contextlib.suppress(httpx.TransportError, httpx.HTTPStatusError):
                    listed = _get_json(client, "/data/plugin/scalars/tags")
                    jobs = [(r, t) for r, ts in listed.items() for t in ts if (r, t) not in done]

                def fetch(c, run, tag):
                    n = len(_get_json(c, "/data/plugin/scalars/scalars", run=run, tag=tag))
                    return n

                if jobs:
                    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
                        for job, n in zip(jobs, pool.map(lambda j: fetch(client, *j), jobs), strict=True):
                            if n == per_series:
                                done[job] = n
                if sum(done.values()) >= expected:
                    break
                if proc.poll() is not None or time.perf_counter() - t0 > TIMEOUT:
                    raise RuntimeError(f"tensorboard did not load: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(POLL)
        elapsed = time.perf_counter() - t0
    finally:
        _stop(proc)
    return elapsed
