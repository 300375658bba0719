"""Keras layers: ``from engine.keras.layers import Dense, LSTM, ...``."""

from engine.keras.layers.base import Input, InputLayer, KerasTensor, Layer
from engine.keras.layers.convolutional import Conv2D, Convolution2D, MaxPool2D, MaxPooling2D
from engine.keras.layers.core import Activation, Dense, Dropout, Flatten, Reshape
from engine.keras.layers.embeddings import Embedding
from engine.keras.layers.merge import Add, Concatenate, add, concatenate
from engine.keras.layers.normalization import BatchNormalization
from engine.keras.layers.recurrent import GRU, LSTM, SimpleRNN


def __getattr__(name):
    # The seed imports ``Model`` from ``keras.layers`` (a typo that older Keras tolerated).
    if name == "Model":
        from engine.keras.models import Model

        return Model
    raise AttributeError(f"module 'engine.keras.layers' has no attribute {name!r}")


__all__ = ["GRU", "LSTM", "Activation", "Add", "BatchNormalization", "Concatenate", "Conv2D", "Convolution2D",
           "Dense", "Dropout", "Embedding", "Flatten", "Input", "InputLayer", "KerasTensor", "Layer",
           "MaxPool2D", "MaxPooling2D", "Reshape", "SimpleRNN", "add", "concatenate"]

from engine.keras.layers.convolutional1d import Conv1D, Convolution1D  # noqa: E402
from engine.keras.layers.pooling import (  # noqa: E402
    AveragePooling1D,
    AveragePooling2D,
    AvgPool1D,
    AvgPool2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPool1D,
    MaxPooling1D,
)

__all__ += ["AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D", "Conv1D", "Convolution1D",
            "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAvgPool1D", "GlobalAvgPool2D",
            "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "MaxPool1D",
            "MaxPooling1D"]

from engine.keras.layers.activation import LeakyReLU, ReLU, Softmax  # noqa: E402
from engine.keras.layers.layer_normalization import LayerNormalization  # noqa: E402
from engine.keras.layers.masking import Masking  # noqa: E402
from engine.keras.layers.reshaping import (  # noqa: E402
    Permute,
    RepeatVector,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
)

__all__ += ["LayerNormalization", "LeakyReLU", "Masking", "Permute", "ReLU", "RepeatVector", "Softmax",
            "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D"]

from engine.keras.layers.wrappers import Bidirectional, TimeDistributed, Wrapper  # noqa: E402

__all__ += ["Bidirectional", "TimeDistributed", "Wrapper"]

from engine.keras.layers.preprocessing import Normalization, Rescaling  # noqa: E402

__all__ += ["Normalization", "Rescaling"]

from engine.keras.layers.lambda_layer import Lambda  # noqa: E402

__all__ += ["Lambda"]

from engine.keras.layers.regularization import (  # noqa: E402
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
)

__all__ += ["GaussianDropout", "GaussianNoise", "SpatialDropout1D", "SpatialDropout2D"]

from engine.keras.layers.attention import Attention, MultiHeadAttention  # noqa: E402

__all__ += ["Attention", "MultiHeadAttention"]

from engine.keras.layers.rnn import RNN  # noqa: E402
from engine.keras.layers.rnn_cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells  # noqa: E402

__all__ += ["RNN", "GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells"]
