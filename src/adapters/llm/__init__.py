"""LLM adapters: OpenAI-compatible servers and the offline, deterministic answerer."""
