"""Working with preprocessing layers: Normalization.adapt learns the feature mean and variance."""
from keras import layers
import numpy as np

data = np.array([[0.1, 0.2, 0.3], [0.8, 0.9, 1.0], [1.5, 1.6, 1.7]], dtype="float32")
layer = layers.Normalization()
layer.adapt(data)
normalized_data = np.asarray(layer(data))

RESULT = {"mean": normalized_data.mean().round(5), "std": normalized_data.std().round(4),
          "out": normalized_data}
