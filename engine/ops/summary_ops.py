"""TF1 summaries: ``scalar``/``histogram``/``image``/``audio``/``text``/``tensor_summary`` are
graph ops whose value is a serialized ``Summary``; ``merge_all`` gathers them and
``FileWriter.add_summary`` writes the result, as in::

    tf = engine.compat.v1
    tf.summary.scalar("loss", cross_entropy)
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(logdir, sess.graph)
    writer.add_summary(sess.run(merged, feed_dict=feed), step)

In a graph these are ``ScalarSummary``/``HistogramSummary``/``ImageSummary``/``AudioSummaryV2``/
``TensorSummaryV2``/``MergeSummary`` nodes, which TensorBoard's graph view draws as
out-annotations. Eagerly they return the bytes at once. Image and audio summaries are v1
``Summary.Value.image``/``audio`` protos, tagged ``name/image/0``... (``name/image`` for one).
"""

from __future__ import annotations

import json
import re

import numpy as np

from engine.framework.context import default_session, explicit_graph
from engine.framework.execute import apply_op
from engine.framework.graph import get_default_graph
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor, eager
from engine.ops.array_ops import expand_dims
from engine.summary import tb_summary, tf2
from engine.summary.file_writer import FileWriter, FileWriterCache
from engine.summary.tb_summary import _strings
from engine.train.training_util import get_global_step
from tfevents import builders, media
from tfevents.proto import event_pb2, summary_pb2
from tfevents.tensor_util import make_tensor_proto

SUMMARIES = "summaries"
Event, SessionLog, TaggedRunMetadata = event_pb2.Event, event_pb2.SessionLog, event_pb2.TaggedRunMetadata
Summary, SummaryDescription = summary_pb2.Summary, summary_pb2.SummaryDescription
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w.]")


def _bytes(summary) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = summary.SerializeToString()
    return out


def _merge(*parts):
    merged = summary_pb2.Summary()
    for part in parts:
        merged.MergeFromString(part[()] if isinstance(part, np.ndarray) else part)
    return _bytes(merged)


def normalize_image(image) -> np.ndarray:
    """TF1's ``ImageSummary`` pixels: uint8 as given; floats scaled so the largest magnitude is
    255 (all non-negative) or so -max..max spans 1..255 around 128 (some negative), with
    non-finite pixels red."""
    array = np.asarray(image)
    if array.dtype == np.uint8:
        return array
    if array.dtype.kind != "f":
        raise TypeError(f"image summaries take uint8 or float images, got dtype {array.dtype}")
    values = array.astype(np.float32)
    finite = np.isfinite(values).all(axis=-1)
    good = values[finite]
    lo, hi = (float(good.min()), float(good.max())) if good.size else (np.inf, -np.inf)
    if lo < 0:
        top = max(abs(lo), abs(hi))
        scale, offset = (0.0 if top < 1e-6 else 127.0 / top), 128.0
    else:
        scale, offset = (0.0 if hi < 1e-6 else 255.0 / hi), 0.0
    out = (np.where(finite[..., None], values, 0) * np.float32(scale) + np.float32(offset)).astype(np.uint8)
    bad = np.array([255, 0, 0, 255][:array.shape[-1]] + [0] * max(0, array.shape[-1] - 4), np.uint8)
    out[~finite] = bad
    return out


def _image_summary(values, tag, max_images):
    if values.ndim != 4 or values.shape[-1] not in (1, 3, 4):
        raise ValueError(f"image summary {tag!r}: expected [batch, height, width, 1|3|4], got {values.shape}")
    summary = summary_pb2.Summary()
    images = values[:max_images]
    for i, im in enumerate(images):
        pixels = normalize_image(im)
        summary.value.add(tag=f"{tag}/image" if max_images == 1 else f"{tag}/image/{i}",
                          image=summary_pb2.Summary.Image(
                              height=im.shape[0], width=im.shape[1], colorspace=im.shape[2],
                              encoded_image_string=media.encode_png(pixels)))
    return _bytes(summary)


