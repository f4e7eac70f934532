"""Use cases called the same way by the web, the CLI and the scheduled flows.

Each takes plain values and a unit of work, does one engine step and one audit
event, and commits through the unit of work only.
"""
