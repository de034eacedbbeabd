"""The reports: the follow-up report in text, PDF and XLSX, and its comparison section."""
