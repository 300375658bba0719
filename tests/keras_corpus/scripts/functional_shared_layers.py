"""The functional API guide: one Embedding layer shared by two inputs."""
import keras
from keras import layers
import numpy as np

shared_embedding = layers.Embedding(1000, 16)
text_input_a = keras.Input(shape=(None,), dtype="int32")
text_input_b = keras.Input(shape=(None,), dtype="int32")
encoded_input_a = shared_embedding(text_input_a)
encoded_input_b = shared_embedding(text_input_b)
merged = layers.concatenate([encoded_input_a, encoded_input_b], axis=1)
model = keras.Model([text_input_a, text_input_b], merged)

a = np.array([[1, 2, 3]])
b = np.array([[3, 2]])
out = np.asarray(model.predict([a, b], verbose=0))
table = shared_embedding.get_weights()[0]

RESULT = {
    "n_weights": len(model.weights),
    "params": model.count_params(),
    "output_shape": out.shape,
    "shares_rows": bool(np.allclose(out[0, 0], out[0, 4]) and np.allclose(out[0, 2], table[3])),
}
