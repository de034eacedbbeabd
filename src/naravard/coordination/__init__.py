"""The coordination context."""
