"""The layer table: one line per case, ``layer(id, build(lib), inputs, gens, training)`` (see
``harness``). Every layer class ``engine.keras.layers`` exports must appear in some case (as the
layer built or inside the model built) or in ``NOT_A_CASE`` with a reason."""

from __future__ import annotations

from tests.keras_parity.harness import ints, layer

B = 3  # batch

LAYERS = [
    # core
    layer("Dense", lambda k: k.layers.Dense(4), (B, 5)),
    layer("Dense-relu", lambda k: k.layers.Dense(4, activation="relu"), (B, 5)),
    layer("Dense-tanh-nobias", lambda k: k.layers.Dense(3, activation="tanh", use_bias=False), (B, 5)),
    layer("Dense-softmax", lambda k: k.layers.Dense(4, activation="softmax"), (B, 5)),
    layer("Dense-sigmoid-3d", lambda k: k.layers.Dense(2, activation="sigmoid"), (B, 4, 5)),
    layer("Dense-3d-nobias", lambda k: k.layers.Dense(2, use_bias=False), (B, 4, 5)),
    layer("Activation-relu", lambda k: k.layers.Activation("relu"), (B, 6)),
    layer("Activation-softmax", lambda k: k.layers.Activation("softmax"), (B, 2, 6)),
    layer("Activation-elu", lambda k: k.layers.Activation("elu"), (B, 6)),
    layer("Flatten", lambda k: k.layers.Flatten(), (B, 3, 4)),
    layer("Flatten-4d", lambda k: k.layers.Flatten(), (B, 2, 3, 2)),
    layer("Reshape", lambda k: k.layers.Reshape((6, 2)), (B, 3, 4)),
    layer("Reshape-minus1", lambda k: k.layers.Reshape((-1, 4)), (B, 3, 4)),
    layer("Dropout-inference", lambda k: k.layers.Dropout(0.5), (B, 6)),
    # embeddings
    layer("Embedding", lambda k: k.layers.Embedding(10, 3), ints((B, 5), 10)),
    layer("Embedding-mask_zero-LSTM",
          lambda k: k.Sequential([_ids(k), k.layers.Embedding(10, 3, mask_zero=True), k.layers.LSTM(4)]),
          ints((B, 5), 10)),
    layer("Embedding-mask_zero-GRU-seq",
          lambda k: k.Sequential([_ids(k), k.layers.Embedding(10, 3, mask_zero=True),
                                  k.layers.GRU(2, return_sequences=True), k.layers.SimpleRNN(2)]),
          ints((B, 5), 10)),
    # recurrent
    layer("SimpleRNN", lambda k: k.layers.SimpleRNN(4), (B, 5, 3)),
    layer("SimpleRNN-seq-relu", lambda k: k.layers.SimpleRNN(4, activation="relu", return_sequences=True),
          (B, 5, 3)),
    layer("SimpleRNN-backwards", lambda k: k.layers.SimpleRNN(2, go_backwards=True), (B, 5, 3)),
    layer("GRU", lambda k: k.layers.GRU(3), (B, 5, 2)),
    layer("GRU-seq-state", lambda k: k.layers.GRU(3, return_sequences=True, return_state=True), (B, 5, 2)),
    layer("GRU-reset_before", lambda k: k.layers.GRU(3, reset_after=False), (B, 5, 2)),
    layer("GRU-backwards-nobias", lambda k: k.layers.GRU(2, go_backwards=True, use_bias=False), (B, 4, 3)),
    # "hard_sigmoid" from code is Keras 2's (0.2 x + 0.5); Keras 3's is relu6(x + 3) / 6
    layer("GRU-hard_sigmoid", lambda k: k.layers.GRU(3, recurrent_activation="hard_sigmoid"), (B, 5, 2),
          gens=("keras2",)),
    layer("LSTM", lambda k: k.layers.LSTM(3), (B, 5, 2)),
    layer("LSTM-seq-state", lambda k: k.layers.LSTM(3, return_sequences=True, return_state=True), (B, 5, 2)),
    layer("LSTM-backwards", lambda k: k.layers.LSTM(2, go_backwards=True, unit_forget_bias=False), (B, 4, 3)),
    layer("LSTM-relu-hard_sigmoid",
          lambda k: k.layers.LSTM(3, activation="relu", recurrent_activation="hard_sigmoid"), (B, 5, 2),
          gens=("keras2",)),
    # convolutional
    layer("Conv2D", lambda k: k.layers.Conv2D(2, 3), (B, 6, 5, 2)),
    layer("Conv2D-same-strides", lambda k: k.layers.Conv2D(3, (3, 2), strides=2, padding="same"),
          (B, 7, 6, 2)),
    layer("Conv2D-relu-nobias", lambda k: k.layers.Conv2D(2, 1, activation="relu", use_bias=False),
          (B, 4, 4, 3)),
    layer("Convolution2D", lambda k: k.layers.Convolution2D(2, 2, strides=(1, 2)), (B, 5, 5, 1)),
    layer("MaxPooling2D", lambda k: k.layers.MaxPooling2D(), (B, 6, 5, 2)),
    layer("MaxPooling2D-same", lambda k: k.layers.MaxPooling2D(3, strides=2, padding="same"), (B, 7, 6, 2)),
    layer("MaxPool2D", lambda k: k.layers.MaxPool2D((2, 1)), (B, 4, 4, 2)),
    # normalization: both generations default to momentum 0.99, epsilon 1e-3
    layer("BatchNormalization", lambda k: k.layers.BatchNormalization(), (B, 4), training=(False, True)),
    # on images tf.keras 2 (its fused kernel) moves the variance by the unbiased batch variance,
    # Keras 3 by the biased one: from code ours is Keras 2's, from a Keras 3 config Keras 3's
    layer("BatchNormalization-4d", lambda k: k.layers.BatchNormalization(momentum=0.9, epsilon=1e-5),
          (B, 3, 3, 2), training=(False, True), gens=("keras2",)),
    layer("BatchNormalization-4d-inference", lambda k: k.layers.BatchNormalization(), (B, 3, 3, 2)),
    layer("BatchNormalization-plain", lambda k: k.layers.BatchNormalization(center=False, scale=False),
          (B, 2, 4), training=(False, True)),
    # merge
    layer("Add", lambda k: k.layers.Add(), [(B, 4), (B, 4), (B, 4)]),
    layer("Concatenate", lambda k: k.layers.Concatenate(), [(B, 4), (B, 2)]),
    layer("Concatenate-axis1", lambda k: k.layers.Concatenate(axis=1), [(B, 2, 3), (B, 4, 3)]),
    # more shapes and arguments
    layer("Conv2D-same-even-kernel", lambda k: k.layers.Conv2D(2, 2, padding="same"), (B, 5, 4, 2)),
    layer("Conv2D-same-strides-even", lambda k: k.layers.Conv2D(2, 3, strides=(2, 1), padding="same"),
          (B, 6, 5, 1)),
    layer("Conv2D-valid-strides", lambda k: k.layers.Conv2D(2, (2, 3), strides=(3, 2)), (B, 8, 7, 2)),
    layer("MaxPooling2D-same-even", lambda k: k.layers.MaxPooling2D(2, padding="same"), (B, 5, 4, 2)),
    layer("MaxPooling2D-strides1", lambda k: k.layers.MaxPooling2D(2, strides=1), (B, 4, 4, 1)),
    layer("Reshape-middle-minus1", lambda k: k.layers.Reshape((2, -1, 2)), (B, 3, 4)),
    layer("Concatenate-axis-2", lambda k: k.layers.Concatenate(axis=-2), [(B, 2, 3), (B, 1, 3)]),
    layer("SimpleRNN-state", lambda k: k.layers.SimpleRNN(3, return_state=True), (B, 4, 2)),
    layer("GRU-reset_before-backwards-state",
          lambda k: k.layers.GRU(2, reset_after=False, go_backwards=True, return_state=True,
                                 return_sequences=True), (B, 4, 3)),
    layer("LSTM-dropout-inference", lambda k: k.layers.LSTM(3, dropout=0.3, recurrent_dropout=0.3),
          (B, 4, 2)),
    layer("Embedding-mask_zero-LSTM-backwards-seq",
          lambda k: k.Sequential([_ids(k), k.layers.Embedding(10, 3, mask_zero=True),
                                  k.layers.LSTM(2, go_backwards=True, return_sequences=True)]),
          ints((B, 5), 10)),
    *[layer(f"Activation-{name}", lambda k, name=name: k.layers.Activation(name), (B, 7),
            gens=("keras2",) if name == "hard_sigmoid" else ("keras2", "keras3"))
      for name in ("sigmoid", "hard_sigmoid", "tanh", "linear", "gelu", "softplus", "softsign", "swish",
                   "silu", "selu", "leaky_relu", "exponential")],
    # models
    layer("Sequential", lambda k: k.Sequential([k.Input(shape=(5,)), k.layers.Dense(4, activation="relu"),
                                                k.layers.Dropout(0.3),
                                                k.layers.Dense(2, activation="softmax")]),
          (B, 5), training=(False,)),
    layer("Functional", lambda k: _functional(k), [(B, 6, 6, 1), (B, 3)], training=(False, True),
          gens=("keras2",)),  # its BatchNormalization is on images: see BatchNormalization-4d
    layer("Functional-inference", lambda k: _functional(k), [(B, 6, 6, 1), (B, 3)]),
    layer("Model-subclass", lambda k: _subclassed(k), (B, 5), training=(False, True), config=False),
    # k13-layers' layers (their fuller cases are in tests/keras_layers/)
    layer("Conv1D", lambda k: k.layers.Conv1D(2, 3), (B, 7, 2)),
    layer("Conv1D-causal-dilated", lambda k: k.layers.Conv1D(2, 2, padding="causal", dilation_rate=2),
          (B, 7, 2)),
    layer("MaxPooling1D", lambda k: k.layers.MaxPooling1D(2), (B, 6, 2)),
    layer("AveragePooling1D", lambda k: k.layers.AveragePooling1D(2), (B, 6, 2)),
    layer("AveragePooling2D", lambda k: k.layers.AveragePooling2D(2), (B, 4, 4, 2)),
    layer("GlobalAveragePooling1D", lambda k: k.layers.GlobalAveragePooling1D(), (B, 5, 3)),
    layer("GlobalMaxPooling1D", lambda k: k.layers.GlobalMaxPooling1D(), (B, 5, 3)),
    layer("GlobalAveragePooling2D", lambda k: k.layers.GlobalAveragePooling2D(), (B, 4, 3, 2)),
    layer("GlobalMaxPooling2D", lambda k: k.layers.GlobalMaxPooling2D(), (B, 4, 3, 2)),
    layer("LayerNormalization", lambda k: k.layers.LayerNormalization(), (B, 6)),
    layer("LeakyReLU", lambda k: k.layers.LeakyReLU(), (B, 6)),
    layer("ReLU", lambda k: k.layers.ReLU(max_value=1.0), (B, 6)),
    layer("Softmax", lambda k: k.layers.Softmax(), (B, 6)),
    layer("Masking-LSTM", lambda k: k.Sequential([k.Input((5, 3)), k.layers.Masking(0.0), k.layers.LSTM(2)]),
          (B, 5, 3)),
    layer("RepeatVector", lambda k: k.layers.RepeatVector(3), (B, 4)),
    layer("Permute", lambda k: k.layers.Permute((2, 1)), (B, 3, 4)),
    layer("UpSampling1D", lambda k: k.layers.UpSampling1D(2), (B, 3, 2)),
    layer("UpSampling2D", lambda k: k.layers.UpSampling2D(2), (B, 3, 3, 2)),
    layer("ZeroPadding1D", lambda k: k.layers.ZeroPadding1D(1), (B, 3, 2)),
    layer("ZeroPadding2D", lambda k: k.layers.ZeroPadding2D(1), (B, 3, 3, 2)),
    layer("SpatialDropout1D-inference", lambda k: k.layers.SpatialDropout1D(0.5), (B, 4, 3)),
    layer("SpatialDropout2D-inference", lambda k: k.layers.SpatialDropout2D(0.5), (B, 3, 3, 2)),
    layer("GaussianNoise-inference", lambda k: k.layers.GaussianNoise(0.5), (B, 4)),
    layer("GaussianDropout-inference", lambda k: k.layers.GaussianDropout(0.5), (B, 4)),
    layer("Bidirectional-LSTM", lambda k: k.layers.Bidirectional(k.layers.LSTM(2)), (B, 5, 3)),
    layer("TimeDistributed-Dense", lambda k: k.layers.TimeDistributed(k.layers.Dense(2)), (B, 4, 3)),
    layer("Normalization", lambda k: k.layers.Normalization(mean=0.5, variance=4.0), (B, 3)),
    layer("Attention", lambda k: _two_inputs(k, k.layers.Attention()), (B, 4, 3)),
    layer("MultiHeadAttention", lambda k: _mha(k), (B, 4, 3)),
    layer("Rescaling", lambda k: k.layers.Rescaling(1.0 / 16, offset=-0.5), (B, 4, 3)),
    layer("Rescaling-per-channel", lambda k: k.layers.Rescaling([0.5, 2.0, -1.0], offset=[0.0, 1.0, 2.0]),
          (B, 2, 3)),
    # layers.RNN over cells (fuller cases in tests/keras_layers/test_rnn_cells.py)
    layer("RNN-LSTMCell", lambda k: k.layers.RNN(k.layers.LSTMCell(3)), (B, 5, 2)),
    layer("RNN-StackedRNNCells-seq",
          lambda k: k.layers.RNN(k.layers.StackedRNNCells([k.layers.GRUCell(3), k.layers.SimpleRNNCell(2)]),
                                 return_sequences=True, go_backwards=True), (B, 5, 2)),
]


