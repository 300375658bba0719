"""Working with preprocessing (utils): to_categorical, normalize and set_random_seed."""
import keras
import numpy as np

labels = np.array([0, 2, 1, 2])
one_hot = keras.utils.to_categorical(labels, num_classes=3)
x = np.array([[3.0, 4.0], [1.0, 0.0]])
normalized = keras.utils.normalize(x, axis=-1, order=2)

RESULT = {"one_hot": one_hot.tolist(), "shape": one_hot.shape, "normalized": normalized}
