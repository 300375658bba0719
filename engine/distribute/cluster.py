"""Ray underneath the strategies: connect (or start a local cluster), place actors, wait on them,
and turn an actor's death into an error that names it instead of a hang.

Ray is optional (``pip install -e ".[distributed]"``); nothing here imports it until a strategy is
made. ``ray.init()`` with no address starts a local cluster on this machine; an address (or the
``RAY_ADDRESS`` variable) joins an existing one, and then the ``engine`` package is shipped to the
cluster's workers with Ray's ``runtime_env``. A strategy's ``shutdown`` stops its actors, not the
Ray session: the next strategy reuses it, and Ray stops a local cluster when Python exits (or at
``ray.shutdown()``).
"""

from __future__ import annotations

import os
import pathlib
import pickle
import socket
import time

from engine.distribute.distribute_lib import DistributedTrainingError


def import_ray():
    try:
        import ray
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("engine.distribute runs on Ray, which is not installed: "
                          "pip install -e \".[distributed]\" (or pip install ray)") from e
    return ray


def connect(address=None, ray_init_kwargs=None):
    """Use the running Ray session, or start/join one. Usage statistics stay off unless the user
    turned them on: a training job should not phone home."""
    ray = import_ray()
    address = address or os.environ.get("RAY_ADDRESS")
    if ray.is_initialized():
        _check_same_cluster(ray, address)
        return ray
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    kwargs = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
    kwargs.update(ray_init_kwargs or {})
    if address and address != "local" and "runtime_env" not in kwargs:
        engine_dir = pathlib.Path(__file__).parent.parent  # the engine package this module is part of
        kwargs["runtime_env"] = {"py_modules": [str(engine_dir)]}
    ray.init(address=address, **kwargs)
    return ray


def _check_same_cluster(ray, address) -> None:
    """A strategy asked to join ``host:port`` while this process is connected to another cluster
    would silently train elsewhere: refuse. ``auto``, ``local`` and ``ray://`` are not checked."""
    if not address or address in ("auto", "local") or "://" in address or ":" not in address:
        return
    host, _, port = address.rpartition(":")
    try:
        current = ray.get_runtime_context().gcs_address
    except Exception:  # noqa: BLE001 - a Ray Client session has none; nothing to compare
        return
    cur_host, _, cur_port = str(current).rpartition(":")
    same_host = host in (cur_host, "localhost") or host.startswith("127.") or _resolve(host) == cur_host
    if port != cur_port or not same_host:
        raise ValueError(f"this process is already connected to the Ray cluster at {current}, not {address}; "
                         f"call ray.shutdown() first to join another one")


def _resolve(host: str) -> str:
    try:
        return socket.gethostbyname(host)
    except OSError:
        return host


def check_resources(ray, what: str, want: float, wait: float = 1.0) -> None:
    """Fail now, naming the shortfall, rather than leave actors pending for ever. Actors that
    were just stopped give their CPUs back within moments, so wait a little first."""
    if want <= 0:
        return
    deadline = time.monotonic() + wait
    while True:
        have = ray.available_resources().get("CPU", 0.0)
        if have + 1e-9 >= want:
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    total = ray.cluster_resources().get("CPU", 0.0)
    raise ValueError(
        f"{what} need {want:g} CPUs but the Ray cluster has {have:g} free (of {total:g}); ask for fewer, "
        f"start Ray with more CPUs (ray.init(num_cpus=...)), or join a bigger cluster")


_STANDARD = ("CPU", "GPU", "memory", "object_store_memory", "TPU", "accelerator_type")


class Member:
    """One actor of a strategy, with the name errors use: ``worker 1``, ``parameter server 0``."""

    def __init__(self, role: str, index: int, handle, cpus: float = 0.0):
        self.role, self.index, self.handle, self.cpus = role, index, handle, cpus
        self.pid = self.node = self.node_id = self.node_ip = None
        self.node_labels = ()  # the custom resources of its node (how clusters name their nodes)

    def placed(self, where) -> None:
        """Record what the actor's ``ping`` said: pid, host name, Ray node id and node address."""
        self.pid, self.node, self.node_id, self.node_ip = where

    @property
    def name(self) -> str:
        where = f", pid {self.pid} on {self.node}" if self.pid is not None else ""
        if self.node_id:
            where += f", node {self.node_id[:8]} at {self.node_ip}"
        return f"{self.role} {self.index} (Ray actor {self.handle._actor_id.hex()[:12]}{where})"


def start(ray, cls, role: str, count: int, cpus_each: float, startup_timeout: float, args=()):
    """``count`` actors of ``cls``, each answering a ping before we go on."""
    check_resources(ray, f"{count} {role}{'s' if count != 1 else ''}", count * cpus_each)
    remote_cls = ray.remote(cls).options(num_cpus=cpus_each, max_restarts=0, max_concurrency=1)
    members = [Member(role, i, remote_cls.remote(i, *args), cpus_each) for i in range(count)]
    refs = [m.handle.ping.remote() for m in members]
    ready, _ = ray.wait(refs, num_returns=len(refs), timeout=startup_timeout)
    if len(ready) < len(refs):
        late = [m.role + " " + str(m.index) for m, r in zip(members, refs, strict=True) if r not in ready]
        for m in members:
            ray.kill(m.handle, no_restart=True)
        raise TimeoutError(f"{', '.join(late)} did not start within {startup_timeout:g} s; "
                           f"Ray's available resources: {ray.available_resources()}")
    for m, r in zip(members, refs, strict=True):
        m.placed(get(ray, [(m, r)])[0])
    labels = {n["NodeID"]: _labels(n) for n in ray.nodes()}
    for m in members:
        m.node_labels = labels.get(m.node_id, ())
    return members


