"""A real multi-node Ray cluster on this machine, started with Ray's own CLI (``ray start --head``
and ``ray start --address=...``), one raylet per node, each node labelled with a custom resource
(``node_a``, ``node_b``) so tests can place actors and check where they ran.

Every port is a free one picked here and every node has its own short temporary directory, so the
cluster does not clash with a local ``ray.init()`` elsewhere in the suite, nor with other Ray users
on the machine. It is stopped by killing exactly the processes it started (the ones whose command
line names its temporary directory, and their children: the raylet's workers), never with
``ray stop``, which would stop every Ray instance on the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Node death is noticed after (period x threshold) without heartbeats: 3 s x 5 by default; here
# ~2 s so a test of a lost node is quick. Ray's own defaults are left alone everywhere else.
HEALTH_CHECK = {"health_check_period_ms": 500, "health_check_timeout_ms": 500,
                "health_check_failure_threshold": 4}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ray_cli() -> str:
    beside = Path(sys.executable).with_name("ray")
    return str(beside) if beside.exists() else (shutil.which("ray") or "ray")


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(entry))
    return out


def _processes_naming(text: str) -> list[int]:
    """Processes whose command line contains ``text`` (a node's private temporary directory)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry))
    return found


def _agree_on_authentication() -> str:
    """The authentication mode for the nodes and this process alike. A local ``ray.init()`` turns
    token authentication on for the rest of its process (Ray 2.5x+), and a process in token mode
    that joins a cluster without it sees its actors die unstarted; one without the mode cannot
    connect to a cluster with it. So: this process's mode if set, else token mode for both, with
    the token a local ``ray.init()`` would make (``~/.ray/auth_token``)."""
    mode = os.environ.get("RAY_AUTH_MODE") or "token"
    if mode == "token":
        from ray._private.authentication import authentication_token_setup as auth

        if not os.environ.get("RAY_AUTH_TOKEN") and not auth._get_default_token_path().exists():
            auth.generate_and_save_token()
        auth._enable_token_auth()  # what a local ray.init() does to its process
    return mode


class Node:
    def __init__(self, name: str, temp_dir: str):
        self.name, self.temp_dir = name, temp_dir

    def pids(self) -> list[int]:
        """This node's Ray processes (GCS, raylet, monitors) and the raylet's worker processes,
        whose command lines (``ray::Replica``) do not name the directory."""
        own = _processes_naming(self.temp_dir + "/")
        return own + [c for pid in own for c in _children(pid) if c not in own]

    def raylet_pid(self) -> int:
        for pid in _processes_naming(self.temp_dir + "/"):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if f.read().split(b"\0")[0].endswith(b"/raylet"):
                        return pid
            except OSError:
                continue
        raise RuntimeError(f"no raylet found for node {self.name}")

    def kill(self) -> list[int]:
        """SIGKILL every process of this node, as a machine that loses power would stop."""
        pids = self.pids()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return pids


class LocalCluster:
    """``LocalCluster(["node_a", "node_b"])``: the first node is the head. ``address`` is what
    ``ray.init(address=...)`` / ``RAY_ADDRESS`` take."""

    def __init__(self, names, cpus_per_node: int = 1, object_store_bytes: int = 150 * 1024 * 1024,
                 timeout: float = 90.0):
        self.root = tempfile.mkdtemp(prefix="rc", dir="/tmp")  # short: Unix socket paths are < 108 bytes
        self.cpus, self.store, self.timeout = cpus_per_node, object_store_bytes, timeout
        self.nodes: dict[str, Node] = {}
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE=_agree_on_authentication())
        self.env.pop("RAY_ADDRESS", None)
        try:
            self.add_nodes(list(names), head=True)
        except BaseException:
            self.stop()
            raise

    def _launch(self, name: str, head: bool):
        """Run ``ray start`` for a new node; returns (node, process, log path) without waiting."""
        node = Node(name, os.path.join(self.root, f"{name}.{len(self.nodes)}"))
        os.makedirs(node.temp_dir)
        args = [f"--num-cpus={self.cpus}", f"--resources={json.dumps({name: 1})}",
                f"--temp-dir={node.temp_dir}", f"--object-store-memory={self.store}",
                "--node-ip-address=127.0.0.1", "--disable-usage-stats", "--include-log-monitor=false",
                f"--dashboard-agent-listen-port={free_port()}", f"--dashboard-agent-grpc-port={free_port()}",
                f"--runtime-env-agent-port={free_port()}", f"--metrics-export-port={free_port()}"]
        if head:
            args += ["--head", f"--port={self.port}", "--include-dashboard=false",
                     f"--dashboard-port={free_port()}", f"--ray-client-server-port={free_port()}",
                     f"--system-config={json.dumps(HEALTH_CHECK)}"]
        else:
            args += [f"--address={self.address}"]
        self.nodes[name] = node
        log = Path(self.root, f"{name}.{len(self.nodes)}.start.log")
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.Popen([_ray_cli(), "start", *args], stdout=out, stderr=subprocess.STDOUT,
                                    env=self.env)
        return node, proc, log

    def _wait(self, launched) -> None:
        deadline = time.monotonic() + self.timeout
        for node, proc, log in launched:
            try:
                code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                code = "timeout"
            if code != 0:
                raise RuntimeError(f"ray start for {node.name} failed ({code}):\n{log.read_text()[-3000:]}")

    def add_nodes(self, names, head: bool = False) -> None:
        """Start the nodes at once: a worker node's ``ray start`` waits for the head's GCS itself."""
        self._wait([self._launch(name, head=head and i == 0) for i, name in enumerate(names)])

    def add_node(self, name: str) -> Node:
        self.add_nodes([name])
        return self.nodes[name]

    def ensure(self, *names: str) -> None:
        """Start again any of these nodes that a test killed."""
        for name in names:
            if name not in self.nodes:
                self.add_node(name)

    def kill_node(self, name: str) -> list[int]:
        return self.nodes.pop(name).kill()

    def wait_for_nodes(self, ray, alive: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while sum(n["Alive"] for n in ray.nodes()) != alive:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the cluster did not reach {alive} live nodes: {ray.nodes()}")
            time.sleep(0.2)

    def stop(self) -> None:
        for node in list(self.nodes.values())[::-1]:  # workers first, the head (GCS) last
            node.kill()
        self.nodes.clear()
        shutil.rmtree(self.root, ignore_errors=True)
