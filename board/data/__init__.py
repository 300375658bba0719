"""A run's data once loaded (``stores``) and the only door to it for everything else
(``provider``: look-ups that copy data out under the run's lock)."""
