"""Masking and padding: Embedding(mask_zero=True) computes the mask of padded positions."""
from keras import layers
import numpy as np

padded_inputs = np.array([[711, 632, 71, 0, 0, 0], [73, 8, 3215, 55, 927, 0], [83, 91, 1, 645, 1253, 927]])
embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
masked_output = embedding(padded_inputs)
mask = embedding.compute_mask(padded_inputs)

RESULT = {"mask": np.asarray(mask).tolist(), "shape": tuple(masked_output.shape)}
