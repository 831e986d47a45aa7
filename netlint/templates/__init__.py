"""Rule templates: parameterised checks named by rule files (see ``base.py``)."""
