"""Static shapes: a tuple of ints where ``None`` marks a dimension known only at run time."""

from __future__ import annotations


class TensorShape(tuple):
    """``TensorShape([None, 64])``: compares equal to the tuple ``(None, 64)``. An unknown rank is
    ``TensorShape(None)``, an empty tuple whose ``rank`` is ``None``."""

    def __new__(cls, dims=()):
        if dims is None:
            shape = super().__new__(cls, ())
            shape._unknown = True
            return shape
        if isinstance(dims, TensorShape) and dims._unknown:
            return dims
        shape = super().__new__(cls, (None if d is None or d == -1 else int(d) for d in dims))
        shape._unknown = False
        return shape

    @property
    def rank(self):
        return None if self._unknown else len(self)

    ndims = rank

    @property
    def is_fully_defined(self) -> bool:
        return not self._unknown and None not in self

    def as_list(self):
        if self._unknown:
            raise ValueError("as_list() is not defined on a shape of unknown rank")
        return list(self)

    def num_elements(self):
        if not self.is_fully_defined:
            return None
        n = 1
        for d in self:
            n *= d
        return n

    def is_compatible_with(self, other) -> bool:
        other = TensorShape(other)
        if self._unknown or other._unknown:
            return True
        if len(self) != len(other):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self, other, strict=True))

    def __repr__(self) -> str:
        if self._unknown:
            return "TensorShape(None)"
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        if self._unknown:
            return "<unknown>"
        return "(" + ", ".join("?" if d is None else str(d) for d in self) + ")"


def unknown_shape() -> TensorShape:
    return TensorShape(None)
