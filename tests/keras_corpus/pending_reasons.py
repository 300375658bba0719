"""Why each script in ``pending/`` still fails on ours: the first divergence it meets (the xfail
reason; README.md's table says the same)."""

PENDING: dict[str, str] = {}
