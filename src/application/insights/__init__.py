"""The LLM use cases: each grounds a question in the customer's own records."""
