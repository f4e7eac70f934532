"""Retention: how long footage is kept, legal holds, and the sweep that deletes the rest."""
