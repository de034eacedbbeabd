"""organizations context."""
