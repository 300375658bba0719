"""Making new layers and models: a subclassed Model with layers in __init__ and a call."""
import keras
from keras import layers
from corpus import digits


class MLP(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense_1 = layers.Dense(32, activation="relu")
        self.dense_2 = layers.Dense(10)

    def call(self, inputs):
        x = self.dense_1(inputs)
        return self.dense_2(x)


(x_train, y_train), (x_test, y_test) = digits()
mlp = MLP()
mlp.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[keras.metrics.SparseCategoricalAccuracy()],
)
history = mlp.fit(x_train, y_train, epochs=4, batch_size=64, verbose=0)
scores = mlp.evaluate(x_test, y_test, verbose=0)

# Random init and shuffling differ: accuracy compared as a range around real Keras's.
TOLERANCE = {"accuracy": ("within", 0.05)}
RESULT = {
    "n_layers": len(mlp.layers),
    "n_weights": len(mlp.weights),
    "history_keys": sorted(history.history),
    "accuracy": scores[1],
}
