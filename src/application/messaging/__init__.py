"""Proactive messaging: the outbox, sending, consent and provider callbacks."""
