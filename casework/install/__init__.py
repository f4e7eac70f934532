"""What `casework init` and `casework demo` put in place: the schema, reference data, demo data."""
