"""The event-file format, on its own: what TensorBoard, PyTorch and our engine write and read.

It imports neither ``engine`` nor ``board``: the engine writes through it (``engine.summary``
is the ``tf.summary`` / ``SummaryWriter`` front), the board reads through it.

- ``proto/``: the messages (package ``enginepb``, TensorFlow's field numbers)
- ``record``: TFRecord framing, the one ``FileStatus`` and the reading rules and messages
- ``files``: which files are event files (no numpy, no protobuf: the board's CLI imports it)
- ``reader``: Events of a file or a run directory, resumable; ``fastread``: the same read a chunk
  at a time with numpy (``scalarscan`` parses scalar events from bytes), for the board's loader
- ``decode``: Events to scalars, histograms, text, graphs, hparams
- ``builders``: Summary protos from values; ``bucketing``: histogram math; ``tensor_util``:
  numpy arrays to and from TensorProto
- ``media``: PNG and WAV encoding and decoding, the PR-curve tensor; ``gif``: animated GIFs;
  ``media_summaries`` (images, video, audio) and ``plugin_summaries`` (tensors, PyTorch-binned
  histograms, text, hparams, PR curves, custom-scalar layouts, meshes): PyTorch's Summary layouts
- ``event_file``: the background-thread writer of one event file
"""
