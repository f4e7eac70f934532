"""The night shift's use cases (deadline sweep, inspection cycle, records checks) and its runs.

Plain functions over a container or a unit of work; `workflows/` wraps them in Prefect
flows, and the CLI and tests call them directly.
"""
