"""TF1 training: ``tf.train.GradientDescentOptimizer(0.5).minimize(loss)`` and friends, the
global step, ``summary_iterator``."""

from engine.train.adam import AdamOptimizer
from engine.train.checkpoint import Checkpoint, CheckpointManager
from engine.train.gradient_descent import GradientDescentOptimizer, MomentumOptimizer
from engine.train.learning_rate_decay import (
    exponential_decay,
    inverse_time_decay,
    natural_exp_decay,
    piecewise_constant,
    polynomial_decay,
)
from engine.train.optimizer import Optimizer
from engine.train.saver import Saver, latest_checkpoint
from engine.train.summary_iterator import summary_iterator
from engine.train.training_util import (
    assert_global_step,
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)

__all__ = ["AdamOptimizer", "Checkpoint", "CheckpointManager", "GradientDescentOptimizer",
           "MomentumOptimizer", "Optimizer", "Saver", "assert_global_step", "create_global_step",
           "exponential_decay", "get_global_step", "get_or_create_global_step", "global_step",
           "inverse_time_decay", "latest_checkpoint", "natural_exp_decay", "piecewise_constant",
           "polynomial_decay", "summary_iterator"]
