"""The outbox as the office sees it: list, read and cancel messages (`messages.py`).

Sending, reconciling and provider callbacks are the outbox package (`application.outbox`)."""
