"""Ports: the small interfaces the use cases need, implemented by adapters."""
