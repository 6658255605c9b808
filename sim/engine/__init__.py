"""Scenario-agnostic machinery: the World, random streams, map and movement, phases, the event log."""

from sim.engine.world import World

__all__ = ["World"]
