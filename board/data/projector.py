"""The embedding projector's files, found and read as TensorBoard's projector plugin does
(tensorboard/plugins/projector/projector_plugin.py): a run's ``projector_config.pbtxt`` (in the
run's directory, or under ``plugins/projector/``, which wins), each embedding's files named
relative to the config's directory and never outside it, tensors as tab-separated text or as
raw little-endian float32 of the declared ``tensor_shape``, metadata with a header row when its
first line holds a tab. Every file is sized before it is read and every shape checked against
the bounds below: a huge or malformed file is a ``ProjectorFileError`` naming what is wrong."""

from __future__ import annotations

import collections
import os
import threading
from dataclasses import dataclass, field

import numpy as np
from google.protobuf import text_format

from tfevents.proto import projector_config_pb2

CONFIG_NAME = "projector_config.pbtxt"
CONFIG_DIRS = ("", os.path.join("plugins", "projector"))  # later ones win, as in TensorBoard
MAX_CONFIG_BYTES = 1 << 20
MAX_TENSOR_BYTES = 256 << 20
MAX_METADATA_BYTES = 64 << 20
MAX_SPRITE_BYTES = 32 << 20
MAX_SPRITE_SIDE = 16384  # pixels: a browser's canvas limit
MAX_POINTS = 100_000
MAX_DIMS = 10_000
MAX_ELEMENTS = 20_000_000  # 80 MB of float32
MAX_CELL_CHARS = 500


class ProjectorFileError(ValueError):
    """A projector file that cannot be served; ``status`` is the HTTP answer (400, 404 or 413)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Embedding:
    """One ``EmbeddingInfo`` of a run's config, its paths resolved (None: not given)."""
    name: str
    config_path: str
    tensor_path: str | None
    tensor_shape: list[int]
    metadata_path: str | None = None
    sprite_path: str | None = None
    sprite_dim: list[int] = field(default_factory=list)
    problem: str | None = None  # why it cannot be shown, said in the listing

    def listing(self) -> dict:
        return {"name": self.name, "tensor_shape": self.tensor_shape or None,
                "has_metadata": self.metadata_path is not None,
                "sprite": ({"single_image_dim": self.sprite_dim} if self.sprite_path else None),
                "problem": self.problem}


def canonical(name: str) -> str:
    """A tensor name as TensorBoard compares them: ``emb`` and ``emb:0`` are one tensor."""
    return name if ":" in name else name + ":0"


def resolve(path: str, config_path: str) -> str:
    """``path`` (relative to the config's directory) made absolute; outside it is refused."""
    config_dir = os.path.realpath(os.path.dirname(config_path))
    candidate = os.path.expanduser(path)
    if not os.path.isabs(candidate):
        candidate = os.path.join(config_dir, candidate)
    candidate = os.path.realpath(candidate)
    try:
        inside = os.path.commonpath([config_dir, candidate]) == config_dir
    except ValueError:
        inside = False
    if not inside:
        raise ProjectorFileError(f"asset path {path!r} resolves outside the config's directory")
    return candidate


def find_config(run_dir: str) -> str | None:
    found = None
    for sub in CONFIG_DIRS:
        path = os.path.join(run_dir, sub, CONFIG_NAME)
        if os.path.isfile(path):
            found = path
    return found


def read_config(config_path: str) -> list[Embedding]:
    """The embeddings a config lists; one unreadable path makes that entry's ``problem``."""
    size = os.path.getsize(config_path)
    if size > MAX_CONFIG_BYTES:
        raise ProjectorFileError(f"{CONFIG_NAME} is {size:,} bytes; at most {MAX_CONFIG_BYTES:,} are read",
                                 413)
    config = projector_config_pb2.ProjectorConfig()
    try:
        with open(config_path, "rb") as f:
            text_format.Parse(f.read().decode("utf-8"), config)
    except (text_format.ParseError, UnicodeDecodeError) as e:
        raise ProjectorFileError(f"{CONFIG_NAME} is not a valid ProjectorConfig: {e}") from None
    out = []
    for info in config.embeddings:
        name = info.tensor_name or os.path.basename(info.tensor_path)
        if name.endswith(":0"):
            name = name[:-2]
        emb = Embedding(name=name, config_path=config_path, tensor_path=None,
                        tensor_shape=list(info.tensor_shape))
        try:
            if not info.tensor_path:
                raise ProjectorFileError("no tensor_path: tensors read from a model checkpoint "
                                         "are not shown; write them with add_embedding")
            emb.tensor_path = resolve(info.tensor_path, config_path)
            if info.metadata_path:
                emb.metadata_path = resolve(info.metadata_path, config_path)
            if info.sprite.image_path:
                emb.sprite_path = resolve(info.sprite.image_path, config_path)
                emb.sprite_dim = list(info.sprite.single_image_dim)
        except ProjectorFileError as e:
            emb.problem = str(e)
        out.append(emb)
    return out


def _sized(path: str, limit: int, what: str) -> int:
    if not os.path.isfile(path):
        raise ProjectorFileError(f"{what} file {os.path.basename(path)!r} does not exist", 404)
    size = os.path.getsize(path)
    if size > limit:
        raise ProjectorFileError(f"{what} file {os.path.basename(path)!r} is {size:,} bytes; at most "
                                 f"{limit:,} are read", 413)
    return size


def check_shape(shape, what: str) -> None:
    if len(shape) != 2:
        raise ProjectorFileError(f"{what} must be 2-D [points, dimensions], got {list(shape)}")
    points, dims = shape
    if points > MAX_POINTS or dims > MAX_DIMS or points * dims > MAX_ELEMENTS:
        raise ProjectorFileError(
            f"{what} {list(shape)} is more than the board shows: at most {MAX_POINTS:,} points, "
            f"{MAX_DIMS:,} dimensions and {MAX_ELEMENTS:,} values", 413)


