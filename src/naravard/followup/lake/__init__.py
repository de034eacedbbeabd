"""The lake: its tables' schema, validation, the import of CSV files, the extract from the platform and place names."""
