"""Domain models plugged into the engine: combat and fire support (logistics, medical and C2 to come)."""
