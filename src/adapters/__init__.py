"""Adapters: implementations of the application's ports over real infrastructure."""