def parse_tsv(text: str, what: str = "tensor") -> np.ndarray:
    """Rows of tab-separated numbers, blank lines skipped (TensorBoard's ``_read_tensor_tsv_file``)."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    rows = [line for line in lines if line]
    if not rows:
        raise ProjectorFileError(f"{what} file holds no rows")
    width = rows[0].count("\t") + 1
    check_shape((len(rows), width), f"{what} of shape")
    for i, row in enumerate(rows):
        if row.count("\t") + 1 != width:
            raise ProjectorFileError(f"{what} row {i + 1} has {row.count(chr(9)) + 1} values; "
                                     f"row 1 has {width}")
    try:
        values = np.array("\t".join(rows).replace("\t", " ").split(), dtype=np.float32)
    except ValueError:
        for i, row in enumerate(rows):
            for cell in row.split("\t"):
                try:
                    float(cell)
                except ValueError:
                    raise ProjectorFileError(f"{what} row {i + 1}: {cell[:40]!r} is not a number") from None
        raise
    if values.size != len(rows) * width:  # an empty cell ("1\t\t2") splits to fewer values
        raise ProjectorFileError(f"{what} has empty cells: {values.size} numbers in {len(rows)} rows "
                                 f"of {width}")
    return values.reshape(len(rows), width)


def read_tensor(emb: Embedding) -> np.ndarray:
    """The points ``[N, D]`` float32: text, else raw float32 of the declared ``tensor_shape``."""
    if emb.problem:
        raise ProjectorFileError(emb.problem)
    if emb.tensor_shape:
        check_shape(emb.tensor_shape, "declared tensor_shape")
    size = _sized(emb.tensor_path, MAX_TENSOR_BYTES, "tensor")
    with open(emb.tensor_path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if not emb.tensor_shape:
            raise ProjectorFileError("tensor file is not text and the config declares no tensor_shape "
                                     "to read it as float32") from None
        expected = 4 * emb.tensor_shape[0] * emb.tensor_shape[1]
        if size != expected:
            raise ProjectorFileError(f"binary tensor file is {size:,} bytes; tensor_shape "
                                     f"{emb.tensor_shape} needs {expected:,} (float32)") from None
        return np.frombuffer(data, dtype="<f4").reshape(emb.tensor_shape).astype(np.float32)
    tensor = parse_tsv(text)
    if emb.tensor_shape and list(tensor.shape) != emb.tensor_shape:
        raise ProjectorFileError(f"the config declares tensor_shape {emb.tensor_shape} but the tensor "
                                 f"file holds {list(tensor.shape)}")
    return tensor


def read_metadata(emb: Embedding, points: int) -> dict:
    """``{"columns": [{"name", "values", "numeric", "distinct"}]}``: one value per point."""
    if not emb.metadata_path:
        raise ProjectorFileError(f"embedding {emb.name!r} has no metadata_path", 404)
    _sized(emb.metadata_path, MAX_METADATA_BYTES, "metadata")
    with open(emb.metadata_path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = "\t" in lines[0] if lines else False
    names = lines[0].split("\t") if header else ["label"]
    rows = lines[1:] if header else lines
    if len(rows) != points:
        raise ProjectorFileError(f"metadata has {len(rows):,} rows for {points:,} points"
                                 + (" (after its header line)" if header else ""))
    cells = [row.rstrip("\r").split("\t") for row in rows]
    for i, row in enumerate(cells):
        if len(row) != len(names):
            raise ProjectorFileError(f"metadata row {i + 1} has {len(row)} columns; "
                                     f"the header has {len(names)}")
    columns = []
    for j, name in enumerate(names):
        values = [row[j][:MAX_CELL_CHARS] for row in cells]
        try:
            numbers = np.array(values, dtype=np.float64) if values else np.zeros(0)
            numeric = bool(len(values)) and bool(np.isfinite(numbers).all())
        except ValueError:
            numeric = False
        columns.append({"name": name[:MAX_CELL_CHARS], "values": values, "numeric": numeric,
                        "distinct": len(set(values))})
    return {"columns": columns}


def read_sprite(emb: Embedding) -> tuple[bytes, str]:
    """The sprite image's bytes and media type (PNG or JPEG, its size bounded)."""
    if not emb.sprite_path:
        raise ProjectorFileError(f"embedding {emb.name!r} has no sprite", 404)
    _sized(emb.sprite_path, MAX_SPRITE_BYTES, "sprite")
    with open(emb.sprite_path, "rb") as f:
        data = f.read()
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        if max(width, height) > MAX_SPRITE_SIDE:
            raise ProjectorFileError(f"sprite is {width}x{height} pixels; at most {MAX_SPRITE_SIDE} "
                                     "a side", 413)
        return data, "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return data, "image/jpeg"
    raise ProjectorFileError("sprite is neither a PNG nor a JPEG image")


class TensorCache:
    """The last few tensors read, keyed by file and its (mtime, size): a rewrite is re-read."""

    def __init__(self, size: int = 2):  # up to 80 MB each (MAX_ELEMENTS float32)
        self.size = size
        self._items: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, emb: Embedding) -> np.ndarray:
        try:
            st = os.stat(emb.tensor_path) if emb.tensor_path else None
        except OSError:
            st = None
        key = (emb.tensor_path, tuple(emb.tensor_shape), st and (st.st_mtime_ns, st.st_size))
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        tensor = read_tensor(emb)
        tensor.flags.writeable = False
        with self._lock:
            self._items[key] = tensor
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return tensor
