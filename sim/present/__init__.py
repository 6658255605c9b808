"""Presentation: terminal tables (narration and reports to come)."""

from sim.present.table import summary_table

__all__ = ["summary_table"]
