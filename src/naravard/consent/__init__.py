"""consent context."""
