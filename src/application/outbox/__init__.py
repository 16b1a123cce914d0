"""The outbox: queueing a message with the change that caused it, sending it exactly once
(claim, decide, send, record), settling what a dead worker left, and applying what the
provider reports back. Every state change of a message goes through this package."""
