"""The functional API guide: an encoder and a decoder model nested inside an autoencoder."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights

encoder_input = keras.Input(shape=(16,), name="original")
x = layers.Dense(8, activation="relu")(encoder_input)
encoder_output = layers.Dense(4, activation="relu")(x)
encoder = keras.Model(encoder_input, encoder_output, name="encoder")

decoder_input = keras.Input(shape=(4,), name="encoded")
x = layers.Dense(8, activation="relu")(decoder_input)
decoder_output = layers.Dense(16)(x)
decoder = keras.Model(decoder_input, decoder_output, name="decoder")

autoencoder_input = keras.Input(shape=(16,), name="img")
encoded = encoder(autoencoder_input)
decoded = decoder(encoded)
autoencoder = keras.Model(autoencoder_input, decoded, name="autoencoder")
same_weights(autoencoder)
data = np.linspace(-1, 1, 5 * 16).reshape(5, 16).astype("float32")

RESULT = {
    "layer_names": [layer.name for layer in autoencoder.layers],
    "params": autoencoder.count_params(),
    "same_as_composition": bool(np.allclose(np.asarray(autoencoder(data)),
                                            np.asarray(decoder(encoder.predict(data, verbose=0))),
                                            atol=1e-6)),
    "decoded": np.asarray(autoencoder(data)),
}
