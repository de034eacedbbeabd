"""patients context."""
