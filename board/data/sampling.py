"""How many steps of each image and audio tag are kept: TensorBoard's defaults and
``--samples_per_plugin`` (numpy-free: the command line parses it before anything loads)."""

from __future__ import annotations

KINDS = ("images", "audio")
DEFAULT_KEPT = {"images": 10, "audio": 10}  # steps per tag: TensorBoard's defaults
MAX_KEPT = 1000  # the most --samples_per_plugin may ask for, per tag


def parse_samples_per_plugin(text: str) -> dict[str, int]:
    """``images=20,audio=5`` -> {"images": 20, "audio": 5}; raises ValueError saying what is wrong."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, number = part.partition("=")
        name = name.strip()
        if not sep or name not in KINDS:
            raise ValueError(f"--samples_per_plugin takes images=N and audio=N, got {part!r} "
                             "(scalars are kept whole, histograms 500 steps a tag)")
        try:
            count = int(number)
        except ValueError:
            raise ValueError(f"--samples_per_plugin {name}= needs a whole number, got {number!r}") from None
        if not 1 <= count <= MAX_KEPT:
            raise ValueError(f"--samples_per_plugin {name}={count}: give 1 to {MAX_KEPT} steps a tag")
        out[name] = count
    return out