def _ids(k):
    return k.Input(shape=(5,), dtype="int32")


def _functional(k):
    a, b = k.Input(shape=(6, 6, 1)), k.Input(shape=(3,))
    h = k.layers.Flatten()(k.layers.MaxPooling2D()(k.layers.BatchNormalization()(
        k.layers.Conv2D(2, 3, activation="relu")(a))))
    h2 = k.layers.Dense(4, activation="tanh")(b)
    return k.Model([a, b], k.layers.Dense(2)(k.layers.Concatenate()([h, h2, k.layers.Add()([h2, h2])])))


def _subclassed(k):
    class Net(k.Model):
        def __init__(self):
            super().__init__()
            self.hidden = k.layers.Dense(4, activation="relu")
            self.norm = k.layers.BatchNormalization()
            self.out = k.layers.Dense(3, activation="softmax")

        def call(self, x, training=None):
            return self.out(self.norm(self.hidden(x), training=training))

    return Net()


NOT_A_CASE = {
    "Layer": "the base class: every case is one",
    "InputLayer": "built by Input() in the Sequential, Functional and masked cases",
    "Wrapper": "the base of Bidirectional and TimeDistributed, both cases",
    "Lambda": "holds code, not weights: tests/keras_layers/test_lambda.py checks it against both Kerases",
}


def _two_inputs(k, attention):
    q = k.Input((4, 3))
    return k.Model(q, attention([q, k.layers.Dense(3)(q)]))


def _mha(k):
    q = k.Input((4, 3))
    return k.Model(q, k.layers.MultiHeadAttention(num_heads=2, key_dim=2)(q, q))
