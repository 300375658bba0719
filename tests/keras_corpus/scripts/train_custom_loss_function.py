"""Training and evaluation guide: a plain function as the loss, and a Loss subclass."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights


def custom_mean_squared_error(y_true, y_pred):
    return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)


class CustomMSE(keras.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)
        reg = keras.ops.mean(keras.ops.square(0.5 - y_pred), axis=-1)
        return mse + reg * self.regularization_factor


x = np.linspace(-1, 1, 40).reshape(10, 4).astype("float32")
y = np.linspace(0, 1, 20).reshape(10, 2).astype("float32")
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
same_weights(model)
model.compile(optimizer="adam", loss=custom_mean_squared_error)
fn_loss = model.evaluate(x, y, verbose=0)
model.compile(optimizer="adam", loss=CustomMSE())
obj_loss = model.evaluate(x, y, verbose=0)

REFERENCES = ("keras3",)  # keras.ops is Keras 3's
RESULT = {"function_loss": fn_loss, "subclass_loss": obj_loss}
