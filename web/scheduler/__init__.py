"""Scheduler door: the night's deployments and their last runs, refreshing themselves; the
scheduler role runs and re-runs, the auditor reads."""
