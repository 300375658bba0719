"""Refresh docs/screenshots/, the README's pictures, from the browser tests.

    python scripts/screenshots.py [extra pytest arguments, e.g. -k "scalars or graphs"]

Runs tests/browser with ``BOARD_SCREENSHOTS`` set to a temporary folder (the tests write their
logdirs with tests/browser/logdirs.py, drive each dashboard in Chromium at 1280x800 and shoot it),
and, only if they pass, copies every picture they took into docs/screenshots/. The test suite
itself never writes into the repository. Needs the ``test`` extra and Chromium, as the tests do.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "screenshots"


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="board-screenshots-") as shots:
        env = dict(os.environ, BOARD_SCREENSHOTS=shots,
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/browser", *argv]
        status = subprocess.run(command, cwd=ROOT, env=env).returncode
        if status != 0:
            print("the browser tests failed: docs/screenshots/ left as it was", file=sys.stderr)
            return status
        taken = sorted(pathlib.Path(shots).glob("*.png"))
        if not taken:
            print("the browser tests took no screenshot (skipped? Chromium missing?)", file=sys.stderr)
            return 1
        TARGET.mkdir(parents=True, exist_ok=True)
        for png in taken:
            shutil.copyfile(png, TARGET / png.name)
        print(f"refreshed {len(taken)} screenshots in {TARGET.relative_to(ROOT)}: "
              + ", ".join(p.stem for p in taken))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
