"""``SummaryWriter.add_custom_scalars*``: the custom_scalars plugin's layout of charts that
gather scalar tags (by regular expression) from every run."""

from __future__ import annotations

from tfevents import plugin_summaries


class CustomScalarMethods:
    """Mixed into ``SummaryWriter``: needs ``add_summary``."""

    def add_custom_scalars(self, layout: dict) -> None:
        """``{category: {chart title: ["Multiline", [tags]] | ["Margin", [value, lower, upper]]}}``.
        TensorBoard reads one layout per run: call this once per writer."""
        if not isinstance(layout, dict) or not all(isinstance(v, dict) for v in layout.values()):
            raise TypeError("layout must be {category: {chart: [kind, tags]}}, got "
                            f"{type(layout).__name__}")
        self.add_summary(plugin_summaries.custom_scalars(layout))

    def add_custom_scalars_multilinechart(self, tags, category: str = "default",
                                          title: str = "untitled") -> None:
        """One chart drawing every scalar tag matching ``tags``."""
        self.add_custom_scalars({category: {title: ["Multiline", list(tags)]}})

    def add_custom_scalars_marginchart(self, tags, category: str = "default",
                                       title: str = "untitled") -> None:
        """One chart of a value with a lower and an upper bound: ``tags`` = [value, lower, upper]."""
        if len(tags) != 3:
            raise ValueError(f"a margin chart takes 3 tags (value, lower, upper), got {len(tags)}: {tags!r}")
        self.add_custom_scalars({category: {title: ["Margin", list(tags)]}})
