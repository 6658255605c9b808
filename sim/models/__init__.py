"""Domain models plugged into the engine: combat, fires, logistics, medical care, C2, injects, exercise control."""
