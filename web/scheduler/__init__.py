"""Scheduler door (scheduler role): the night's deployments, their last runs, run now."""
