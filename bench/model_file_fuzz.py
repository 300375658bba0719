"""A mutation campaign on model files (issue 20, item 7): the files ours, tf_keras and Keras 3
write, each mutated ``--per-file`` times by ``tests/security/model_mutations.py``, loaded by a
worker process running the engine at ``--code`` (default: this tree; give an older checkout to
measure "before"). A worker that dies (a segfault in h5py) or hangs is counted and replaced.

    python bench/model_file_fuzz.py [--per-file 390] [--code DIR] [--timeout 35]

Prints the outcomes by kind: loaded, ``ModelFileError``, ``ValueError`` (a clear error before
``ModelFileError`` existed), any other exception type, crash, hang. Exit status 1 if anything but
loaded or ``ModelFileError`` happened.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import select
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def worker(code):  # pragma: no cover - runs in its own process
    sys.path.insert(0, code)
    import warnings

    from engine import keras as ours
    from tests.keras_files import models

    for line in sys.stdin:
        path = line.strip()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if "weights" in os.path.basename(path):
                    models.build(ours, "mlp").load_weights(path)
                else:
                    ours.models.load_model(path)
            kind = "loaded"
        except Exception as e:  # noqa: BLE001 - what is counted
            kind = type(e).__name__
        print(kind, flush=True)


class Worker:
    def __init__(self, code):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=code)
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", "--code", code],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, env=env)

    def load(self, path, timeout):
        self.proc.stdin.write(path + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.proc.kill()
            self.proc.wait()
            return "hang"
        line = self.proc.stdout.readline().strip()
        if not line:
            self.proc.wait()
            return "crash"
        return line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-file", type=int, default=390)
    parser.add_argument("--code", default=ROOT)
    parser.add_argument("--timeout", type=float, default=35.0)
    parser.add_argument("--worker", action="store_true")
    args = parser.parse_args()
    if args.worker:
        return worker(args.code)
    sys.path.insert(0, ROOT)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np

    from tests.security import model_mutations

    with tempfile.TemporaryDirectory() as tmp:
        base = model_mutations.base_files(os.path.join(tmp, "base"))
        outcomes = {name: collections.Counter() for name in base}
        w, start = Worker(args.code), time.perf_counter()
        for name, path in base.items():
            for i in range(args.per_file):
                out = os.path.join(tmp, f"{i}-{name}")
                model_mutations.mutate(path, np.random.default_rng([i, len(name)]), out)
                kind = w.load(out, args.timeout)
                outcomes[name][kind] += 1
                if kind in ("crash", "hang"):
                    w = Worker(args.code)
                os.unlink(out)
        w.proc.stdin.close()
        w.proc.wait()
    total = sum(outcomes.values(), collections.Counter())
    n = sum(total.values())
    bad = n - total["loaded"] - total["ModelFileError"]
    seconds = round(time.perf_counter() - start, 1)
    print(json.dumps({"code": args.code, "mutations": n, "seconds": seconds,
                      "total": dict(total.most_common()),
                      "per_file": {k: dict(v) for k, v in outcomes.items()},
                      "neither_loaded_nor_ModelFileError": bad}, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
