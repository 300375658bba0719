"""Damaged and hostile model files, made from real ones: ours (``save_model``, ``save_weights``),
tf_keras's ``.h5`` and Keras 3's ``.keras``, written in the run. ``mutate(path, rng, out)``
writes one mutation of ``path`` and says what it did: bits flipped, a truncation, a byte range
zeroed, an HDF5 edit made with h5py (a dataset's shape or dtype changed, a shape bomb, external
or virtual storage, links, attributes of the wrong type) or a JSON edit of the model config
(wrong types, nesting 100,000 deep, huge numbers). Used by ``test_model_fuzz.py`` and by
``bench/model_file_fuzz.py`` (a bigger campaign)."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile

import h5py
import numpy as np

from tests.keras_files import models

KIND = "mlp"


def base_files(out_dir, real=True) -> dict[str, str]:
    """name -> path of the files every mutation starts from."""
    from engine import keras as ours

    os.makedirs(out_dir, exist_ok=True)
    files = {}
    mine, _, _ = models.trained(ours, KIND, "adam")
    files["ours.h5"] = os.path.join(out_dir, "ours.h5")
    mine.save(files["ours.h5"])
    files["ours-weights.h5"] = os.path.join(out_dir, "ours-weights.h5")
    mine.save_weights(files["ours-weights.h5"])
    if real:
        import keras
        import tf_keras

        theirs, _, _ = models.trained(tf_keras, KIND, "adam")
        files["tf_keras.h5"] = os.path.join(out_dir, "tf_keras.h5")
        theirs.save(files["tf_keras.h5"])
        k3, _, _ = models.trained(keras, KIND, "adam")
        files["keras3.keras"] = os.path.join(out_dir, "keras3.keras")
        k3.save(files["keras3.keras"])
    return files


def load(path):
    """Load ``path`` as its kind is loaded: a weights file into a fresh model, a model file whole."""
    from engine import keras as ours

    if "weights" in os.path.basename(path):
        model = models.build(ours, KIND)
        model.load_weights(path)
        return model
    return ours.models.load_model(path)


# -- byte-level mutations ----------------------------------------------------------------------------
def _bitflip(data, rng):
    data = bytearray(data)
    n = int(rng.integers(1, 4))
    for _ in range(n):
        i = int(rng.integers(len(data)))
        data[i] ^= 1 << int(rng.integers(8))
    return bytes(data), f"{n} bits flipped"


def _truncate(data, rng):
    n = int(rng.integers(len(data)))
    return data[:n], f"truncated to {n} bytes"


def _zero_range(data, rng):
    data = bytearray(data)
    start = int(rng.integers(len(data)))
    length = int(rng.integers(1, 512))
    data[start:start + length] = bytes(len(data[start:start + length]))
    return bytes(data), f"{length} bytes zeroed at {start}"


# -- JSON edits ---------------------------------------------------------------------------------------
_HOSTILE_VALUES = [None, [], {}, "", "x" * 10, -1, 0, 10 ** 12, 10 ** 400 // 10 ** 380, 1e308, -1e308,
                   float("nan"), True, [[[]]], {"class_name": "Lambda"}, [10 ** 9, 10 ** 9]]


def edit_json(text, rng) -> tuple[str, str]:
    """One edit of a JSON text: a value replaced by a wrong type or a huge number, or nesting
    too deep for a recursive reader."""
    if rng.random() < 0.1:
        depth = int(rng.choice([1_000, 100_000]))
        return "[" * depth + "]" * depth if rng.random() < 0.5 else \
            text[:-1] + ', "deep": ' + "{\"a\":" * depth + "1" + "}" * depth + "}", f"nested {depth} deep"
    config = json.loads(text)
    slots = []
    todo = [config]
    while todo:
        node = todo.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            slots.append((node, key))
            todo.append(value)
    if not slots:
        return json.dumps(_HOSTILE_VALUES[0]), "replaced whole"
    node, key = slots[int(rng.integers(len(slots)))]
    value = _HOSTILE_VALUES[int(rng.integers(len(_HOSTILE_VALUES)))]
    node[key] = value
    return json.dumps(config), f"{key!r} set to {json.dumps(value)[:40]}"


# -- HDF5 edits ---------------------------------------------------------------------------------------
def _datasets(f):
    out = []
    f.visititems(lambda name, obj: out.append(name) if isinstance(obj, h5py.Dataset) else None)
    return out


def _groups(f):
    out = [""]
    f.visititems(lambda name, obj: out.append(name) if isinstance(obj, h5py.Group) else None)
    return out


def _h5_edit(path, rng):
    """Edit the HDF5 file at ``path`` in place; what was done."""
    with h5py.File(path, "r+") as f:
        names = _datasets(f)
        choice = int(rng.integers(9))
        name = names[int(rng.integers(len(names)))] if names else None
        if name and choice == 0:  # another shape (as if the shape attribute were edited)
            old = f[name][()]
            del f[name]
            shape = tuple(int(d) for d in rng.integers(0, 7, int(rng.integers(0, 4))))
            f.create_dataset(name, data=np.resize(old, shape).astype(old.dtype))
            return f"{name} reshaped to {shape}"
        if name and choice == 1:  # a shape bomb: declared huge, nothing stored
            shape = f[name].shape or (1,)
            del f[name]
            f.create_dataset(name, shape=(2 ** 20,) + tuple(shape), dtype="float32", chunks=True)
            return f"{name} declares {(2 ** 20,) + tuple(shape)}"
        if name and choice == 2:  # not a number
            del f[name]
            f.create_dataset(name, data=np.array([b"abc", b"de"], dtype=object), dtype=h5py.string_dtype())
            return f"{name} holds strings"
        if name and choice == 3:  # external storage
            old = np.asarray(f[name][()], dtype="float32")
            del f[name]
            ext = path + ".ext"
            old.tofile(ext)
            f.create_dataset(name, shape=old.shape, dtype="float32", external=[(ext, 0, h5py.h5f.UNLIMITED)])
            return f"{name} stored externally"
        if name and choice == 4:  # virtual
            shape = f[name].shape
            del f[name]
            layout = h5py.VirtualLayout(shape=shape, dtype="float32")
            if shape:
                layout[...] = h5py.VirtualSource("/etc/hostname", "x", shape=shape)
            f.create_virtual_dataset(name, layout, fillvalue=0)
            return f"{name} virtual"
        if name and choice == 5:  # links
            del f[name]
            if rng.random() < 0.5:
                f[name] = h5py.SoftLink("/" + name + "_elsewhere")
                return f"{name} a soft link"
            f[name] = h5py.ExternalLink("/etc/passwd", "/x")
            return f"{name} an external link"
        groups = _groups(f)
        group = f[groups[int(rng.integers(len(groups)))] or "/"]
        attrs = list(group.attrs)
        if choice == 6 and attrs:  # an attribute of another type
            attr = attrs[int(rng.integers(len(attrs)))]
            value = [np.arange(3), np.float64(1e308), b"\xff\xfe", np.array([b"x"] * 3), np.zeros((2, 2))][
                int(rng.integers(5))]
            group.attrs[attr] = value
            return f"{group.name} attribute {attr} set to {value!r:.40}"
        if choice == 7 and attrs:
            attr = attrs[int(rng.integers(len(attrs)))]
            del group.attrs[attr]
            return f"{group.name} attribute {attr} deleted"
        if "model_config" in f.attrs:
            text, what = edit_json(_text(f.attrs["model_config"]), rng)
            f.attrs["model_config"] = text
            return f"model_config: {what}"
        if names:
            del f[names[0]]
            return f"{names[0]} deleted"
        return "unchanged"


def _text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


# -- .keras edits -------------------------------------------------------------------------------------
def _zip_edit(path, rng, out):
    """Rewrite the archive with its config.json or its model.weights.h5 edited."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    if rng.random() < 0.5:
        text, what = edit_json(members["config.json"].decode("utf8"), rng)
        members["config.json"] = text.encode("utf8")
        what = f"config.json: {what}"
    else:
        inner = out + ".inner.h5"
        with open(inner, "wb") as f:
            f.write(members["model.weights.h5"])
        what = "model.weights.h5: " + _h5_edit(inner, rng)
        with open(inner, "rb") as f:
            members["model.weights.h5"] = f.read()
        os.unlink(inner)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with open(out, "wb") as f:
        f.write(buf.getvalue())
    return what


def mutate(path, rng, out) -> str:
    """Write one mutation of ``path`` to ``out``; what it is."""
    kind = int(rng.integers(4))
    if kind == 3:
        if path.endswith(".keras"):
            return _zip_edit(path, rng, out)
        shutil.copyfile(path, out)
        return _h5_edit(out, rng)
    with open(path, "rb") as f:
        data = f.read()
    data, what = (_bitflip, _truncate, _zero_range)[kind](data, rng)
    with open(out, "wb") as f:
        f.write(data)
    return what
