"""Presentation: terminal views of results (narration and reports to come)."""

from sim.present.table import comparison_view, summary_view, sweep_view

__all__ = ["comparison_view", "summary_view", "sweep_view"]
