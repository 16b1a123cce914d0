"""Offline insight quality on labelled and generated data: `make eval` (python -m tests.evals)."""
