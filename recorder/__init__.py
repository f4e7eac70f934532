"""Footage recorder: ingest, segment store, hash chain, retention, holds, quality, export.

Depends on `casework` (db, clock, audit, models, rulebooks); nothing in `casework`
imports it. One job per module, like Frigate's `record/`: ingest (segments),
recovery, retention, holds, verify, quality, export; `runner` binds them.
"""
