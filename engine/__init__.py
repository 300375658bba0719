"""A small deep-learning framework on numpy, with TensorFlow's and Keras's names.

``import engine as tf`` gives eager tensors, TF1 graphs and sessions, ``tf.keras`` and
``tf.summary``; see the README for a tour.
"""

from engine import summary

__all__ = ["summary"]
