"""Keras layers: ``from engine.keras.layers import Dense, LSTM, ...``."""

from engine.keras.layers.base import Input, InputLayer, KerasTensor, Layer
from engine.keras.layers.core import Activation, Dense, Dropout, Flatten, Reshape

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "KerasTensor", "Layer",
           "Reshape"]
