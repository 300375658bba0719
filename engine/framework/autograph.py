"""AutoGraph, the small part of it: the source of a ``tf.function`` is rewritten so that ``if``,
``while`` and ``for`` statements call ``ag__.if_stmt`` / ``while_stmt`` / ``for_stmt``, which
decide at trace time, as TensorFlow's AutoGraph does: a condition (or iterable) that is a tensor
becomes ``tf.cond`` / ``tf.while_loop``; a Python value runs as plain Python.

Each statement's body becomes a local function taking and returning the variables it assigns.
Statements holding ``break``, ``continue``, ``return`` (beyond the ``if ...: return a`` / ``else:
return b`` shape), ``yield``, ``global`` or ``nonlocal`` stay as written, and so does a function
whose source cannot be read (a lambda, code made by ``exec``): it is traced as it is.

The runtime (``ag__``) lives with the ops (``engine.ops.autograph_ops``), which install it here.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types

RUNTIME: dict = {}  # filled by engine.ops.autograph_ops: if_stmt, while_stmt, for_stmt, ld
_CACHE: dict = {}


def convert(fn):
    """``fn`` with its control flow rewritten (bound again when it is a method), or ``fn``."""
    target = fn.__func__ if isinstance(fn, types.MethodType) else fn
    if not isinstance(target, types.FunctionType) or target.__name__ == "<lambda>" or not RUNTIME:
        return fn
    code = target.__code__
    if code not in _CACHE:
        _CACHE[code] = _compile(target)
    factory = _CACHE[code]
    if factory is None:
        return fn
    cells = [c.cell_contents for c in target.__closure__ or ()]
    new = factory(RUNTIME["module"], *cells)
    new.__defaults__, new.__kwdefaults__ = target.__defaults__, target.__kwdefaults__
    new.__wrapped__ = target
    return types.MethodType(new, fn.__self__) if isinstance(fn, types.MethodType) else new


def _compile(target):
    try:
        source = textwrap.dedent(inspect.getsource(target))
        filename = inspect.getsourcefile(target) or "<autograph>"
        first_line = target.__code__.co_firstlineno
    except (OSError, TypeError):
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a decorated lambda's line, a fragment
        return None
    fdef = tree.body[0] if tree.body else None
    if not isinstance(fdef, (ast.FunctionDef, ast.AsyncFunctionDef)) or fdef.name != target.__name__:
        return None
    if not any(isinstance(n, (ast.If, ast.While, ast.For)) for n in _walk_local(fdef.body)):
        return None
    fdef.decorator_list = []
    converter = _Converter(fdef)
    fdef.body = converter.statements(fdef.body)
    if not converter.changed:
        return None
    freevars = list(target.__code__.co_freevars)
    factory = ast.FunctionDef(
        name="__ag_factory",
        args=ast.arguments(
            posonlyargs=[],
            args=[ast.arg("ag__")] + [ast.arg(v) for v in freevars],
            kwonlyargs=[],
            kw_defaults=[],
            defaults=[],
        ),
        body=[fdef, ast.Return(ast.Name(fdef.name, ast.Load()))],
        decorator_list=[],
        returns=None,
        type_params=[],
    )
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    ast.increment_lineno(module, first_line - 1)
    namespace: dict = {}
    exec(compile(module, filename, "exec"), target.__globals__, namespace)  # noqa: S102 - the user's own code
    return namespace["__ag_factory"]


# -- reading the tree ---------------------------------------------------------------------------------
_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def _walk_local(nodes, into_loops=True):
    """Every node under ``nodes`` in this function's own scope (not inside nested functions)."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield node  # its name is bound here; its body is another scope
            continue
        yield node
        for child in reversed(list(ast.iter_child_nodes(node))):
            if not into_loops and isinstance(child, (ast.For, ast.While, ast.AsyncFor)):
                continue
            stack.append(child)


def _walk_converted(nodes):
    """Like ``_walk_local``, and into the functions this rewriting made (``__ag_then_1``...)."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES) and not (
            isinstance(node, ast.FunctionDef) and node.name.startswith("__ag_")
        ):
            continue
        yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _assigned(nodes) -> list[str]:
    names = []
    for node in _walk_local(nodes):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found = node.id
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found = node.name
        else:
            continue
        if found not in names:
            names.append(found)
    return names


def _loaded(nodes) -> set[str]:
    return {n.id for n in _walk_local(nodes) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _has(nodes, kinds, into_loops=True) -> bool:
    return any(isinstance(n, kinds) for n in _walk_local(nodes, into_loops=into_loops))


def _ends_in_return(body) -> bool:
    return bool(body) and isinstance(body[-1], ast.Return)


# -- rewriting ---------------------------------------------------------------------------------------------
def _name(id_, store=False):
    return ast.Name(id_, ast.Store() if store else ast.Load())


def _tuple(names, store=False):
    return ast.Tuple([_name(n, store) for n in names], ast.Store() if store else ast.Load())


def _strs(names):
    return ast.Tuple([ast.Constant(n) for n in names], ast.Load())


def _local_fn(name, params, body):
    return ast.FunctionDef(
        name=name,
        args=ast.arguments(
            posonlyargs=[], args=[ast.arg(p) for p in params], kwonlyargs=[], kw_defaults=[], defaults=[]
        ),
        body=body or [ast.Pass()],
        decorator_list=[],
        returns=None,
        type_params=[],
    )


def _call(fn, *args):
    return ast.Call(ast.Attribute(_name("ag__"), fn, ast.Load()), list(args), [])


def _current(names):
    """``(ag__.ld(locals(), 'a'), ...)``: each variable's value now, or ag__.UNDEFINED."""
    locals_call = ast.Call(_name("locals"), [], [])
    return ast.Tuple([_call("ld", locals_call, ast.Constant(n)) for n in names], ast.Load())