def _labels(node) -> tuple:
    names = node.get("Resources", {})
    return tuple(sorted(k for k in names if k not in _STANDARD and not k.startswith("node:")))


def get(ray, pairs, timeout=None, doing: str = "training"):
    """``ray.get`` for ``[(member, ref), ...]``. Errors name the actor: a death or a timeout is
    ``fatal``; an exception raised inside the actor is not. When a worker fails because an actor it
    called died (its parameter server), ``member`` is None and the caller finds out who died."""
    out = []
    for member, ref in pairs:
        try:
            out.append(ray.get(ref, timeout=timeout))
        except ray.exceptions.GetTimeoutError as e:
            err = DistributedTimeoutError(f"{member.name} did not answer within {timeout:g} s while {doing}")
            err.member, err.fatal = member, True
            raise err from e
        # A task error is checked first: Ray makes it an instance of its cause's class as well.
        except ray.exceptions.RayTaskError as e:
            cause = e.cause if getattr(e, "cause", None) is not None else e
            if isinstance(cause, ray.exceptions.RayActorError):
                err = DistributedTrainingError(f"{member.name} failed while {doing}: {_first_line(cause)}")
                err.member, err.fatal, err.reported = None, True, f"reported by {member.name}"
                raise err from e
            err = DistributedTrainingError(f"{member.name} raised while {doing}: {type(cause).__name__}: "
                                           f"{_first_line(cause)}")
            err.member, err.fatal = member, False
            raise err from e
        except ray.exceptions.RayActorError as e:
            err = DistributedTrainingError(f"{member.name} died while {doing} ({_first_line(e)})")
            err.member, err.fatal = member, True
            raise err from e
    return out


class DistributedTimeoutError(DistributedTrainingError, TimeoutError):
    """An actor did not answer within the strategy's ``step_timeout``."""


def _first_line(error) -> str:
    text = str(error).strip()
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:500]
    return type(error).__name__


def identify_dead(ray, members, timeout: float = 10.0) -> list:
    """The members that no longer answer a ping (used to name who died behind a failed task)."""
    refs = [(m, m.handle.ping.remote()) for m in members]
    dead = []
    for m, r in refs:
        try:
            ray.get(r, timeout=timeout)
        except (ray.exceptions.RayActorError, ray.exceptions.GetTimeoutError):
            dead.append(m)
    return dead


def stop(ray, members, timeout: float = 10.0) -> None:
    """Kill the actors and wait until Ray reports them gone and their CPUs free again (the CPUs of
    actors on a node that was lost do not come back: they are not waited for)."""
    before = ray.available_resources().get("CPU", 0.0)
    for m in members:
        try:
            ray.kill(m.handle, no_restart=True)
        except Exception:  # noqa: BLE001 - already gone is fine
            pass
    deadline = time.monotonic() + timeout
    for m in members:
        try:
            ray.get(m.handle.ping.remote(), timeout=max(0.1, deadline - time.monotonic()))
        except Exception:  # noqa: BLE001 - RayActorError is what we wait for
            pass
    alive = _alive_nodes(ray)
    freed = sum(m.cpus for m in members if m.node_id is None or alive.get(m.node_id, False))
    while time.monotonic() < deadline and ray.available_resources().get("CPU", 0.0) + 1e-9 < before + freed:
        time.sleep(0.05)


def _alive_nodes(ray) -> dict:
    try:
        return {n["NodeID"]: bool(n["Alive"]) for n in ray.nodes()}
    except Exception:  # noqa: BLE001 - the GCS itself is unreachable: assume nothing
        return {}


def lost_nodes(ray, members, wait: float = 0.0) -> str:
    """What Ray says about the nodes ``members`` ran on that it has declared dead, e.g.
    ``node 1b428eb7 at 10.0.0.2 (node_b) was lost: health check failed ...``; "" when none is
    (yet). Ray declares a node dead some seconds after its last heartbeat, so ``wait`` polls."""
    deadline = time.monotonic() + wait
    ours = {m.node_id: m.node_labels for m in members if m.node_id}
    while True:
        try:
            dead = [n for n in ray.nodes() if n["NodeID"] in ours and not n["Alive"]]
        except Exception:  # noqa: BLE001 - the GCS is gone too: the head node was lost
            return "the Ray cluster's head node (GCS) does not answer"
        if dead or time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    parts = []
    for n in dead:
        labels = _labels(n) or ours[n["NodeID"]]  # a dead node's resources are no longer listed
        label = f" ({', '.join(labels)})" if labels else ""
        reason = n.get("DeathReasonMessage") or "no heartbeats"
        where = n.get("NodeManagerAddress", "?")
        parts.append(f"node {n['NodeID'][:8]} at {where}{label} was lost: {reason}")
    return "; ".join(parts)


def dumps_model(model) -> bytes:
    """The model to send to an actor: without the strategy it points at, the optimizer (sent as
    state, because its slots are keyed by variable identity) or fit's leftovers."""
    from ray import cloudpickle

    transient = ("_distribute_strategy", "optimizer", "history", "_fit_validation_data")
    saved = {k: model.__dict__.pop(k) for k in transient if k in model.__dict__}
    try:
        return cloudpickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        model.__dict__.update(saved)
