"""Commands that do casework: units, cases, tasks, documents, footage access, process models."""