def _audio_summary(values, sample_rate, tag, max_outputs):
    if values.ndim == 2:
        values = values[:, :, None]
    if values.ndim != 3:
        raise ValueError(f"audio summary {tag!r}: expected [batch, frames] or [batch, frames, channels], "
                         f"got {values.shape}")
    summary = summary_pb2.Summary()
    rate = float(np.asarray(sample_rate).reshape(()))
    for i, clip in enumerate(values[:max_outputs]):
        summary.value.add(tag=f"{tag}/audio" if max_outputs == 1 else f"{tag}/audio/{i}",
                          audio=summary_pb2.Summary.Audio(
                              sample_rate=rate, num_channels=clip.shape[1], length_frames=clip.shape[0],
                              encoded_audio_string=media.encode_wav(clip, int(rate), rounding="tf"),
                              content_type="audio/wav"))
    return _bytes(summary)


def _tensor_summary(values, tag, _metadata):
    value = summary_pb2.Summary.Value(tag=tag, tensor=make_tensor_proto(values))
    if _metadata:
        value.metadata.MergeFromString(_metadata)
    return _bytes(summary_pb2.Summary(value=[value]))


register_op("ScalarSummary", lambda values, tag: _bytes(builders.scalar_v1(tag, float(values))))
register_op("HistogramSummary", lambda values, tag: _bytes(builders.histogram_v1(tag, values)))
register_op("TextSummary", lambda values, tag: _bytes(builders.text(tag, _strings(values))))
register_op("ImageSummary", _image_summary)
register_op("AudioSummaryV2", _audio_summary)
register_op("TensorSummaryV2", _tensor_summary)
register_op("MergeSummary", _merge)


def _clean(name):
    return None if name is None else _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")


def _summary_op(op_type, name, inputs, collections, family=None, **attrs):
    name, family = _clean(name), _clean(family)
    base = name if family is None else f"{family}/{name}"
    tensor = inputs[0]
    graph = tensor.graph if isinstance(tensor, Tensor) and tensor.graph is not None else explicit_graph()
    if graph is not None:
        # As TF1: the op is named by its name scope (made unique in the graph: "mean_1" when an op
        # "Mean" exists, TensorFlow compares names ignoring case); the tag is that name, with the
        # family in front again so TensorBoard shows it in the family's section.
        scope = graph.unique_name(graph._scope + base)
        tag = scope if family is None else f"{family}/{scope}"
        out = apply_op(op_type, inputs, name=scope + "/", tag=tag, **attrs)
    else:
        current = get_default_graph().get_name_scope()
        scope = f"{current}/{base}" if current else base
        tag = scope if family is None else f"{family}/{scope}"
        out = apply_op(op_type, inputs, name=name, tag=tag, **attrs)
    if out.graph is not None:
        for key in collections or [SUMMARIES]:
            out.graph.add_to_collection(key, out)
    return out


def _v2_step():
    step = tf2.get_step()
    return step if step is not None else get_global_step()


def _use_v2() -> bool:
    """TensorFlow 2's bridge: eagerly or in a ``tf.function`` (not a TF1 graph), with a default
    ``tf.summary`` writer and a step, a TF1 summary op writes the v2 summary at once."""
    graph = explicit_graph()
    if graph is not None and not getattr(graph, "function_graph", False):
        return False
    return tf2._state.writer is not None and _v2_step() is not None


def _via_v2(name, family, write):
    """Write with ``write(tag, step)`` under the TF1 tag; return the empty string TF1 callers can
    still ``merge``."""
    name, family = _clean(name), _clean(family)
    current = get_default_graph().get_name_scope()
    scope = "/".join(p for p in (current, family, name) if p)
    with get_default_graph().name_scope(""):  # the v2 function must not prefix the scope again
        write(f"{family}/{scope}" if family else scope, _v2_step())
    return _bytes_tensor(b"")


def _bytes_tensor(data: bytes):
    out = np.empty((), dtype=object)
    out[()] = data
    return eager(out)


def scalar(name, tensor, collections=None, family=None):
    """A ``Summary`` holding one float (a point on a curve) under tag ``name``."""
    if _use_v2():
        return _via_v2(name, family, lambda tag, step: tb_summary.scalar(tag, tensor, step))
    return _summary_op("ScalarSummary", name, [tensor], collections, family)


