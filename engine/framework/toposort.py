"""Iterative topological order of graph ops (deep graphs such as an unrolled RNN would overflow
Python's recursion limit with a recursive walk)."""

from __future__ import annotations


def topological_order(targets, stop_at=frozenset()) -> list:
    """Every op ``targets`` depend on (through inputs and control inputs), each after all of its
    dependencies, in a deterministic order. Tensors whose ids are in ``stop_at`` (fed values)
    cut the walk: their producers are not needed for them."""
    order = []
    state: dict[int, int] = {}  # id(op) -> 1 while on the stack, 2 once emitted
    for target in targets:
        if id(target) in state:
            continue
        stack = [(target, False)]
        while stack:
            op, expanded = stack.pop()
            if expanded:
                if state.get(id(op)) != 2:
                    state[id(op)] = 2
                    order.append(op)
                continue
            if state.get(id(op)) == 2:
                continue
            state[id(op)] = 1
            stack.append((op, True))
            deps = [t.op for t in op.inputs if id(t) not in stop_at] + list(op.control_inputs)
            for dep in reversed(deps):
                mark = state.get(id(dep))
                if mark is None:
                    stack.append((dep, False))
                elif mark == 1 and _on_path(stack, dep):
                    raise ValueError(f"the graph has a cycle through {dep.name!r}")
    return order


def _on_path(stack, op) -> bool:
    return any(entry is op and expanded for entry, expanded in stack)
