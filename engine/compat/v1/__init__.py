"""``tf.compat.v1``: everything ``engine`` has, with TF1's own modules where they differ from
TF2's: ``summary`` is the TF1 graph-op API (``merge_all``, ``FileWriter``), ``layers``, ``losses``
and ``metrics`` are TF1's functions, the protos TF1 programs build (``RunOptions``,
``RunMetadata``, ``Summary``, ``Event``, ``SessionLog``, ``GraphDef``...) are ours, and
``variable_scope``/``get_variable`` share variables by name. The other names come from
``engine._api`` (read lazily: ``_api`` imports these modules)."""

from engine import _api
from engine.compat.v1 import init_ops, layers, losses, metrics
from engine.compat.v1.init_ops import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from engine.compat.v1.losses import div_no_nan
from engine.compat.v1.state_ops import (
    GraphKeys,
    add_to_collection,
    add_to_collections,
    assign,
    assign_add,
    assign_sub,
    get_collection,
    get_collection_ref,
    local_variables,
    local_variables_initializer,
    model_variables,
    placeholder_with_default,
)
from engine.compat.v1.v2_behavior import disable_v2_behavior, enable_v2_behavior
from engine.compat.v1.variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_local_variable,
    get_variable,
    get_variable_scope,
    variable_scope,
)
from engine.framework.tensor_util import make_ndarray, make_tensor_proto
from engine.ops import summary_ops as summary  # noqa: F401 - TF1's tf.summary
from tfevents.proto.event_pb2 import Event, SessionLog, TaggedRunMetadata
from tfevents.proto.graph_pb2 import GraphDef
from tfevents.proto.meta_graph_pb2 import MetaGraphDef
from tfevents.proto.run_metadata_pb2 import RunMetadata, RunOptions
from tfevents.proto.summary_pb2 import Summary, SummaryDescription, SummaryMetadata

initializers = init_ops


def __getattr__(name):
    return getattr(_api, name)


__all__ = [
    "AUTO_REUSE", "Event", "GraphDef", "GraphKeys", "MetaGraphDef", "RunMetadata", "RunOptions", "SessionLog",
    "Summary", "SummaryDescription", "SummaryMetadata", "TaggedRunMetadata", "VariableScope",
    "add_to_collection", "add_to_collections", "assign",
    "assign_add", "assign_sub", "constant_initializer", "disable_v2_behavior", "div_no_nan",
    "enable_v2_behavior", "get_collection", "get_collection_ref", "get_local_variable", "get_variable",
    "get_variable_scope", "glorot_normal_initializer", "glorot_uniform_initializer", "initializers",
    "layers", "local_variables", "local_variables_initializer", "losses", "make_ndarray",
    "make_tensor_proto", "metrics", "model_variables", "ones_initializer", "placeholder_with_default",
    "random_normal_initializer", "random_uniform_initializer", "summary", "truncated_normal_initializer",
    "variable_scope", "variance_scaling_initializer", "zeros_initializer",
]
