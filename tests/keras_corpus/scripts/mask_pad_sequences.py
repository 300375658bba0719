"""Masking and padding: pad_sequences pads (and truncates) ragged lists to one length."""
import keras

raw_inputs = [
    [711, 632, 71],
    [73, 8, 3215, 55, 927],
    [83, 91, 1, 645, 1253, 927],
]
padded_inputs = keras.utils.pad_sequences(raw_inputs, padding="post")
pre = keras.utils.pad_sequences(raw_inputs, maxlen=4)
cut = keras.utils.pad_sequences(raw_inputs, maxlen=4, truncating="post", value=-1)

RESULT = {"post": padded_inputs.tolist(), "pre": pre.tolist(), "cut": cut.tolist(),
          "dtype": str(padded_inputs.dtype)}