def histogram(name, values, collections=None, family=None):
    """A ``Summary`` holding a histogram of ``values`` (TF1's bucket layout)."""
    if _use_v2():
        return _via_v2(name, family, lambda tag, step: tb_summary.histogram(tag, values, step))
    return _summary_op("HistogramSummary", name, [values], collections, family)


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """Up to ``max_outputs`` PNG images of ``tensor`` ([batch, h, w, 1|3|4], uint8 or float)."""
    if _use_v2():
        return _via_v2(name, family, lambda tag, step: tb_summary.image(tag, tensor, step, max_outputs))
    return _summary_op("ImageSummary", name, [tensor], collections, family, max_images=int(max_outputs))


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """Up to ``max_outputs`` WAV clips of ``tensor`` ([batch, frames(, channels)] in -1..1)."""
    if _use_v2():
        clips = expand_dims(tensor, 2) if len(getattr(tensor, "shape", np.shape(tensor))) == 2 else tensor
        return _via_v2(name, family, lambda tag, step: tb_summary.audio(tag, clips, sample_rate, step,
                                                                        max_outputs))
    return _summary_op("AudioSummaryV2", name, [tensor, sample_rate], collections, family,
                       max_outputs=int(max_outputs))


def text(name, tensor, collections=None):
    """Markdown text (a string tensor) under the ``text`` plugin."""
    if _use_v2():
        tb_summary.text(name, tensor, _v2_step())
        return _bytes_tensor(b"")
    return _summary_op("TextSummary", name, [tensor], collections)


def tensor_summary(name, tensor, summary_description=None, collections=None, summary_metadata=None,
                   family=None, display_name=None):
    """A ``Summary`` holding ``tensor`` as it is, with ``summary_metadata`` (plus a description
    and display name)."""
    meta = summary_pb2.SummaryMetadata()
    if summary_metadata is not None:
        meta.CopyFrom(summary_pb2.SummaryMetadata.FromString(summary_metadata.SerializeToString()))
    if display_name:
        meta.display_name = display_name
    if summary_description:
        meta.summary_description = summary_description
    return _summary_op("TensorSummaryV2", name, [tensor], collections, family,
                       _metadata=meta.SerializeToString())


def merge(inputs, collections=None, name=None):
    """One serialized ``Summary`` holding every value of ``inputs``."""
    out = apply_op("MergeSummary", list(inputs), name=name)
    if out.graph is not None:
        for key in collections or []:
            out.graph.add_to_collection(key, out)
    return out


def merge_all(key=SUMMARIES, scope=None, name=None):
    """``merge`` of every summary op made in the default graph (None if there are none)."""
    graph = get_default_graph()
    ops = graph.get_collection(key)
    if scope:
        ops = [t for t in ops if re.match(scope, t.op.name)]
    if not ops:
        return None
    if explicit_graph() is None:
        return merge(ops)
    with graph.name_scope(name or "Merge"):  # TensorFlow's node: Merge/MergeSummary
        return merge(ops)


def get_summary_description(node_def) -> summary_pb2.SummaryDescription:
    """The ``SummaryDescription`` JSON in a TF1 ``TensorSummary`` node's ``description`` attr."""
    if node_def.op != "TensorSummary":
        raise ValueError(f"Can't get_summary_description on {node_def.op}")
    data = json.loads(node_def.attr["description"].s.decode() or "{}")
    return summary_pb2.SummaryDescription(type_hint=data.get("typeHint", data.get("type_hint", "")))


def all_v2_summary_ops():
    """The ``tf.summary`` (v2) ops of the default graph; None when executing eagerly."""
    if explicit_graph() is None:
        return None
    return get_default_graph().get_collection(tf2.V2_SUMMARY_COLLECTION)


def initialize(graph=None, session=None):
    """Graph mode: check a v2 default writer exists and write ``graph`` to it (step 0). Eager: a
    no-op. (Our writers need no initializer op.)"""
    if explicit_graph() is None:
        return
    if tf2._state.writer is None:
        raise RuntimeError("No default tf.contrib.summary.SummaryWriter found")
    if session is None and default_session() is None:
        raise ValueError("Argument `session must be passed if no default session exists")
    if graph is not None:
        data = graph.as_graph_def(add_shapes=True) if hasattr(graph, "as_graph_def") else graph
        tf2._state.writer.write_event(builders.event(None, 0, graph_def=data.SerializeToString()))


merge_all_summaries = merge_all

__all__ = [
    "Event", "FileWriter", "FileWriterCache", "SessionLog", "Summary", "SummaryDescription",
    "TaggedRunMetadata", "all_v2_summary_ops", "audio", "get_summary_description", "histogram", "image",
    "initialize", "merge", "merge_all", "scalar", "tensor_summary", "text",
]
