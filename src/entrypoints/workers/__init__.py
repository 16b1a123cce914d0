"""Dramatiq workers and the periodic scheduler (entrypoints, like the HTTP API)."""
