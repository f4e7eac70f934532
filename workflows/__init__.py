"""The night shift on Prefect 3: flows, deployments, the scheduler and `casework run`.

Flows are thin: each calls a job in `jobs.py`, which calls casework and recorder
services; progress lives in our database (night_run / night_batch). Nothing in
`casework` imports this package; it plugs in through entry points.
"""
