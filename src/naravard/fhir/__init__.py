"""fhir context."""
