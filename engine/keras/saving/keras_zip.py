"""Keras 3's ``.keras`` zip, read trusting nothing in it: ``config.json`` and ``model.weights.h5``
(variables at ``<layer path>/vars/0, 1, ...``), each member bounded by its declared size and by
what it may be (``untrusted``: the config at ``MAX_CONFIG_BYTES``, the weights at a few times
the bytes the model's own weights take), inflated ``ZIP_CHUNK`` at a time, so a member that lies
about its size is stopped when it passes it. Members are never extracted under their own names:
the weights go to a temporary file of ours, which ``untrusted``'s helper process reads."""

from __future__ import annotations

import json
import os
import tempfile
import warnings
import zipfile
import zlib

from engine.keras import weight_budget
from engine.keras.saving import keras3_layout, untrusted
from engine.keras.saving.config import model_from_config
from engine.keras.saving.untrusted import MAX_CONFIG_BYTES, MAX_ZIP_MEMBERS, ZIP_CHUNK, ModelFileError

_NEEDED = ("config.json", "model.weights.h5")


def _members(z, filepath):
    infos = z.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ModelFileError(filepath, f"the archive has {len(infos):,} members "
                                       f"(at most {MAX_ZIP_MEMBERS:,})")
    found = {}
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or "\0" in name:
            raise ModelFileError(filepath, f"the archive has a member named {name!r} (outside the archive)")
        if name in _NEEDED:
            if name in found:
                raise ModelFileError(filepath, f"the archive has two members named {name!r}")
            found[name] = info
    missing = [n for n in _NEEDED if n not in found]
    if missing:
        names = sorted(i.filename for i in infos)[:10]
        raise ModelFileError(filepath, f"it is a zip file but not a Keras 3 model: it needs config.json and "
                                       f"model.weights.h5, it has {names}")
    return found


def _copy(z, info, out, bound, filepath):
    """``info``'s bytes into ``out``, at most ``bound`` and exactly as many as it declares."""
    if info.file_size > bound:
        raise ModelFileError(filepath, f"{info.filename} declares {info.file_size:,} bytes, more than the "
                                       f"{bound:,} it may have")
    written = 0
    try:
        with z.open(info) as member:
            while chunk := member.read(ZIP_CHUNK):
                written += len(chunk)
                if written > info.file_size:
                    raise ModelFileError(filepath, f"{info.filename} inflates past the {info.file_size:,} "
                                                   "bytes it declares")
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:  # zipfile stops at the declared size
        raise ModelFileError(filepath, f"{info.filename} is damaged: {e}") from None
    if written != info.file_size:
        raise ModelFileError(filepath, f"{info.filename} holds {written:,} bytes, it declares "
                                       f"{info.file_size:,}")


class _Sink(list):
    def write(self, chunk):
        self.append(chunk)


def load_keras_zip(filepath, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002 - Keras's name
    """A model from a ``.keras`` zip, compiled from its ``compile_config`` with a fresh optimizer
    (Keras 3's optimizer variables are not read)."""
    filepath = os.fspath(filepath)
    with untrusted.one_error(filepath), zipfile.ZipFile(filepath) as z:
        members = _members(z, filepath)
        sink = _Sink()
        _copy(z, members["config.json"], sink, MAX_CONFIG_BYTES, filepath)
        try:
            config = json.loads(b"".join(sink))
        except ValueError as e:
            raise ModelFileError(filepath, f"config.json is not JSON: {e}") from None
        with weight_budget.skipping_initializers():
            model = model_from_config(config, custom_objects, safe_mode=safe_mode)
        # the file holds the model's variables and the optimizer's (a few per variable), in HDF5
        bound = 4 * sum(w._value.nbytes for w in model.weights) + (64 << 20)
        with tempfile.NamedTemporaryFile(suffix=".weights.h5") as tmp:
            _copy(z, members["model.weights.h5"], tmp, bound, filepath)
            tmp.flush()
            with untrusted.open_h5(tmp.name, label=filepath) as f:
                keras3_layout.load_weights(f, model, filepath)
        compile_config = config.get("compile_config") if isinstance(config, dict) else None
        if compile and isinstance(compile_config, dict):
            _compile(model, compile_config, filepath)
    return model


def _compile(model, compile_config, filepath):
    from engine.keras import optimizers

    try:
        opt = compile_config.get("optimizer", "rmsprop")
        model.compile(optimizer=optimizers.get(opt), loss=compile_config.get("loss"),
                      metrics=compile_config.get("metrics"), loss_weights=compile_config.get("loss_weights"))
        model._resolve_compile()
    except (ValueError, TypeError, KeyError, AttributeError, NotImplementedError) as e:
        warnings.warn(f"{filepath}: the model loads uncompiled; its compile_config was not "
                      f"understood: {e}", stacklevel=3)
        model._init_training()