class _Converter:
    def __init__(self, fdef):
        self.fdef = fdef
        self.count = 0
        self.changed = False

    def _fresh(self, kind):
        self.count += 1
        return f"__ag_{kind}_{self.count}"

    def _live(self, names, stmt) -> tuple:
        """Which of ``names`` the function reads outside ``stmt`` (so the statement must output them)."""
        inside = set(map(id, _walk_converted([stmt])))
        loaded = set()
        for n in _walk_converted(self.fdef.body):
            if id(n) in inside:
                continue
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                loaded.add(n.id)
            elif (
                isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and n.func.attr == "ld"
                and isinstance(n.func.value, ast.Name)
                and n.func.value.id == "ag__"
            ):
                loaded.add(n.args[1].value)  # a statement already rewritten reads it by name
        return tuple(n in loaded for n in names)

    def statements(self, body):
        out = []
        body = list(body)
        for i, stmt in enumerate(body):
            if (
                isinstance(stmt, ast.If)
                and _ends_in_return(stmt.body)
                and not stmt.orelse
                and i + 1 < len(body)
            ):
                stmt.orelse = body[i + 1 :]  # `if t: return a` then the rest: the rest is the else branch
                out.extend(self.statement(stmt))
                return out
            out.extend(self.statement(stmt))
        return out

    def statement(self, stmt):
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list) and not isinstance(stmt, _SCOPES):
                setattr(stmt, field, self.statements(getattr(stmt, field)))
        if isinstance(stmt, ast.Try):
            for handler in stmt.handlers:
                handler.body = self.statements(handler.body)
        if isinstance(stmt, ast.If):
            return self._if(stmt)
        if isinstance(stmt, ast.While):
            return self._while(stmt)
        if isinstance(stmt, ast.For):
            return self._for(stmt)
        return [stmt]

    def _unconvertible(self, nodes, loop=False) -> bool:
        kinds = (ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal, ast.Await)
        if _has(nodes, kinds):
            return True
        return _has(nodes, (ast.Break, ast.Continue), into_loops=False)

    def _if(self, stmt):
        branches = [stmt.body, stmt.orelse]
        returns = all(_ends_in_return(b) for b in branches)
        if returns:
            inner = [b[:-1] for b in branches]
            if self._unconvertible(stmt.body + stmt.orelse) or _has(inner[0] + inner[1], ast.Return):
                return [stmt]
        elif self._unconvertible(stmt.body + stmt.orelse) or _has(stmt.body + stmt.orelse, ast.Return):
            return [stmt]
        names = _assigned(stmt.body + stmt.orelse)
        live = self._live(names, stmt)
        params = [n for n, is_live in zip(names, live, strict=True) if is_live]
        then_name, else_name = self._fresh("then"), self._fresh("else")
        if returns:
            fns = [_local_fn(then_name, params, stmt.body), _local_fn(else_name, params, stmt.orelse)]
        else:
            fns = [
                _local_fn(fn, params, [*b, ast.Return(_tuple(params))])
                for fn, b in ((then_name, stmt.body), (else_name, stmt.orelse))
            ]
        call = _call(
            "if_stmt",
            stmt.test,
            _name(then_name),
            _name(else_name),
            _current(params),
            _strs(params),
            ast.Constant(returns),
        )
        self.changed = True
        if returns:
            return [*fns, ast.Return(call)]
        if not params:
            return [*fns, ast.Expr(call)]
        return [*fns, ast.Assign([_tuple(params, store=True)], call)]

    def _loop_parts(self, stmt, target=()):
        skip = set(_assigned(list(target)))  # a for loop's target: set from each item
        names = [n for n in _assigned(stmt.body) if not n.startswith("__ag_") and n not in skip]
        live = self._live(names, stmt)
        return names, live

    def _while(self, stmt):
        if stmt.orelse or self._unconvertible(stmt.body) or _has(stmt.body, ast.Return):
            return [stmt]
        names, live = self._loop_parts(stmt)
        cond_name, body_name = self._fresh("cond"), self._fresh("body")
        fns = [
            _local_fn(cond_name, names, [ast.Return(stmt.test)]),
            _local_fn(body_name, names, [*stmt.body, ast.Return(_tuple(names))]),
        ]
        call = _call(
            "while_stmt",
            _name(cond_name),
            _name(body_name),
            _current(names),
            _strs(names),
            ast.Tuple([ast.Constant(v) for v in live], ast.Load()),
        )
        self.changed = True
        if not names:
            return [*fns, ast.Expr(call)]
        return [*fns, ast.Assign([_tuple(names, store=True)], call)]

    def _for(self, stmt):
        if stmt.orelse or self._unconvertible(stmt.body) or _has(stmt.body, ast.Return):
            return [stmt]
        item = self._fresh("item")
        unpack = [ast.Assign([stmt.target], _name(item))]
        names, live = self._loop_parts(stmt, unpack)
        body_name = self._fresh("body")
        fns = [_local_fn(body_name, [item, *names], [*unpack, *stmt.body, ast.Return(_tuple(names))])]
        call = _call(
            "for_stmt",
            stmt.iter,
            _name(body_name),
            _current(names),
            _strs(names),
            ast.Tuple([ast.Constant(v) for v in live], ast.Load()),
        )
        self.changed = True
        if not names:
            return [*fns, ast.Expr(call)]
        return [*fns, ast.Assign([_tuple(names, store=True)], call)]
