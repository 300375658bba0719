"""The same initial weights and batches give the same per-step losses as PyTorch (relative
1e-5 over 20 steps): Dense with SGD momentum, Dense with Adam, and an LSTM (Keras packs the
gates i, f, c, o; PyTorch i, f, g, o: the same order, with g for Keras's c; PyTorch keeps two
biases where Keras has one, so its recurrent bias is held at zero here)."""

from __future__ import annotations

import numpy as np
import pytest

from engine import keras

torch = pytest.importorskip("torch")
STEPS = 20


def _batches(n_features, n_classes, batch=16, seed=0, seq=None):
    rng = np.random.default_rng(seed)
    for _ in range(STEPS):
        shape = (batch, n_features) if seq is None else (batch, seq, n_features)
        yield rng.normal(size=shape).astype("float32"), rng.integers(0, n_classes, batch)


def _mlp_pair(keras_opt, torch_opt_fn):
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(8,)),
                              keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer=keras_opt, loss="sparse_categorical_crossentropy")
    net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
    with torch.no_grad():
        for lin, layer in zip([net[0], net[2]], model.layers, strict=True):
            lin.weight.copy_(torch.from_numpy(layer.kernel.numpy().T))
            lin.bias.copy_(torch.from_numpy(layer.bias.numpy()))
    return model, net, torch_opt_fn(net.parameters())


def _run(model, net, opt, batches, forward=None):
    ours, theirs = [], []
    for x, y in batches:
        ours.append(model.train_on_batch(x, y))
        opt.zero_grad()
        logits = (forward or net)(torch.from_numpy(x))
        loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(y))
        loss.backward()
        opt.step()
        theirs.append(loss.item())
    return np.array(ours), np.array(theirs)


def test_dense_sgd_momentum_matches_pytorch():
    model, net, opt = _mlp_pair(keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                                lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9))
    ours, theirs = _run(model, net, opt, _batches(8, 4))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    assert theirs[-1] < theirs[0]


def test_dense_sgd_nesterov_matches_pytorch():
    model, net, opt = _mlp_pair(keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
                                lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True))
    ours, theirs = _run(model, net, opt, _batches(8, 4, seed=3))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_dense_adam_matches_pytorch():
    # Keras adds epsilon to sqrt(v) before bias correction, PyTorch after: with epsilon this
    # small the two updates agree far below the tolerance.
    model, net, opt = _mlp_pair(keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-10),
                                lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-10))
    ours, theirs = _run(model, net, opt, _batches(8, 4, seed=1))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    assert theirs[-1] < theirs[0]


def test_lstm_adam_matches_pytorch():
    units, feats, classes = 6, 5, 3
    model = keras.Sequential([keras.layers.LSTM(units, input_shape=(7, feats)),
                              keras.layers.Dense(classes, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-10),
                  loss="sparse_categorical_crossentropy")
    lstm, dense = model.layers
    t_lstm = torch.nn.LSTM(feats, units, batch_first=True)
    t_out = torch.nn.Linear(units, classes)
    with torch.no_grad():
        t_lstm.weight_ih_l0.copy_(torch.from_numpy(lstm.kernel.numpy().T))   # (4u, in), rows i, f, g, o
        t_lstm.weight_hh_l0.copy_(torch.from_numpy(lstm.recurrent_kernel.numpy().T))
        t_lstm.bias_ih_l0.copy_(torch.from_numpy(lstm.bias.numpy()))
        t_lstm.bias_hh_l0.zero_()
        t_out.weight.copy_(torch.from_numpy(dense.kernel.numpy().T))
        t_out.bias.copy_(torch.from_numpy(dense.bias.numpy()))
    t_lstm.bias_hh_l0.requires_grad_(False)  # one learned bias, as in Keras
    params = [p for p in t_lstm.parameters() if p.requires_grad] + list(t_out.parameters())
    opt = torch.optim.Adam(params, lr=0.01, eps=1e-10)

    def forward(x):
        _, (h, _) = t_lstm(x)
        return t_out(h[0])

    ours, theirs = _run(model, None, opt, _batches(feats, classes, seq=7, seed=2), forward=forward)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    assert theirs[-1] < theirs[0]
    np.testing.assert_allclose(lstm.bias.numpy(), t_lstm.bias_ih_l0.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(lstm.recurrent_kernel.numpy(), t_lstm.weight_hh_l0.detach().numpy().T,
                               atol=1e-5)


def test_gru_sgd_matches_pytorch():
    """Keras's GRU (reset_after=True) is PyTorch's: gates z, r, h there are r, z, n here, and
    Keras's two bias rows are PyTorch's bias_ih and bias_hh."""
    units, feats, classes = 5, 4, 3
    model = keras.Sequential([keras.layers.GRU(units, input_shape=(6, feats)),
                              keras.layers.Dense(classes, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.5, momentum=0.5), loss="sparse_categorical_crossentropy")
    gru, dense = model.layers
    gru.bias.assign(np.random.default_rng(3).normal(size=(2, 3 * units)))
    t_gru, t_out = torch.nn.GRU(feats, units, batch_first=True), torch.nn.Linear(units, classes)
    order = np.r_[units:2 * units, 0:units, 2 * units:3 * units]  # r, z, n from z, r, h
    with torch.no_grad():
        t_gru.weight_ih_l0.copy_(torch.from_numpy(gru.kernel.numpy()[:, order].T))
        t_gru.weight_hh_l0.copy_(torch.from_numpy(gru.recurrent_kernel.numpy()[:, order].T))
        t_gru.bias_ih_l0.copy_(torch.from_numpy(gru.bias.numpy()[0, order]))
        t_gru.bias_hh_l0.copy_(torch.from_numpy(gru.bias.numpy()[1, order]))
        t_out.weight.copy_(torch.from_numpy(dense.kernel.numpy().T))
        t_out.bias.copy_(torch.from_numpy(dense.bias.numpy()))
    opt = torch.optim.SGD(list(t_gru.parameters()) + list(t_out.parameters()), lr=0.5, momentum=0.5)

    def forward(x):
        _, h = t_gru(x)
        return t_out(h[0])

    ours, theirs = _run(model, None, opt, _batches(feats, classes, seq=6, seed=4), forward=forward)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    np.testing.assert_allclose(gru.recurrent_kernel.numpy()[:, order], t_gru.weight_hh_l0.detach().numpy().T,
                               atol=1e-5)
