"""LLM insights: versioned prompts, grounded answers, caching and the eight use cases."""
