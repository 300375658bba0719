"""How many steps of each image, audio and PR-curve tag are kept: TensorBoard's defaults and
``--samples_per_plugin`` (numpy-free: the command line parses it before anything loads)."""

from __future__ import annotations

KINDS = ("images", "audio")  # the kinds held as blobs (board.data.blobs)
PLUGINS = (*KINDS, "pr_curves")  # the kinds --samples_per_plugin sizes
DEFAULT_KEPT = {"images": 10, "audio": 10, "pr_curves": 100}  # steps per tag: TensorBoard's defaults
MAX_KEPT = 1000  # the most --samples_per_plugin may ask for, per tag


def parse_samples_per_plugin(text: str) -> dict[str, int]:
    """``images=20,pr_curves=5`` -> {"images": 20, "pr_curves": 5}; raises ValueError saying what is wrong."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, number = part.partition("=")
        name = name.strip()
        if not sep or name not in PLUGINS:
            raise ValueError(f"--samples_per_plugin takes images=N, audio=N and pr_curves=N, got {part!r} "
                             "(scalars are kept whole, histograms 500 steps a tag)")
        try:
            count = int(number)
        except ValueError:
            raise ValueError(f"--samples_per_plugin {name}= needs a whole number, got {number!r}") from None
        if not 1 <= count <= MAX_KEPT:
            raise ValueError(f"--samples_per_plugin {name}={count}: give 1 to {MAX_KEPT} steps a tag")
        out[name] = count
    return out
