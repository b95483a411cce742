"""Frozen pydantic models: the knowledge base and the results computed from it."""
