"""Training-health diagnostics: the checks (pure functions over what a run logged) and the
monitor that runs them on a live board's data, caching per run."""
