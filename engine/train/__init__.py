"""TF1 training: ``tf.train.GradientDescentOptimizer(0.5).minimize(loss)`` and friends."""

from engine.train.adam import AdamOptimizer
from engine.train.checkpoint import Checkpoint, CheckpointManager
from engine.train.gradient_descent import GradientDescentOptimizer, MomentumOptimizer
from engine.train.optimizer import Optimizer
from engine.train.saver import Saver, latest_checkpoint

__all__ = ["AdamOptimizer", "Checkpoint", "CheckpointManager",
           "GradientDescentOptimizer", "MomentumOptimizer", "Optimizer", "Saver",
           "latest_checkpoint"]
