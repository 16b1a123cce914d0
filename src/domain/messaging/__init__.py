"""Messaging: the outbox message, its state machine, consent and the send policy."""
