"""The modeler's services: drafts, validation problems, version diff, DI merge, bulk migration."""
