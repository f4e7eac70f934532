"""Casework's web doors (Flask)."""
