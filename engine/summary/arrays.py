"""What ``SummaryWriter`` methods accept as data: numpy arrays, PyTorch tensors, engine tensors,
lists and numbers, all turned into numpy the way PyTorch's ``make_np`` does; and the one-time
warning for an option we take but do not honour."""

from __future__ import annotations

import sys
import warnings

import numpy as np

_WARNED: set[str] = set()


def as_numpy(value) -> np.ndarray:
    """``value`` as an ndarray. A number becomes a 1-element array (as in PyTorch); a torch tensor
    is detached and copied to the CPU (bfloat16 as float16)."""
    if isinstance(value, np.ndarray):
        return value
    if np.isscalar(value):
        return np.array([value])
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        if value.dtype == torch.bfloat16:
            value = value.to(torch.float16)
        return value.detach().cpu().numpy()
    numpy_method = getattr(value, "numpy", None)
    if callable(numpy_method):  # engine and TensorFlow eager tensors
        return np.asarray(numpy_method())
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"expected an array, a tensor or a number, got {type(value).__name__}") from exc


def warn_once(key: str, message: str) -> None:
    """``warnings.warn(message)`` the first time ``key`` is seen in this process."""
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)
