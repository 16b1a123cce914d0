"""Entrypoints: the HTTP API, the workers, the CLI and the composition root."""
