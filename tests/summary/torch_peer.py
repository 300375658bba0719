"""Write the same calls with PyTorch's (or tensorboardX's) SummaryWriter and with ours, and read
both logdirs into comparable plain values: every event's step and kind, every summary value's
tag, metadata and contents decoded (PNG pixels, WAV samples, tensors as arrays), wall times and
file names left out."""

from __future__ import annotations

import io
import wave

import numpy as np
from google.protobuf import json_format
from PIL import Image, ImageSequence
from tensorboard.compat.proto import event_pb2
from tensorboard.util import tensor_util

from engine.summary import SummaryWriter
from tfevents.reader import read_events


def _pixels(data: bytes):
    picture = Image.open(io.BytesIO(data))
    frames = [np.asarray(f.convert("RGBA" if f.mode == "RGBA" else "RGB"))
              for f in ImageSequence.Iterator(picture)]
    return picture.format, [f.tolist() for f in frames]


def _wav(data: bytes):
    with wave.open(io.BytesIO(data)) as reader:
        frames = reader.readframes(reader.getnframes())
        return reader.getnchannels(), reader.getsampwidth(), reader.getframerate(), frames


def _value(value) -> dict:
    out = {"tag": value.tag}
    meta = value.metadata
    if value.HasField("metadata"):
        out["metadata"] = (meta.plugin_data.plugin_name, meta.plugin_data.content, meta.display_name,
                           meta.summary_description)
    kind = value.WhichOneof("value")
    out["kind"] = kind
    if kind == "simple_value":
        out["data"] = value.simple_value
    elif kind == "histo":
        out["data"] = json_format.MessageToDict(value.histo)
    elif kind == "tensor":
        array = tensor_util.make_ndarray(value.tensor)
        out["data"] = (array.dtype.str, array.shape, array.tolist())
    elif kind == "image":
        image = value.image
        out["data"] = (image.height, image.width, image.colorspace, _pixels(image.encoded_image_string))
    elif kind == "audio":
        audio = value.audio
        out["data"] = (audio.sample_rate, audio.num_channels, audio.length_frames, audio.content_type,
                       _wav(audio.encoded_audio_string))
    return out


def read_logdir(logdir) -> dict:
    """{run (relative dir): [event as a dict, ...]} for every event file under ``logdir``."""
    runs: dict = {}
    for path in sorted(p for p in logdir.rglob("*tfevents*") if p.is_file()):
        run = path.parent.relative_to(logdir).as_posix()
        for ours in read_events(path):
            event = event_pb2.Event.FromString(ours.SerializeToString())
            what = event.WhichOneof("what")
            if what == "file_version":
                continue
            entry: dict = {"step": event.step, "what": what}
            if what == "summary":
                entry["values"] = [_value(v) for v in event.summary.value]
            elif what == "graph_def":
                entry["graph_def"] = event.graph_def
            elif what == "tagged_run_metadata":
                entry["tag"] = event.tagged_run_metadata.tag
                entry["run_metadata"] = event.tagged_run_metadata.run_metadata
            elif what == "session_log":
                entry["status"] = event.session_log.status
            runs.setdefault(run, []).append(entry)
    return runs


def write_both(tmp_path, calls, peer: str = "torch", **writer_args):
    """Run ``calls(writer)`` on the peer's writer and on ours; return (theirs, ours) as read_logdir."""
    if peer == "torch":
        from torch.utils.tensorboard import SummaryWriter as Peer
    else:
        from tensorboardX import SummaryWriter as Peer
    dirs = tmp_path / peer, tmp_path / "ours"
    for cls, logdir in zip((Peer, SummaryWriter), dirs, strict=True):
        with cls(str(logdir), **writer_args) as writer:
            calls(writer)
    return read_logdir(dirs[0]), read_logdir(dirs[1])
