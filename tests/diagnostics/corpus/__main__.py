"""``python -m tests.diagnostics.corpus``: train the corpus, print the confusion table."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.diagnostics.corpus")
    p.add_argument("--logdir", help="train into (or, with --reuse, read) this directory")
    p.add_argument("--reuse", action="store_true", help="do not train: diagnose --logdir as it is")
    p.add_argument("--only", help="comma-separated frameworks (keras3, tf_keras, torch, engine)")
    p.add_argument("--verbose", action="store_true", help="print every run's findings")
    args = p.parse_args(argv)
    from tests.diagnostics.corpus import evaluate, runs

    selected = [r for r in runs.RUNS if not args.only or r.framework in args.only.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        logdir = args.logdir or tmp
        if not args.reuse:
            start = time.perf_counter()
            seconds = runs.generate(logdir, selected)
            print(f"trained {len(selected)} runs in {time.perf_counter() - start:.0f}s "
                  f"({', '.join(f'{fw} {s:.0f}s' for fw, s in seconds.items())})")
        scores = evaluate.score(logdir, selected)
        if args.verbose:
            for r in selected:
                for f in scores.findings.get(r.name, []):
                    print(f"{r.name} [{r.label}] {f.run} {f.kind}/{f.cause}: {f.message}")
        print(evaluate.confusion_table(scores, selected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
