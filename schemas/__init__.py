"""JSON schemas, shipped inside the wheel as ``netlint._schemas``."""
