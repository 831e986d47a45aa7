"""Built-in rule files, shipped inside the wheel as ``netlint._rules``."""
