"""The careplans context."""
