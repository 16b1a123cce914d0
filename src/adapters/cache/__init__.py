"""Cache adapters: Redis and in-memory TTL."""
