"""Footage recorder: capture, catalogue (chain, verify), retention (holds, sweep), quality, export.

Depends on `casework` (db, clock, audit, models, rulebooks); nothing in `casework`
imports it. One room per job, like Frigate's `record/`; `capture.runner` binds the
jobs, `dev` holds synthetic footage and stand-in cameras.
"""
