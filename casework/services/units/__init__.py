"""Units and their systems: registration, filing obligations, credit codes, inspections, unit accounts."""
