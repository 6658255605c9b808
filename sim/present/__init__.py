"""Presentation: what results say to their readers — the story, the report, tables, plans and the MSEL."""

from sim.present.table import comparison_view, summary_view, sweep_view

__all__ = ["comparison_view", "summary_view", "sweep_view"]
