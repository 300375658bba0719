"""Corpus runs trained by PyTorch and logged the way its users log them with
``torch.utils.tensorboard.SummaryWriter``: ``Loss/train`` and ``Accuracy/train`` every step,
``Loss/val`` and ``Accuracy/val`` every epoch, ``lr``, and per epoch the weights
(``fc1.weight``), their gradients (``grad/fc1.weight``) and the hidden activations
(``activations/fc1``) as histograms."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter

from tests.diagnostics.corpus import data


class Net(nn.Module):
    def __init__(self, shape="mlp", act="relu", units=32, depth=1, bias=0.0, init_scale=1.0):
        super().__init__()
        self.shape = shape
        if shape == "cnn":
            self.conv = nn.Conv2d(1, 8, 3)
            width = 8 * 6 * 6
        elif shape in ("lstm", "rnn"):
            self.rnn = (nn.LSTM(8, units, batch_first=True) if shape == "lstm"
                        else nn.RNN(8, units, batch_first=True, nonlinearity="relu"))
            width = units
        else:
            sizes = [64] + [units] * depth
            self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:], strict=False))
            width = units
        self.act = {"relu": nn.ReLU(), "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh()}[act]
        self.out = nn.Linear(width, 10)
        with torch.no_grad():
            for layer in getattr(self, "hidden", []):
                layer.weight.mul_(init_scale)
                layer.bias.fill_(bias)
            if shape == "rnn":
                self.rnn.weight_hh_l0.copy_(init_scale * torch.eye(units))

    def features(self, x):
        """(hidden activations, name) for the histogram, and the input to the output layer."""
        if self.shape == "cnn":
            h = self.act(self.conv(x.permute(0, 3, 1, 2)))
            return h, h.flatten(1)
        if self.shape in ("lstm", "rnn"):
            seq, _ = self.rnn(x)
            return seq[:, -1], seq[:, -1]
        h = x
        for layer in self.hidden:
            h = self.act(layer(h))
        return h, h

    def forward(self, x):
        return self.out(self.features(x)[1])


def train(logdir, shape="mlp", act="relu", lr=0.01, optimizer="adam", epochs=10, units=32,
          depth=1, bias=0.0, init_scale=1.0, samples=data.TRAIN, frozen=False, nan=False,
          shuffled=False, schedule=None, batch_size=64):
    torch.manual_seed(0)
    (x, y), (xv, yv) = data.load(samples, nan=nan, shuffled=shuffled, image=shape == "cnn",
                                 sequence=shape in ("lstm", "rnn"))
    if shape == "rnn":  # long sequences: 32 steps of 2 features
        x, xv = x.reshape(len(x), 32, 2), xv.reshape(len(xv), 32, 2)
        x, xv = np.concatenate([x] * 4, axis=2), np.concatenate([xv] * 4, axis=2)
    x, y, xv, yv = map(torch.from_numpy, (x, y.astype("int64"), xv, yv.astype("int64")))
    model = Net(shape, act, units, depth, bias, init_scale)
    if frozen:
        for p in model.hidden[0].parameters():
            p.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr) if optimizer == "adam" else torch.optim.SGD(params, lr=lr)
    sched = torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.01) if schedule == "step" else None
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(0)
    step = 0
    with SummaryWriter(str(logdir)) as writer:
        for _ in range(epochs):
            model.train()
            for idx in torch.randperm(len(x), generator=gen).split(batch_size):
                out = model(x[idx])
                loss = loss_fn(out, y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                writer.add_scalar("Loss/train", loss.item(), step)
                writer.add_scalar("Accuracy/train", (out.argmax(1) == y[idx]).float().mean().item(), step)
                step += 1
            writer.add_scalar("lr", opt.param_groups[0]["lr"], step)
            model.eval()
            with torch.no_grad():
                out = model(xv)
                writer.add_scalar("Loss/val", loss_fn(out, yv).item(), step)
                writer.add_scalar("Accuracy/val", (out.argmax(1) == yv).float().mean().item(), step)
                acts, _ = model.features(xv)
                if torch.isfinite(acts).all():
                    writer.add_histogram("activations/hidden", acts, step)
            for name, p in model.named_parameters():
                if torch.isfinite(p).all():
                    writer.add_histogram(name, p, step)
                if p.grad is not None and torch.isfinite(p.grad).all():
                    writer.add_histogram(f"grad/{name}", p.grad, step)
            if sched is not None:
                sched.step()
