"""Logdirs of embeddings for the projector's tests: written by PyTorch's SummaryWriter (labels,
a metadata table with a header, thumbnails) and by ours, on well-separated clusters."""

from __future__ import annotations

import numpy as np

CLUSTERS, PER_CLUSTER, DIMS = 4, 30, 16


def clusters(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``CLUSTERS`` gaussian blobs far apart in ``DIMS`` dimensions, and each point's cluster."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 8, (CLUSTERS, DIMS))
    labels = np.repeat(np.arange(CLUSTERS), PER_CLUSTER)
    return (centres[labels] + rng.normal(0, 1, (len(labels), DIMS))).astype(np.float32), labels


def knn_agreement(y: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """The share of each point's ``k`` nearest points (in ``y``) that carry its label."""
    d = ((y[:, None] - y[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    return float((labels[np.argsort(d, axis=1)[:, :k]] == labels[:, None]).mean())


def thumbnails(labels: np.ndarray) -> np.ndarray:
    """One 8x8 RGB image per point, its colour its cluster's, [N, 3, 8, 8] in 0..1."""
    images = np.zeros((len(labels), 3, 8, 8), np.float32)
    for i, label in enumerate(labels):
        images[i, label % 3] = 0.3 + 0.2 * (label // 3)
    return images


def write_embeddings(root) -> dict:
    """``root/torch`` (PyTorch: ``words`` with one label column, ``table`` with a header and
    thumbnails) and ``root/ours`` (our writer, step 7); returns what was written."""
    import torch
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    from engine.summary import SummaryWriter

    x, labels = clusters()
    names = [f"c{label}_p{i}" for i, label in enumerate(labels)]
    table = [[name, f"cluster{label}", str(float(label) / 2)]
             for name, label in zip(names, labels, strict=True)]
    with TorchWriter(str(root / "torch")) as w:
        w.add_embedding(torch.tensor(x), metadata=names, tag="words")
        w.add_embedding(torch.tensor(x[:, :8]), metadata=table, metadata_header=["name", "cluster", "score"],
                        label_img=torch.tensor(thumbnails(labels)), tag="table", global_step=2)
    with SummaryWriter(str(root / "ours")) as w:
        w.add_embedding(x, metadata=table, metadata_header=["name", "cluster", "score"],
                        label_img=thumbnails(labels), tag="clusters", global_step=7)
    return {"x": x, "labels": labels, "names": names, "table": table}
