"""The functional API guide's ticket model: three inputs, two named outputs, loss dicts."""
import keras
from keras import layers
import numpy as np

num_tags, num_words, num_departments = 12, 100, 4
title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")
tags_input = keras.Input(shape=(num_tags,), name="tags")
title_features = layers.Embedding(num_words, 8)(title_input)
body_features = layers.Embedding(num_words, 8)(body_input)
title_features = layers.LSTM(16)(title_features)
body_features = layers.LSTM(8)(body_features)
x = layers.concatenate([title_features, body_features, tags_input])
priority_pred = layers.Dense(1, name="priority")(x)
department_pred = layers.Dense(num_departments, name="department")(x)
model = keras.Model(
    inputs=[title_input, body_input, tags_input],
    outputs={"priority": priority_pred, "department": department_pred},
)
model.compile(
    optimizer=keras.optimizers.RMSprop(1e-3),
    loss={
        "priority": keras.losses.BinaryCrossentropy(from_logits=True),
        "department": keras.losses.CategoricalCrossentropy(from_logits=True),
    },
    loss_weights={"priority": 1.0, "department": 0.2},
)
rng = np.random.default_rng(0)
title_data = rng.integers(num_words, size=(32, 10))
body_data = rng.integers(num_words, size=(32, 20))
tags_data = rng.integers(2, size=(32, num_tags)).astype("float32")
priority_targets = rng.random(size=(32, 1))
dept_targets = rng.integers(2, size=(32, num_departments))
history = model.fit(
    {"title": title_data, "body": body_data, "tags": tags_data},
    {"priority": priority_targets, "department": dept_targets},
    epochs=2, batch_size=16, verbose=0,
)
out = model.predict({"title": title_data, "body": body_data, "tags": tags_data}, verbose=0)

RESULT = {
    "params": model.count_params(),
    "output_keys": sorted(out),
    "priority_shape": tuple(out["priority"].shape),
    "department_shape": tuple(out["department"].shape),
    "epochs": len(history.history["loss"]),
}
