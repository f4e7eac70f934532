"""Cases: opening and showing them, violations, the documents a case issues and serves."""
