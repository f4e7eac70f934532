"""Casework core: rules, calendar, engine, documents, audit and services.

Imports nothing of web/, workflows/ or recorder/.
"""
