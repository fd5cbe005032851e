"""CLI verbs, one module per area; see :mod:`geoscribe.cli`."""
