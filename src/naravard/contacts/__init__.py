"""contacts context."""
