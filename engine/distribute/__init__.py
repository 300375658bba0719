"""``tf.distribute`` on Ray: ``MirroredStrategy`` (synchronous, a model replica per actor) and
``experimental.ParameterServerStrategy`` (asynchronous, variables sharded over server actors).

    strategy = tf.distribute.MirroredStrategy(num_replicas=2)
    with strategy.scope():
        model = tf.keras.Sequential([...])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=5)          # distributed; nothing else in the script changes

Ray is optional: importing this package does not import it; making a strategy does.
How Keras reaches a strategy is described in ``distribute_lib``.
"""

from engine.distribute import experimental
from engine.distribute.cluster import DistributedTimeoutError
from engine.distribute.distribute_lib import (
    DistributedTrainingError,
    Strategy,
    get_replica_context,
    get_strategy,
    has_strategy,
    in_scope,
)
from engine.distribute.mirrored_strategy import MirroredStrategy

__all__ = ["DistributedTimeoutError", "DistributedTrainingError", "MirroredStrategy", "Strategy",
           "experimental", "get_replica_context", "get_strategy", "has_strategy", "in_scope"]
