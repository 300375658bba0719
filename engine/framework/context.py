"""The execution context: everything "where am I running?" depends on, in one place.

Per thread, as TensorFlow keeps its eager context and graph stack: the graphs entered with
``Graph.as_default()``, each graph's name scope and control dependencies, the active
``GradientTape``s, the default ``Session``s, the distribution strategy in scope, and whether a graph
is running kernels on probe values to learn shapes. So a tape records only its own thread's ops,
and a graph one thread entered is not the default of another.

Per process, as in TensorFlow: the global default graph (what a thread that entered no graph
builds into), whether eager execution is disabled, and the random seed with the generators
derived from it.

Nothing here imports the rest of the engine: ``graph`` installs the first global default graph.
"""

from __future__ import annotations

import contextlib
import threading
import weakref

import numpy as np


class _ThreadContext(threading.local):
    def __init__(self):
        self.graphs: list = []        # entered with Graph.as_default(), innermost last
        self.building = weakref.WeakKeyDictionary()  # graph -> BuildState of this thread
        self.tapes: list = []         # active GradientTapes, innermost last
        self.sessions: list = []      # default sessions, innermost last
        self.strategies: list = []    # distribution strategies in scope
        self.probing = False


class _ProcessContext:
    def __init__(self):
        self.lock = threading.Lock()
        self.default_graph = None
        self.eager_disabled = False
        # Graphs entered and tapes active over all threads: while both are 0 (the eager common
        # case) an op skips the thread-local lookups.
        self.entered_graphs = 0
        self.active_tapes = 0
        self.seed = None
        self.rng = np.random.default_rng()
        self.streams: dict = {}


_thread = _ThreadContext()
_process = _ProcessContext()


# -- graphs ------------------------------------------------------------------------------------------
def get_default_graph():
    """The innermost graph this thread entered, else the global default graph."""
    stack = _thread.graphs
    return stack[-1] if stack and stack[-1] is not None else _process.default_graph


@contextlib.contextmanager
def eager_mode():
    """Run ops eagerly in this block even in a graph or with eager execution disabled (what a
    ``tf.data`` function runs under when a TF1 session pulls elements)."""
    with graph_entered(None):
        yield


def set_global_default_graph(graph) -> None:
    """Replace the global default graph (``tf.reset_default_graph``)."""
    if _thread.graphs:
        raise RuntimeError("reset_default_graph() cannot run inside a `with graph.as_default()` block")
    _process.default_graph = graph


@contextlib.contextmanager
def graph_entered(graph):
    """Make ``graph`` this thread's default while the block runs (``Graph.as_default``)."""
    _thread.graphs.append(graph)
    _count("entered_graphs", 1)
    try:
        yield graph
    finally:
        _count("entered_graphs", -1)
        _thread.graphs.pop()


def explicit_graph():
    """The graph ops on eager values build into: one this thread entered, or the global default
    when eager execution is disabled. ``None`` means run eagerly."""
    if not _process.entered_graphs and not _process.eager_disabled:
        return None
    stack = _thread.graphs
    if stack:
        return stack[-1]
    if _process.eager_disabled:
        return _process.default_graph
    return None


def building_function() -> bool:
    """Whether this thread builds into a cond branch or loop body (a graph with an outer graph)."""
    stack = _thread.graphs
    return bool(stack) and getattr(stack[-1], "outer_graph", None) is not None


def executing_eagerly() -> bool:
    return explicit_graph() is None


def disable_eager_execution() -> None:
    """TF1 behaviour everywhere (every thread): every op builds a node in the default graph."""
    _process.eager_disabled = True


def enable_eager_execution() -> None:
    _process.eager_disabled = False


class BuildState:
    """Where this thread builds in one graph: its name scope (``"layer/"``) and the stack of
    control dependencies new ops get."""

    __slots__ = ("scope", "control_deps")

    def __init__(self):
        self.scope = ""
        self.control_deps: list[list] = []


def build_state(graph) -> BuildState:
    """This thread's ``BuildState`` in ``graph`` (threads building one graph do not share scopes)."""
    building = _thread.building
    state = building.get(graph)
    if state is None:
        state = building[graph] = BuildState()
    return state


# -- probing -----------------------------------------------------------------------------------------
@contextlib.contextmanager
def probing():
    """While a graph runs a kernel on probe arrays to learn its output shapes."""
    saved, _thread.probing = _thread.probing, True
    try:
        yield
    finally:
        _thread.probing = saved


def is_probing() -> bool:
    return _thread.probing


# -- tapes -------------------------------------------------------------------------------------------
def active_tapes() -> list:
    """This thread's active tapes, innermost last (an empty tuple, fast, when no thread has one)."""
    return _thread.tapes if _process.active_tapes else ()


def push_tape(tape) -> None:
    _thread.tapes.append(tape)
    _count("active_tapes", 1)


def pop_tape(tape) -> None:
    """Deactivate ``tape`` (a no-op when it is not active in this thread)."""
    tapes = _thread.tapes
    if tape in tapes:
        tapes.remove(tape)
        _count("active_tapes", -1)


# -- sessions ----------------------------------------------------------------------------------------
def default_session():
    sessions = _thread.sessions
    return sessions[-1] if sessions else None


def push_session(session) -> None:
    _thread.sessions.append(session)


def remove_session(session, every: bool = False) -> None:
    """Take ``session`` off this thread's default stack (once, or ``every`` time it is on it)."""
    sessions = _thread.sessions
    while session in sessions:
        sessions.remove(session)
        if not every:
            break


def session_for(session, what):
    """``session``, else the default session; an error saying what to do when there is none."""
    session = session or default_session()
    if session is None:
        raise ValueError(
            f"cannot evaluate {what!r} without a session: pass session=, work inside "
            f"`with tf.Session() as sess:`, or create a tf.InteractiveSession() first"
        )
    return session


# -- distribution strategies ----------------------------------------------------------------------------
def strategy_in_scope():
    """The strategy whose ``scope()`` this thread is in, or None."""
    strategies = _thread.strategies
    return strategies[-1] if strategies else None


def push_strategy(strategy) -> None:
    _thread.strategies.append(strategy)


def pop_strategy() -> None:
    _thread.strategies.pop()


# -- random numbers ----------------------------------------------------------------------------------
def set_random_seed(seed) -> None:
    """Reseed the global generator and forget every per-op stream."""
    _process.seed = None if seed is None else int(seed)
    _process.rng = np.random.default_rng(seed)
    _process.streams = {}


def random_generator(op_seed=None) -> np.random.Generator:
    """The generator a random kernel draws from: the global one, the stream of ``op_seed`` (derived
    from the global seed and it), or a scratch one while a graph probes shapes (so building a graph
    does not move the seeded sequence)."""
    if _thread.probing:
        return np.random.default_rng(0)
    if op_seed is None:
        return _process.rng
    streams = _process.streams
    if op_seed not in streams:
        with _process.lock:
            if op_seed not in streams:
                base = _process.seed if _process.seed is not None else 0
                streams[op_seed] = np.random.default_rng([base, op_seed])
    return streams[op_seed]


def _count(name: str, delta: int) -> None:
    with _process.lock:
        setattr(_process, name, getattr(_process, name) + delta)
