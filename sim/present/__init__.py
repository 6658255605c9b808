"""Presentation: terminal tables (narration and reports to come)."""

from sim.present.table import comparison_table, summary_table, sweep_table

__all__ = ["comparison_table", "summary_table", "sweep_table"]
